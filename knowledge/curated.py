"""Curated answers: match a resident's question to an operator's example phrasings and serve the official answer
with a citation checked against the live knowledge base (no database here: callers pass the entries in).

Matching is cosine similarity with the knowledge base's own sentence encoder (m3e-small for Chinese; English
questions are compared with English phrasings only, through the English encoder). Each entry's threshold is
calibrated on its phrasings: a new question must be about as close to one of them as they are to each other
(the smallest nearest-neighbour similarity among the phrasings, minus MARGIN, kept within [FLOOR, CEILING]).
A question of another kind (「多少个班」 against phrasings that all ask 「什么时候」) never matches, however close.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

import numpy as np

from .answers import Answer, Citation, document_year
from .encoders import make_encoder
from .errors import PassageNotFoundError
from .language import detect_language
from .question_types import OTHER, WHEN, question_type

# Calibration per language: (margin below the phrasings' own spread, floor, ceiling, threshold of a lone phrasing).
# Measured with tests/knowledge/test_curated_matching.py's paraphrase / near-miss table (m3e-small, multilingual USE).
# English: multilingual USE scores a winter-camp question 0.82 against summer-camp phrasings, so only close paraphrases.
CALIBRATION = {"zh": (0.03, 0.88, 0.94, 0.92), "en": (0.05, 0.85, 0.92, 0.88)}
# A date asked by the day is a when-question (the knowledge layer's question types read 几号 as a count).
DATE_RE = re.compile(r"哪天|哪一天|几号|几月几|什么日子|啥日子|哪个月|\bwhat (?:day|date)\b", re.IGNORECASE)


@dataclass(frozen=True)
class CuratedEntry:
    """A live curated answer as the serving processes read it from the app database."""

    id: int
    version: int
    answer: str
    phrasings: tuple[str, ...]
    passage_id: str
    quote: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "CuratedEntry":
        """From records.curated.live_entries()' dicts."""
        return cls(int(data["id"]), int(data["version"]), str(data["answer"]), tuple(data["phrasings"]),
                   str(data["passage_id"]), str(data.get("quote") or ""))


@dataclass(frozen=True)
class CuratedMatch:
    """The entry a question matched, how closely, against which threshold, and the nearest phrasing."""

    entry: CuratedEntry
    score: float
    threshold: float
    phrasing: str


@dataclass
class CuratedCitation(Citation):
    """A normal citation plus which curated answer (id, version) it backs."""

    curated_id: int = 0
    curated_version: int = 0

    def to_dict(self) -> dict:
        """The citation contract plus `curated: true`, `curated_id`, `curated_version`."""
        return {**super().to_dict(), "curated": True, "curated_id": self.curated_id,
                "curated_version": self.curated_version}


class CuratedMatcher:
    """Embeds phrasings once (per encoder and text) and finds the best entry for a question."""

    def __init__(self, models: Mapping[str, str]) -> None:
        self.models = dict(models)  # language -> encoder name, as in the knowledge base's manifest
        self._vectors: dict[tuple[str, str], np.ndarray] = {}
        self._lock = threading.Lock()

    def _embed(self, language: str, texts: Iterable[str]) -> np.ndarray:
        name = self.models[language]
        texts = list(texts)
        missing = [t for t in dict.fromkeys(texts) if (name, t) not in self._vectors]
        if missing:
            vectors = make_encoder(name).encode(missing)  # the encoder loads lazily, once per process
            with self._lock:
                self._vectors.update({(name, t): v for t, v in zip(missing, vectors)})
        return np.stack([self._vectors[(name, t)] for t in texts])

    def threshold(self, entry: CuratedEntry, language: str = "zh") -> float:
        """The similarity a question needs to match this entry (calibrated on its own phrasings)."""
        margin, floor, ceiling, lone = CALIBRATION[language]
        phrasings = _phrasings_in(entry, language)
        if len(phrasings) < 2:
            return lone
        sims = self._embed(language, phrasings) @ self._embed(language, phrasings).T
        np.fill_diagonal(sims, -1.0)
        return float(min(max(sims.max(axis=1).min() - margin, floor), ceiling))

    def match(self, question: str, entries: Iterable[CuratedEntry | Mapping[str, Any]]) -> CuratedMatch | None:
        """The entry whose phrasings the question matches best above its threshold, else None."""
        entries = [e if isinstance(e, CuratedEntry) else CuratedEntry.from_dict(e) for e in entries]
        question = " ".join((question or "").split())
        language = "en" if detect_language(question) == "en" else "zh"
        if not entries or not question or language not in self.models:
            return None
        kind = ask_kind(question)
        query = make_encoder(self.models[language]).encode([question])[0]  # not cached: residents' words vary
        best: CuratedMatch | None = None
        for entry in entries:
            phrasings = _phrasings_in(entry, language)
            # Another kind of question on the same topic (多少个班 vs 什么时候报名) never matches; a question with
            # no telling kind (「暑托班报名」) is left to the similarity alone.
            if not phrasings or (kind != OTHER and kind not in {ask_kind(p) for p in phrasings}):
                continue
            sims = self._embed(language, phrasings) @ query
            i = int(np.argmax(sims))
            found = CuratedMatch(entry, float(sims[i]), self.threshold(entry, language), phrasings[i])
            if found.score >= found.threshold and (best is None or
                                                   found.score - found.threshold > best.score - best.threshold):
                best = found
        return best


