"""Score whole conversations through the web app's /api/chat, with a real Rasa server and action server.

    .venv/bin/python bench/conversations.py bench/conversations_sample.jsonl [--failures]
    .venv/bin/python bench/conversations.py FILE --rasa-url http://127.0.0.1:5005   # reuse a running stack

One conversation per line: {"id", "persona", "lang", "turns": [{"user", "expect", "must_contain",
"must_not_contain"}]}; expect is answer | abstain | redirect | clarify | decline | greet (judged by
tests/bot/judging.py). A conversation passes when every turn does. Prints each conversation's verdict,
the pass rate, and intent F1 of the Rasa NLU on these turns (intents read back from Rasa's tracker).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
import urllib.request
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from tests.bot.judging import EXPECTED_CLASS, INTENT_CLASSES, intent_f1, judge_turn  # noqa: E402


def load(path: Path) -> list[dict]:
    """The conversations of a JSONL file (blank lines skipped)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def tracker_intents(rasa_url: str, sender: str, token: str) -> list[str]:
    """The intent Rasa's NLU gave each user message of a conversation, in order (Rasa's HTTP API needs its token)."""
    with urllib.request.urlopen(f"{rasa_url}/conversations/{sender}/tracker?token={token}", timeout=30) as response:
        events = json.load(response)["events"]
    return [((e.get("parse_data") or {}).get("intent") or {}).get("name") or "" for e in events
            if e.get("event") == "user"]


def run_conversation(client, rasa_url: str, token: str, conversation: dict) -> dict:
    """Send each turn through /api/chat; judge it; read back the intents."""
    sender = f"bench-{uuid.uuid4().hex[:12]}"
    lang = conversation.get("lang", "zh")
    turns = []
    for turn in conversation["turns"]:
        response = client.post("/api/chat", json={"sender": sender, "message": turn["user"]})
        reply = response.get_json(silent=True) or {}
        problems = [f"HTTP {response.status_code}"] if response.status_code != 200 else judge_turn(reply, turn, lang)
        texts = [m.get("text") or "" for m in reply.get("messages") or []]
        turns.append({"turn": turn, "problems": problems, "texts": texts})
    try:
        intents = tracker_intents(rasa_url, sender, token)
    except OSError:
        intents = []
    # Turns Rasa never saw (reduced mode) have no intent; align from the end of the conversation.
    for item, intent in zip(turns, intents[-len(turns):] if len(intents) >= len(turns) else []):
        item["intent"] = intent
    return {"id": conversation.get("id"), "turns": turns, "passed": all(not t["problems"] for t in turns)}


def make_client(rasa_url: str, actions_url: str, kb_dir: Path, db: Path):
    """A test client of the real web app wired to the given Rasa server (no rate limit)."""
    from web import create_app

    app = create_app({"TESTING": True, "KB_DIR": str(kb_dir), "DB": str(db), "SECRET_KEY": "bench",
                      "RASA_URL": rasa_url, "ACTIONS_URL": actions_url, "RASA_TIMEOUT": 120.0,
                      "RATELIMIT_ENABLED": False})
    return app.test_client()


def report(results: list[dict], show_failures: bool) -> None:
    """Per-conversation verdicts, pass rates and intent F1."""
    for result in results:
        print(f"{'PASS' if result['passed'] else 'FAIL'}  {result['id']}")
        if show_failures or not result["passed"]:
            for i, item in enumerate(result["turns"], 1):
                if item["problems"]:
                    shown = " ‖ ".join(t.replace("\n", " ")[:120] for t in item["texts"])
                    print(f"      turn {i} 「{item['turn']['user']}」 expect {item['turn'].get('expect')} "
                          f"[{item.get('intent', '?')}]: {'; '.join(item['problems'])}\n        got: {shown}")
    passed = sum(r["passed"] for r in results)
    turns = [t for r in results for t in r["turns"]]
    good_turns = sum(not t["problems"] for t in turns)
    print(f"\nconversations passed: {passed}/{len(results)} ({100 * passed / max(1, len(results)):.1f}%)")
    print(f"turns passed: {good_turns}/{len(turns)} ({100 * good_turns / max(1, len(turns)):.1f}%)")
    pairs = [(EXPECTED_CLASS[t["turn"].get("expect", "answer")], INTENT_CLASSES.get(t["intent"], "other"))
             for t in turns if t.get("intent")]
    if pairs:
        weighted, per_class = intent_f1(pairs)
        print(f"intent F1 (weighted, {len(pairs)} turns): {weighted:.3f}  "
              + "  ".join(f"{name} {f1:.2f}" for name, f1 in per_class.items()))
        confused = Counter(f"{gold}→{predicted}" for gold, predicted in pairs if gold != predicted)
        print("intent confusions (expected class→NLU class): "
              + (", ".join(f"{pair} {n}" for pair, n in confused.most_common()) or "none"))
        # What matters for answers: a report question NLU sends somewhere the knowledge layer never sees.
        away = [t for t in turns if t["turn"].get("expect") == "answer"
                and INTENT_CLASSES.get(t.get("intent", ""), "other") in ("smalltalk", "unclear")
                and t.get("intent") != "nlu_fallback"]
        print(f"report questions routed away from the knowledge layer by NLU: {len(away)}"
              + "".join(f"\n      「{t['turn']['user']}」 → {t['intent']}" for t in away))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", type=Path, nargs="?", default=REPO / "bench" / "conversations_sample.jsonl")
    parser.add_argument("--rasa-url", help="use this running Rasa server instead of starting a stack")
    parser.add_argument("--actions-url", default="http://127.0.0.1:5055")
    parser.add_argument("--kb", type=Path, help="knowledge base for the started stack (default: the published one)")
    parser.add_argument("--failures", action="store_true", help="show every turn's problems, also of passing ones")
    args = parser.parse_args(argv)
    conversations = load(args.file)

    from knowledge.kb import default_path
    from scripts.settings import instance_token

    kb_dir = args.kb or default_path()
    with tempfile.TemporaryDirectory(prefix="bench-conversations-") as workdir:
        stack = None
        rasa_url, actions_url = args.rasa_url, args.actions_url
        token = instance_token("rasa_token", "WUZHONG_RASA_TOKEN") if rasa_url else ""
        if not rasa_url:
            from tests.stack import start_stack

            started = time.perf_counter()
            stack = start_stack(kb_dir, workdir)
            rasa_url, actions_url, token = stack.rasa_url, stack.actions_url, stack.rasa_token
            print(f"stack up in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        try:
            client = make_client(rasa_url, actions_url, kb_dir, Path(workdir) / "web.sqlite")
            started = time.perf_counter()
            results = [run_conversation(client, rasa_url, token, c) for c in conversations]
            seconds = time.perf_counter() - started
        finally:
            if stack is not None:
                stack.stop()
    report(results, args.failures)
    turns = sum(len(r["turns"]) for r in results)
    print(f"{turns} turns in {seconds:.0f} s ({1000 * seconds / max(1, turns):.0f} ms per turn)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
