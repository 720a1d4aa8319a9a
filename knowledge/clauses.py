"""Cut a sentence into clauses at list separators (、，,；;：:), keeping exact spans into the source.

A clause is the smallest unit an answer can lead with: 「公共停车泊位1000个」 out of the six-figure sentence
「新辟、优化公交线路10条,新增公交站点20个、…、新能源充电桩473个。」. Numbers written with a thousands
separator (1,000) or a decimal point (3.3) stay whole, and nothing inside brackets or quotation marks
(「(甪直段)」, 「“两智一全”」) is split.
"""
from __future__ import annotations

from .passages import Sentence

# List separators (the report mixes full- and half-width) and sentence ends: a clause never spans either.
CLAUSE_SEPARATORS = frozenset("、，,；;：:。！!？?\n")
OPENERS = "(（“‘「『《【〔["
CLOSERS = ")）”’」』》】〕]"
# Characters trimmed from a clause's edges so its text reads cleanly and its span stays exact.
EDGE_BLANKS = " \t\r\u3000"


def _is_digit_comma(text: str, i: int) -> bool:
    """1,000 — a half-width comma between digits groups thousands; it separates nothing."""
    return text[i] == "," and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()


def split_clauses(text: str, offset: int = 0) -> list[Sentence]:
    """Clauses of `text` (a sentence or a passage) with spans shifted by `offset`; separators and blanks excluded."""
    clauses: list[Sentence] = []
    depth = 0
    start = 0
    for i, char in enumerate(text):
        if char in OPENERS:
            depth += 1
        elif char in CLOSERS:
            depth = max(0, depth - 1)
        elif char in CLAUSE_SEPARATORS and not _is_digit_comma(text, i) and (depth == 0 or char in "。！!？?\n"):
            _add(clauses, text, start, i, offset)
            start, depth = i + 1, 0
    _add(clauses, text, start, len(text), offset)
    return clauses


def _add(clauses: list[Sentence], text: str, start: int, end: int, offset: int) -> None:
    raw = text[start:end]
    stripped = raw.strip(EDGE_BLANKS)
    if not stripped:
        return
    begin = start + (len(raw) - len(raw.lstrip(EDGE_BLANKS)))
    clauses.append(Sentence(offset + begin, offset + begin + len(stripped), stripped))
