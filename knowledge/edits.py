"""Operators' draft edits (a passage's text or paragraph title changed, a passage excluded) applied to the source text.

The edits rewrite the document itself, so the revised text re-parses into passages whose spans are exact.
"""
from __future__ import annotations

import re

from .errors import DocumentFormatError
from .passages import LEAD_MAX_CHARS, Passage, parse_document

LEAD_END = "。；;"


def apply_passage_edits(text: str, passages: list[Passage], edits: dict[str, dict]) -> str:
    """The source text with `edits` ({passage_id: {"text"?, "title"?, "excluded"?}}) applied; `passages` are the
    text's own passages (Library.preview). Raises DocumentFormatError for an unknown id or an unusable edit."""
    by_id = {p.id: p for p in passages}
    unknown = [pid for pid in edits if pid not in by_id]
    if unknown:
        raise DocumentFormatError(f"草稿中没有这些段落：{', '.join(unknown)}（文档可能已被重新上传）")
    replacements: dict[tuple[int, int], str] = {}
    paragraphs: dict[tuple[int, int], list[Passage]] = {}
    for p in passages:
        paragraphs.setdefault(p.paragraph_span, []).append(p)
    for pid, edit in edits.items():
        p = by_id[pid]
        if edit.get("excluded"):
            replacements[p.span] = ""
        elif edit.get("text") is not None and edit["text"] != p.text:
            replacements[p.span] = _checked_text(edit["text"])
    for span, members in paragraphs.items():
        if all(replacements.get(p.span) == "" for p in members):  # every passage excluded: drop the whole paragraph
            for p in members:
                replacements.pop(p.span, None)
            replacements[span] = ""
            continue
        titles = [edits[p.id]["title"] for p in members if p.id in edits and edits[p.id].get("title")]
        if titles and titles[-1] != members[0].title:
            lead = (span[0], members[0].span[0])
            old_lead = text[lead[0]:lead[1]].strip()
            end = old_lead[-1] if old_lead and old_lead[-1] in LEAD_END else "。"
            replacements[lead] = _checked_title(titles[-1]) + end
    revised = text
    for (start, end), new in sorted(replacements.items(), reverse=True):  # from the end: earlier spans stay valid
        if new == "" and end > start and _whole_line(revised, start, end):
            while revised[end:end + 1] == "\n":  # a removed paragraph takes its line breaks with it
                end += 1
        revised = revised[:start] + new + revised[end:]
    parse_document(revised)  # the revised draft must still read as a report
    return revised


def _checked_text(new: str) -> str:
    new = new.strip()
    if not new:
        raise DocumentFormatError("段落文字不能为空：要删除这一段请选择「排除」")
    if "\n" in new:
        raise DocumentFormatError("段落文字不能包含换行：换行会把一段拆成两段")
    return new


def _checked_title(title: str) -> str:
    title = title.strip().rstrip(LEAD_END)
    if not title or "\n" in title:
        raise DocumentFormatError("段落标题不能为空，也不能包含换行")
    if len(title) > LEAD_MAX_CHARS or re.search(r"[。；;,，:：]", title):
        raise DocumentFormatError(f"段落标题最多{LEAD_MAX_CHARS}个字，且不能含逗号、冒号、句号或分号")
    return title


def _whole_line(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip() and text[end:end + 1] == "\n"
