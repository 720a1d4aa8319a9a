"""Decide whether the report answers a question, from more than a raw cosine score.

Two tests, both measured on the dev set (raw cosine alone does not separate in- from out-of-scope):
1. the aspect asked for: a work report gives yearly goals, never prices, schedules, procedures,
   contacts, personal entitlements, other places' plans or the weather (data/unanswerable.tsv);
2. evidence: some topic word of the question (or a report term it maps to) must occur in the
   paragraph of the passage that would be cited, and English questions need a dense match too.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .answers import Hit
from .lexical import nouns
from .query import Query
from .retrieval import Ranking

DATA_DIR = Path(__file__).parent / "data"
# English questions rarely share a glossary term with a wrong paragraph, but when none maps at all,
# only a clear multilingual-USE match may answer (measured on the dev set's English questions).
ENGLISH_DENSE_MIN = 0.20
SHORT_QUESTION_WORDS = 4


@dataclass
class Evidence:
    """What the cited paragraph shares with the question."""

    lexical: float
    dense: float
    matched: list[str]


@dataclass
class Verdict:
    """Answer or abstain, and why."""

    abstain: bool
    reason: str | None
    evidence: Evidence


@lru_cache(maxsize=4)
def _aspects(extra: str) -> tuple[tuple[str, re.Pattern], ...]:
    rules = []
    for path in (DATA_DIR / "unanswerable.tsv", Path(extra)):
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#") and "\t" in line:
                aspect, pattern = line.split("\t", 1)
                rules.append((aspect.strip(), re.compile(pattern.strip())))
    return tuple(rules)


def unanswerable_aspect(text: str) -> str | None:
    """The kind of detail a question asks for that no work report gives, if any."""
    extra = os.environ.get("WUZHONG_UNANSWERABLE") or str(Path(__file__).parent.parent / "instance" / "unanswerable.tsv")
    lowered = text.lower()
    return next((aspect for aspect, pattern in _aspects(extra) if pattern.search(lowered)), None)


def asks_unanswerable(question: str) -> str | None:
    """For any raw question (Traditional, full-width, English): the kind of detail no work report gives, if any."""
    from .normalize import normalize_query

    return unanswerable_aspect(normalize_query(question))


def gather(kb, query: Query, hits: list[Hit], ranking: Ranking, context: Query | None = None) -> Evidence:
    """Topic words of the question (or of the question it follows up) found in the top passage's paragraph."""
    top = hits[0].passage
    paragraph = kb.paragraph_text(top)
    candidates = [*query.content_words(), *query.expansions]
    if context is not None:  # 「那站点呢？」 names no topic of its own: the previous question does
        candidates += [*context.content_words(), *context.expansions]
    matched = [w for w in candidates if len(w) >= 2 and w in paragraph]
    return Evidence(float(ranking.lexical[top.order]), float(ranking.dense[top.order]), matched)


def unknown_topic(kb, query: Query, evidence: Evidence) -> str | None:
    """In a short, weakly matched question, a noun the report never uses (not even in part) and no synonym
    explains is its topic: 区长, 利率, 餐厅. Long questions carry personal context full of such nouns."""
    if query.language != "zh" or len(query.content_words()) > SHORT_QUESTION_WORDS or len(set(evidence.matched)) > 1:
        return None
    explained = "".join(query.expansions)
    phrases = [phrase for phrase, _ in kb.analyzer.synonyms.entries]
    unknown = []
    found = nouns(query.text)
    for noun in found:
        bigrams = {noun[i:i + 2] for i in range(len(noun) - 1)}
        if not (any(b in kb.analyzer.report for b in bigrams) or set(noun) & set(explained)
                or any(noun in phrase for phrase in phrases)):
            unknown.append(noun)
    # Outnumbered unknown nouns are usually filler (多投点); a question mostly about them is out of scope.
    return unknown[0] if unknown and len(unknown) * 2 > len(found) else None


def decide(kb, query: Query, hits: list[Hit], ranking: Ranking, context: Query | None = None) -> Verdict:
    """Abstain unless the question asks for something a report states and the top passage covers its topic."""
    evidence = gather(kb, query, hits, ranking, context)
    aspect = unanswerable_aspect(query.text)
    if aspect:
        return Verdict(True, aspect, evidence)
    if not evidence.matched:
        return Verdict(True, "no_match", evidence)
    unknown = unknown_topic(kb, query, evidence)
    if unknown:
        return Verdict(True, f"no_match:{unknown}", evidence)
    mapped = [*query.expansions, *(context.expansions if context else [])]
    if query.language == "en" and not [w for w in evidence.matched if w in mapped] \
            and evidence.dense < ENGLISH_DENSE_MIN:
        return Verdict(True, "no_match", evidence)
    return Verdict(False, None, evidence)
