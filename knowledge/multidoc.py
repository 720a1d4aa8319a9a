"""Answering from several documents: each document answers as if it were published alone, the best evidence wins.

Scoring every passage of every document together would let one document's words change another's answers (a
notice that says 名额 and 学校 would take 「上学名额今年多了多少」 from the report, and shift BM25's idf). So each
document keeps its own query analysis, BM25 and abstention verdict — its answers are exactly those it gives alone —
and the answers are compared on comparable evidence: how much of the question the cited paragraph covers, then how
close it is in meaning. Only what is closer than the margins is a tie, won by the main report, then the newer one.
"""
from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np

from .answers import Answer, Hit, abstain
from .confidence import MIN_COVERAGE, features
from .passages import Passage

# A document this small has too few passages for its own word statistics (BM25's idf over a dozen paragraphs
# makes its own topic word worthless) or for the calibrated lead over the next passage: it borrows the whole
# knowledge base's statistics and analysis, and answers only when its paragraph covers the question.
OWN_STATISTICS_MIN = 40
COVERAGE_MARGIN = 0.1  # a cited paragraph covering more of the question's telling words than this wins
DENSE_MARGIN = 0.05  # with coverage tied, a passage closer in meaning by more than this wins; else a tie


class SubIndex:
    """One document's slice of the knowledge base's dense index (the same vectors, so the same scores)."""

    def __init__(self, index, positions: list[int]) -> None:
        self._index = index
        self._positions = np.asarray(positions, dtype=np.int64)
        self.model = index.model
        self.dim = index.dim

    def scores(self, query_vector: np.ndarray) -> np.ndarray:
        """Cosine similarity to the document's passages, in their order."""
        return self._index.scores(query_vector)[self._positions]


class SubLexical:
    """One document's slice of a BM25 index: its passages scored with the statistics of the whole knowledge base."""

    def __init__(self, index, positions) -> None:
        self._index = index
        self._positions = np.asarray(positions, dtype=np.int64)
        self.size = len(self._positions)
        self.idf, self.weight = index.idf, index.weight

    def scores(self, query: str) -> np.ndarray:
        """BM25 of the document's passages."""
        return self._index.scores(query)[self._positions]


class SharedEncoder:
    """An encoder whose recent single-question embeddings every document's retriever shares."""

    def __init__(self, encoder) -> None:
        self._encoder = encoder
        self._one = lru_cache(maxsize=1024)(lambda text: encoder.encode([text])[0])

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """As the wrapped encoder's `encode`."""
        if len(texts) == 1:
            return self._one(texts[0])[None, :]
        return self._encoder.encode(texts, progress=progress)


class DocumentParts:
    """Per document, a knowledge base holding only it (built on first use from the combined one)."""

    def __init__(self, kb) -> None:
        self.kb = kb
        self._parts: dict[str, object] = {}
        self._lock = threading.Lock()
        self._encoders = {language: SharedEncoder(encoder) for language, (_, encoder) in kb.retriever.dense.items()}

    def part(self, document_id: str):
        """The knowledge base of one document."""
        with self._lock:
            if document_id not in self._parts:
                self._parts[document_id] = self._build(document_id)
            part = self._parts[document_id]
        # Operators' synonyms are re-read into the knowledge base's analyzer (knowledge.grouping): every part uses them.
        part.analyzer.synonyms = self.kb.analyzer.synonyms
        return part

    def _build(self, document_id: str):
        kb = self.kb
        positions = [i for i, p in enumerate(kb.passages) if p.document_id == document_id]
        passages = [Passage.from_dict({**kb.passages[i].to_dict(), "order": n}) for n, i in enumerate(positions)]
        dense = {language: (SubIndex(index, positions), self._encoders[language])
                 for language, (index, _) in kb.retriever.dense.items()}
        manifest = {**kb.manifest, "documents": [d for d in kb.manifest["documents"] if d["id"] == document_id]}
        if len(positions) >= OWN_STATISTICS_MIN:
            return type(kb)(kb.path, manifest, passages, dense)
        clauses = kb.retriever.clause_lexical
        return type(kb)(kb.path, manifest, passages, dense, analyzer=kb.analyzer,
                        lexical=SubLexical(kb.retriever.lexical, positions),
                        clause_lexical=clauses and SubLexical(clauses, kb.retriever.clause_positions(positions)))

    def small(self, document_id: str) -> bool:
        """Whether a document borrows the knowledge base's statistics (and must cover the question to answer)."""
        return sum(1 for p in self.kb.passages if p.document_id == document_id) < OWN_STATISTICS_MIN


def answer_across(kb, parts: DocumentParts, query: str, context: str | None, mode: str, k: int) -> Answer:
    """The answer of the document with the best evidence among those the question names (all when it names none)."""
    analyzed = kb.analyzer.analyze(query)
    previous = kb.analyzer.analyze(context) if context and context.strip() else None
    naming = kb.naming(analyzed) or kb.naming(previous)
    topic, previous_topic = kb.topic(analyzed), kb.topic(previous)
    ranked = sorted(kb.documents, key=lambda d: kb.tie_order[d.id])
    candidates = [d.id for d in ranked if naming is None or d.id in naming.ids]
    answers = [parts.part(doc).answer(topic.raw, context=previous_topic.raw if previous_topic else None, mode=mode,
                                      k=k) for doc in candidates]
    answered = [a for a in answers if not a.abstained]
    if answered:
        dense = kb.retriever.rank(topic, previous_topic, mode).dense
        strengths = [_strength(kb, topic, a, dense) for a in answered]
        kept = [i for i, a in enumerate(answered) if not parts.small(a.citation.passage.document_id)
                or strengths[i][0] >= MIN_COVERAGE or previous_topic is not None]
        answered, strengths = [answered[i] for i in kept], [strengths[i] for i in kept]
    # None answers: the main (or named) document's reason, or a small document's answer withheld as unsure.
    chosen = next((a for a in answers if a.abstained), None) or abstain(topic, "low_confidence", [])
    if answered:
        best = 0
        for i in range(1, len(answered)):  # in tie order: a later document must beat the best so far
            if _beats(strengths[i], strengths[best]):
                best = i
        chosen = answered[best]
        chosen.citation.passage = kb.passage(chosen.citation.passage.id)  # the combined knowledge base's passage
    chosen.query = query
    hits = kb.search(query, k=k, context=context, mode=mode)
    if chosen.citation is not None:
        hits = [Hit(chosen.citation.passage, next((h.score for h in hits if h.passage.id == chosen.citation.passage.id),
                                                  0.0))] + [h for h in hits if h.passage.id != chosen.citation.passage.id]
    chosen.hits = hits[:max(1, k)]
    return chosen


def _strength(kb, topic, answer: Answer, dense: np.ndarray) -> tuple[float, float]:
    """(coverage of the question's telling words in the cited paragraph, dense similarity), comparable across documents."""
    passage = kb.passage(answer.citation.passage.id)
    similarity = float(dense[passage.order])
    found = features(kb, topic, [Hit(passage, 0.0)], kb.paragraph_text(passage), similarity)
    return found.coverage, similarity


def _beats(challenger: tuple[float, float], holder: tuple[float, float]) -> bool:
    if abs(challenger[0] - holder[0]) > COVERAGE_MARGIN:
        return challenger[0] > holder[0]
    return challenger[1] - holder[1] > DENSE_MARGIN
