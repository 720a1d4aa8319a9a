"""Questions about the document itself — the day it was delivered — answered from its own title line
(「(江苏省)苏州市吴中区人民政府工作报告(2025年1月6日)」), which no passage holds (parsing skips the title)."""
from __future__ import annotations

import calendar
import re

from .answers import Answer, Citation
from .passages import Passage

# When the report itself was made: 「这份报告是哪天作的」「報告是哪一天發表的」, "what date is this report from" — the
# ask right after 报告 (with at most a verb after it), never 「报告里说地铁什么时候通」.
REPORT_RE = r"(?:报告|文件)"
DAY_ASK = r"(?:哪天|哪一天|哪日|什么时候|啥时候|何时|几号|几月几号|哪年哪月|什么日期|啥日子)"
YEAR_ASK = r"(?:哪一?年|几几年|什么年份|哪个年份)"
EN_VERBS = r"(?:delivered|given|made|published|released|presented|dated|issued|written|from)"
END = r"[\s?？。!！]*$"
DOCUMENT_DATE_RE = re.compile(
    rf"{REPORT_RE}(?:是|在|于|是在)?{DAY_ASK}[\u4e00-\u9fff]{{0,2}}?的?{END}|"
    rf"{REPORT_RE}的?(?:日期|发布时间|发布日期|落款日期)|"
    rf"\b(?:when|what date|which day|what day)\b[^?]{{0,40}}\breport\b(?:\s+(?:was\s+)?{EN_VERBS})*\s*(?:from|on)?{END}|"
    r"\bdate of (?:the|this) report\b|\breport(?:'s)? date\b", re.IGNORECASE)
# Which year the report (its targets, its plan) is for: 「这个报告讲的是哪一年的计划」, "which year do these targets
# apply to" — the document's year, from its metadata.
DOCUMENT_YEAR_RE = re.compile(
    rf"{REPORT_RE}(?:是|讲的是|说的是|讲|说|定的是)?{YEAR_ASK}的?(?:计划|目标|任务|工作|报告)?{END}|"
    r"\b(?:which|what) year\b[^?]{0,20}\b(?:report|targets?|goals?|plans?)\b[^?]{0,20}"
    rf"(?:for|cover|covers|apply to|refer to|about){END}|"
    r"\b(?:report|targets?|goals?|plans?) (?:is|are) (?:for|about) (?:which|what) year\b", re.IGNORECASE)
# A question about the document itself, as made by someone: 「这报告谁作的」「报告是哪位领导念的」「报告哪天发布的」.
MAKING = r"(?:作|做|写|念|讲|发布|发表|出)"
ABOUT_DOCUMENT_RE = re.compile(rf"{REPORT_RE}(?:是|在)?(?:谁|哪位|哪个|{DAY_ASK}|{YEAR_ASK})[\u4e00-\u9fff]{{0,3}}{MAKING}")
# 「哪天作的」 with nothing of its own: when it was made (not 「哪天开工」, which asks of a project).
MADE_WHEN_RE = re.compile(rf"(?:是|在|是在)?(?:{DAY_ASK}|{YEAR_ASK}){MAKING}的?(?:啊|呢|呀)?{END}")
DATE_IN_TITLE_RE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
# Another year's report (明年的报告, 下一份报告, last year's report) is not this document: its title says nothing of it.
OTHER_DOCUMENT_RE = re.compile(rf"(?:明年|去年|前年|后年|下一?[份个次年届]|上一?[份个次年届])的?(?:政府)?(?:工作)?{REPORT_RE}|"
                               r"\b(?:next|last|previous|following) (?:year'?s?|one'?s?)?\s*(?:government )?(?:work )?report\b",
                               re.IGNORECASE)
TITLE_SECTION = "标题"


def asks_document_date(text: str, previous: str | None = None) -> bool:
    """Whether a (normalized) question asks the day the document was made, or the year it is for — also a bare
    「哪天作的」 right after a question about the document itself (「这报告谁作的」)."""
    if OTHER_DOCUMENT_RE.search(text):
        return False
    if DOCUMENT_DATE_RE.search(text) or DOCUMENT_YEAR_RE.search(text):
        return True
    return bool(previous and ABOUT_DOCUMENT_RE.search(previous) and MADE_WHEN_RE.fullmatch(text.strip()))


def title_passage(document_id: str, document: str, source: str) -> Passage | None:
    """The document's title line as a citable passage, when it states a date (else None)."""
    line = source.split("\n", 1)[0].strip()
    if not DATE_IN_TITLE_RE.search(line):
        return None
    start = source.index(line)
    return Passage(f"{document_id}-title", document_id, document, TITLE_SECTION, None, TITLE_SECTION, TITLE_SECTION,
                   line, (start, start + len(line)), (start, start + len(line)), -1)


def date_answer(question: str, language: str, passage: Passage, kb_version: str, year: int | None,
                asked: str | None = None) -> Answer:
    """「2025年1月6日。报告标题写明：(江苏省)…工作报告(2025年1月6日)」 (the year it is for first, when that is
    asked), quoting the title line."""
    date = DATE_IN_TITLE_RE.search(passage.text).group(0)
    at = passage.span[0] + passage.text.index(date)
    citation = Citation(passage, passage.text, passage.span, kb_version, date, (at, at + len(date)), year)
    y, m, d = (int(n) for n in re.findall(r"\d+", date))
    asked = asked or question  # the normalized question (Simplified) is what the patterns read
    for_year = (year or y) if DOCUMENT_YEAR_RE.search(asked) and not DOCUMENT_DATE_RE.search(asked) else None
    if language == "en":
        lead = f"{for_year} (the report is dated {d} {calendar.month_name[m]} {y})" if for_year else \
            f"{d} {calendar.month_name[m]} {y}"
        text = f"{lead}: the report's title line says 「{passage.text}」."
    else:
        lead = f"{for_year}年（报告作于{date}）" if for_year else date
        text = f"{lead}。报告标题写明：「{passage.text}」"
    return Answer(question, text, language, citation)
