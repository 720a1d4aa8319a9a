"""BM25 over jieba tokens (plus CJK bigrams) with the report's own terms in the user dictionary."""
from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from .normalize import fold_width

DATA_DIR = Path(__file__).parent / "data"
USER_DICT = DATA_DIR / "userdict.txt"
STOPWORDS = DATA_DIR / "stopwords.txt"
# A Latin word may carry digits (pm2.5, 5g): the report writes such terms whole.
# A name the report quotes may join its parts with + (“1+9”综合改革, “3+4+N”招商体系).
WORD_RE = re.compile(r"[\u3400-\u9fff]+|[a-z]+|\d+(?:\.\d+)?|(?=[a-z\d.]*[a-z])[a-z\d]+(?:\.\d+)?|"
                     r"[\u3400-\u9fff\da-z]+(?:\+[\u3400-\u9fff\da-z]+)+|"
                     # and Chinese with digits or Latin letters (“24小时城市书房”)
                     r"(?=[\da-z]*[\u3400-\u9fff])(?=[\u3400-\u9fff]*[\da-z])[\u3400-\u9fff\da-z]+")
CJK_RUN_RE = re.compile(r"[\u3400-\u9fff]{2,}")
# jieba's tags for common, place, organisation and other proper nouns (not person names: they misfire on 林木).
# jieba dictionary frequency above which a non-noun is too common to look up in the thesaurus.
COMMON_WORD_FREQ = 5000
# idf over the report's passages of a word found in at most two of them (log(117 / 2) ≈ 4.1): telling.
TELLING_IDF = 4.0
USER_WORD_FREQ = 50  # as the entries of data/userdict.txt
NOUN_FLAGS = frozenset({"n", "nz", "ns", "nt", "nl", "ng"})
# jieba's tags of proper nouns: places, organisations, other names, people.
NAME_FLAGS = frozenset({"ns", "nt", "nz", "nr"})
# A resident's complaint names its topic and what is wrong with it in one word (停车难, 看病贵, 出行慢): its topic is
# the word before the judging character (not 世界杯, a word of its own).
COMPLAINT_RE = re.compile(r"([\u4e00-\u9fff]{2})[难贵慢乱堵差少]")


def complaint_topics(words: list[str]) -> list[str]:
    """The topics of a question's complaint words (停车难 → 停车)."""
    return [m.group(1) for w in words for m in [COMPLAINT_RE.fullmatch(w)] if m]


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(USER_DICT))
    for period in PLAN_PERIODS:  # 十四五 is one word, not 十四 + 五
        tokenizer.add_word(period, USER_WORD_FREQ, "nz")
    return tokenizer


# A name the report puts in quotation marks (“九个一”, “1+9”, “东吴科技人才贷”): short, no punctuation inside.
QUOTED_NAME_RE = re.compile(r"“([\u3400-\u9fff\dA-Za-z+]{2,12})”")


