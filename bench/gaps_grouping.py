"""How well the gaps page groups residents' questions: paraphrase pairs kept together, unrelated pairs kept apart.

    .venv/bin/python bench/gaps_grouping.py [FILE] [--sweep]

FILE (default tests/data/gaps/logged_questions.jsonl) holds {"question", "reason", "group"} lines; `group`
names a set of paraphrases, null for a question unrelated to every other. Targets: ≥ 90% of paraphrase
pairs in one group, ≤ 5% of unrelated pairs in one group. `--sweep` prints both figures per threshold
(how knowledge/grouping.py's THRESHOLD was chosen).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.grouping import THRESHOLD, group_questions, pair_figures  # noqa: E402

FIXTURE = ROOT / "tests/data/gaps/logged_questions.jsonl"
SWEEP = [round(0.40 + 0.02 * i, 2) for i in range(16)]


def load(path: Path) -> list[dict]:
    """The logged questions of a fixture file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    """Print the grouping figures (and the threshold sweep)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=FIXTURE)
    parser.add_argument("--sweep", action="store_true", help="figures for a range of thresholds")
    args = parser.parse_args()
    rows = load(args.file)
    texts, truth = [r["question"] for r in rows], [r.get("group") for r in rows]
    started = time.perf_counter()
    groups = group_questions(texts)
    seconds = time.perf_counter() - started
    together, apart_failures = pair_figures(truth, groups)
    sets = {t for t in truth if t is not None}
    print(f"{len(texts)} questions, {len(sets)} paraphrase sets, {sum(t is None for t in truth)} singletons")
    print(f"threshold {THRESHOLD}: {len(groups)} groups in {seconds:.1f} s (models loading included)")
    print(f"paraphrase pairs in the same group: {together:.1%} (target >= 90%)")
    print(f"unrelated pairs in the same group:  {apart_failures:.1%} (target <= 5%)")
    if args.sweep:
        # Pair errors: paraphrase pairs split plus unrelated pairs merged (what the threshold was chosen to minimise
        # within the targets).
        n = len(texts)
        paraphrase_pairs = sum(truth[i] is not None and truth[i] == truth[j] for i in range(n) for j in range(i + 1, n))
        unrelated_pairs = n * (n - 1) // 2 - paraphrase_pairs
        print("threshold  paraphrase-together  unrelated-together  groups  pair-errors")
        for threshold in SWEEP:
            swept = group_questions(texts, threshold=threshold)
            a, b = pair_figures(truth, swept)
            errors = round((1 - a) * paraphrase_pairs + b * unrelated_pairs)
            print(f"{threshold:9.2f}  {a:19.1%}  {b:18.1%}  {len(swept):6d}  {errors:11d}")
    for group in groups:  # what an operator would see, for a human check
        if len(group.members) > 1:
            print(f"- [{len(group.members)}] " + " | ".join(texts[i] for i in group.members))


if __name__ == "__main__":
    main()
