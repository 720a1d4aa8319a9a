"""Several documents in one knowledge base: which ones a question names, and which win a tie.

A question names documents by year (「2024年…」, "the 2025 report") or by kind (「通知里…」, 「暑托班通知」, 「报告中」,
"the notice"); the named ones are preferred in ranking and the naming words are no part of the question's topic.
Unnamed, evidence decides; only a near-tie goes to the main report, then to the newer document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Title word → kind, most specific first: 「关于做好暑托班工作的通知」 is a notice, 「政府工作报告」 a report.
KINDS = (("工作报告", "report"), ("报告", "report"), ("通知", "notice"), ("公告", "notice"), ("通告", "notice"),
         ("问答", "qa"), ("答问", "qa"), ("解读", "qa"), ("指南", "guide"), ("方案", "plan"), ("办法", "plan"))
KINDS_EN = {"report": r"report", "notice": r"notice|announcement|circular", "qa": r"q ?& ?a|faq",
            "guide": r"guide(?:line)?s?", "plan": r"plan"}
# A kind word names a document when the question points at it: 「通知里」「报告中」「通知说」「《…通知》」.
POINTING = r"里|中|上|内|说|讲|写|提到|提出|规定|明确|显示|要求"
YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:\s*年度?)?(?!\d)")
TOPIC_CHARS = 6  # how far before a kind word to look for title words (「暑托班通知」 → 暑托班)
DOCUMENT_BONUS = 0.5  # measured on the multi-document tests: a named document's passage beats an unnamed one's
TIE_MARGIN = 0.03  # at most this much apart (the last document from the first): the main report, then the newer, win near-ties


@dataclass(frozen=True)
class DocumentInfo:
    """What ranking needs of a document's metadata."""

    id: str
    title: str
    year: int | None
    date: str
    kind: str | None


def kind_of(title: str) -> str | None:
    """The kind of document a title names (report, notice, qa, guide, plan), or None."""
    return next((kind for word, kind in KINDS if word in title), None)


def document_noun(title: str) -> str:
    """What a reply calls a document: 报告 for a work report, else its kind word (通知, 公告 …), or 文件."""
    word = next((w for w, _ in KINDS if w in title), None)
    return "报告" if word in (None, "工作报告") and "报告" in title else word or "文件"


def describe(documents: list[dict] | None) -> list[DocumentInfo]:
    """The manifest's document metadata as DocumentInfo."""
    out = []
    for d in documents or []:
        year = d.get("year")
        out.append(DocumentInfo(d["id"], d.get("title") or "", int(year) if str(year or "").isdigit() else None,
                                str(d.get("date") or ""), kind_of(d.get("title") or "")))
    return out


def tie_order(documents: list[DocumentInfo]) -> dict[str, float]:
    """Per document id, 0 for the tie winner up to 1: reports first, then newer dates."""
    ranked = sorted(documents, key=lambda d: (d.kind != "report", _negated(d.date or str(d.year or ""))))
    last = max(len(ranked) - 1, 1)
    return {d.id: i / last for i, d in enumerate(ranked)}


def _negated(date: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in date)


@dataclass(frozen=True)
class Naming:
    """The documents a question names and the naming words (spans of the question text) to leave out of its topic."""

    ids: frozenset[str]
    spans: tuple[tuple[int, int], ...]

    def topic(self, text: str) -> str:
        """The question without its naming words (「2024年暑托班招收多少名学生」 → 「暑托班招收多少名学生」)."""
        out, pos = [], 0
        for start, end in sorted(self.spans):
            out.append(text[pos:max(pos, start)])
            pos = max(pos, end)
        out.append(text[pos:])
        return re.sub(r"\s+", " ", "".join(out)).strip(" ，,的")


def named_documents(text: str, documents: list[DocumentInfo]) -> Naming | None:
    """The documents `text` (a normalized question) names, if it names a strict subset of them."""
    everything = {d.id for d in documents}
    if len(everything) < 2:
        return None
    lowered = text.lower()
    chosen, spans = set(everything), []
    years = [(m, int(m.group(1))) for m in YEAR_RE.finditer(lowered)]
    by_year = {d.id for d in documents for _, year in years if d.year == year}
    if by_year and by_year != everything:
        chosen &= by_year
        spans += [m.span() for m, year in years if any(d.year == year for d in documents)]
    for ids, span in _kind_references(lowered, documents):
        if ids and ids != everything and chosen & ids:
            chosen &= ids
            spans.append(span)
    if chosen == everything or not spans:
        return None
    return Naming(frozenset(chosen), tuple(spans))


def _kind_references(text: str, documents: list[DocumentInfo]):
    """(ids of the documents of the kind pointed at, span of the pointing words) for each reference in `text`."""
    for word, kind in KINDS:
        for m in re.finditer(rf"《[^》]*{word}》|{word}(?:{POINTING})?", text):
            pointed = m.group().startswith("《") or len(m.group()) > len(word)
            of_kind = [d for d in documents if d.kind == kind]
            before = text[max(0, m.start() - TOPIC_CHARS):m.start()]
            topical = [d for d in of_kind if _title_topic(before, d.title)]
            if topical:  # 「暑托班通知」: the title's own words name it even without 里/中
                yield {d.id for d in topical}, m.span()
            elif pointed:
                yield {d.id for d in of_kind}, m.span()
    for kind, pattern in KINDS_EN.items():
        for m in re.finditer(rf"\b(?:in|from|of|by|the|this|that|latest|new)\s+(?:[a-z0-9&' -]{{0,30}}?\s)?(?:{pattern})\b",
                             text):
            yield {d.id for d in documents if d.kind == kind}, (m.end() - len(re.search(rf"(?:{pattern})$", m.group()).group()),
                                                                m.end())


def _title_topic(before: str, title: str) -> bool:
    # The longest tail of the words before the kind word (at least two characters) that the title contains.
    return any(before[i:] in title for i in range(len(before) - 1)) if len(before) >= 2 else False