def add_quoted_names(text: str) -> list[str]:
    """Make the names a report quotes words of the tokenizer, so a question says them whole (九个一 is no bare count,
    1+9 no pair of digits); returns them."""
    names = sorted({fold_width(n).lower() for n in QUOTED_NAME_RE.findall(text)})
    for name in names:
        if not _jieba().FREQ.get(name):  # a known word keeps its tag
            # a common noun: one quoted name (“鱼骨图”, “太湖民宿”) is a slogan or a brand, it lists no instances
            _jieba().add_word(name, USER_WORD_FREQ, "n")
    return names


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Question words, particles and fillers that say nothing about the topic."""
    words = USER_DICT.parent.joinpath(STOPWORDS.name).read_text(encoding="utf-8").split()
    return frozenset(w for w in words if not w.startswith("#"))


# A bare count written in characters (一次, 两个, 几张) says how many, never what about: not a topic word.
# A five-year plan's name (十四五, 十五五) is a word and a topic, not a count.
PLAN_PERIODS = tuple(f"十{n}五" for n in "一二三四五六七八九")
PLAN_PERIOD_RE = re.compile("|".join(PLAN_PERIODS))
BARE_COUNT_RE = re.compile(rf"(?!(?:{PLAN_PERIOD_RE.pattern})$)[一二两三四五六七八九十几每半]+[个次张件位条名家所项回遍趟]?")


def words(text: str) -> list[str]:
    """Content words of `text` (jieba precise mode), stopwords, bare counts and punctuation dropped."""
    text = fold_width(text).lower()
    stop = stopwords()
    return [w for w in _jieba().lcut(text) if WORD_RE.fullmatch(w) and w not in stop and not BARE_COUNT_RE.fullmatch(w)]


@lru_cache(maxsize=1)
def _tagger():
    import jieba.posseg

    return jieba.posseg.POSTokenizer(_jieba())


def nouns(text: str) -> list[str]:
    """Common nouns of `text` (two characters or more, stopwords dropped): what a short question is about."""
    text = fold_width(text).lower()
    stop = stopwords()
    return [p.word for p in _tagger().lcut(text)
            if p.flag in NOUN_FLAGS and len(p.word) >= 2 and p.word not in stop and WORD_RE.fullmatch(p.word)]


@lru_cache(maxsize=4096)
def is_verb(word: str) -> bool:
    """Whether jieba tags a word, on its own, as a verb."""
    tagged = _tagger().lcut(word)
    return len(tagged) == 1 and tagged[0].flag == "v"


def single_verbs(text: str) -> list[str]:
    """The uncommon one-character verbs of `text` (签, 拆 — not 要, 在, 建): what a resident says for one of the
    report's two-character verbs."""
    freq = _jieba().FREQ
    return [p.word for p in _tagger().lcut(fold_width(text).lower())
            if p.flag == "v" and len(p.word) == 1 and (freq.get(p.word) or 0) < COMMON_WORD_FREQ]


def common_verbs(text: str, idf) -> set[str]:
    """The verbs of `text` common in the language and repeated through the report (建成, 完成): a passage sharing
    only them with a question says nothing of its topic (a verb the report uses once or twice, 出版, does)."""
    return {p.word for p in _tagger().lcut(fold_width(text).lower())
            if p.flag == "v" and (_jieba().FREQ.get(p.word) or 0) >= COMMON_WORD_FREQ and idf(p.word) < TELLING_IDF}


def specific_words(text: str) -> list[str]:
    """Content words worth a thesaurus look-up: nouns, and other words only when uncommon (看病, 买房): common
    verbs (准备, 投入, 变化) have loose synonym groups that pull in unrelated paragraphs (准备 → 预备役)."""
    text = fold_width(text).lower()
    stop, freq = stopwords(), _jieba().FREQ
    # Time words (明天, 以后) say when, not what: their synonym groups (明天 → 未来) would pick a topic.
    return [p.word for p in _tagger().lcut(text)
            if WORD_RE.fullmatch(p.word) and p.word not in stop and p.flag != "t"
            and (p.flag.startswith("n") or (freq.get(p.word) or 0) < COMMON_WORD_FREQ)]


def tokens(text: str) -> list[str]:
    """BM25 tokens: jieba search-mode words plus CJK character bigrams (robust to typos and unseen words)."""
    text = fold_width(text).lower()
    stop = stopwords()
    out = [w for w in _jieba().lcut_for_search(text) if WORD_RE.fullmatch(w) and w not in stop]
    for run in CJK_RUN_RE.findall(text):
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


class LexicalIndex:
    """BM25 scores of a query against every passage."""

    def __init__(self, documents: list[str]) -> None:
        import bm25s

        corpus = [tokens(d) for d in documents]
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus, show_progress=False)
        self.size = len(documents)
        self._df: dict[str, int] = {}
        for doc in corpus:
            for token in set(doc):
                self._df[token] = self._df.get(token, 0) + 1

    def idf(self, token: str) -> float:
        """How telling a token is across the passages (0 for tokens the report never uses)."""
        df = self._df.get(token, 0)
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5)) if df else 0.0

    def weight(self, word: str) -> float:
        """How telling a question word is: its idf, or for a compound the report writes only in parts
        (养老床位 = 养老 + 床位) the idf of its most telling part; 0 when the report has none of it."""
        return self.idf(word) or max((self.idf(t) for t in tokens(word) if t != word), default=0.0)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for `query` (zeros when no token is known)."""
        known = [t for t in tokens(query) if t in self._bm25.vocab_dict]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)
