"""Latency of the assistant through the Rasa REST channel for one client: p50 / p95 (targets 80 / 200 ms).

    .venv/bin/python bench/rasa_latency.py [--url http://127.0.0.1:5005] [--rounds 2]

Sends the questions of tests/data/dev.jsonl (each follow-up after its context, in one conversation)
plus small talk, one request at a time after a warm-up, and prints percentiles per kind of turn.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SMALL_TALK = ["你好", "谢谢", "出处？", "Hello", "thanks", "再见"]
TARGET_P50_MS, TARGET_P95_MS = 80.0, 200.0


def timed_send(url: str, sender: str, message: str) -> float:
    """Milliseconds for one REST round trip (the bot's whole reply)."""
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(f"{url}/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], share: float) -> float:
    """The `share` percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main(argv: list[str] | None = None) -> int:
    """Run the timed conversation and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("WUZHONG_RASA_URL", "http://127.0.0.1:5005"))
    parser.add_argument("--data", default=str(REPO / "tests" / "data" / "dev.jsonl"))
    parser.add_argument("--rounds", type=int, default=1, help="passes over the question file")
    args = parser.parse_args(argv)

    rows = [json.loads(line) for line in Path(args.data).read_text(encoding="utf-8").splitlines() if line.strip()]
    run = f"latency-{int(time.time())}"
    for message in ("你好", "今年新增多少学位？", "How many new bus stops?"):  # warm-up: graphs, caches
        timed_send(args.url, f"{run}-warm", message)

    timings: dict[str, list[float]] = {"question": [], "follow-up": [], "small talk": []}
    for round_no in range(args.rounds):
        for number, row in enumerate(rows):
            sender = f"{run}-{round_no}-{number}"
            if row.get("context"):
                timings["question"].append(timed_send(args.url, sender, row["context"]))
                timings["follow-up"].append(timed_send(args.url, sender, row["question"]))
            else:
                timings["question"].append(timed_send(args.url, sender, row["question"]))
            if number % 10 == 0:
                message = SMALL_TALK[(number // 10) % len(SMALL_TALK)]
                timings["small talk"].append(timed_send(args.url, sender, message))

    everything = [t for values in timings.values() for t in values]
    print(f"{len(everything)} requests through {args.url}/webhooks/rest/webhook, one client")
    print(f"{'turn':<12}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'mean':>10}{'max':>10}")
    for kind, values in [*timings.items(), ("all", everything)]:
        if values:
            print(f"{kind:<12}{len(values):>6}{percentile(values, 0.5):>10.1f}{percentile(values, 0.95):>10.1f}"
                  f"{statistics.fmean(values):>10.1f}{max(values):>10.1f}")
    p50, p95 = percentile(everything, 0.5), percentile(everything, 0.95)
    print(f"targets: p50 <= {TARGET_P50_MS:.0f} ms ({'ok' if p50 <= TARGET_P50_MS else 'MISSED'}), "
          f"p95 <= {TARGET_P95_MS:.0f} ms ({'ok' if p95 <= TARGET_P95_MS else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
