"""Closed-loop load on the running assistant: N clients, each sending its next question as soon as the last
answer came, a new conversation every 6 turns, for T seconds; prints turns/s, p50/p95 and errors.

    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 --clients 1 16 32 --seconds 60
    .venv/bin/python bench/load.py --rasa-url http://127.0.0.1:5005 --clients 16 --floor   # bare Rasa 「你好」

Half the questions are first-seen (each asked once: the project's other question files), half the popular
held-out ones of tests/data/blind/round2/questions.jsonl asked again, through `/api/chat` (the web app,
its relay, Rasa, the action server, the knowledge base). `--floor` posts 「你好」 straight to Rasa's REST
channel: the cost of a Rasa turn with no knowledge lookup, the floor of any chat turn. A turn answered in
reduced mode counts as an error. The web app's rate limits must be raised by setting for this, e.g.
`WUZHONG_CHAT_RATE_LIMIT="1000000 per minute" WUZHONG_CHAT_ADDRESS_RATE_LIMIT="1000000 per minute"`.
"""
from __future__ import annotations

import argparse
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = REPO / "tests" / "data" / "blind" / "round2" / "questions.jsonl"
# First-seen questions come from every other question file the project has read (never the current blind round):
# each is asked once per server lifetime, so the knowledge layer's memory of answers cannot serve it.
FRESH_QUESTIONS = [REPO / "tests" / "data" / name for name in (
    "dev.jsonl", "check.jsonl", *(f"blind/round{n}/questions.jsonl" for n in (1, 3, 4, 5)))]
TURNS_PER_CONVERSATION = 6
FIRST_SEEN_SHARE = 0.5


@dataclass
class Tally:
    """Latencies and errors of every client (appended under one lock)."""

    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, error: str | None) -> None:
        """One finished turn."""
        with self.lock:
            if error:
                self.errors[error] = self.errors.get(error, 0) + 1
            else:
                self.latencies.append(seconds)


def percentile(values: list[float], share: float) -> float:
    """The `share` percentile (nearest rank) of `values`; 0 for none."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] if ordered else 0.0


def one_turn(session: requests.Session, args: argparse.Namespace, sender: str, question: str) -> str | None:
    """Send one turn; None when answered normally, else the kind of error."""
    try:
        if args.floor:
            response = session.post(f"{args.rasa_url}/webhooks/rest/webhook",
                                    json={"sender": sender, "message": "你好"}, timeout=60)
        else:
            response = session.post(f"{args.url}/api/chat", json={"sender": sender, "message": question}, timeout=60)
    except requests.RequestException as exc:
        return type(exc).__name__
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    body = response.json()
    if args.floor:
        return None if isinstance(body, list) and body else "empty reply"
    return None if body.get("mode") == "normal" and body.get("messages") else f"mode {body.get('mode')}"


class Questions:
    """Half first-seen (each fresh question handed out once), half the popular held-out ones asked again."""

    def __init__(self, popular: list[str], fresh: list[str], share: float = FIRST_SEEN_SHARE) -> None:
        self.popular, self.fresh = popular, list(dict.fromkeys(q for q in fresh if q not in set(popular)))
        self.share = share
        random.Random(0).shuffle(self.fresh)
        self.lock = threading.Lock()
        self.fresh_used = 0

    def next(self, rng: random.Random) -> str:
        """The next question a client asks."""
        if rng.random() < self.share:
            with self.lock:
                if self.fresh_used < len(self.fresh):
                    self.fresh_used += 1
                    return self.fresh[self.fresh_used - 1]
        return rng.choice(self.popular)


def client(index: int, args: argparse.Namespace, questions: Questions, stop_at: float, tally: Tally) -> None:
    """One closed-loop client until `stop_at`."""
    rng = random.Random(index)
    session = requests.Session()
    turn, sender = 0, ""
    while time.monotonic() < stop_at:
        if turn % TURNS_PER_CONVERSATION == 0:
            sender = f"load-{index}-{uuid.uuid4().hex[:10]}"
        started = time.perf_counter()
        error = one_turn(session, args, sender, questions.next(rng))
        tally.add(time.perf_counter() - started, error)
        turn += 1


def run(args: argparse.Namespace, clients: int, questions: Questions) -> dict:
    """One measurement with `clients` clients; its figures."""
    tally = Tally()
    started = time.monotonic()
    stop_at = started + args.seconds
    threads = [threading.Thread(target=client, args=(i, args, questions, stop_at, tally)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    done = len(tally.latencies)
    return {"clients": clients, "turns": done, "turns_per_s": round(done / elapsed, 2),
            "p50_ms": round(percentile(tally.latencies, 0.5) * 1000), "p95_ms": round(percentile(tally.latencies, 0.95) * 1000),
            "errors": sum(tally.errors.values()), "error_kinds": tally.errors,
            "what": "bare Rasa 你好 (floor)" if args.floor else "/api/chat held-out questions"}


def main(argv: list[str] | None = None) -> int:
    """Parse the options, warm up, measure each client count, print one line (and a JSON row) per count."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the web app")
    parser.add_argument("--rasa-url", default="http://127.0.0.1:5005", help="Rasa, for --floor")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 16, 32])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--floor", action="store_true", help="「你好」 straight to Rasa's REST channel")
    parser.add_argument("--first-seen", type=float, default=FIRST_SEEN_SHARE, help="share of first-seen questions")
    args = parser.parse_args(argv)
    questions = Questions(_questions(QUESTIONS), [q for path in FRESH_QUESTIONS for q in _questions(path)],
                          args.first_seen)
    warm = argparse.Namespace(**{**vars(args), "seconds": 3.0})
    run(warm, 2, Questions(questions.popular, []))
    for clients in args.clients:
        used = questions.fresh_used
        row = run(args, clients, questions)
        row["first_seen"] = questions.fresh_used - used
        print(f"{row['what']}: {clients:3d} clients  {row['turns_per_s']:7.2f} turns/s  p50 {row['p50_ms']} ms  "
              f"p95 {row['p95_ms']} ms  errors {row['errors']} {row['error_kinds'] or ''}  "
              f"first-seen {row['first_seen']}/{row['turns']}", flush=True)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    return 0


def _questions(path: Path) -> list[str]:
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


if __name__ == "__main__":
    raise SystemExit(main())
