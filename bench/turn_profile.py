"""Where one chat turn's time goes, and how a turn's cost grows with the conversation.

    .venv/bin/python bench/turn_profile.py                # starts a private stack on free ports (instance/kb)
    .venv/bin/python bench/turn_profile.py --rasa-url http://127.0.0.1:5005 --actions-url http://127.0.0.1:5055
        # a running stack: tokens from WUZHONG_RASA_TOKEN / WUZHONG_ACTIONS_TOKEN or the files `make run` made

Per question (fresh conversations, held-out style questions): the knowledge base alone (in process,
uncached), the REST turn, Rasa's NLU (`/model/parse`), the tracker's load (`GET /conversations/<id>/tracker`),
the action server call with that tracker (answer cached: the server's own overhead), and the relay (「你好」
through the in-process web app minus straight to Rasa). Policies + tracker I/O = the REST turn minus the
rest (a question turn makes one action call: the language slot is set in NLU, bot/language_entity.py). Then
one 80-turn conversation: turns 71–80 ÷ turns 1–10, the sessions it rolled over into (every
WUZHONG_SESSION_TURNS user messages, bot/session_turns.py) and the current session's tracker size beside the
whole conversation's.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
QUESTIONS = REPO / "tests" / "data" / "blind" / "round2" / "questions.jsonl"


def timed(func, *args, **kwargs) -> tuple[float, object]:
    """(milliseconds, result) of one call."""
    started = time.perf_counter()
    result = func(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, result


def token(env: str, name: str) -> str:
    """A service secret from the environment or the file `make run` generated."""
    from scripts.settings import services_dir

    path = services_dir() / name
    return os.environ.get(env) or (path.read_text().strip() if path.is_file() else "")


def profile(args: argparse.Namespace, rasa_url: str, actions_url: str, rasa_token: str, actions_token: str) -> None:
    """Print the per-part medians and the growth of an 80-turn conversation."""
    from knowledge import KnowledgeBase
    from web import create_app

    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
                 if line][: args.questions]
    kb = KnowledgeBase.open(args.kb)
    kb.warm_up()
    http = requests.Session()
    app = create_app({"TESTING": True, "KB": kb, "DB": str(Path(tempfile.mkdtemp()) / "app.sqlite"),
                      "SECRET_KEY": "profile", "RASA_URL": rasa_url, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    parts: dict[str, list[float]] = {k: [] for k in ("rest", "knowledge", "nlu", "tracker_load", "action_cached",
                                                     "web_hello", "rest_hello")}
    auth = {"token": rasa_token}
    for i, question in enumerate(questions):
        sender = f"profile-{time.time_ns()}-{i}"
        # The knowledge layer caches answers: time it here first, so the REST turn's action pays it once more
        # (in the action server) and the direct action call after it measures the action server without it.
        parts["knowledge"].append(timed(kb.answer, question)[0])
        parts["rest"].append(timed(http.post, f"{rasa_url}/webhooks/rest/webhook",
                                   json={"sender": sender, "message": question}, timeout=60)[0])
        parts["nlu"].append(timed(http.post, f"{rasa_url}/model/parse", params=auth, json={"text": question})[0])
        ms, response = timed(http.get, f"{rasa_url}/conversations/{sender}/tracker", params=auth)
        parts["tracker_load"].append(ms)
        call = {"next_action": "action_answer_report", "sender_id": sender, "tracker": response.json(),
                "domain": {}, "version": "3.6.21"}
        parts["action_cached"].append(timed(http.post, f"{actions_url}/webhook", json=call,
                                            headers={"Authorization": f"Bearer {actions_token}"})[0])
        # The relay's own cost: the same greeting through the web app and straight to Rasa.
        parts["web_hello"].append(timed(client.post, "/api/chat", json={"sender": sender + "w", "message": "你好"})[0])
        parts["rest_hello"].append(timed(http.post, f"{rasa_url}/webhooks/rest/webhook",
                                         json={"sender": sender + "r", "message": "你好"}, timeout=60)[0])
    median = {k: statistics.median(v) for k, v in parts.items()}
    print(f"one turn, median of {len(questions)} questions (ms):")
    labels = {"rest": "REST turn (whole Rasa turn)", "knowledge": "knowledge (kb.answer, uncached)",
              "nlu": "NLU (/model/parse)", "tracker_load": "tracker load (GET tracker)",
              "action_cached": "action call, answer cached", "web_hello": "web app turn 你好",
              "rest_hello": "REST turn 你好"}
    for key, value in median.items():
        print(f"  {labels[key]:36s} {value:7.1f}")
    print(f"  {'relay (web − REST, 你好)':36s} {median['web_hello'] - median['rest_hello']:7.1f}")
    rasa_own = median["rest"] - median["nlu"] - median["knowledge"] - median["action_cached"]
    print(f"  {'policies + tracker I/O (the rest)':36s} {rasa_own:7.1f}   (REST − NLU − knowledge − the action call)")
    growth(http, rasa_url, auth, questions)


def growth(http: requests.Session, rasa_url: str, auth: dict, questions: list[str], turns: int = 80) -> None:
    """One long conversation: turns 71–80 ÷ 1–10, the sessions it rolled over into (WUZHONG_SESSION_TURNS) and the
    size of the current session's tracker (what a turn loads and sends to the action server) at turn 10 and at the
    end, beside the whole conversation's."""
    sender = f"profile-long-{time.time_ns()}"
    times, sizes = [], {}
    for turn in range(1, turns + 1):
        times.append(timed(http.post, f"{rasa_url}/webhooks/rest/webhook",
                           json={"sender": sender, "message": questions[turn % len(questions)]}, timeout=60)[0])
        if turn in (10, turns):
            tracker = http.get(f"{rasa_url}/conversations/{sender}/tracker", params=auth).json()
            events = tracker["events"]
            starts = [i for i, event in enumerate(events) if event.get("event") == "session_started"]
            session = events[starts[-1]:] if starts else events
            size = len(json.dumps({**tracker, "events": session}, ensure_ascii=False).encode())
            sizes[turn] = (len(starts), len(session), size, len(events),
                           len(json.dumps(tracker, ensure_ascii=False).encode()))
    first, last = statistics.mean(times[:10]), statistics.mean(times[-10:])
    print(f"one conversation of {turns} turns: turns 1–10 {first:.1f} ms, {turns - 9}–{turns} {last:.1f} ms, "
          f"ratio {last / first:.2f}")
    for turn, (sessions, events, size, all_events, all_size) in sizes.items():
        print(f"  after turn {turn}: {sessions} session(s); current session {events} events, {size / 1024:.0f} KiB "
              f"as JSON (what a turn loads; before scripts/action_calls.py Rasa 3.6 sent it whole per action call); "
              f"whole conversation {all_events} events, {all_size / 1024:.0f} KiB")


def main(argv: list[str] | None = None) -> int:
    """Profile a running stack, or start a private one on free ports."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasa-url")
    parser.add_argument("--actions-url")
    parser.add_argument("--kb", default=str(REPO / "instance" / "kb"))
    parser.add_argument("--questions", type=int, default=30)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.rasa_url and args.actions_url:
        profile(args, args.rasa_url.rstrip("/"), args.actions_url.rstrip("/"),
                token("WUZHONG_RASA_TOKEN", "rasa_token"), token("WUZHONG_ACTIONS_TOKEN", "actions_token"))
        return 0
    from tests.stack import start_stack

    stack = start_stack(args.kb, tempfile.mkdtemp(prefix="turn-profile-"))
    try:
        profile(args, stack.rasa_url, stack.actions_url, stack.rasa_token, stack.actions_token)
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
