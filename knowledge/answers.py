"""Extractive answers: lead with the clause that answers, cite the sentence it stands in, and never state a
figure the passage lacks (the report's year, from its metadata, is the one addition)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .documents import document_noun
from .english import compose_en
from .figures_en import QUOTED_RE, ungrounded_english
from .leads import FIGURE_PREFERENCE, Lead, choose_lead, whole_lead
from .passages import Passage, Sentence, is_work_report, split_sentences
from .query import Query
from .question_types import OTHER, WHEN, YESNO, question_type, reply_type, wants_year
from .asked_figures import contradicts
from .reasons import ABSTAIN_EN, ABSTAIN_ZH, HOTLINE_EN, HOTLINE_ZH, REASONS, abstention_text, reason_text  # noqa: F401

NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
# A Chinese figure with its magnitude: 3.3万 must be found as 3.3万, not as 3.3.
ZH_FIGURE_RE = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?(?:万亿|亿|万)?")
YEAR_IN_TEXT_RE = re.compile(r"(?:19|20)\d\d年|今年|本年")
DOCUMENT_ZH = "吴中区政府工作报告"
PART_NAMES = "一二三四五六七八九十"
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
                "text": p.text, "score": round(self.score, 4), "section_no": p.section_no, "span": list(p.span),
                "document_id": p.document_id}


@dataclass
class Citation:
    """Where an answer comes from: the passage, the exact sentence quoted (the card), and the exact clause the
    answer leads with (`clause`, `clause_span`: a substring of the quote); `year`: the document's, from its metadata;
    `document` (title) and `document_id` name the document, `kb_version` the knowledge base version quoted."""

    passage: Passage
    quote: str
    quote_span: tuple[int, int]
    kb_version: str
    clause: str | None = None
    clause_span: tuple[int, int] | None = None
    year: int | None = None

    def to_dict(self) -> dict:
        """The citation contract shared by the CLI, the bot and the API."""
        p = self.passage
        return {"passage_id": p.id, "document": p.document, "section": p.section, "title": p.title,
                "quote": self.quote, "text": p.text, "span": list(self.quote_span), "kb_version": self.kb_version,
                "section_no": p.section_no, "clause": self.clause or self.quote,
                "clause_span": list(self.clause_span or self.quote_span), "year": self.year,
                "document_id": p.document_id}


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


def _query_words(query: Query | None) -> list[str]:
    return query.steering_words() if query is not None else []


def choose_sentence(passage: Passage, query: Query, idf, context: Query | None = None) -> Sentence:
    """The sentence of the passage that best matches the question's words (weighted by how telling they are);
    a question asking for an amount prefers a sentence that states one; the context's words break ties
    (「几个？」 after 「今年要建口袋公园吗」 is about the 口袋公园 sentence, not the one with the most 个)."""
    sentences = split_sentences(passage.text, passage.span[0])
    wanted, background = _weighted_words(query, idf), _weighted_words(context, idf)

    def relevance(sentence) -> tuple[float, float, bool]:
        has_figure = bool(NUMBER_RE.search(sentence.text))
        weight = FIGURE_PREFERENCE if has_figure and query.asks_quantity else 1.0
        said = sentence.text.lower()  # question words are lower-cased (gdp)
        return (sum(v for w, v in wanted.items() if w in said) * weight,
                sum(v for w, v in background.items() if w in said), has_figure)

    return max(sentences, key=relevance)


def _weighted_words(query: Query | None, idf) -> dict[str, float]:
    # Whole terms, not their character bigrams: 老年人 must not outweigh 失能 + 床位 three times over.
    words = _query_words(query)
    # One character (比, 多) is said by many words of other sentences (占比): telling words first, if any.
    return {w: idf(w) or 1.0 for w in [w for w in words if len(w) >= 2] or words}


def choose_quote(passage: Passage, query: Query, idf) -> tuple[str, tuple[int, int]]:
    """The quoted sentence and its span (see `choose_sentence`)."""
    best = choose_sentence(passage, query, idf)
    return best.text, (best.start, best.end)


def document_year(passage: Passage, documents: list[dict] | None) -> int | None:
    """The report's year from the knowledge base's document metadata (manifest 'documents')."""
    meta = next((d for d in documents or [] if d.get("id") == passage.document_id), None)
    year = (meta or {}).get("year")
    return int(year) if isinstance(year, int) or (isinstance(year, str) and year.isdigit()) else None


def compose(query: Query, passage: Passage, kb_version: str, idf, context: Query | None = None,
            documents: list[dict] | None = None, whole: bool = False) -> Answer:
    """Lead with the clause that answers, shaped by the kind of question; the sentence is the citation's quote
    (`whole`: the reply quotes the whole sentence — 还有呢 after its lead)."""
    sentence = choose_sentence(passage, query, idf, context)
    kind = reply_type(query.text, context.text if context is not None else None)
    lead = whole_lead(sentence) if whole else choose_lead(
        sentence, _query_words(query), _query_words(context), idf, kind, query.text,
        context.text if context is not None else "", tuple(query.gloss_groups))
    year = document_year(passage, documents)
    citation = Citation(passage, sentence.text, (sentence.start, sentence.end), kb_version, lead.clause, lead.span, year)
    leans = context is not None and question_type(query.text) == OTHER  # 「龙翔路呢？」 asks what its context asked
    year_wanted = wants_year(query.text, kind) or (leans and wants_year(context.text, kind))
    # 「听说新增1万个学位，是真的吗」: the report's 7530个 says no, not 是的
    denied = kind == YESNO and contradicts(query.text, lead.clause)
    if query.language == "en":
        text = compose_en(lead, kind, year, year_wanted, part_name_en(passage), passage.title, denied)
    else:
        text = compose_zh(lead, kind, year if year_wanted and not YEAR_IN_TEXT_RE.search(lead.text) else None, passage,
                          denied)
    answer = Answer(query.raw, text, query.language, citation)
    if ungrounded_numbers(answer):  # a digit in a heading: fall back to the bare lead, grounded by construction
        answer.text = lead.clause
    return answer


def compose_zh(lead: Lead, kind: str, year: int | None, passage: Passage, denied: bool = False) -> str:
    """「报告提出2025年实现…」 for when / will-it, 「是的，报告提出…」 for yes-no (「不是。报告提出…」 when the figure
    claimed is not the report's; 「通知提出…」 for a notice), else the clause; then the source."""
    body, noun = lead.text, document_noun(passage.document)
    said = f"{noun}提出{year}年{body}" if year else None
    if denied:
        body = f"不是。{said or noun + '提出' + body}"
    elif kind == YESNO and lead.matched:
        body = f"是的，{said or noun + '提出' + body}"
    elif said and (kind == WHEN or kind == YESNO):
        body = said
    return f"{body}。（{document_name_zh(passage)}·{part_name_zh(passage)}·{passage.title}）"


def document_name_zh(passage: Passage) -> str:
    """How a reply names its source: the work report by its usual name, any other document by its title."""
    return DOCUMENT_ZH if is_work_report(passage.document) else passage.document


def abstain(query: Query, reason: str, hits: list[Hit]) -> Answer:
    """Say the report does not answer (or where to go instead), in the resident's language."""
    return Answer(query.raw, abstention_text(reason, query.language), query.language, None, reason, hits)


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
    """Numbers the answer states that the cited passage does not (must be empty): Chinese figures must occur
    verbatim with their 万/亿; English numbers must equal a figure of the passage; the report's year is allowed."""
    if answer.citation is None:
        return NUMBER_RE.findall(answer.text.replace("12345", ""))
    source, year = answer.citation.passage.text, answer.citation.year
    allowed = {str(year)} if year else set()
    if answer.language != "en":
        return [n for n in ZH_FIGURE_RE.findall(answer.text) if n not in source and n not in allowed]
    quoted = "".join(QUOTED_RE.findall(answer.text))  # the Chinese quotes of an English reply: verbatim
    chinese = [n for n in ZH_FIGURE_RE.findall(quoted) if n not in source]
    return chinese + ungrounded_english(answer.text, source, (year,) if year else ())
