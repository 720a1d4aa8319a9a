"""Questions about the document itself — the day it was delivered — answered from its own title line
(「(江苏省)苏州市吴中区人民政府工作报告(2025年1月6日)」), which no passage holds (parsing skips the title)."""
from __future__ import annotations

import calendar
import re

from .answers import Answer, Citation
from .passages import Passage

# When the report itself was made: 「这份报告是哪天作的」, "when was this report delivered" — not 「报告里说…什么时候」.
DOCUMENT_DATE_RE = re.compile(
    r"报告(?:是|在|于)?(?:哪天|哪一天|哪日|什么时候|何时|几号|几月几号|哪年哪月)(?:作|做|发布|发|出|写|念|讲)?的|"
    r"报告的?(?:日期|发布时间|发布日期)|"
    r"\b(?:when|what date|which day)\b[^?]{0,30}\breport\b[^?]{0,12}\b(?:delivered|given|made|published|released|"
    r"presented|dated|issued)\b|\bdate of (?:the|this) report\b|\breport(?:'s)? date\b", re.IGNORECASE)
DATE_IN_TITLE_RE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
TITLE_SECTION = "标题"


def asks_document_date(text: str) -> bool:
    """Whether a (normalized) question asks the day the document was made."""
    return bool(DOCUMENT_DATE_RE.search(text))


def title_passage(document_id: str, document: str, source: str) -> Passage | None:
    """The document's title line as a citable passage, when it states a date (else None)."""
    line = source.split("\n", 1)[0].strip()
    if not DATE_IN_TITLE_RE.search(line):
        return None
    start = source.index(line)
    return Passage(f"{document_id}-title", document_id, document, TITLE_SECTION, None, TITLE_SECTION, TITLE_SECTION,
                   line, (start, start + len(line)), (start, start + len(line)), -1)


def date_answer(question: str, language: str, passage: Passage, kb_version: str, year: int | None) -> Answer:
    """「报告标题写明：(江苏省)…工作报告(2025年1月6日)」, quoting the title line."""
    date = DATE_IN_TITLE_RE.search(passage.text).group(0)
    at = passage.span[0] + passage.text.index(date)
    citation = Citation(passage, passage.text, passage.span, kb_version, date, (at, at + len(date)), year)
    if language == "en":
        y, m, d = (int(n) for n in re.findall(r"\d+", date))
        text = f"{d} {calendar.month_name[m]} {y}: the report's title line says 「{passage.text}」."
    else:
        text = f"{date}。报告标题写明：「{passage.text}」"
    return Answer(question, text, language, citation)
