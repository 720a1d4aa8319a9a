"""The rules of knowledge updates, in one place: who may do what, limits, the error family, upload checks.

Used by the service (web/publishing.py); the pages and the CLI show `PublishingError.message` as is.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from knowledge.formats import MAX_UPLOAD_BYTES
from records.documents import APPROVED, DRAFT, PUBLISHED, REJECTED, SUPERSEDED

from .auth import ROLE_LABELS

# Markup that could run in a browser: an upload carrying it is refused rather than silently cleaned.
ACTIVE_CONTENT_RE = re.compile(rb"<\s*script\b|\bjavascript\s*:|<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
MARKUP_SUFFIXES = (".html", ".htm", ".md", ".markdown")
DOCUMENT_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,63}$")
MAX_PASSAGE_CHARS = 2000
YEAR_RE = re.compile(r"(20\d\d)")
SYSTEM_USER = "system"
# Who may do what ("admin" passes every check).
UPLOADERS = ("operator",)
EDITORS = ("operator",)
REVIEWERS = ("reviewer",)


class PublishingError(Exception):
    """Any refused knowledge-update operation; `message` is shown to operators as is."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DocumentRejected(PublishingError):
    """The upload or edit is unusable (empty, wrong type, corrupt, no structure, scripts...)."""


class TooLarge(PublishingError):
    """The upload is over the size limit."""

    status = 413


class NotAllowed(PublishingError):
    """The user lacks the role, or is the draft's own uploader."""

    status = 403


class NotFound(PublishingError):
    """No such document, draft or knowledge base version."""

    status = 404


class Conflict(PublishingError):
    """The draft is in the wrong state, or another publish holds the lock."""

    status = 409


ROLE_NAMES = ROLE_LABELS
STATUS_NAMES = {DRAFT: "待审核", APPROVED: "已批准", PUBLISHED: "已发布", SUPERSEDED: "已被新版本取代", REJECTED: "已退回"}


def check_upload(filename: str, data: bytes) -> None:
    """What read_document does not judge: a missing file name, the size (413), and active content in markup."""
    name = (filename or "").strip()
    if not name:
        raise DocumentRejected("请选择要上传的文件。")
    if len(data) > MAX_UPLOAD_BYTES:
        raise TooLarge(f"文件 {name} 太大（{len(data) / 1048576:.1f} MB），上限为 {MAX_UPLOAD_BYTES // 1048576} MB。")
    if Path(name).suffix.lower() in MARKUP_SUFFIXES and ACTIVE_CONTENT_RE.search(data):
        raise DocumentRejected(f"文件 {name} 含有脚本（<script>、javascript: 或 on… 事件属性），为安全起见不予接受："
                               "请删除脚本，或另存为纯文本（.txt）后再上传。")


def published_sha(library, document_id: str) -> str:
    """sha1 of the document's text in the live version ("none" when it is not published)."""
    current = library.current_version()
    for source in library.documents(current) if current else []:
        if source.id == document_id:
            return hashlib.sha1(source.text.encode("utf-8")).hexdigest()
    return "none"


def set_or_drop(edit: dict, key: str, value: str, original: str) -> None:
    """Keep only real changes: a value equal to the original removes the edit."""
    if value == original:
        edit.pop(key, None)
    else:
        edit[key] = value


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:200]


def guess_year(year: int | str | None, date: str, title: str, text: str) -> int:
    """The given year, else the first 20xx in the date, the title or the first line."""
    if year not in (None, ""):
        try:
            value = int(year)
        except (TypeError, ValueError):
            raise DocumentRejected(f"年份无效：{year}") from None
        if not 1990 <= value <= 2100:
            raise DocumentRejected(f"年份无效：{year}")
        return value
    for candidate in (date, title, first_line(text)):
        match = YEAR_RE.search(candidate or "")
        if match:
            return int(match.group(1))
    raise DocumentRejected("无法从文件中判断年份，请填写年份。")


def outline(passages: list, edits: dict) -> list[dict]:
    """Passages grouped into sections and paragraphs, each carrying its edit."""
    sections: list[dict] = []
    for p in passages:
        if not sections or sections[-1]["heading"] != p.section:
            sections.append({"heading": p.section, "paragraphs": []})
        paragraphs = sections[-1]["paragraphs"]
        if not paragraphs or paragraphs[-1]["span"] != tuple(p.paragraph_span):
            paragraphs.append({"title": p.title, "span": tuple(p.paragraph_span), "passages": []})
        edit = edits.get(p.id, {})
        paragraphs[-1]["passages"].append({"id": p.id, "text": p.text, "title": p.title, "edit": edit,
                                           "shown_text": edit.get("text", p.text),
                                           "excluded": bool(edit.get("excluded"))})
    return sections
