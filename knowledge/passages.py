"""Parse a report into a document → section → paragraph tree and cut it into citable passages."""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field

from .errors import SourceError

CN_NUMERALS = "一二三四五六七八九十"
SECTION_RE = re.compile(rf"^([{CN_NUMERALS}]+)、(.+)$")
# Sentence ends; the report mixes full-width 。；！？ with half-width ; and !.
SENTENCE_END_RE = re.compile(r"[^。；;！!？?]*[。；;！!？?]|[^。；;！!？?]+$")
LEAD_MAX_CHARS = 24
DEFAULT_MAX_CHARS = 100

# Opening and closing paragraphs carry no heading of their own: name them by what they state.
REQUIREMENTS_TITLE = "总体要求"
TARGETS_TITLE = "主要预期目标"
TARGETS_PREFIX = "今年经济社会发展的主要预期目标"
CLOSING_MARK = "各位代表"
CLOSING_TITLE = "结束语"
INTRO_TITLE = "本部分总述"
REPORT_MARK = "工作报告"
OPENING_TITLE = "前言"  # what comes before the numbered parts of a document that is not a work report


@dataclass(frozen=True)
class Sentence:
    """A sentence with its character span in the source."""

    start: int
    end: int
    text: str


@dataclass
class Paragraph:
    """A paragraph: its lead phrase (title) and body sentences."""

    title: str
    start: int
    end: int
    sentences: list[Sentence]
    has_lead: bool


