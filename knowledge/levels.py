"""The grade a question asks about — an administrative level (区里的, 区级, district-level) or a class (二类) — and
the grades a clause names.

A work report lists the same kind of thing at several levels or classes in one sentence (56个市重点项目, 260个区
重点项目; 优Ⅲ比例保持100%, 优Ⅱ比例达75%): the clause naming another grade than the asked one never answers, however
well its other words match.
"""
from __future__ import annotations

import re

# The report writes a level as one character before the kind of thing it qualifies (区重点项目, 省重大项目,
# 省以上专精特新企业, 国家级); 级 may be said or not.
LEVELS = ("国家", "省", "市", "区", "县", "镇")
# Not a level but the end of a place's name: 高新区, 小区, 园区, 景区, 市区, 超市, 开发区.
NOT_A_LEVEL = "小社园景城街片新校营湖山港超都开"
_LEVEL = rf"(?<![{NOT_A_LEVEL}])({'|'.join(LEVELS)})"
CLAUSE_LEVEL_RE = re.compile(rf"{_LEVEL}级?(?=重点|重大|以上|级)")
# A question names a level as the report does, or as 区里(的) / 市里 in speech.
QUESTION_LEVEL_RE = re.compile(rf"{_LEVEL}(?:级|里|重点|重大|以上)")
ENGLISH_LEVELS = {"national": "国家", "provincial": "省", "province": "省", "city": "市", "municipal": "市",
                  "district": "区", "county": "县", "town": "镇", "township": "镇"}
# "district-level projects", "city key projects", "provincial major projects": the level word qualifies the item.
ENGLISH_LEVEL_RE = re.compile(
    rf"\b({'|'.join(ENGLISH_LEVELS)})(?:[- ]level\b|(?=\s+(?:key|major|important)\b))", re.IGNORECASE)


# A class said with a Chinese or Arabic numeral (三类水, 2类) is written with a Roman one in reports (Ⅲ类, 优Ⅱ),
# which width folding reads as iii / ii. 优二 is the report's 优Ⅱ (class II or better).
CLASS_NUMERAL_RE = re.compile(r"(?:(?<=优)|(?=[一二三四五1-5]类))([一二三四五1-5])")
ROMAN = {"一": "i", "二": "ii", "三": "iii", "四": "iv", "五": "v", "1": "i", "2": "ii", "3": "iii", "4": "iv", "5": "v"}
ROMAN_RE = re.compile(r"(?<![a-z])(iv|v|i{1,3})(?![a-z])")
# "class II water", "grade 3": the same classes in English.
ENGLISH_CLASS_RE = re.compile(r"\b(?:class|grade|category|type)[- ]?(iv|v|i{1,3}|[1-5])\b", re.IGNORECASE)


def asked_grades(question: str) -> frozenset[tuple[str, str]]:
    """The (level | class, value) a question names for what it asks about: 「区里的呢」 → {(level, 区)};
    "city key projects" → {(level, 市)}; 「二类以上的比例」, "class II" → {(class, ii)}."""
    found = {("level", m.group(1)) for m in QUESTION_LEVEL_RE.finditer(question)}
    found |= {("level", ENGLISH_LEVELS[m.group(1).lower()]) for m in ENGLISH_LEVEL_RE.finditer(question)}
    found |= {("class", ROMAN[n]) for n in CLASS_NUMERAL_RE.findall(question)}
    found |= {("class", ROMAN.get(n, n.lower())) for n in ENGLISH_CLASS_RE.findall(question)}
    return frozenset(found)


def clause_grades(text: str) -> frozenset[tuple[str, str]]:
    """The grades a (width-folded, lower-cased) clause names: 「…的区重点项目」 → {(level, 区)}; 优ⅲ → {(class, iii)}."""
    found = {("level", m.group(1)) for m in CLAUSE_LEVEL_RE.finditer(text)}
    return frozenset(found | {("class", m.group(1)) for m in ROMAN_RE.finditer(text)})


def grade_conflict(asked: frozenset[tuple[str, str]], clause: str) -> bool:
    """Whether a clause names another level or class than the one asked (市重点项目 for 「区里的呢」)."""
    named = clause_grades(clause)
    for kind in ("level", "class"):
        wanted, said = {v for k, v in asked if k == kind}, {v for k, v in named if k == kind}
        if wanted and said and not wanted & said:
            return True
    return False