def ask_kind(text: str) -> str:
    """What a question asks for (when, quantity, which, yesno, other), dates by the day included."""
    return WHEN if DATE_RE.search(text) else question_type(text)


def _phrasings_in(entry: CuratedEntry, language: str) -> list[str]:
    """The entry's phrasings written in `language` (English questions are compared with English phrasings)."""
    return [p for p in entry.phrasings if (detect_language(p) == "en") == (language == "en")]


_matchers: dict[tuple, CuratedMatcher] = {}


def matcher_for(kb: Any) -> CuratedMatcher:
    """The process-wide matcher using `kb`'s encoders (a new kb version with the same models keeps it)."""
    models = tuple(sorted(kb.manifest["models"].items()))
    if models not in _matchers:
        _matchers[models] = CuratedMatcher(dict(models))
    return _matchers[models]


def curated_answer(kb: Any, question: str, entries: Iterable[CuratedEntry | Mapping[str, Any]],
                   on_dead: Callable[[CuratedEntry, str], Any] | None = None) -> Answer | None:
    """The curated answer for the question, cited from `kb`'s live version, or None when none matches.

    An entry whose passage the live version no longer has (superseded, removed) is never served with that dead
    citation: entries are checked first, `on_dead(entry, kb_version)` is told (the caller flags it for review)."""
    kb = getattr(kb, "current", kb)  # a LiveKnowledgeBase: one consistent version for this question
    entries = [e if isinstance(e, CuratedEntry) else CuratedEntry.from_dict(e) for e in entries]
    dead = dead_citations(kb, entries)
    for entry in dead:
        if on_dead is not None:
            on_dead(entry, kb.version)
    found = matcher_for(kb).match(question, [e for e in entries if e not in dead])
    if found is None:
        return None
    entry = found.entry
    passage = kb.passage(entry.passage_id)
    quote = entry.quote if entry.quote and entry.quote in passage.text else passage.text
    start = passage.span[0] + passage.text.index(quote)
    citation = CuratedCitation(passage, quote, (start, start + len(quote)), kb.version,
                               year=document_year(passage, kb.manifest.get("documents")),
                               curated_id=entry.id, curated_version=entry.version)
    return Answer(question, entry.answer, detect_language(question), citation)


def dead_citations(kb: Any, entries: Iterable[CuratedEntry | Mapping[str, Any]]) -> list[CuratedEntry]:
    """The entries whose cited passage is not in `kb`'s live version (a dict lookup each)."""
    kb = getattr(kb, "current", kb)
    entries = [e if isinstance(e, CuratedEntry) else CuratedEntry.from_dict(e) for e in entries]
    return [e for e in entries if not _has_passage(kb, e.passage_id)]


def _has_passage(kb: Any, passage_id: str) -> bool:
    try:
        kb.passage(passage_id)
    except PassageNotFoundError:
        return False
    return True


def check_citation(kb: Any, passage_id: str, quote: str = "") -> dict:
    """Validate a citation for a new version against the live knowledge base: the passage's fields, or raises
    PassageNotFoundError (unknown, or only in a superseded version) / ValueError (quote not in the passage)."""
    kb = getattr(kb, "current", kb)
    passage = kb.passage((passage_id or "").strip())
    quote = (quote or "").strip()
    if quote and quote not in passage.text:
        raise ValueError("引文必须是所引段落中的原文。")
    return {"passage_id": passage.id, "document_id": passage.document_id, "title": passage.title,
            "quote": quote, "kb_version": kb.version, "text": passage.text, "document": passage.document}
