"""Extractive answers: quote the sentence(s) that answer, cite them, and never state a figure the passage lacks."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .passages import Passage, split_sentences
from .query import Query

NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
FIGURE_RE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|[万亿]?[个张条辆户家人套亩所座处宗项次元年天名件种位期]|万人次|万人|亿元|万元|美元)?")
ABSTAIN_ZH = "报告中没有找到相关内容："
ABSTAIN_EN = "The report does not cover this"
HOTLINE_ZH = "如需进一步了解，请拨打12345政务服务便民热线，或查看吴中区人民政府官网。"
HOTLINE_EN = "For details, please call the 12345 government service hotline or see the Wuzhong district government website."
REASONS = {
    "price": ("报告只写年度目标和任务，不含价格、收费或票价。", "the report sets yearly goals and gives no prices or fees."),
    "schedule": ("报告不含具体日期、时刻或开放时间。", "the report gives no dates, timetables or opening hours."),
    "procedure": ("报告不含申请、报名或办理的流程。", "the report does not describe how to apply or register."),
    "contact": ("报告不含电话、地址等联系方式。", "the report gives no phone numbers or addresses."),
    "entitlement": ("报告不含个人待遇或补贴的具体标准。", "the report gives no individual benefit amounts."),
    "weather": ("报告不含天气等实时信息。", "the report has no weather or other live information."),
    "elsewhere": ("报告只涉及吴中区，不含其他地区的安排。", "the report covers Wuzhong district only."),
    "personal": ("报告不涉及个人情况的审核。", "the report cannot decide individual cases."),
    "past": ("报告只写今年的目标任务，不含往年统计数据。", "the report sets this year's goals and gives no past statistics."),
    "no_match": ("报告里没有与这个问题对应的段落。", "nothing in the report matches the question."),
}
PART_NAMES = "一二三四五六七八九十"
FIGURE_PREFERENCE = 1.5
PART_NAMES_EN = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


@dataclass
class Hit:
    """A ranked passage."""

    passage: Passage
    score: float

    def to_dict(self) -> dict:
        """The search result contract: passage fields plus score."""
        p = self.passage
        return {"passage_id": p.id, "document": p.document, "section": p.section, "title": p.title,
                "text": p.text, "score": round(self.score, 4), "section_no": p.section_no, "span": list(p.span)}


@dataclass
class Citation:
    """Where an answer comes from: the passage, its place in the report, and the exact quote."""

    passage: Passage
    quote: str
    quote_span: tuple[int, int]
    kb_version: str

    def to_dict(self) -> dict:
        """The citation contract shared by the CLI, the bot and the API."""
        p = self.passage
        return {"passage_id": p.id, "document": p.document, "section": p.section, "title": p.title,
                "quote": self.quote, "text": p.text, "span": list(self.quote_span), "kb_version": self.kb_version,
                "section_no": p.section_no}


@dataclass
class Answer:
    """An extractive answer with its citation, or an abstention with its reason."""

    query: str
    text: str
    language: str
    citation: Citation | None = None
    reason: str | None = None
    hits: list[Hit] = field(default_factory=list)

    @property
    def abstained(self) -> bool:
        """True when the report does not answer the question."""
        return self.citation is None

    def to_dict(self) -> dict | None:
        """`{"text", "citation"}`, or None for an abstention (the CLI/API contract)."""
        if self.citation is None:
            return None
        return {"text": self.text, "citation": self.citation.to_dict()}


def choose_quote(passage: Passage, query: Query, idf) -> tuple[str, tuple[int, int]]:
    """The sentence of the passage that best matches the question's words (weighted by how telling they are);
    a question asking for an amount prefers a sentence that states one."""
    sentences = split_sentences(passage.text, passage.span[0])
    # Whole terms, not their character bigrams: 老年人 must not outweigh 失能 + 床位 three times over.
    wanted = {w: idf(w) or 1.0 for w in [*query.content_words(), *query.expansions]}

    def relevance(sentence) -> tuple[float, bool]:
        has_figure = bool(NUMBER_RE.search(sentence.text))
        weight = FIGURE_PREFERENCE if has_figure and query.asks_quantity else 1.0
        return sum(v for w, v in wanted.items() if w in sentence.text) * weight, has_figure

    best = max(sentences, key=relevance)
    return best.text, (best.start, best.end)


def compose(query: Query, passage: Passage, kb_version: str, idf) -> Answer:
    """The answer text around the exact quote; figures are never restated outside it."""
    quote, span = choose_quote(passage, query, idf)
    citation = Citation(passage, quote, span, kb_version)
    if query.language == "en":
        figures = "; ".join(dict.fromkeys(m.group().strip() for m in FIGURE_RE.finditer(quote)))
        text = f"The Wuzhong government work report ({part_name_en(passage)}, 「{passage.title}」) says: 「{quote}」"
        if figures:
            text += f" Figures stated: {figures}."
    else:
        text = f"根据吴中区政府工作报告（{part_name_zh(passage)}·{passage.title}）：{quote}"
    answer = Answer(query.raw, text, query.language, citation)
    if ungrounded_numbers(answer):  # a digit in a heading: fall back to the bare quote, grounded by construction
        answer.text = quote
    return answer


def abstain(query: Query, reason: str, hits: list[Hit]) -> Answer:
    """Say the report does not answer, and where to ask instead."""
    explanation = reason_text(reason, query.language)
    if query.language == "en":
        text = f"{ABSTAIN_EN}: {explanation} {HOTLINE_EN}"
    else:
        text = f"{ABSTAIN_ZH}{explanation}{HOTLINE_ZH}"
    return Answer(query.raw, text, query.language, None, reason, hits)


def reason_text(reason: str | None, language: str = "zh") -> str:
    """The resident-facing explanation of an abstention reason ('no_match:区长' names the missing topic)."""
    kind, _, word = (reason or "no_match").partition(":")
    if kind == "no_match" and word:
        return f"报告中没有提到「{word}」。" if language == "zh" else f"the report does not mention 「{word}」."
    zh, en = REASONS.get(kind, REASONS["no_match"])
    return zh if language == "zh" else en


def part_name_zh(passage: Passage) -> str:
    """'第七部分' for numbered parts, else the part's own name."""
    if passage.section_no:
        return f"第{PART_NAMES[passage.section_no - 1]}部分" if passage.section_no <= 10 else passage.section
    return passage.section


def part_name_en(passage: Passage) -> str:
    """'part seven' for numbered parts, else the part's Chinese name."""
    if passage.section_no and passage.section_no <= 10:
        return f"part {PART_NAMES_EN[passage.section_no - 1]}"
    return f"part 「{passage.section}」"


def ungrounded_numbers(answer: Answer) -> list[str]:
    """Numbers in the answer text that do not occur verbatim in the cited passage (must be empty)."""
    if answer.citation is None:
        return NUMBER_RE.findall(answer.text.replace("12345", ""))
    source = answer.citation.passage.text
    return [n for n in NUMBER_RE.findall(answer.text) if n not in source]
