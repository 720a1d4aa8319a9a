"""Score a question file: retrieval recall, correct answers, wrong answers and abstention, for the system and its baselines.

A line is `{"question", "gold": [report substrings], "lang"?, "context"?, "kind"?, "figure"?}`. Empty gold, or an
out-of-scope kind, means the system must abstain. A figure question is correct only when the cited passage holds
the gold AND the answer text states the figure. A *wrong answer* cites a passage without the gold, or answers a
question it had to decline: the worst defect, reported beside correctness.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import KnowledgeError

SYSTEMS = (("hybrid", "full system"), ("lexical", "BM25 only"), ("dense", "dense only"))
# Kinds of request a government work report never answers: the system must decline them.
DECLINE_KINDS = frozenset({"out_of_scope", "service", "chat", "meta", "nonsense", "unclear", "official"})
LANGUAGES = ("zh", "zh-hant", "en")


@dataclass
class Question:
    """One line of an evaluation file; empty gold (or a decline kind) means the system must abstain."""

    question: str
    gold: list[str]
    context: str | None = None
    lang: str | None = None
    tags: list[str] = field(default_factory=list)
    kind: str | None = None
    figure: str | None = None
    id: str | None = None

    @property
    def must_abstain(self) -> bool:
        """True when no passage of the report answers the question."""
        return not self.gold or (self.kind or "") in DECLINE_KINDS

    @property
    def language(self) -> str:
        """zh, zh-hant or en (older files mark Traditional questions with a tag)."""
        if self.lang == "zh" and "traditional" in self.tags:
            return "zh-hant"
        return self.lang or "zh"


def load_questions(path: Path | str) -> list[Question]:
    """Parse a JSONL question file, with the line number of any malformed line."""
    questions = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            questions.append(Question(data["question"], list(data.get("gold") or []), data.get("context"),
                                      data.get("lang"), list(data.get("tags") or []), data.get("kind"),
                                      data.get("figure"), data.get("id")))
        except (ValueError, KeyError, TypeError) as exc:
            raise KnowledgeError(f"{path}:{number}: not a question line ({exc})") from exc
    return questions


def judge(q: Question, answer) -> dict:
    """One question's outcome: rank of the gold passage, abstained, correct, wrong."""
    hits = answer.hits if answer is not None else []
    ranks = [i for i, h in enumerate(hits) if any(g in h.passage.text for g in q.gold)]
    abstained = answer is None or answer.abstained
    cited = "" if abstained else answer.citation.passage.text
    cites_gold = bool(q.gold) and any(g in cited for g in q.gold)
    if q.must_abstain:
        correct, wrong = abstained, not abstained
    elif q.kind == "figure" and q.figure is None:
        # The report names the item but gives no figure: declining, or quoting the item's own passage, is right.
        correct, wrong = abstained or cites_gold, not abstained and not cites_gold
    else:
        states = q.figure is None or (answer is not None and q.figure in answer.text)
        correct, wrong = not abstained and cites_gold and states, not abstained and not cites_gold
    return {"q": q, "rank": ranks[0] if ranks else None, "abstained": abstained, "correct": correct, "wrong": wrong,
            "reason": None if answer is None else answer.reason,
            "quote": "" if abstained else answer.citation.quote}


def score(kb, questions: list[Question], mode: str = "hybrid") -> dict:
    """Metrics of one retrieval mode over the questions (recall over in-scope ones, abstention over the rest)."""
    rows = []
    for q in questions:
        try:
            answer = kb.answer(q.question, context=q.context, mode=mode)
        except KnowledgeError:  # an empty question is refused: an abstention
            answer = None
        rows.append(judge(q, answer))
    return summarize(rows)


def _share(items, pred) -> float:
    return sum(1 for r in items if pred(r)) / len(items) if items else float("nan")


def summarize(rows: list[dict]) -> dict:
    """Aggregate per-question rows into the reported figures."""
    inscope = [r for r in rows if not r["q"].must_abstain]
    oos = [r for r in rows if r["q"].must_abstain]
    # A question whose figure the report does not give may rightly be declined: not a false abstention.
    answerable = [r for r in inscope if not (r["q"].kind == "figure" and r["q"].figure is None)]
    result = {
        "questions": len(rows), "in_scope": len(inscope), "out_of_scope": len(oos),
        "recall@1": _share(inscope, lambda r: r["rank"] == 0),
        "recall@3": _share(inscope, lambda r: r["rank"] is not None and r["rank"] < 3),
        "mrr": sum(1 / (r["rank"] + 1) for r in inscope if r["rank"] is not None) / len(inscope) if inscope else float("nan"),
        "correct": _share(inscope, lambda r: r["correct"]),
        "answer_accuracy": _share(rows, lambda r: r["correct"]),
        "wrong_answers": _share(rows, lambda r: r["wrong"]),
        "abstention": _share(oos, lambda r: r["abstained"]),
        "false_abstention": _share(answerable, lambda r: r["abstained"]),
        "failures": [r for r in rows if not r["correct"]],
    }
    for language in LANGUAGES:
        mine = [r for r in inscope if r["q"].language == language]
        result[f"{language}_correct"] = _share(mine, lambda r: r["correct"])
        result[f"{language}_n"] = len(mine)
    return result


METRICS = ("recall@1", "recall@3", "mrr", "correct", "answer_accuracy", "wrong_answers", "abstention",
           "false_abstention", *(f"{lang}_correct" for lang in LANGUAGES))


def report(kb, path: Path | str, show_failures: bool = False) -> str:
    """The side-by-side table printed by `python -m knowledge eval`."""
    questions = load_questions(path)
    results = {mode: score(kb, questions, mode) for mode, _ in SYSTEMS}
    first = results["hybrid"]
    lines = [f"{path}: {first['questions']} questions ({first['in_scope']} in scope, {first['out_of_scope']} must abstain; "
             + ", ".join(f"{lang} {first[f'{lang}_n']}" for lang in LANGUAGES) + ")",
             f"{'metric':<18}" + "".join(f"{label:>14}" for _, label in SYSTEMS)]
    for metric in METRICS:
        lines.append(f"{metric:<18}" + "".join(f"{results[mode][metric]:>14.3f}" for mode, _ in SYSTEMS))
    kinds = sorted({q.kind for q in questions if q.kind})
    if kinds:
        lines.append("by kind (full system): " + "; ".join(_kind_line(questions, first, kind) for kind in kinds))
    if show_failures:
        lines.append("failures of the full system:")
        for r in first["failures"]:
            got = f"abstained ({r['reason']})" if r["abstained"] else f"quoted {r['quote'][:50]}"
            flag = "WRONG " if r["wrong"] else ""
            context = f" [after: {r['q'].context}]" if r["q"].context else ""
            lines.append(f"  {flag}[{r['q'].kind or '-'}] {r['q'].question}{context} -> {got}; "
                         f"gold {r['q'].gold[:1]} figure {r['q'].figure}, rank {r['rank']}")
    return "\n".join(lines)


def _kind_line(questions: list[Question], result: dict, kind: str) -> str:
    total = sum(1 for q in questions if q.kind == kind)
    failed = sum(1 for r in result["failures"] if r["q"].kind == kind)
    return f"{kind} {total - failed}/{total}"
