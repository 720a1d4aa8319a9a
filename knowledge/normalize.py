"""Query normalization: Traditional → Simplified, width folding, and residents' words → the report's terms."""
from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
BUILTIN_SYNONYMS = DATA_DIR / "synonyms.tsv"
DIALECT = DATA_DIR / "dialect.tsv"
ABBREVIATIONS_EN = DATA_DIR / "abbreviations_en.tsv"


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # heavy-ish: loaded on first query only

    return opencc.OpenCC("t2s")


def encodable(text: str) -> str:
    """The text with any lone surrogate ("\\ud800" in a JSON body) read as "?": opencc, jieba and SQLite cannot
    encode one."""
    return text.encode("utf-8", "replace").decode("utf-8")


def to_simplified(text: str) -> str:
    """Traditional Chinese characters → Simplified (OpenCC t2s)."""
    return _t2s().convert(encodable(text))


def fold_width(text: str) -> str:
    """Full-width letters, digits and ASCII punctuation → half-width (the report uses half-width digits)."""
    return unicodedata.normalize("NFKC", text)


@dataclass(frozen=True)
class SynonymTable:
    """Residents' (or English) wording → terms the report uses; operators extend it with a TSV file."""

    entries: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def load(cls, *paths: Path) -> "SynonymTable":
        """Read `phrase<TAB>term[,term…]` lines; later files add to earlier ones; # starts a comment."""
        entries: list[tuple[str, tuple[str, ...]]] = []
        for path in paths:
            if not path or not Path(path).is_file():
                continue
            for line in Path(path).read_text(encoding="utf-8").splitlines():
                line = line.split("#", 1)[0].strip()
                if "\t" not in line:
                    continue
                phrase, terms = line.split("\t", 1)
                targets = tuple(t.strip() for t in re.split(r"[,，]", terms) if t.strip())
                if phrase.strip() and targets:
                    entries.append((phrase.strip().lower(), targets))
        # Longest phrase first so "公交车站" wins over "公交车".
        entries.sort(key=lambda e: -len(e[0]))
        return cls(tuple(entries))

    def expansions(self, query: str) -> list[str]:
        """Report terms implied by the query's wording, in order, without duplicates."""
        lowered = query.lower()
        # 上学的名额 says 上学名额: a 的 between two words of a phrase does not part them
        joined = re.sub(r"(?<=[\u4e00-\u9fff])的(?=[\u4e00-\u9fff])", "", lowered)
        found: list[str] = []
        for phrase, targets in self.entries:
            if phrase.isascii():
                hit = re.search(_english_phrase(phrase), lowered)
            else:
                hit = phrase in lowered or (len(phrase) >= 4 and phrase in joined)
            if hit:
                found.extend(t for t in targets if t not in found and t not in query)
        return found


# Words an English phrase of the table may have between its own: "summer day-care classes" says "summer care".
PHRASE_GAP_WORDS = 1


@lru_cache(maxsize=4096)
def _english_phrase(phrase: str) -> str:
    """The pattern of an English table phrase: its words in order, each maybe plural, with up to PHRASE_GAP_WORDS
    other words (or a hyphen) between two of them."""
    gap = rf"(?:[\s-]+[a-z]+){{0,{PHRASE_GAP_WORDS}}}[\s-]+"
    words = [re.escape(w) + r"(?:e?s)?" for w in phrase.split()]
    return rf"(?<![a-z]){gap.join(words)}(?![a-z])"


def default_synonym_paths() -> list[Path]:
    """The built-in table plus the operators' file ($WUZHONG_SYNONYMS or instance/synonyms.tsv)."""
    extra = os.environ.get("WUZHONG_SYNONYMS") or str(Path(__file__).parent.parent / "instance" / "synonyms.tsv")
    return [BUILTIN_SYNONYMS, Path(extra)]


def _pairs(path: Path) -> dict[str, str]:
    """`word<TAB>replacement` lines of a data file (# starts a comment line)."""
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and "\t" in line:
            word, replacement = line.split("\t", 1)
            pairs[word.strip()] = replacement.strip()
    return pairs


def _alternatives(words) -> str:
    """A regex alternation trying the longest word first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _dialect_words() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(_pairs(DIALECT).items(), key=lambda p: -len(p[0])))


@lru_cache(maxsize=4)
def _dialect_rewrite(report: str) -> tuple[re.Pattern | None, dict[str, str]]:
    # Built once per report: the words it uses itself are left out.
    pairs = {word: mandarin for word, mandarin in _dialect_words() if word not in report}
    return (re.compile(_alternatives(pairs)) if pairs else None), pairs


def to_mandarin(text: str, report: str = "") -> str:
    """Dialect function words → Mandarin (啥辰光 → 什么时候, 阿有 → 有没有); a word the report uses stays."""
    pattern, pairs = _dialect_rewrite(report)
    return pattern.sub(lambda m: m.group(0) if _ends_word(text, m.start()) else pairs[m.group(0)], text) \
        if pattern else text


# A dialect word whose first character ends a Mandarin word of at least this frequency is no dialect word:
# 周边几个小区 is 周边 + 几个, not 周 + 边几 (哪几).
ENDS_WORD_FREQ = 100


def _ends_word(text: str, at: int) -> bool:
    """Whether the character at `at` ends a common word with the one before it (周边, 旁边, 体系)."""
    if at == 0:
        return False
    from .lexical import _jieba  # here: only a message with a dialect word needs the dictionary

    return (_jieba().FREQ.get(text[at - 1:at + 1]) or 0) >= ENDS_WORD_FREQ


# A combining form (bio-) is read off a word only when a word of this many letters is left (biomedical, not biology).
COMBINED_REST_MIN = 5


@lru_cache(maxsize=1)
def _english_abbreviations() -> tuple[re.Pattern, dict[str, str], re.Pattern | None, dict[str, str]]:
    rows = {short.lower(): words for short, words in _pairs(ABBREVIATIONS_EN).items()}
    pairs = {short: words for short, words in rows.items() if not short.endswith("-")}
    forms = {short[:-1]: words for short, words in rows.items() if short.endswith("-")}
    whole = re.compile(rf"(?<![\w&'])(?:{_alternatives(pairs)})(?![\w&'])", re.IGNORECASE)
    combining = re.compile(rf"(?<![\w&'])({_alternatives(forms)})(?=[a-z]{{{COMBINED_REST_MIN},}})",
                           re.IGNORECASE) if forms else None
    return whole, pairs, combining, forms


def expand_abbreviations(text: str) -> str:
    """English abbreviations → their words (R&D → research and development), and combining forms → the word they
    stand for (biomedical → biological medical), so the dictionary can gloss them."""
    whole, pairs, combining, forms = _english_abbreviations()
    text = whole.sub(lambda m: pairs[m.group(0).lower()], text)
    return combining.sub(lambda m: forms[m.group(1).lower()] + " ", text) if combining else text


def normalize_query(text: str) -> str:
    """Simplified, width-folded, whitespace-collapsed form of a question."""
    text = fold_width(to_simplified(text))
    return re.sub(r"\s+", " ", text).strip()
