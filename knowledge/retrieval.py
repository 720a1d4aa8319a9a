"""Hybrid retrieval: BM25 over the report's words fused with dense similarity, per question language."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .clauses import split_clauses
from .documents import DOCUMENT_BONUS, TIE_MARGIN
from .index import VectorIndex
from .asked_figures import MEASURE_NOUNS, MEASURE_NOUNS_EN
from .lexical import LexicalIndex, common_verbs, complaint_topics, nouns, stopwords, words
from .passages import Passage, split_sentences
from .query import Query
from .question_types import WHEN_RE, follow_up_topic
from .scope import EVENT_WORDS, GENERAL_NOUNS

# Dense similarity enters as a bounded correction to BM25: measured on the dev set, lexical
# matching of the report's own terms is the stronger signal and dense breaks its ties.
DENSE_WEIGHT = 1.5
# A follow-up's own words count fully; the previous question only steers ties toward its topic.
CONTEXT_WEIGHT = 0.5
# A follow-up's turned-to topic (那医院呢) is scored once more on its own.
TOPIC_WEIGHT = 0.5
MODES = ("hybrid", "lexical", "dense")
QUANTITY_BONUS = 0.1
EXPANSION_WEIGHT = 0.5  # measured: recall@1 0.948 vs 0.942 at 1.0 on dev
HINT_WEIGHT = 0.25  # one-word English glosses steer less than terms the question surely means
# Clauses (the items of a sentence's list: 「新增公交站点20个」) are scored beside passages, so a question about
# one item meets the clause that names it; a passage counts its best clause (figure-stating ones first for how-many).
CLAUSE_WEIGHT = 0.5  # measured: 0.5 ≥ 0 and > 1.0 on the tuning sets
FIGURE_RE = re.compile(r"\d")
# A year (「现将2025年…通知如下」) dates a sentence, it counts nothing: no how-many bonus for it.
YEAR_RE = re.compile(r"(?:19|20)\d\d年")
# A Latin word (GDP, LifeBay): a topic of its own in a Chinese question.
LATIN_RE = re.compile(r"[A-Za-z]{2,}")


@dataclass
class Ranking:
    """Every passage's fused score plus the raw signals, in passage order."""

    fused: np.ndarray
    lexical: np.ndarray
    dense: np.ndarray

    def order(self) -> np.ndarray:
        """Passage indices, best first."""
        return np.argsort(-self.fused, kind="stable")


