"""Understand a resident's question: normalize it, map their words, typos and pinyin names to the report's terms."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import MAX_QUERY_CHARS, EmptyQueryError, QueryTooLongError
from .cedict import Glossary, american_spelling
from .compounds import Compounds
from .figures_en import chinese_amounts
from .abbreviations import Abbreviations
from .asked_figures import COUNTERS
from .language import detect_language
from .levels import CLASS_NUMERAL_RE, ROMAN, ROMAN_RE
from .lexical import USER_DICT, _jieba, add_quoted_names, is_verb, single_verbs, specific_words, stopwords, words
from .normalize import (SynonymTable, default_synonym_paths, encodable, expand_abbreviations, fold_width,
                        normalize_query, to_mandarin)
from .thesaurus import Thesaurus

CJK_RUN_RE = re.compile(r"[\u3400-\u9fff]+")
# An English word or abbreviation in a Chinese question (R&D, IPO).
# Three letters at least: a two-letter one is too often about the assistant (这报告是AI写的吧).
LATIN_WORD_RE = re.compile(r"[a-z][a-z&]{1,}[a-z]")
# English words for the kind of place a pinyin name denotes, so "Shengpu Bridge" finds 胜浦大桥.
PLACE_SUFFIXES = ("九年一贯制学校", "实验小学", "大桥", "大道", "老街", "古村", "医院", "北路", "南路", "路", "湖", "山", "岛", "桥", "湾", "村", "街", "庵")
TYPO_LENGTHS = (3, 4, 5)
MIN_EVIDENCE_GLOSS = 2
# A goal asked (目标, target) is a figure in a work report: the reply leads with it.
QUANTITY_RE = re.compile(rf"多少|几[{COUNTERS}万千百]?|数量|规模|比例|比重|占比|目标|指标|"
                         r"how many|how much|number of|percent|target|goal")
# 几 in a yes-no question is "a few", not "how many": 会多开几家24小时书房吗 asks whether, not how many.
INDEFINITE_COUNT_RE = re.compile(r"^(?!.*多少).*几[^？?。!！,，]*[吗伐么嘛](?:[?？!！。\s]|$)")


def indefinite_count(text: str) -> bool:
    """Whether the question's 几 means "a few" (a yes-no question ending in 吗/伐), so it asks no figure."""
    return bool(INDEFINITE_COUNT_RE.search(text))


@dataclass
class Query:
    """A question as the retrievers see it."""

    raw: str
    text: str
    language: str
    expansions: list[str] = field(default_factory=list)
    # Report words one English word glosses (CC-CEDICT): they steer ranking but are no evidence of an answer
    # ("way" → 路 must not let an unrelated question quote a passage).
    hints: list[str] = field(default_factory=list)
    # English: the report words of each phrase the glossary matched, one group per phrase (hints included).
    gloss_groups: list[tuple[str, ...]] = field(default_factory=list)
    # The report's words inside a question word it never writes whole (防汛防台 → 防汛): they pick the sentence.
    parts: list[str] = field(default_factory=list)

    @property
    def search_text(self) -> str:
        """The normalized question plus the report terms it implies."""
        return " ".join([self.text, *self.expansions, *self.hints])

    @property
    def asks_quantity(self) -> bool:
        """Whether the question asks for an amount (多少, 几个, how many …)."""
        return bool(QUANTITY_RE.search(self.text.lower())) and not indefinite_count(self.text)

    def content_words(self) -> list[str]:
        """Topic words of the question itself (no expansions)."""
        return words(self.text)

    def names_no_topic(self) -> bool:
        """A Chinese question whose only words are single characters (是哪几条路, 要做多少人): it names no topic."""
        return self.language != "en" and not any(len(w) >= 2 for w in self.content_words())

    def steering_words(self) -> list[str]:
        """Words that pick the sentence and clause to quote: the question's (and their parts the report writes), its
        expansions and, for English (whose own words never occur in the report), the one-word glosses too."""
        return [*self.content_words(), *self.parts, *self.expansions, *(self.hints if self.language == "en" else [])]


def check_query(raw: object) -> str:
    """The question as a string, or a KnowledgeError saying why it cannot be asked."""
    # Only a truly empty message is an error; emoji or punctuation get an answer (abstention reason 'unclear').
    if not isinstance(raw, str) or not raw.strip():
        raise EmptyQueryError()
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryTooLongError(len(raw))
    return encodable(raw)


# A word the report writes with an optional character in brackets inside it: 电(单)车 (not a note after a word,
# 服务中心(站), which the report also writes without it).
BRACKETED_RE = re.compile(r"([\u4e00-\u9fff])[(（]([\u4e00-\u9fff])[)）]([\u4e00-\u9fff])")


