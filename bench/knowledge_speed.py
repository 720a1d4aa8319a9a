"""Speed of the knowledge layer: build time, warm search and answer latency over the dev questions.

    .venv/bin/python bench/knowledge_speed.py [--kb DIR] [--rounds N]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from knowledge import KnowledgeBase  # noqa: E402
from knowledge.evaluation import load_questions  # noqa: E402

DEV = Path(__file__).resolve().parent.parent / "tests" / "data" / "dev.jsonl"


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return f"p50 {p(0.5):6.1f} ms  p95 {p(0.95):6.1f} ms  (n={len(samples)})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        kb = KnowledgeBase.build(out)
        print(f"build: {time.perf_counter() - started:.1f} s for {len(kb.passages)} passages (both encoders, cold)")
        questions = load_questions(DEV)
        kb.warm_up()
        for name, call in (("search", lambda q: kb.search(q.question, k=5, context=q.context)),
                           ("answer", lambda q: kb.answer(q.question, context=q.context))):
            for lang in ("zh", "en", None):
                subset = [q for q in questions if lang is None or q.lang == lang]
                samples = []
                for _ in range(args.rounds):
                    for q in subset:
                        kb.clear_cache()  # every question as if asked for the first time
                        t = time.perf_counter()
                        call(q)
                        samples.append(time.perf_counter() - t)
                print(f"{name:<6} {lang or 'all':<3} {percentiles(samples)}")


if __name__ == "__main__":
    main()
