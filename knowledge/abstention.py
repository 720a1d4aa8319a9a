"""Decide whether the report answers a question, from more than a raw cosine score.

Four tests, in order (raw cosine alone does not separate in- from out-of-scope):
0. the kind of request: chat/role-play (meta), office holders (official), a resident's own case
   (service) or nothing to understand (unclear) — knowledge.intents, the one place for these;
1. the aspect asked for: a work report gives yearly goals, never prices, schedules, procedures,
   contacts, personal entitlements, other places' plans or the weather (data/unanswerable.tsv);
2. evidence: some topic word of the question (or a report term it maps to) must occur in the
   paragraph of the passage that would be cited, and English questions need a dense match too;
3. a how-many question is answered only by a clause that names the asked item WITH a figure
   (knowledge.figure_checks): quoting another item's figure is a confidently wrong answer (no_figure:<item>).
"""
from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .answers import Hit
from .clauses import split_clauses
from .confidence import confident, evidence_features
from .intents import is_unclear, request_kind
from .lexical import common_verbs, complaint_topics, words
from .passages import split_sentences
from .query import Query
from .question_types import OTHER, QUANTITY, WHICH, YESNO_RE, asks_day, asks_recurring_time, asks_year_of_event, question_type
from .instances import instances_choice, unnamed_instances, unnamed_reason
from .figure_checks import figure_choice
from .follow_up_asks import context_item, inherited_ask, with_context_item
from .scope import NO_TIME, asking_part, out_of_scope_word  # noqa: F401 (asking_part: API)
from .unknown_words import small_talk, unknown_aspect, unknown_topic, verbs_only
from .retrieval import Ranking

DATA_DIR = Path(__file__).parent / "data"
# English questions rarely share a glossary term with a wrong paragraph, but when none maps at all,
# only a clear multilingual-USE match may answer: learnt by leave-one-out on the tuning sets (bench/english_threshold.py).
ENGLISH_DENSE_MIN = 0.24
# A rule's match widened by this many characters that the report itself contains is the report's own
# phrase (极端天气, 污染天气), not a request for what no report gives.
QUOTE_MARGIN = 2
PAIRED_GLOSSES = 2
PAIRED_MIN_IDF = 5.0  # 签约 + 项目 = 5.3, 风险 + 评估 = 7.7; 发展 + 产业 = 3.0 (the report's commonest words)
# A day or month the report states (九月底前, 1月6日): only such a clause answers 「具体哪天」.
CLAUSE_END_RE = re.compile(r"[，,。！!；;]")
DAY_IN_TEXT_RE = re.compile(r"\d+月|[一二三四五六七八九十]{1,2}月|\d+日")
# Which month is asked (几月份, 哪个月); the paragraph may state it (九月底前, 上半年, 年底前).
MONTH_ASK_RE = re.compile(r"几月|哪个月|哪几个月")
MONTH_IN_TEXT_RE = re.compile(r"\d+月|[一二三四五六七八九十]{1,2}月|[上下]半年|季度|年底")
# A word of the report in Latin letters (LifeBay, GDP): an English question naming it names the report's own term.
LATIN_NAME_RE = re.compile(r"[a-z][a-z0-9.+]+")


@dataclass
class Evidence:
    """What the cited paragraph shares with the question."""

    lexical: float
    dense: float
    matched: list[str]
    paired: list[str] = field(default_factory=list)


@dataclass
class Verdict:
    """Answer or abstain, and why."""

    abstain: bool
    reason: str | None
    evidence: Evidence
    choice: int = 0  # which hit to cite (a runner-up that states the asked figure)


@lru_cache(maxsize=4)
def _aspects(extra: str) -> tuple[tuple[str, re.Pattern], ...]:
    rules = []
    for path in (DATA_DIR / "unanswerable.tsv", Path(extra)):
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#") and "\t" in line:
                aspect, pattern = line.split("\t", 1)
                rules.append((aspect.strip(), re.compile(pattern.strip())))
    return tuple(rules)


def _extra_rules() -> str:
    return os.environ.get("WUZHONG_UNANSWERABLE") or str(Path(__file__).parent.parent / "instance" / "unanswerable.tsv")


def places_elsewhere(text: str) -> list[str]:
    """The other places a question names (相城, 工业园区: the `elsewhere` rules), as written."""
    lowered = text.lower()
    return [m.group() for aspect, pattern in _aspects(_extra_rules())
            if aspect == "elsewhere" for m in pattern.finditer(lowered)]


def unanswerable_aspect(text: str, report: str | None = None) -> str | None:
    """The kind of detail a question asks for that no work report gives, if any (a match that is part of
    a phrase of `report` does not count)."""
    lowered = text.lower()
    for aspect, pattern in _aspects(_extra_rules()):
        if any(not (report and _quotes_report(lowered, m, report)) for m in pattern.finditer(lowered)):
            return aspect
    return None


