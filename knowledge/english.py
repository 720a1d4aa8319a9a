"""English replies: the Chinese lead stays quoted; its figures are converted and say what they count, and a
glossary term (the synonym table read backwards: 学位 → "school places") glosses what the clause is about."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .clauses import split_clauses
from .figures_en import MAGNITUDES, UNITS_EN, Figure, parse_figures
from .leads import Lead
from .normalize import SynonymTable, default_synonym_paths
from .question_types import QUANTITY, WHEN, WHICH, YESNO
from .romanize import names_en

# Units whose English word says less than the glossary's noun (500名 人才 → "500 talents" rather than "people").
NOUN_OVER_UNIT = ("名", "位", "辆")
MAGNITUDE_RE = re.compile("|".join(MAGNITUDES))
# What may follow the counted noun in its item: nothing, or a note in brackets (社区卫生服务中心(站)).
TRAILING_NOTE_RE = re.compile(r"(?:[(（][^)）]*[)）])?[。.]?")


@lru_cache(maxsize=4)
def _glossary(paths: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(report term, English phrase) pairs, longest term first; a phrase naming only that term, the longest, wins."""
    best: dict[str, tuple[tuple[bool, int], str]] = {}
    for phrase, targets in SynonymTable.load(*map(Path, paths)).entries:
        # (a phrase with a digit, 15th five-year plan, reads questions only: a gloss printing it would state a number
        # the clause does not write, and the grounding guard would drop the whole English reply)
        if not phrase.isascii() or re.search(r"\d", phrase):
            continue
        for term in targets:
            key = (len(targets) == 1, len(phrase))
            if term not in best or key > best[term][0]:
                best[term] = (key, phrase)
    return tuple(sorted(((term, phrase) for term, (_, phrase) in best.items()), key=lambda e: -len(e[0])))


def glossary() -> tuple[tuple[str, str], ...]:
    """The built-in and operators' glossary, read once per process."""
    return _glossary(tuple(str(p) for p in default_synonym_paths()))


def glossed_terms(text: str) -> list[tuple[int, int, str]]:
    """(start, end, English) for glossary terms in `text`, longest first, never overlapping, in text order."""
    taken: list[tuple[int, int, str]] = []
    for term, phrase in glossary():
        at = text.find(term)
        while at >= 0:
            if not any(s < at + len(term) and at < e for s, e, _ in taken):
                taken.append((at, at + len(term), phrase))
            at = text.find(term, at + len(term))
    return sorted(taken)


def figure_words(clause: str) -> list[str]:
    """Each amount of a Chinese clause in English, with the glossary noun it counts (numbers in names are skipped)."""
    out = []
    for item in split_clauses(clause):
        terms = glossed_terms(item.text)
        for figure in parse_figures(item.text):
            if figure.is_year or not (figure.unit or MAGNITUDE_RE.search(figure.text)):
                continue  # 1号公路, “135”, 2025年: not amounts
            noun = _counted_noun(figure, terms, item.text)
            if noun is None and figure.end == len(item.text):  # 「5个、总投资145亿元的省重大项目」: the phrase's head
                noun = next((phrase for start, end, phrase in glossed_terms(clause)
                             if start >= item.end and end == len(clause)), None)
            out.append(_figure_english(figure, noun))
    return out


def _counted_noun(figure: Figure, terms: list[tuple[int, int, str]], item: str) -> str | None:
    """The glossary noun a figure counts: right after it when it is the whole noun (2个社区卫生服务中心(站); not
    科技 of 30家科技孵化载体: "30 technology" would misname it), else, when the figure closes its item, the
    nearest before it (新增学位7530个, 游客总人次突破2400万)."""
    length = len(item)
    after = [phrase for start, end, phrase in terms
             if figure.end <= start <= figure.end + 1 and TRAILING_NOTE_RE.fullmatch(item[end:])]
    if after:
        return after[0]
    before = [phrase for _, end, phrase in terms if end <= figure.start]
    return before[-1] if before and figure.end == length else None


def _figure_english(figure: Figure, noun: str | None) -> str:
    """'7,530 school places'; a unit with its own word keeps it and names the noun after: '33,000 people (jobs)'."""
    if noun and not figure.unit:  # 2400万 → "24 million (tourists)"
        return f"{figure.english()} ({noun})"
    if noun and figure.unit in UNITS_EN and figure.unit not in NOUN_OVER_UNIT and figure.unit != "%":
        return f"{figure.english()} ({noun})"
    return figure.english(noun)


def gloss(clause: str) -> str:
    """The glossary's English for the terms a clause names ('parking spaces, charging piles')."""
    return ", ".join(dict.fromkeys(phrase for _, _, phrase in glossed_terms(clause)))


def compose_en(lead: Lead, kind: str, year: int | None, wants_year: bool, part: str, title: str,
               denied: bool = False) -> str:
    """The English reply: the answer first (figures, yes / no, the year), then the source and the Chinese quote."""
    facts = "; ".join(dict.fromkeys(figure_words(lead.clause)))
    source = f"The Wuzhong government work report ({part}, 「{title}」) says: 「{lead.text}」"
    if kind == QUANTITY and facts:
        return f"{facts[:1].upper()}{facts[1:]}. {source}."
    if denied:
        opener = f"No: {facts}. " if facts else "No. "
    elif kind == YESNO and lead.matched:
        opener = f"Yes, planned for {year}. " if wants_year and year else "Yes. "
    elif (kind == WHEN or wants_year) and year:
        opener = f"Planned for {year}. "
    else:
        opener = ""
    detail = "" if denied and facts else facts or gloss(lead.clause)
    names = ", ".join(names_en(lead.clause)) if kind == WHICH else ""
    if names:  # a which-answer names its places in pinyin: what a reader of English finds on signs and maps
        detail = f"{detail}: {names}" if detail else names
    return f"{opener}{source}" + (f" ({detail})." if detail else ".")