class Retriever:
    """Scores passages for a query with BM25 and the dense index of the query's language."""

    def __init__(self, passages: list[Passage], lexical: LexicalIndex, dense: dict[str, tuple[VectorIndex, object]],
                 tie_order: dict[str, float] | None = None, clause_lexical: LexicalIndex | None = None) -> None:
        self.passages = passages
        # Several documents: a near-tie goes to the main report, then the newer document (0 = first, 1 = last).
        order = tie_order or {}
        self._tie = np.array([order.get(p.document_id, 0.0) for p in passages], dtype=np.float32)
        self.lexical = lexical
        self.dense = dense  # language -> (index, encoder)
        self._cached_dense = lru_cache(maxsize=2048)(self._compute_dense)
        self._has_figure = np.array([states_figure(p.text) for p in passages], dtype=np.float32)
        clauses = [(i, c.text) for i, p in enumerate(passages)
                   for s in split_sentences(p.text) for c in split_clauses(s.text)]
        self._clause_owner = np.array([i for i, _ in clauses], dtype=np.int64)
        self._clause_figure = np.array([states_figure(t) for _, t in clauses], dtype=np.float32)
        self.clause_lexical = clause_lexical or (LexicalIndex([t for _, t in clauses]) if clauses and CLAUSE_WEIGHT
                                                 else None)

    def clause_positions(self, positions: list[int]) -> np.ndarray:
        """Indices of the clauses of the passages at `positions` (in order): a document's slice of the clause index."""
        return np.nonzero(np.isin(self._clause_owner, np.asarray(positions, dtype=np.int64)))[0]

    def rank(self, query: Query, context: Query | None = None, mode: str = "hybrid") -> Ranking:
        """Fused ranking of all passages; `context` (the previous question) steers follow-ups.

        `mode` 'lexical' or 'dense' ranks by one signal only (the evaluation's baselines)."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        ranking = self._rank_one(query, mode)
        if context is None:
            return ranking
        joint = self._rank_one(Query(raw=context.raw + " " + query.raw, text=f"{context.text} {query.text}",
                                     language=query.language, expansions=context.expansions + query.expansions,
                                     hints=context.hints + query.hints), mode)
        # A follow-up naming no topic of its own — only the unit it counts or lists (是哪几条路, 要做多少人) — is
        # about its context's passage: 路 alone would meet 「路虽远,行则将至」.
        fused = joint.fused if self.names_no_topic(query) else ranking.fused + CONTEXT_WEIGHT * joint.fused
        topic = follow_up_topic(query.text) if mode != "dense" else None
        if topic:  # the thing it turns to outweighs the rest of its words (哪家要扩建 → 扩建 elsewhere)
            scores = self.lexical.scores(topic)
            fused = fused + TOPIC_WEIGHT * scores / max(float(scores.max()), 1e-9)
        return Ranking(fused, ranking.lexical, ranking.dense)

    def names_no_topic(self, query: Query) -> bool:
        """A follow-up naming no topic of its own: single characters only, or no word the report uses but those that
        frame a question on any topic — when, measures, general nouns, common verbs (什么时候建完, 哪一年的目标 after
        「生物医药呢」: the item is the context's); an abbreviation's or synonym's report word is a topic (高企数量呢), and
        so is a noun the report never uses."""
        if query.language == "en":
            own = [w for w in re.findall(r"[a-z]+", query.text.lower()) if w not in stopwords()]
            return bool(own) and all(w in MEASURE_NOUNS_EN for w in own)
        said = WHEN_RE.sub(" ", query.text)
        frame = MEASURE_NOUNS | GENERAL_NOUNS | common_verbs(query.text, self.lexical.idf)
        if said != query.text:  # (什么时候通车 after 「通苏嘉甬高铁今年有啥进展」: the railway's opening)
            frame |= EVENT_WORDS
        # (停车难有办法吗 names 停车 by its complaint word: an item of its own)
        own = [w for w in [*words(said), *complaint_topics(words(said))]
               if len(w) >= 2 and w not in frame and self.lexical.idf(w) > 0]
        # a noun the report never uses is a topic too, an unknown one (哪个副区长负责): not the conversation's item
        unknown = [n for n in nouns(said) if n not in frame and self.lexical.idf(n) == 0]
        return query.names_no_topic() or not (own or unknown or query.expansions or LATIN_RE.search(query.text))

    def clear_cache(self) -> None:
        """Forget remembered query embeddings (benchmarks measure uncached questions)."""
        self._cached_dense.cache_clear()

    def _compute_dense(self, language: str, text: str) -> np.ndarray:
        index, encoder = self.dense[language]
        return index.scores(encoder.encode([text])[0])

    def _dense_scores(self, language: str, text: str) -> np.ndarray:
        # Residents ask the same few questions again and again: remember recent ones.
        return self._cached_dense(language, text).copy()

    def _rank_one(self, query: Query, mode: str) -> Ranking:
        # The question's own words count fully; the report terms its words map to count less (GDP → 地区生产总值
        # must not outweigh 研发 + GDP in 「研发支出占GDP比重」).
        lexical = _weighted_scores(self.lexical, query)
        top = float(lexical.max())
        lexical_norm = lexical / top if top > 0 else lexical
        dense = self._dense_scores(query.language if query.language in self.dense else "zh", query.search_text)
        if self.clause_lexical is not None and mode != "dense":
            lexical_norm = lexical_norm + CLAUSE_WEIGHT * self.clause_scores(query)
        if mode == "lexical":
            fused = lexical_norm + 1e-3 * dense  # dense only orders passages BM25 cannot tell apart
        elif mode == "dense":
            fused = dense
        else:
            fused = lexical_norm + DENSE_WEIGHT * (dense - dense.max())
        if query.asks_quantity:  # "how many" is answered by a passage that states a figure
            fused = fused + QUANTITY_BONUS * self._has_figure
        return Ranking(fused - TIE_MARGIN * self._tie, lexical, dense)

    def prefer(self, ranking: Ranking, document_ids: frozenset[str]) -> Ranking:
        """The ranking with the passages of the documents a question names raised (knowledge.documents)."""
        named = np.array([p.document_id in document_ids for p in self.passages], dtype=np.float32)
        return Ranking(ranking.fused + DOCUMENT_BONUS * named, ranking.lexical, ranking.dense)

    def clause_scores(self, query: Query) -> np.ndarray:
        """Per passage: its best clause's BM25 score (normalized), a figure-stating clause preferred for how-many."""
        scores = _weighted_scores(self.clause_lexical, query)
        top = float(scores.max())
        if top <= 0:
            return np.zeros(len(self.passages), dtype=np.float32)
        scores = scores / top
        if query.asks_quantity:
            scores = scores * (1 + QUANTITY_BONUS * self._clause_figure)
        best = np.zeros(len(self.passages), dtype=np.float32)
        np.maximum.at(best, self._clause_owner, scores.astype(np.float32))
        return best


def states_figure(text: str) -> bool:
    """Whether a text states a figure (a digit outside a year)."""
    return bool(FIGURE_RE.search(YEAR_RE.sub("", text)))


def _weighted_scores(index: LexicalIndex, query: Query) -> np.ndarray:
    """BM25 of the question's own words plus, at a lower weight, of the report terms they map to."""
    scores = index.scores(query.text)
    if query.expansions:
        scores = scores + EXPANSION_WEIGHT * index.scores(" ".join(query.expansions))
    if query.hints:
        scores = scores + HINT_WEIGHT * index.scores(" ".join(query.hints))
    return scores
