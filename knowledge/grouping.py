"""What operators do with the questions the report did not answer: group paraphrases and name their topic
(adding a resident's phrase to the synonym table is `operator_synonyms.py`).

Grouping is average-linkage agglomerative clustering of the questions' sentence vectors, from the two encoders
the knowledge base already uses: Chinese pairs are compared by a mix of m3e-small and multilingual USE cosines
(m3e alone ranks short questions of one form — "…多少", "…什么时候" — close whatever they ask about; USE tells
topics apart better), pairs with an English question by USE alone (m3e does not cross languages), lifted by
`ENGLISH_OFFSET` so both kinds of pair meet one threshold. Weight, offset and threshold were chosen on
tests/data/gaps/logged_questions.jsonl (`bench/gaps_grouping.py --sweep`); nothing here lists questions or topics.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .errors import KnowledgeError

# Mean-linkage similarity at or above which two groups merge. Fixture sweep: 0.54–0.56 keep 95.7% of paraphrase
# pairs together and ≤ 1% of unrelated pairs; lower merges look-alike topics, higher splits paraphrases.
THRESHOLD = 0.55
# Share of m3e in a Chinese pair's similarity (the rest is USE): 1/3 made the fewest pair errors on the fixture.
M3E_WEIGHT = 1 / 3
# USE alone scores paraphrases lower than the mix; this puts English pairs on the mix's scale.
ENGLISH_OFFSET = 0.10
# Without an English encoder (WUZHONG_EN_MODEL=none) Chinese pairs are compared by m3e alone.
M3E_ONLY_THRESHOLD = 0.74
_VECTOR_CACHE_SIZE = 20000  # vectors kept per encoder: the page re-groups mostly the same questions
_cache: dict[str, dict[str, np.ndarray]] = {}
_cache_lock = threading.Lock()


@dataclass
class QuestionGroup:
    """Questions that ask the same thing: indexes into the grouped texts, the most typical one first."""

    members: list[int]
    cohesion: float = 1.0  # mean similarity of the members to each other (1.0 for one question)

    @property
    def representative(self) -> int:
        """Index of the question closest to all others of the group."""
        return self.members[0]


def _encode(model_name: str, texts: list[str]) -> np.ndarray:
    """Vectors of `texts` from the process-wide encoder, each text embedded once per process."""
    from .encoders import make_encoder

    with _cache_lock:
        cache = _cache.setdefault(model_name, {})
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
    if missing:
        vectors = make_encoder(model_name).encode(missing)
        with _cache_lock:
            if len(cache) + len(missing) > _VECTOR_CACHE_SIZE:
                cache.clear()
            cache.update(zip(missing, vectors))
    return np.stack([cache[t] for t in texts]) if texts else np.zeros((0, 1), dtype=np.float32)


def similarity_matrix(texts: Sequence[str]) -> np.ndarray:
    """Pairwise similarity of questions on the one scale `THRESHOLD` applies to."""
    from .kb import configured_english_model, configured_model
    from .language import detect_language
    from .normalize import normalize_query

    normalized = [normalize_query(t) or t for t in texts]
    zh = _encode(configured_model(), normalized)
    m3e = zh @ zh.T
    english_model = configured_english_model()
    if english_model == "none":
        return m3e + (THRESHOLD - M3E_ONLY_THRESHOLD)
    multi = _encode(english_model, normalized)
    use = multi @ multi.T
    english = np.array([detect_language(t) == "en" for t in normalized])
    either = english[:, None] | english[None, :]
    return np.where(either, use + ENGLISH_OFFSET, M3E_WEIGHT * m3e + (1 - M3E_WEIGHT) * use)


def group_questions(texts: Sequence[str], threshold: float = THRESHOLD) -> list[QuestionGroup]:
    """Group paraphrases among `texts`; every text is in exactly one group, largest groups first."""
    texts = list(texts)
    if not texts:
        return []
    if len(texts) == 1:
        return [QuestionGroup([0])]
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    sim = similarity_matrix(texts)
    distance = np.clip(1.0 - sim, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    groups = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        block = sim[np.ix_(members, members)]
        typical = block.mean(axis=1)
        order = members[np.argsort(-typical, kind="stable")]
        size = len(members)
        cohesion = float((block.sum() - np.trace(block)) / (size * (size - 1))) if size > 1 else 1.0
        groups.append(QuestionGroup([int(i) for i in order], round(cohesion, 4)))
    groups.sort(key=lambda g: (-len(g.members), min(g.members)))
    return groups


def topic_of(kb: Any, question: str) -> dict[str, Any]:
    """The report section of the passage that best matches a question: {section, section_no, passage_id, title}."""
    try:
        hits = kb.search(question, k=1)
    except KnowledgeError:  # an empty or over-long (masked) question has no topic
        hits = []
    if not hits:
        return {"section": "", "section_no": None, "passage_id": None, "title": ""}
    passage = hits[0].passage
    return {"section": passage.section, "section_no": passage.section_no, "passage_id": passage.id,
            "title": passage.title}


def pair_figures(truth: Sequence[str | None], groups: Sequence[QuestionGroup]) -> tuple[float, float]:
    """(share of paraphrase pairs put in one group, share of unrelated pairs put in one group); `truth[i]` names
    question i's paraphrase set, None for a question that paraphrases nothing else."""
    found = np.empty(len(truth), dtype=int)
    for number, group in enumerate(groups):
        found[group.members] = number
    named = np.array([label if label is not None else f"\0{i}" for i, label in enumerate(truth)], dtype=object)
    upper = np.triu(np.ones((len(truth), len(truth)), dtype=bool), k=1)
    paraphrase = (named[:, None] == named[None, :]) & upper
    unrelated = ~(named[:, None] == named[None, :]) & upper
    together = found[:, None] == found[None, :]
    return (float(together[paraphrase].mean()) if paraphrase.any() else 1.0,
            float(together[unrelated].mean()) if unrelated.any() else 0.0)
