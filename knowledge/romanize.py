"""Names in an English reply: the places and institutions a which-answer lists, in pinyin with their kind in English
(胜浦大桥 → "Shengpu Bridge", 尹山湖医院 → "Yinshanhu Hospital"), so a reader of English can match them to signs and
maps. The heads are a general table of Chinese place and institution words, not this report's names."""
from __future__ import annotations

import re

from .leads import VERBS_LONGEST_FIRST
from .lexical import NAME_FLAGS, _tagger

# Generic heads of Chinese place and institution names, longest first where one ends another (大桥 before 桥).
HEADS_EN = {
    "九年一贯制学校": "School", "实验小学": "Experimental Primary School", "小学": "Primary School",
    "中学": "Middle School", "学校": "School", "幼儿园": "Kindergarten", "医院": "Hospital", "大桥": "Bridge",
    "桥": "Bridge", "大道": "Avenue", "路": "Road", "街": "Street", "古镇": "Ancient Town", "古村": "Ancient Village",
    "镇": "Town", "村": "Village", "街道": "Subdistrict", "湖": "Lake", "山": "Hill", "岛": "Island", "湾": "Bay",
    "河": "River", "港": "Port", "寺": "Temple", "塔": "Pagoda", "公园": "Park", "景区": "Scenic Area",
    "园": "Park", "中心": "Centre", "新城": "New Town", "片区": "Area", "产业园": "Industrial Park",
}
HEADS_LONGEST_FIRST = sorted(HEADS_EN, key=len, reverse=True)
ITEM_SPLIT_RE = re.compile(r"[、,，;；。]|等")
# The verbs a work report opens a list with (knowledge.leads): 建成通车胜浦大桥 names 胜浦大桥.
LEADING_VERBS_RE = re.compile(rf"^(?:{'|'.join(map(re.escape, VERBS_LONGEST_FIRST))})+")


def names_en(clause: str) -> list[str]:
    """The names a clause lists, romanized: an item ending in a known head with a name before it, or a word jieba
    takes for a proper name; common nouns (文物, 项目) are left out."""
    found: list[str] = []
    for item in ITEM_SPLIT_RE.split(clause):
        item = LEADING_VERBS_RE.sub("", item.strip())
        name = _romanized(item)
        if name and name not in found:
            found.append(name)
    return found


def _romanized(item: str) -> str | None:
    from pypinyin import lazy_pinyin

    tagged = [(p.word, p.flag) for p in _tagger().lcut(item)]
    for word, flag in tagged:
        head = next((h for h in HEADS_LONGEST_FIRST if word.endswith(h) and len(word) > len(h)), None)
        if head or (flag in NAME_FLAGS and len(word) >= 2):
            stem = word[:-len(head)] if head else word
            pinyin = "".join(lazy_pinyin(stem)).capitalize()
            return f"{pinyin} {HEADS_EN[head]}" if head else pinyin
    return None
