"""Chat-turn logging speed of the app database (records): median and p95 of `record_bot_messages`
and `record_feedback` on a fresh SQLite file, or on $WUZHONG_DATABASE_URL when given with --url."""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import records  # noqa: E402


def measure(func, runs: int) -> tuple[float, float]:
    """Median and p95 in milliseconds of `func(i)` over `runs` calls."""
    times = []
    for i in range(runs):
        start = time.perf_counter()
        func(i)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--runs", type=int, default=500)
    args = parser.parse_args()
    url = args.url or str(Path(tempfile.mkdtemp()) / "bench.sqlite")
    start = time.perf_counter()
    records.upgrade(url)
    print(f"upgrade to head: {(time.perf_counter() - start) * 1000:.0f} ms")
    message = {"text": "今年新增学位7530个。", "citation": {"passage_id": "p1", "kb_version": "v1"}}
    median, p95 = measure(lambda i: records.record_bot_messages(
        "bench", "新增多少学位", [{**message, "message_id": f"m{i}"}], url=url), args.runs)
    print(f"record_bot_messages: median {median:.2f} ms, p95 {p95:.2f} ms ({args.runs} turns)")
    median, p95 = measure(lambda i: records.record_feedback("bench", True, message_id=f"m{i}", url=url), args.runs)
    print(f"record_feedback:     median {median:.2f} ms, p95 {p95:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