def _quotes_report(text: str, match: re.Match, report: str) -> bool:
    start, end = match.span()
    wider = (text[max(0, start - QUOTE_MARGIN):end], text[start:end + QUOTE_MARGIN])
    return any(len(w) > end - start and w in report for w in wider)


def asks_unanswerable(question: str) -> str | None:
    """For any raw question (Traditional, full-width, English): the kind of detail no work report gives, if any."""
    from .normalize import normalize_query

    return unanswerable_aspect(normalize_query(question))


def gather(kb, query: Query, hits: list[Hit], ranking: Ranking, context: Query | None = None) -> Evidence:
    """Topic words of the question (or of the question it follows up) found in the top passage's paragraph."""
    top = hits[0].passage
    paragraph = kb.paragraph_text(top)
    candidates = [*query.content_words(), *query.expansions, *_parts(query.content_words()),
                  *complaint_topics(query.content_words())]
    # 「那站点呢？」 leans on the previous question for its topic; a follow-up whose own topic the paragraph
    # lacks (那医疗呢？ answered from the schools paragraph) must not pass on the previous question's words.
    topic = query.expansions if query.language == "en" else [w for w in query.content_words() if len(w) >= 2]
    # "And what about healthcare?": an English topic no gloss maps is a new topic, not the previous one.
    unmapped = query.language == "en" and not topic and not query.hints and bool(query.content_words())
    # (什么时候建完: its words frame, not name, a topic — the test runs for a follow-up only: it tags the question)
    # ("And its share?" names only which figure: the item is the context's, mapped or not)
    if context is not None and ((not unmapped and not [w for w in topic if w not in paragraph])
                                or kb.retriever.names_no_topic(query)):
        candidates += [*context.content_words(), *context.expansions]
    paired = paired_glosses(query, paragraph, kb.retriever.lexical.idf)
    said = paragraph.lower()  # question words are lower-cased (pm2.5, gdp), the report writes PM2.5
    matched = [w for w in [*candidates, *paired] if len(w) >= 2 and w in said]
    return Evidence(float(ranking.lexical[top.order]), float(ranking.dense[top.order]), matched, paired)


def paired_glosses(query: Query, paragraph: str, idf) -> list[str]:
    """English: one-word glosses are weak alone ("way" → 路), but two phrases of the question whose glosses meet,
    as different telling words, in one clause of the paragraph ("sign" … "projects" → 签约…项目) are evidence;
    two of the report's commonest words (发展 … 产业) meet everywhere and say nothing."""
    found: list[str] = []
    if len(query.gloss_groups) < PAIRED_GLOSSES:
        return found  # Chinese questions (no glosses) skip cutting every clause of the paragraph on the hot path
    for sentence in split_sentences(paragraph):
        for clause in split_clauses(sentence.text):
            said = _clause_words(clause.text)  # whole words: 目的 is not said by 目的地
            hit = [{w for w in group if w in said} for group in query.gloss_groups]
            hit = [words for words in hit if words]
            telling = sorted((max(idf(w) for w in words) for words in hit), reverse=True)[:PAIRED_GLOSSES]
            if len(hit) >= PAIRED_GLOSSES and len(set().union(*hit)) >= PAIRED_GLOSSES \
                    and sum(telling) >= PAIRED_MIN_IDF:
                found += [w for words in hit for w in words if w not in found]
    return found


def _clause_words(text: str) -> set[str]:
    """A clause's words and the dictionary words inside its long ones (停车泊位 → 停车, 泊位)."""
    from .lexical import _jieba

    said = set(_jieba().lcut(text))
    return said | set(_parts([w for w in said if len(w) >= 4]))


def _parts(words: list[str]) -> list[str]:
    """The dictionary words inside longer question words (上市公司 → 上市, 公司): evidence the report may phrase apart."""
    from .lexical import _jieba

    return [part for w in words if len(w) >= 4 for part in _jieba().lcut_for_search(w) if 2 <= len(part) < len(w)]


