"""Nouns the report never uses, as what a question is about: its topic in a short question (区长, 利率), what it asks
of a named item (学区 of 汤堡实验小学), or the assistant itself (你累不累): the passage found does not answer."""
from __future__ import annotations

import re

from .asked_figures import MEASURE_NOUNS
from .lexical import TELLING_IDF, _tagger, nouns, words
from .query import Query
from .scope import GENERAL_NOUNS, asking_clauses, covers, typo_in

SHORT_QUESTION_WORDS = 4
# What asks of the noun right before it: 学区怎么划, 学区是怎么, 收费多少, 校长是谁 (the 的/是/要 between may be left out).
# A when-ask (什么时候, 几时, 哪年) asks of an event, not an aspect (地铁8号线什么时候…: scope.py reads those).
# (啥的, 什么的: "and such", no ask)
ASKED_AFTER_RE = re.compile(r"[的是要会]{0,2}(?:怎么|怎样|如何|多少|几(?!时|月|号)|啥(?!时候|的)|什么(?!时候|的)|"
                            r"哪(?!年|一年|天|个月)|谁)")
# What asks whether the noun right after it exists at all: 有没有补贴, 是否有优惠.
EXISTENCE_ASK_RE = re.compile(r"(?:有没有|有沒有|有冇|有无|是否有|有否)$")
CLAUSE_RE = re.compile(r"[，,。！!？?；;\s]+")
ASPECT_CLAUSE_CHARS = 16


def unknown_topic(kb, query: Query, matched: list[str]) -> str | None:
    """In a short, weakly matched question, a noun the report never uses (not even in part) and no synonym
    explains is its topic: 区长, 利率, 餐厅. Long questions carry personal context full of such nouns."""
    # (single characters are no measure of length: 升, 只 in 他们股价会不会升,推荐下买哪只)
    if query.language != "zh" or len([w for w in query.content_words() if len(w) >= 2]) > SHORT_QUESTION_WORDS \
            or len(set(matched)) > 1:
        return None
    explained = "".join(query.expansions)
    phrases = [phrase for phrase, _ in kb.analyzer.synonyms.entries]
    unknown = []
    # 叫啥名堂 asks what the topic is called, 参保人数 which figure of it: neither is the topic
    found = [n for n in nouns(query.text) if n not in GENERAL_NOUNS | MEASURE_NOUNS]
    # 你们政府天天吹牛，报告说今年GDP涨多少: a clause that vents names no topic when the asking one names its own
    # (一下雨就淹的路段，今年改造几处: the asking clause names none, the first one is its topic)
    asking = asking_clauses(query.text)
    own = [n for n in nouns(asking) if n not in GENERAL_NOUNS | MEASURE_NOUNS] + re.findall(r"[a-z]{2,}", asking.lower())
    # (我们外地人参保,今年新增参保多少人: the asking clause names 参保, a telling word of the report, though no
    # noun; 改造 in 今年改造几处 is said all through the report, no topic)
    says_report_word = any(kb.retriever.lexical.idf(w) >= TELLING_IDF for w in words(asking))
    asked = set(nouns(asking)) if own or (asking != query.text and says_report_word) else set(found)
    for noun in found:
        bigrams = {noun[i:i + 2] for i in range(len(noun) - 1)}
        if noun in asked and not (any(b in kb.analyzer.report for b in bigrams) or set(noun) & set(explained)
                or any(noun in phrase for phrase in phrases)):
            unknown.append(noun)
    # Outnumbered unknown nouns are usually filler (多投点); a question mostly about them is out of scope.
    return unknown[0] if unknown and len(unknown) * 2 > len(found) else None


def unknown_aspect(kb, query: Query) -> str | None:
    """「汤堡实验小学学区怎么划」: the noun right before the ask (怎么, 多少, 几…) is what is asked of the item; when the
    report never uses it (nor any two characters of it) and no synonym or thesaurus entry explains it, the passage
    that names the item does not answer."""
    if query.language != "zh":
        return None
    # Only a short clause that asks, not a resident's story (我做外贸…关税啥的不确定性太大)
    for clause in [c for c in CLAUSE_RE.split(query.text) if len(c) <= ASPECT_CLAUSE_CHARS and "我" not in c]:
        for noun in nouns(clause):
            at = clause.find(noun)
            if at < 0 or noun in GENERAL_NOUNS | MEASURE_NOUNS:
                continue
            # (not the noun counted after 多少: residents count in words of their own, 几化钞票, 举几个例子)
            # (电单车 is the report's 电(单)车, which the question's expansions say)
            explained = covers(noun, "".join(query.expansions))
            if _asked_of(clause, noun, at) and not explained and _unknown(kb, noun, clause):
                return noun
    return None


def verbs_only(query: Query, matched: list[str], paragraph: str) -> str | None:
    """「地铁6号线延伸段今年开通吗」 shares only 开通 with 「…开通航线6条」: when the one word a passage shares with
    the question is one of its verbs, and the question names things (nouns) of which neither the passage nor any word
    they were mapped to says anything, the passage is about something else — the first such noun."""
    if query.language != "zh" or len(set(matched)) != 1:
        return None
    verbs = {p.word for p in _tagger().lcut(query.text.lower()) if p.flag.startswith("v")}
    if any(w not in verbs or w in query.expansions for w in matched):
        return None
    named = [n for n in nouns(asking_clauses(query.text)) if n not in GENERAL_NOUNS | MEASURE_NOUNS]
    if not named or any(n in paragraph or any(n in w or w in n for w in matched) for n in named):
        return None
    # Only when the words the question was mapped to are the report's, said elsewhere (地铁 → 轨交): a hypernym the
    # report never writes (哪些道路改造 → 东方大道…改造) may still be answered by its instances.
    return named[0] if query.expansions and not any(w in paragraph for w in query.expansions) else None


def _unknown(kb, noun: str, clause: str) -> bool:
    """No two characters of the noun are the report's, and no synonym, thesaurus entry or typo fix explains it
    (学味 is a homophone typo of the report's 学位, not another aspect)."""
    phrases = [phrase for phrase, _ in kb.analyzer.synonyms.entries]
    bigrams = {noun[i:i + 2] for i in range(len(noun) - 1)}
    return not (any(b in kb.analyzer.report for b in bigrams) or any(noun in phrase for phrase in phrases)
                or kb.analyzer.explains(noun) or typo_in(noun, kb.analyzer.typo_fixes(clause)))


def _asked_of(clause: str, noun: str, at: int) -> bool:
    """Whether the clause asks something of the noun at `at`: an ask follows it (学区怎么划) with no noun after the
    ask, or it follows an ask whether it exists (有没有补贴)."""
    if EXISTENCE_ASK_RE.search(clause[:at]):
        return True
    after = clause[at + len(noun):]
    ask = ASKED_AFTER_RE.match(after)
    if ask is None:
        return False
    # 新装多少充电桩: the noun after the ask is what is counted, the one before only how
    return not nouns(after[ask.end():])


def small_talk(query: Query, report: str) -> str | None:
    """「你吃饭了没」「你累不累」: a question about the assistant itself (addressed to 你, not 你们 the government)
    whose own words the report never uses is chat ('meta'), whatever a thesaurus relates them to (吃饭 → 生活)."""
    text = query.text.strip()
    if query.language != "zh" or not text.startswith("你") or text.startswith("你们"):
        return None
    own = [w for w in query.content_words() if len(w) >= 2]
    return "meta" if not any(w in report for w in own) else None
