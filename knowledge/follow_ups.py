"""A follow-up that names only a place asks the previous question of that place.

「相城区今年新增学位多少」 → 「那吴中呢」: the resident asks the same thing of the district the report is about, so the
question to answer is 「吴中今年新增学位多少」 — not a question about the word 吴中, which every passage shares.
"""
from __future__ import annotations

import re

from .lexical import _tagger
from .normalize import fold_width

# 「那吴中呢」「吴中的呢」「还有木渎呢？」: a place and nothing else.
PLACE_ONLY_RE = re.compile(r"^(?:那|那么|还有|另外)?([\u4e00-\u9fff]{2,6}?)(?:的)?(?:呢|咧)[?？。!！]*$")
# The government a report is from names its home: 苏州市吴中区人民政府工作报告 → 吴中区, 吴中.
HOME_RE = re.compile(r"(?:^|(?<=[省市)）]))([\u4e00-\u9fff]{2,3}?)([区县市])人民政府")
# jieba tags roads and bridges as places (吴中大道, 胜浦大桥) and a road's first part too (长江 of 长江路): a road is
# a thing asked about, not a place to ask the previous question of.
ROUTE_RE = re.compile(r"(?:路|街|大道|桥|隧道|高架|高铁|铁路|线)")


def home_places(titles: list[str]) -> set[str]:
    """The place names of the governments the documents are from (吴中区, 吴中)."""
    found: set[str] = set()
    for title in titles:
        for name, level in HOME_RE.findall(title):
            found |= {name, name + level}
    return found


def _places(text: str) -> list[str]:
    """Place names of `text`: jieba's, and the other districts the abstention rules know (工业园区, 相城)."""
    from .abstention import places_elsewhere  # here: abstention reads the rules, kb imports this module first

    words = _tagger().lcut(text)
    found = [w.word for w, after in zip(words, [*words[1:], None]) if w.flag == "ns" and len(w.word) >= 2
             and not ROUTE_RE.search(w.word[-2:]) and not (after is not None and ROUTE_RE.match(after.word))]
    return found + [p for p in places_elsewhere(text) if p not in found]


def asked_of_place(text: str, previous: str, home: set[str]) -> str | None:
    """The previous question asked of the place a place-only follow-up names, or None (not such a follow-up, or the
    previous question named no place to replace)."""
    match = PLACE_ONLY_RE.match(fold_width(text).strip())
    if not match:
        return None
    place = match.group(1)
    if place not in home and place not in _places(place):
        return None
    earlier = [p for p in _places(previous) if p != place]
    if not earlier:
        return None
    for old in sorted(earlier, key=len, reverse=True):
        previous = re.sub(rf"{re.escape(old)}[区县市镇]?", place, previous)
    return previous