@dataclass
class Section:
    """A part of the report: 总体要求, 主要预期目标, 一 … 七, 全面建设人民满意政府, 结束语."""

    heading: str
    number: int | None
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass(frozen=True)
class Passage:
    """The retrievable, citable unit; carries its source metadata through every stage."""

    id: str
    document_id: str
    document: str
    section: str
    section_no: int | None
    section_title: str
    title: str
    text: str
    span: tuple[int, int]
    paragraph_span: tuple[int, int]
    order: int

    def to_dict(self) -> dict:
        """Plain JSON-ready form."""
        data = asdict(self)
        data["span"] = list(self.span)
        data["paragraph_span"] = list(self.paragraph_span)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Passage":
        """Inverse of `to_dict`."""
        return cls(**{**data, "span": tuple(data["span"]), "paragraph_span": tuple(data["paragraph_span"])})


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Sentences of `text` with spans shifted by `offset`; surrounding blanks are trimmed."""
    out = []
    for m in SENTENCE_END_RE.finditer(text):
        raw = m.group()
        stripped = raw.strip()
        if not stripped:
            continue
        start = offset + m.start() + (len(raw) - len(raw.lstrip()))
        out.append(Sentence(start, start + len(stripped), stripped))
    return out


def _line_spans(text: str):
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = pos + (len(line) - len(line.lstrip()))
            yield start, stripped
        pos += len(line) + 1


def _numeral_value(numeral: str) -> int:
    digits = [CN_NUMERALS.index(c) + 1 for c in numeral]
    if len(digits) == 1:
        return digits[0]
    if numeral[0] == "十":  # 十一 … 十九
        return 10 + digits[1]
    return digits[0] * 10 + (digits[2] if len(digits) > 2 else 0)  # 二十, 二十一 …


def _is_heading(line: str) -> bool:
    return len(line) <= 30 and not re.search(r"[。,，;；:：]", line)


def is_work_report(title_line: str) -> bool:
    """Whether a document is a government work report (its parts are numbered 一、二、…) by its title line."""
    return REPORT_MARK in title_line


def parse_document(text: str) -> list[Section]:
    """Parse a document into sections of paragraphs (title line skipped): a work report by its numbered parts,
    any other document (a notice, a Q&A) by its paragraphs and items (knowledge.plain_documents)."""
    lines = list(_line_spans(text))
    if not lines:
        raise SourceError("文件是空的：没有任何文字")
    if not any(SECTION_RE.match(line) for _, line in lines[1:]) and not is_work_report(lines[0][1]):
        from .plain_documents import parse_plain  # here: it imports this module's building blocks

        return parse_plain(lines[1:])
    if len(lines) < 3:
        raise SourceError("the document has fewer than three non-empty lines: is it the cleaned report?")
    sections: list[Section] = []
    numbered, report = False, is_work_report(lines[0][1])
    for start, line in lines[1:]:  # the first line is the document's own title
        match = SECTION_RE.match(line)
        if match:
            sections.append(Section(line, _numeral_value(match.group(1)), match.group(2)))
            numbered = True
            continue
        if _is_heading(line):
            if numbered:  # an unnumbered part after the numbered ones (全面建设人民满意政府)
                sections.append(Section(line, None, line))
            continue  # before them: the part heading (2025年主要目标和任务)
        if line.startswith(CLOSING_MARK):
            sections.append(Section(CLOSING_TITLE, None, CLOSING_TITLE))
        elif not numbered:
            name = _opening_section_name(line, sections) if report else OPENING_TITLE
            if not sections or sections[-1].title != name:
                sections.append(Section(name, None, name))
        if not sections:
            raise SourceError(f"text before any section heading: {line[:30]}…")
        sections[-1].paragraphs.append(_paragraph(line, start, sections[-1]))
    if not numbered:  # a work report whose part headings were lost in copying: its citations would name no part
        raise SourceError("no numbered part (一、二、…) found in a work report: were its part headings lost in copying?")
    return sections


def _opening_section_name(line: str, sections: list[Section]) -> str:
    # The opening states the general requirements, then the targets and the line announcing the parts.
    if line.startswith(TARGETS_PREFIX) or (sections and sections[-1].title == TARGETS_TITLE):
        return TARGETS_TITLE
    return REQUIREMENTS_TITLE


def _paragraph(line: str, start: int, section: Section) -> Paragraph:
    sentences = split_sentences(line, start)
    lead = sentences[0].text
    if len(sentences) > 1 and len(lead) <= LEAD_MAX_CHARS and not re.search(r"[,，:：]", lead):
        return Paragraph(lead.rstrip("。；;"), start, start + len(line), sentences[1:], True)
    intro = section.title if section.number is None else INTRO_TITLE
    return Paragraph(intro, start, start + len(line), sentences, False)


def passage_id(document_id: str, text: str) -> str:
    """Stable id: the same text in the same document always gets the same id."""
    return hashlib.sha1(f"{document_id}\n{text}".encode("utf-8")).hexdigest()[:12]


def cut_passages(
    sections: list[Section], source: str, document_id: str, document: str, max_chars: int = DEFAULT_MAX_CHARS
) -> list[Passage]:
    """Group each paragraph's sentences into passages of at most `max_chars` (a longer sentence stands alone)."""
    passages: list[Passage] = []
    seen: dict[str, int] = {}
    for section in sections:
        for paragraph in section.paragraphs:
            for group in _groups(paragraph.sentences, max_chars):
                span = (group[0].start, group[-1].end)
                text = source[span[0]:span[1]]
                pid = passage_id(document_id, text)
                seen[pid] = seen.get(pid, 0) + 1
                if seen[pid] > 1:  # identical text twice in one document: keep ids unique and stable
                    pid = passage_id(document_id, f"{text}#{seen[pid]}")
                passages.append(Passage(
                    id=pid, document_id=document_id, document=document, section=section.heading,
                    section_no=section.number, section_title=section.title, title=paragraph.title,
                    text=text, span=span, paragraph_span=(paragraph.start, paragraph.end), order=len(passages),
                ))
    return passages


def _groups(sentences: list[Sentence], max_chars: int) -> list[list[Sentence]]:
    groups: list[list[Sentence]] = []
    for sentence in sentences:
        current = groups[-1] if groups else None
        if current and sentence.end - current[0].start <= max_chars:
            current.append(sentence)
        else:
            groups.append([sentence])
    return groups