def decide(kb, query: Query, hits: list[Hit], ranking: Ranking, context: Query | None = None,
           gate: bool = True) -> Verdict:
    """Abstain unless the question asks for something a report states and the top passage covers its topic
    (`gate=False` skips the calibrated confidence test: bench/calibrate_confidence.py learns it)."""
    evidence = gather(kb, query, hits, ranking, context)
    kind = classify(query.text, has_context=context is not None) or small_talk(query, kb.analyzer.report)
    if kind:
        return Verdict(True, kind, evidence)
    asking = asking_part(query.text)
    aspect = unanswerable_aspect(asking, kb.analyzer.report)
    if aspect == "schedule" and asks_year_of_event(asking):
        aspect = None  # 哪年通车: a yearly report's year (or its 上半年, 九月底前) is the answer
    elif aspect == "schedule" and MONTH_ASK_RE.search(asking) and MONTH_IN_TEXT_RE.search(kb.paragraph_text(hits[0].passage)):
        aspect = None  # 几月份之前要开工: 「九月底前全部开工」 says by which month
    elif aspect is None and asks_day(asking) and not DAY_IN_TEXT_RE.search(kb.paragraph_text(hits[0].passage)):
        aspect = "schedule"  # 具体哪几天: a clause without a day must not be quoted for one
    elif aspect is None and asks_recurring_time(asking, context.text if context is not None else "") \
            and not any(YESNO_RE.search(c) for c in re.split(r"(?<=[?？])", asking)):
        # 音乐节什么时候办: 「继续举办好…音乐节」 gives no date (今年还办吗?什么时候? is answered: it is held this year)
        aspect = "schedule"
    if aspect:
        return Verdict(True, aspect, evidence)
    if not evidence.matched or (query.language == "zh" and context is None
                                and set(evidence.matched) <= common_verbs(query.text, kb.retriever.lexical.idf)):
        return Verdict(True, "no_match", evidence)  # 要建成什么样的政府: 建成 alone names no topic
    unknown = unknown_topic(kb, query, evidence.matched) or unknown_aspect(kb, query) \
        or (context is None and verbs_only(query, evidence.matched, kb.paragraph_text(hits[0].passage)))
    if unknown:
        return Verdict(True, f"no_match:{unknown}", evidence)
    mapped = [*query.expansions, *(context.expansions if context else []), *evidence.paired,
              *(w for w in evidence.matched if LATIN_NAME_RE.fullmatch(w))]  # what is LifeBay: the report's own name
    if query.language == "en" and not [w for w in evidence.matched if w in mapped] \
            and evidence.dense < ENGLISH_DENSE_MIN:
        return Verdict(True, "no_match", evidence)
    verdict = figure_verdict(kb, with_context_item(kb, query, context), hits, evidence)
    inherited = inherited_ask(query, context)
    if inherited is not query and not verdict.abstain:
        # a passage that states the number the context asked answers first; one that only names the item still may
        verdict = next((v for v in [figure_verdict(kb, inherited, hits, evidence)] if not v.abstain), verdict)
    outside = not verdict.abstain and out_of_scope_word(kb, query, hits[verdict.choice].passage)
    if outside:
        return Verdict(True, outside if outside.startswith(NO_TIME) else f"no_match:{outside}", evidence)
    item = None if verdict.abstain else context_item(kb, query, context)  # read once: checked, then named
    if item is not None and unnamed_instances(kb, item, hits[verdict.choice].passage):
        choice = instances_choice(kb, query, hits, verdict.choice)
        if choice is None:
            return Verdict(True, unnamed_reason(item), evidence)
        verdict = dataclasses.replace(verdict, choice=choice)
    if gate and not verdict.abstain and context is None and not confident(evidence_features(kb, query, hits, verdict)):
        return Verdict(True, "low_confidence", evidence)
    return verdict


def figure_verdict(kb, query: Query, hits: list[Hit], evidence: Evidence) -> Verdict:
    """Answer with the best passage whose clause about the asked item states a figure (knowledge.figure_checks),
    else abstain with no_figure:<item>."""
    choice, missing = figure_choice(kb, query, hits)
    return Verdict(True, f"no_figure:{missing}", evidence) if choice is None else Verdict(False, None, evidence, choice)


def classify(text: str, has_context: bool = False) -> str | None:
    """The kind of request that no report answers: unclear, meta, official or service (None for a question).
    A follow-up with little of its own (那个呢？) is not unclear: the previous question gives it a topic."""
    if is_unclear(text) and not (has_context and re.search(r"[\u3400-\u9fffa-z]", text.lower())):
        return "unclear"
    kind = request_kind(text)
    if kind == "service":
        # 「暑假孩子没人管,今年暑托班开多少个?」: a complaint in the story, then a question on the report's plans.
        last = _clauses(text)[-1]
        # 「邻里纠纷没人管，报告怎么说」: what the report says of it is asked.
        asked = question_type(last) in (QUANTITY, WHICH) or "报告" in last
        if last != text and "我" not in last and request_kind(last) is None and asked:
            return None
    if kind == "task":
        # 「人形机器人能不能在吴中造出来，能帮我烧饭不哈哈」: a joke favour beside a question on the report's plans.
        clauses = _clauses(text)
        others = [c for c in clauses if request_kind(c) is None]
        if 0 < len(others) < len(clauses) and any(question_type(c) != OTHER for c in others):
            return None
    return kind


def _clauses(text: str) -> list[str]:
    """A message's clauses (between commas and sentence ends): a request may be one clause among others."""
    return [c for c in CLAUSE_END_RE.split(text) if c.strip()]