class QueryAnalyzer:
    """Turns raw questions into `Query` objects using the synonym table and the report's own vocabulary."""

    def __init__(self, report_texts: list[str], synonym_paths: list[Path] | None = None) -> None:
        self.synonyms = SynonymTable.load(*(synonym_paths or default_synonym_paths()))
        self.report = "\n".join(report_texts)
        add_quoted_names(self.report)  # before any passage or question is cut into words
        # The classes the report writes with Roman numerals (优Ⅱ, Ⅲ类 → ii, iii once width-folded).
        self._roman_classes_said = set(ROMAN_RE.findall(fold_width(self.report).lower()))
        self.terms = [t for t in _user_terms() if t in self.report]
        self._typo_keys = self._index_ngrams()
        self._pinyin = _pinyin_names(self.terms)
        self.thesaurus = Thesaurus({w for w in words(self.report) if len(w) >= 2} | set(self.terms))
        # The report's words, including the parts of its compounds (停车泊位 → 停车), read through CC-CEDICT.
        parts = {w for w in _jieba().lcut_for_search(self.report) if len(w) >= 2}
        self.glossary_words = self.thesaurus.report_words | parts
        self.glossary = Glossary(self.glossary_words, self.report)
        self.compounds = Compounds(self.glossary, self.report)
        self._bracketed = _bracketed_variants(self.report)
        self.abbreviations = Abbreviations(self.report, self.thesaurus.report_words | set(self.terms))
        self._verbs_opened = _verbs_opened(self.thesaurus.report_words)

    def analyze(self, raw: str) -> Query:
        """Normalize and expand one question (raises EmptyQueryError / QueryTooLongError)."""
        text = to_mandarin(normalize_query(check_query(raw)), self.report)
        language = detect_language(text)
        text = american_spelling(expand_abbreviations(text)) if language == "en" else self._latin_read(text)
        query = Query(raw=raw, text=text, language=language)
        masked = self._mask_terms(text)
        found: list[str] = []
        # Words the report lacks are looked up in the thesaurus; the report's own words need no synonym.
        unknown = [w for w in specific_words(masked) if w not in self.thesaurus.report_words]
        english = self.glossary.matches(text, stopwords()) if query.language == "en" else []
        # "over 100 million yuan" is how the report's 亿元以上 reads in English: as specific as a table entry.
        amounts = [a for a in chinese_amounts(text) if a in self.report] if query.language == "en" else []
        compounds = self.compounds.read(text, stopwords()) if query.language == "en" else []
        # A gloss of two words or more (place in school → 学位) is as specific as a table entry; one word is a hint.
        for term in [*self.synonyms.expansions(masked), *(w for n, w in english if n >= MIN_EVIDENCE_GLOSS), *amounts,
                     *self.thesaurus.expansions(unknown),
                     *self.typo_fixes(text), *self._pinyin_hits(text), *self._roman_classes(text),
                     *(self.abbreviations.expansions(masked) if language != "en" else ()),
                     *(written for said, written in self._bracketed if said in text)]:
            if term not in found and term not in text:
                found.append(term)
        query.expansions = found
        query.parts = [p for w in words(text) if len(w) >= 4 and w not in self.thesaurus.report_words
                       for p in _jieba().lcut_for_search(w) if 2 <= len(p) < len(w) and p in self.glossary_words]
        query.hints = [w for n, w in english if n < MIN_EVIDENCE_GLOSS and w not in found and w not in text]
        query.hints += [c for c in compounds if c not in found and c not in query.hints]
        # 签 → 签约: a hint for ranking the passages, too loose to choose a clause (30亿以上的签几个 is the 其中 clause)
        query.hints += [self._verbs_opened[v] for v in single_verbs(masked)
                        if v in self._verbs_opened and self._verbs_opened[v] not in text]
        if query.language == "en":
            query.gloss_groups = [group for *_, group in self.glossary.groups(text, stopwords())]
        return query

    def _latin_read(self, text: str) -> str:
        """A Chinese question's English words the report does not write, read as the report's word their gloss of
        two words or more names (R&D占比 → 研发占比)."""
        for word in set(LATIN_WORD_RE.findall(text.lower())) - set(LATIN_WORD_RE.findall(self.report.lower())):
            strong = [w for n, w in self.glossary.matches(expand_abbreviations(word), stopwords())
                      if n >= MIN_EVIDENCE_GLOSS]
            if strong:
                text = re.sub(re.escape(word), strong[0], text, flags=re.IGNORECASE)
        return text

    def explains(self, word: str) -> bool:
        """Whether the synonym table or the thesaurus gives a word the report lacks a report word (巴士 → 公交)."""
        return bool(self.synonyms.expansions(word) or self.thesaurus.expansions([word]))

    def _mask_terms(self, text: str) -> str:
        # Report terms already in the question must not be re-read as shorter colloquial words
        # (充电桩 is not 充电 → 充电设施; 郊野公园 is not 公园 → 口袋公园).
        for term in sorted(self.terms, key=len, reverse=True):
            if len(term) >= 3 and term in text:
                text = text.replace(term, "□" * len(term))
        return text

    def _index_ngrams(self) -> dict[str, set[str]]:
        keys: dict[str, set[str]] = {}
        for term in self.terms:  # two-character typos are checked against the report's own terms only
            if len(term) == 2:
                for j in range(2):
                    keys.setdefault(term[:j] + "?" + term[j + 1:], set()).add(term)
        for run in CJK_RUN_RE.findall(self.report):
            for n in TYPO_LENGTHS:
                for i in range(len(run) - n + 1):
                    gram = run[i:i + n]
                    for j in range(n):
                        keys.setdefault(gram[:j] + "?" + gram[j + 1:], set()).add(gram)
        return keys

    def typo_fixes(self, text: str) -> list[str]:
        """Report n-grams that differ from an n-gram of the question the report lacks by one homophone
        (充电庄 → 充电桩, 养老窗位 → 养老床位, 光付 → 光福): the typos a pinyin keyboard makes."""
        fixes: list[str] = []
        for run in CJK_RUN_RE.findall(text):
            # A gram that cuts a dictionary word of the question in two is no typo of a report word: 可不可以 holds
            # 不可以, one sound away from 不可移(动), and is no misspelling of it.
            inside = {at for word, start, end in _jieba().tokenize(run) if _jieba().FREQ.get(word)
                      for at in range(start + 1, end)}
            for n in (2, *TYPO_LENGTHS):
                for i in range(len(run) - n + 1):
                    gram = run[i:i + n]
                    if gram in self.report or {i, i + n} & inside:
                        continue
                    candidates = {c for j in range(n) for c in self._typo_keys.get(gram[:j] + "?" + gram[j + 1:], ())
                                  if _sound(c[j]) == _sound(gram[j])}
                    if len(candidates) == 1:
                        fixes.extend(candidates)
        return fixes

    def _roman_classes(self, text: str) -> list[str]:
        """三类 → iii when the report writes a class as Ⅲ (folded to iii)."""
        return [ROMAN[n] for n in CLASS_NUMERAL_RE.findall(text) if ROMAN[n] in self._roman_classes_said]

    def _pinyin_hits(self, text: str) -> list[str]:
        if not re.search(r"[A-Za-z]{3,}", text):
            return []
        squashed = re.sub(r"[^a-z]", "", text.lower())
        return [term for name, term in self._pinyin if name in squashed]


