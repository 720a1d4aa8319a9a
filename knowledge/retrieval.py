"""Hybrid retrieval: BM25 over the report's words fused with dense similarity, per question language."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .index import VectorIndex
from .lexical import LexicalIndex
from .passages import Passage
from .query import Query

# Dense similarity enters as a bounded correction to BM25: measured on the dev set, lexical
# matching of the report's own terms is the stronger signal and dense breaks its ties.
DENSE_WEIGHT = 1.5
# A follow-up's own words count fully; the previous question only steers ties toward its topic.
CONTEXT_WEIGHT = 0.5
MODES = ("hybrid", "lexical", "dense")
QUANTITY_BONUS = 0.1


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

    def __init__(self, passages: list[Passage], lexical: LexicalIndex, dense: dict[str, tuple[VectorIndex, object]]) -> None:
        self.passages = passages
        self.lexical = lexical
        self.dense = dense  # language -> (index, encoder)
        self._cached_dense = lru_cache(maxsize=2048)(self._compute_dense)
        self._has_figure = np.array([bool(re.search(r"\d", p.text)) for p in passages], dtype=np.float32)

    def rank(self, query: Query, context: Query | None = None, mode: str = "hybrid") -> Ranking:
        """Fused ranking of all passages; `context` (the previous question) steers follow-ups.

        `mode` 'lexical' or 'dense' ranks by one signal only (the evaluation's baselines)."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        ranking = self._rank_one(query, mode)
        if context is None:
            return ranking
        joint = self._rank_one(Query(raw=context.raw + " " + query.raw, text=f"{context.text} {query.text}",
                                     language=query.language, expansions=context.expansions + query.expansions), mode)
        return Ranking(ranking.fused + CONTEXT_WEIGHT * joint.fused, ranking.lexical, ranking.dense)

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
        lexical = self.lexical.scores(query.search_text)
        top = float(lexical.max())
        lexical_norm = lexical / top if top > 0 else lexical
        dense = self._dense_scores(query.language if query.language in self.dense else "zh", query.search_text)
        if mode == "lexical":
            fused = lexical_norm + 1e-3 * dense  # dense only orders passages BM25 cannot tell apart
        elif mode == "dense":
            fused = dense
        else:
            fused = lexical_norm + DENSE_WEIGHT * (dense - dense.max())
        if query.asks_quantity:  # "how many" is answered by a passage that states a figure
            fused = fused + QUANTITY_BONUS * self._has_figure
        return Ranking(fused, lexical, dense)
