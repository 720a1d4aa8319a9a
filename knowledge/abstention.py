"""Decide whether the report answers a question, from more than a raw cosine score."""
from __future__ import annotations

from dataclasses import dataclass

from .answers import Hit
from .lexical import words
from .query import Query
from .retrieval import Ranking


@dataclass
class Evidence:
    """What the top passage shares with the question."""

    lexical: float
    dense: float
    coverage: float
    unknown: list[str]
    missing: list[str]


@dataclass
class Verdict:
    """Answer or abstain, and why."""

    abstain: bool
    reason: str | None
    evidence: Evidence


def gather(kb, query: Query, hits: list[Hit], ranking: Ranking) -> Evidence:
    """Coverage of the question's topic words by the top passage's paragraph, and the raw retrieval scores."""
    top = hits[0].passage
    paragraph = kb.paragraph_text(top)
    report = kb.analyzer.report
    content = query.content_words()
    expansions = query.expansions
    covered, unknown, missing = 0.0, [], []
    for word in content:
        if word in paragraph:
            covered += 1
        elif word in report:
            missing.append(word)
        else:
            unknown.append(word)
    hit_expansions = [e for e in expansions if e in paragraph]
    total = len(content)
    coverage = (covered + min(len(hit_expansions), len(unknown) + len(missing))) / total if total else 1.0
    i = top.order
    return Evidence(float(ranking.lexical[i]), float(ranking.dense[i]), min(coverage, 1.0), unknown, missing)


def decide(kb, query: Query, hits: list[Hit], ranking: Ranking) -> Verdict:
    """Abstain unless the evidence says the top passage answers the question."""
    evidence = gather(kb, query, hits, ranking)
    return Verdict(False, None, evidence)