def _bracketed_variants(report: str) -> list[tuple[str, str]]:
    """(what a resident writes, what the report writes) for a word with an optional character in brackets:
    共享电(单)车 is said 电单车 or 电车; the longest first."""
    pairs = {}
    for match in BRACKETED_RE.finditer(report):
        before, inside, after = match.groups()
        for said in (before + inside + after, before + after):
            if said not in report:
                pairs[said] = match.group(0)
    return sorted(pairs.items(), key=lambda p: -len(p[0]))


@lru_cache(maxsize=4096)
def _sound(char: str) -> str:
    from pypinyin import lazy_pinyin

    return lazy_pinyin(char)[0]


def _user_terms() -> list[str]:
    lines = USER_DICT.read_text(encoding="utf-8").splitlines()
    return [line.split()[0] for line in lines if line.strip() and not line.startswith("#")]


def _pinyin_names(terms: list[str]) -> list[tuple[str, str]]:
    """(pinyin of the proper-name part, term) for place and institution names in the user dictionary."""
    from pypinyin import lazy_pinyin

    lines = USER_DICT.read_text(encoding="utf-8").splitlines()
    places = {line.split()[0] for line in lines if line.split()[-1] in ("ns", "nt", "nz")}
    names = []
    for term in terms:
        if term not in places:
            continue
        name = next((term[: -len(s)] for s in PLACE_SUFFIXES if term.endswith(s) and len(term) > len(s) + 1), term)
        pinyin = "".join(lazy_pinyin(name))
        # Short syllable runs occur inside ordinary English words; the district's own name says nothing.
        if len(pinyin) >= 5 and pinyin not in ("wuzhong", "suzhou"):
            names.append((pinyin, term))
    return names


def _verbs_opened(report_words: set[str]) -> dict[str, str]:
    """Single characters that open exactly one two-character verb of the report (签 → 签约, 拆 → 拆迁): residents say
    the one character (今年要签多少个项目) where the report writes the verb."""
    opened: dict[str, list[str]] = {}
    for word in report_words:
        if len(word) == 2 and is_verb(word):
            opened.setdefault(word[0], []).append(word)
    return {first: verbs[0] for first, verbs in opened.items() if len(verbs) == 1}
