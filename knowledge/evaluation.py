"""Score a question file: retrieval recall, MRR, answer accuracy and abstention, for the system and its baselines."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import KnowledgeError

SYSTEMS = (("hybrid", "full system"), ("lexical", "BM25 only"), ("dense", "dense only"))


@dataclass
class Question:
    """One line of an evaluation file; empty gold means the system must abstain."""

    question: str
    gold: list[str]
    context: str | None = None
    lang: str | None = None
    tags: list[str] = field(default_factory=list)


def load_questions(path: Path | str) -> list[Question]:
    """Parse a JSONL question file, with the line number of any malformed line."""
    questions = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            questions.append(Question(data["question"], list(data.get("gold") or []), data.get("context"),
                                      data.get("lang"), list(data.get("tags") or [])))
        except (ValueError, KeyError, TypeError) as exc:
            raise KnowledgeError(f"{path}:{number}: not a question line ({exc})") from exc
    return questions


def score(kb, questions: list[Question], mode: str = "hybrid") -> dict:
    """Metrics of one retrieval mode over the questions (recall over in-scope ones, abstention over the rest)."""
    rows = []
    for q in questions:
        answer = kb.answer(q.question, context=q.context, mode=mode)
        ranks = [i for i, h in enumerate(answer.hits) if any(g in h.passage.text for g in q.gold)]
        quote = answer.citation.quote if answer.citation else ""
        rows.append({"q": q, "rank": ranks[0] if ranks else None, "abstained": answer.abstained,
                     "reason": answer.reason, "quote": quote,
                     "correct": (not answer.abstained and any(g in quote for g in q.gold)) if q.gold
                     else answer.abstained})
    return summarize(rows)


def summarize(rows: list[dict]) -> dict:
    """Aggregate per-question rows into the reported figures."""
    inscope = [r for r in rows if r["q"].gold]
    oos = [r for r in rows if not r["q"].gold]

    def share(items, pred):
        return sum(1 for r in items if pred(r)) / len(items) if items else float("nan")

    english = [r for r in inscope if r["q"].lang == "en"]
    return {
        "questions": len(rows), "in_scope": len(inscope), "out_of_scope": len(oos),
        "recall@1": share(inscope, lambda r: r["rank"] == 0),
        "recall@3": share(inscope, lambda r: r["rank"] is not None and r["rank"] < 3),
        "mrr": sum(1 / (r["rank"] + 1) for r in inscope if r["rank"] is not None) / len(inscope) if inscope else float("nan"),
        "answer_accuracy": share(rows, lambda r: r["correct"]),
        "abstention": share(oos, lambda r: r["abstained"]),
        "false_abstention": share(inscope, lambda r: r["abstained"]),
        "en_recall@3": share(english, lambda r: r["rank"] is not None and r["rank"] < 3),
        "failures": [r for r in rows if not r["correct"]],
    }


def report(kb, path: Path | str, show_failures: bool = False) -> str:
    """The side-by-side table printed by `python -m knowledge eval`."""
    questions = load_questions(path)
    results = {mode: score(kb, questions, mode) for mode, _ in SYSTEMS}
    metrics = ("recall@1", "recall@3", "mrr", "answer_accuracy", "abstention", "false_abstention", "en_recall@3")
    first = results["hybrid"]
    lines = [f"{path}: {first['questions']} questions ({first['in_scope']} in scope, {first['out_of_scope']} must abstain)",
             f"{'metric':<18}" + "".join(f"{label:>14}" for _, label in SYSTEMS)]
    for metric in metrics:
        lines.append(f"{metric:<18}" + "".join(f"{results[mode][metric]:>14.3f}" for mode, _ in SYSTEMS))
    if show_failures:
        lines.append("failures of the full system:")
        for r in first["failures"]:
            got = f"abstained ({r['reason']})" if r["abstained"] else f"quoted {r['quote'][:50]}"
            context = f" [after: {r['q'].context}]" if r["q"].context else ""
            lines.append(f"  {r['q'].question}{context} -> {got}; gold {r['q'].gold[:1]}, rank {r['rank']}")
    return "\n".join(lines)
