"""Spans to highlight: the query's words in a passage, the figures in a quote (no Flask)."""
from __future__ import annotations

import re

# A figure with its unit (7530个, 180张, 2400万人次, 5%); the same pattern is in static/widget.js.
FIGURE_RE = re.compile(
    r"\d+(?:[.,]\d+)*(?:\s*(?:万|亿))?"
    r"(?:人次|万元|亿元|平方米|公顷|公里|千米|千瓦|个|张|条|家|元|%|％|辆|所|套|亩|项|座|处|名|户|次|台|间|场|届|例|栋|倍|吨|米|床|人|只|批|支)?"
)
CJK_RE = re.compile(r"[\u3400-\u9fff]+")


def merge_spans(spans: list[tuple[int, int]]) -> list[list[int]]:
    """Sorted, non-overlapping [start, end) spans."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def query_terms(query: str) -> list[str]:
    """The query's content words (the knowledge layer's tokenizer), longest first.

    Even-length CJK compounds also give their two-character parts (养老床位 → 养老, 床位), so a
    passage that says 养老服务 still shows why it matched.
    """
    from knowledge.lexical import stopwords, words

    terms: set[str] = set()
    for word in words(query):
        if len(word) >= 2 or word.isdigit():
            terms.add(word)
        if len(word) >= 4 and len(word) % 2 == 0 and CJK_RE.fullmatch(word):
            terms.update(word[i:i + 2] for i in range(0, len(word), 2))
    return sorted(terms - stopwords(), key=len, reverse=True)


def term_spans(query: str, text: str) -> list[list[int]]:
    """Where the query's words occur in `text` (case-insensitive)."""
    lowered = text.lower()
    spans: list[tuple[int, int]] = []
    for term in query_terms(query):
        start = lowered.find(term)
        while start != -1:
            spans.append((start, start + len(term)))
            start = lowered.find(term, start + len(term))
    return merge_spans(spans)


def figure_spans(text: str) -> list[list[int]]:
    """Where the figures (numbers with their units) are in `text`."""
    return merge_spans([(m.start(), m.end()) for m in FIGURE_RE.finditer(text) if m.group(0).strip()])
