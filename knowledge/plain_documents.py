"""Parse documents that are not numbered work reports — a notice of plain paragraphs, numbered 1./（一） items, a Q&A.

The outcome has the report parser's shape (sections of paragraphs with a lead phrase as title), so such a document
is cut, indexed and cited like the report. Items are not parts of a report: their sections carry no part number.
"""
from __future__ import annotations

import re

from .errors import SourceError
from .passages import LEAD_MAX_CHARS, Paragraph, Section, split_sentences

BODY_TITLE = "正文"
# An item's marker: 1. 1、 1） (1) （1） （一） 一是 — dropped from the cited text, it is layout, not content.
ITEM_RE = re.compile(r"^(?:\d{1,2}\s*[.、．)）]|[（(]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）]|[一二三四五六七八九十]{1,3}[、是])\s*")
QUESTION_RE = re.compile(r"^(?:问|Q)\s*[:：]\s*", re.IGNORECASE)
ANSWER_RE = re.compile(r"^(?:答|A)\s*[:：]\s*", re.IGNORECASE)
# 「报名方式：家长通过…」: a short label before the colon is the paragraph's lead phrase.
LABEL_RE = re.compile(r"^([^,，。;；:：!！?？]{2,12})[:：]\s*")
# Formulas that close an official notice carry nothing a resident asks about.
FORMULA_RE = re.compile(r"^(特此通知|特此公告|特此通告|以上|附件[:：]?)[。.]?$")
HEADING_MAX_CHARS = 30


def _is_heading(line: str) -> bool:
    return len(line) <= HEADING_MAX_CHARS and not re.search(r"[。,，;；:：!！?？]", line)


def parse_plain(lines: list[tuple[int, str]]) -> list[Section]:
    """Sections of paragraphs from (offset, line) pairs after the title line; SourceError when there is no text."""
    sections: list[Section] = []
    question: str | None = None
    for index, (start, line) in enumerate(lines):
        if index == 0 and len(line) <= HEADING_MAX_CHARS and line.endswith(("：", ":")):
            continue  # the addressees (各镇人民政府、街道办事处：)
        if FORMULA_RE.match(line):
            continue
        asked = QUESTION_RE.match(line)
        if asked:  # 「问：…」 titles the answer that follows (on the same line after 答：, or on the next)
            rest = line[asked.end():]
            answer_at = re.search(r"答\s*[:：]", rest)
            question = (rest[:answer_at.start()] if answer_at else rest).strip().rstrip("？?") or None
            if not answer_at:
                continue
            after = rest[answer_at.end():]
            start, line = start + asked.end() + answer_at.end() + len(after) - len(after.lstrip()), after.strip()
        item = ITEM_RE.match(line) or ANSWER_RE.match(line)
        if item:
            start, line = start + item.end(), line[item.end():]
        if not line:
            continue
        if _is_heading(line) or (len(line) <= HEADING_MAX_CHARS and line.endswith(("：", ":"))):
            title = line.rstrip("：:")
            sections.append(Section(title, None, title))
            continue
        if not sections:
            sections.append(Section(BODY_TITLE, None, BODY_TITLE))
        sections[-1].paragraphs.append(_paragraph(line, start, sections[-1], question))
        question = None
    sections = [s for s in sections if s.paragraphs]  # headings of nothing: the issuer and date at the end
    if not sections:
        raise SourceError("标题之后没有正文：文件只有标题、落款或空行")
    return sections


def _paragraph(line: str, start: int, section: Section, question: str | None) -> Paragraph:
    if question:
        return Paragraph(question, start, start + len(line), split_sentences(line, start), True)
    sentences = split_sentences(line, start)
    lead = sentences[0].text
    if len(sentences) > 1 and len(lead) <= LEAD_MAX_CHARS and not re.search(r"[,，:：]", lead):
        return Paragraph(lead.rstrip("。；;"), start, start + len(line), sentences[1:], True)
    label = LABEL_RE.match(line)
    if label and len(line) > label.end():
        return Paragraph(label.group(1), start, start + len(line), split_sentences(line[label.end():], start + label.end()),
                         True)
    return Paragraph(section.title, start, start + len(line), sentences, False)
