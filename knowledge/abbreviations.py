"""Chinese abbreviations both ways, read from the report itself: a resident's 网购节 is the report's 网络购物节, and a
resident's 暑假托管班 the report's 暑托班 — a short form takes the first character of each word of the long one, or
of the first word and one later word of a long term (高企 is 高新技术企业, 社零 社会消费品零售总额).

No table: the report's phrases give its long forms' abbreviations, the question's phrases give theirs. Only rare
short forms count (jieba's frequency), so a common word that happens to be one (提出, 工资) is never read as one.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from .lexical import _jieba, stopwords

CJK_RUN_RE = re.compile(r"[\u4e00-\u9fff]+")
# Words in a long form: two characters each (a one-character last word, 节 班 站, is kept whole).
MAX_WORDS = 4
# jieba dictionary frequency under which a word is rare enough to be an abbreviation (展演 48, 农机 193; 现有 2679).
RARE_FREQ = 500
# A short form a resident writes, one rare word or split by jieba into single characters (网|购|节): three
# characters at least, since two side by side (能建, 建不, 管管) are mostly ordinary words.
MIN_SHORT_CHARS = 3
# A long term a short form may skip words of: four characters at least (高新技术企业, 社会消费品零售总额).
SKIPPING_MIN_CHARS = 4


def _phrases(text: str) -> Iterator[list[str]]:
    """Runs of two to four words that an abbreviation could shorten (no stopwords, two-character words)."""
    stop = stopwords()
    for run in CJK_RUN_RE.findall(text):
        words = _jieba().lcut(run, HMM=False)
        for n in range(2, MAX_WORDS + 1):
            for i in range(len(words) - n + 1):
                seq = words[i:i + n]
                if all(len(w) == 2 for w in seq[:-1]) and len(seq[-1]) <= 2 and not any(w in stop for w in seq[:-1]):
                    yield seq


def _skipping_shorts(term: str) -> list[str]:
    """Two-character short forms of a long term that skip words: the first character of its first word and of one
    later word (高新|技术|企业 → 高技, 高企)."""
    parts = sorted({p for p in _jieba().lcut_for_search(term, HMM=False) if len(p) == 2 and p != term}, key=term.find)
    if len(parts) < 2 or parts[0] != term[:2]:
        return []
    return [parts[0][0] + part[0] for part in parts[1:]]


def _short(seq: list[str]) -> str:
    return "".join(w[0] for w in seq)


def _rare(word: str) -> bool:
    return (_jieba().FREQ.get(word) or 0) < RARE_FREQ


class Abbreviations:
    """The report's long forms by their short form, and its short forms; expands a question either way."""

    def __init__(self, report: str, report_words: set[str]) -> None:
        self.report = report
        self.report_words = report_words
        long_forms: dict[str, set[str]] = {}
        for seq in _phrases(report):
            long_forms.setdefault(_short(seq), set()).add("".join(seq))
        # A short form the report never writes, of exactly one of its phrases.
        self._long = {short: next(iter(forms)) for short, forms in long_forms.items()
                      if len(forms) == 1 and short not in report and _rare(short)}
        skipped: dict[str, set[str]] = {}
        for term in {w for w in report_words if len(w) >= SKIPPING_MIN_CHARS and CJK_RUN_RE.fullmatch(w)}:
            for short in _skipping_shorts(term):
                skipped.setdefault(short, set()).add(term)
        # Read only where the resident's two characters are no word of the language (高|企, 社|零): see _long_forms.
        self._skipped = {short: next(iter(terms)) for short, terms in skipped.items()
                         if len(terms) == 1 and short not in report and short not in _jieba().FREQ}

    def expansions(self, text: str) -> list[str]:
        """The report's words a question's abbreviations (or long forms) stand for."""
        found: list[str] = []
        for run in CJK_RUN_RE.findall(text):
            tokens = _jieba().lcut(run, HMM=False)
            found += self._long_forms(run, tokens)
        for seq in _phrases(text):
            short, long = _short(seq), "".join(seq)
            if short in self.report_words and _rare(short) and long not in self.report and short != seq[0]:
                found.append(short)  # 暑假托管班 → 暑托班
        return list(dict.fromkeys(found))

    def _long_forms(self, run: str, tokens: list[str]) -> list[str]:
        """网购节 (split by jieba into 网|购|节, or one rare word) → 网络购物节; the longest short form wins."""
        bounds = [0]
        for token in tokens:
            bounds.append(bounds[-1] + len(token))
        found: list[tuple[int, str]] = []
        for s in range(len(tokens)):
            for e in range(s + 1, len(tokens) + 1):
                span = run[bounds[s]:bounds[e]]
                if e - s == 2 and len(span) == 2 and span in self._skipped:
                    found.append((len(span), self._skipped[span]))  # 高企 → 高新技术企业
                if span not in self._long:
                    continue
                split = e - s > 1 and all(len(t) == 1 for t in tokens[s:e])
                if len(span) >= MIN_SHORT_CHARS and (split or (e - s == 1 and _rare(span))):
                    found.append((len(span), self._long[span]))
        return [long for _, long in sorted(found, reverse=True)[:1]]
