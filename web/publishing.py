"""The one service layer for keeping the knowledge current: upload, edit, review, publish, roll back.

The operators' pages (web/kb_admin.py) and `flask --app web kb ...` (web/kb_cli.py) both call these
functions, so the workflow (four eyes, the publish sequence) lives here once, and its rules (roles, limits,
errors, upload checks) in web/publishing_rules.py. The published
state of record is the knowledge Library (versions/ + current pointer); the database records documents,
drafts, who did what, and which kb_version each publish produced. Every error is a `PublishingError`
with a Chinese message naming the problem.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from records.documents import (APPROVED, DRAFT, OPEN_STATUSES, PUBLISHED, REJECTED, SUPERSEDED, Document,
                               DocumentVersion, utcnow)

from .publishing_rules import (DOCUMENT_ID_RE, EDITORS, MAX_PASSAGE_CHARS, MAX_UPLOAD_BYTES, REVIEWERS,  # noqa: F401
                               ROLE_NAMES, STATUS_NAMES, SYSTEM_USER, UPLOADERS, Conflict, DocumentRejected, NotAllowed,
                               NotFound, PublishingError, TooLarge, check_upload, first_line, guess_year, outline,
                               published_sha, set_or_drop)


@dataclass
class DraftView:
    """What the draft page shows: the version, how it was split, and the diff against the published one."""

    version: dict
    sections: list[dict]
    diff: list[Any]
    base_kb_version: str | None
    counts: dict = field(default_factory=dict)


class Publishing:
    """The service over one knowledge library root and one app database."""

    def __init__(self, library_root: str | Path, db_url: str | None = None) -> None:
        self.library_root = Path(library_root)
        self.db_url = db_url

    # -- plumbing ---------------------------------------------------------------------------------
    def library(self):
        """The knowledge Library (opened per call: it is a folder, cheap to open)."""
        from knowledge import Library

        return Library.open(self.library_root)

    def _session(self):
        from records.db import session_scope

        return session_scope(self.db_url)

    def _actor(self, session: Session, username: str | None, roles: tuple[str, ...]) -> str:
        """The acting user's name if they exist, are active and hold one of `roles` (admin always)."""
        from records.models import User

        if not username:
            raise NotAllowed("请指定操作用户（--user）。")
        user = session.scalar(select(User).where(User.username == username.strip()))
        if user is None or not getattr(user, "active", True):
            raise NotAllowed(f"用户 {username} 不存在或已停用。")
        if user.role != "admin" and user.role not in roles:
            wanted = "、".join(ROLE_NAMES[r] for r in roles)
            raise NotAllowed(f"用户 {username} 的角色（{ROLE_NAMES.get(user.role, user.role)}）不能执行此操作，"
                             f"需要角色：{wanted}或管理员。")
        return user.username

    def _audit(self, session: Session, actor: str | None, action: str, target: str, detail: dict | None = None) -> None:
        from records.audit import log

        log(session, actor, action, target, detail)

    def _draft(self, session: Session, draft_id: int | str) -> DocumentVersion:
        try:
            row = session.get(DocumentVersion, int(draft_id))
        except (TypeError, ValueError):
            row = None
        if row is None:
            raise NotFound(f"找不到草稿 {draft_id}。")
        return row

    # -- reading ----------------------------------------------------------------------------------
    def sync(self) -> None:
        """Record the library's current documents in the database (first use, or after a crash between
        the switch and the database update): each becomes, or is marked, a published version."""
        library = self.library()
        current = library.current_version()
        if current is None:
            return
        try:
            with self._session() as session:
                self._mark_live(session, library.documents(current), current, adopt=True)
        except IntegrityError:
            pass  # another process imported the same documents at the same moment: theirs stands

    def _mark_live(self, session: Session, sources: list, kb_version: str, adopt: bool) -> None:
        """The rows of exactly the documents in `sources` are published; every other published row superseded."""
        for source in sources:
            self._match_published(session, source, kb_version, adopt)
        live_ids = {s.id for s in sources}
        for stale in session.scalars(select(DocumentVersion).where(DocumentVersion.status == PUBLISHED)):
            if stale.document_id not in live_ids:
                stale.status = SUPERSEDED

    def _match_published(self, session: Session, source, kb_version: str, adopt: bool) -> DocumentVersion:
        """The version row whose published text is `source.text` (imported if none): marked published."""
        document = session.get(Document, source.id)
        if document is None:
            document = Document(id=source.id, title=source.title, created_by=SYSTEM_USER)
            session.add(document)
        rows = session.scalars(select(DocumentVersion).where(DocumentVersion.document_id == source.id)
                               .order_by(DocumentVersion.id.desc())).all()
        live = [r for r in rows if r.status == PUBLISHED]
        if len(live) == 1 and live[0].published_text == source.text:
            return live[0]
        same = [r for r in rows if r.published_text == source.text and r.status != REJECTED]
        row = next((r for r in same if r.kb_version == kb_version), same[0] if same else None)
        if row is None:
            row = DocumentVersion(document=document, status=PUBLISHED, filename=f"{source.id}.txt",
                                  source_text=source.text, published_text=source.text, title=source.title,
                                  date=source.date or "", year=source.year, source_url=source.source_url,
                                  edits={}, kb_version=kb_version, uploaded_by=SYSTEM_USER,
                                  published_by=SYSTEM_USER, published_at=utcnow(),
                                  note="从知识库导入" if adopt else "回滚时导入")
            session.add(row)
            session.flush()
        for other in live:
            if other is not row:
                other.status = SUPERSEDED
        if row.status != PUBLISHED:
            row.status = PUBLISHED
            row.kb_version = row.kb_version or kb_version
            row.published_at = row.published_at or utcnow()
        return row

    def list(self) -> dict:
        """Documents with their versions (newest first) and the library's kb versions."""
        self.sync()
        library = self.library()
        with self._session() as session:
            documents = []
            for document in session.scalars(select(Document).order_by(Document.id)):
                versions = [v.to_dict() for v in sorted(document.versions, key=lambda v: v.id, reverse=True)]
                documents.append({"id": document.id, "title": document.title, "versions": versions})
        return {"current": library.current_version(), "kb_versions": library.versions(), "documents": documents}

    def draft(self, draft_id: int | str) -> DraftView:
        """The draft page: sections → paragraphs → passages with the edits, and the diff to the published text."""
        from knowledge import diff_passages

        self.sync()
        with self._session() as session:
            row = self._draft(session, draft_id)
            version, source_text, edits = row.to_dict(), row.source_text, dict(row.edits or {})
            meta = (row.document_id, row.title, row.date, row.year, row.source_url)
        library = self.library()
        original = self._preview(library, meta, source_text)
        revised = self._preview(library, meta, self._revised_text(library, meta, source_text, edits))
        base_version = library.current_version()
        published = [s for s in (library.documents(base_version) if base_version else []) if s.id == meta[0]]
        old = self._preview(library, meta, published[0].text) if published else []
        counts = {"passages": len(original), "edited": sum(1 for e in edits.values() if "text" in e or "title" in e),
                  "excluded": sum(1 for e in edits.values() if e.get("excluded"))}
        return DraftView(version, outline(original, edits), diff_passages(old, revised), base_version, counts)

    # -- operators --------------------------------------------------------------------------------
    def upload(self, filename: str, data: bytes, document_id: str, user: str, title: str | None = None,
               date: str | None = None, year: int | str | None = None, source_url: str | None = None) -> int:
        """Read an uploaded file into a new draft of `document_id` (a new document if unknown); its id."""
        from knowledge import KnowledgeError, read_document

        document_id = (document_id or "").strip()
        if not DOCUMENT_ID_RE.match(document_id):
            raise DocumentRejected("文档编号无效：请用2到64位小写字母、数字、- 或 _，例如 wuzhong-2025。")
        check_upload(filename, data)
        try:
            text = read_document(filename, data)
        except KnowledgeError as exc:
            raise DocumentRejected(f"文件 {filename} 无法使用：{exc}") from exc
        self.sync()
        with self._session() as session:
            actor = self._actor(session, user, UPLOADERS)
            document = session.get(Document, document_id)
            previous = _latest(document)
            title = (title or "").strip() or (previous.title if previous else first_line(text))
            date = (date or "").strip() or (previous.date if previous else "")
            year = guess_year(year, date, title, text)
            meta = (document_id, title, date, year, source_url or (previous.source_url if previous else None))
            self._preview(self.library(), meta, text)  # refuses a text without recognisable structure
            if document is None:
                document = Document(id=document_id, title=title, created_by=actor)
                session.add(document)
            row = DocumentVersion(document=document, status=DRAFT, filename=Path(filename).name[:255],
                                  source_text=text, title=title, date=date, year=year, source_url=meta[4],
                                  edits={}, uploaded_by=actor)
            session.add(row)
            session.flush()
            self._audit(session, actor, "kb.upload", f"draft:{row.id}",
                        {"document_id": document_id, "filename": row.filename, "chars": len(text),
                         "sha1": hashlib.sha1(text.encode()).hexdigest()[:12]})
            return row.id

    def edit_passage(self, draft_id: int | str, passage_id: str, user: str, text: str | None = None,
                     title: str | None = None, excluded: bool | None = None) -> None:
        """Change a passage's text or paragraph title in the draft, or exclude / include it again."""
        with self._session() as session:
            actor = self._actor(session, user, EDITORS)
            row = self._draft(session, draft_id)
            if row.status not in OPEN_STATUSES:
                raise Conflict(f"草稿 {row.id} 状态为{STATUS_NAMES[row.status]}，不能再修改。")
            meta = (row.document_id, row.title, row.date, row.year, row.source_url)
            library = self.library()
            original = {p.id: p for p in self._preview(library, meta, row.source_text)}.get(passage_id)
            if original is None:
                raise NotFound(f"草稿 {row.id} 中没有段落 {passage_id}。")
            edit = dict((row.edits or {}).get(passage_id, {}))
            if text is not None:
                text = text.strip()
                if not text:
                    raise DocumentRejected("段落内容不能为空；要删除这段请选择“排除”。")
                if len(text) > MAX_PASSAGE_CHARS:
                    raise DocumentRejected(f"段落太长（{len(text)}字），请控制在{MAX_PASSAGE_CHARS}字以内。")
                if "\n" in text:
                    raise DocumentRejected("段落内容不能换行。")
                set_or_drop(edit, "text", text, original.text)
            if title is not None and title.strip():  # its form is checked with the edit applied, below
                set_or_drop(edit, "title", title.strip(), original.title)
            if excluded is not None:
                edit["excluded"] = bool(excluded)
                if not excluded:
                    edit.pop("excluded")
            edits = {**(row.edits or {}), passage_id: edit}
            if not edit:
                edits.pop(passage_id)
            self._preview(library, meta, self._revised_text(library, meta, row.source_text, edits))
            row.edits = edits
            if row.status == APPROVED:  # the approval was for the text before this edit
                row.status, row.approved_by, row.approved_at = DRAFT, None, None
            self._audit(session, actor, "kb.edit", f"draft:{row.id}", {"passage_id": passage_id, **edit})

    # -- reviewers --------------------------------------------------------------------------------
    def approve(self, draft_id: int | str, user: str) -> None:
        """Approve a draft for publishing (never one's own upload)."""
        with self._session() as session:
            actor = self._actor(session, user, REVIEWERS)
            row = self._draft(session, draft_id)
            if row.status != DRAFT:
                raise Conflict(f"草稿 {row.id} 状态为{STATUS_NAMES[row.status]}，只有待审核的草稿可以批准。")
            if row.uploaded_by == actor:
                raise NotAllowed(f"不能批准自己上传的草稿（草稿 {row.id} 由 {actor} 上传），请由另一位审核人批准。")
            row.status, row.approved_by, row.approved_at = APPROVED, actor, utcnow()
            row.approved_base = published_sha(self.library(), row.document_id)  # what the reviewer compared with
            self._audit(session, actor, "kb.approve", f"draft:{row.id}", {"document_id": row.document_id})

    def reject(self, draft_id: int | str, user: str, reason: str = "") -> None:
        """Reject a draft (it stays readable, it can no longer be published)."""
        with self._session() as session:
            actor = self._actor(session, user, REVIEWERS)
            row = self._draft(session, draft_id)
            if row.status not in OPEN_STATUSES:
                raise Conflict(f"草稿 {row.id} 状态为{STATUS_NAMES[row.status]}，不能退回。")
            row.status, row.rejected_by, row.note = REJECTED, actor, (reason or "").strip()[:500]
            self._audit(session, actor, "kb.reject", f"draft:{row.id}", {"reason": row.note})

    def publish(self, draft_id: int | str, user: str) -> str:
        """Build the approved draft with every other published document into a new version, switch to it; its kb_version."""
        from knowledge import KnowledgeError, PublishInProgressError, Source

        self.sync()
        library = self.library()
        with self._session() as session:
            actor = self._actor(session, user, REVIEWERS)
        try:
            with library.lock():
                current = library.current_version()
                with self._session() as session:
                    row = self._draft(session, draft_id)
                    if row.status == PUBLISHED:
                        raise Conflict(f"草稿 {row.id} 已由 {row.published_by} 发布（版本 {row.kb_version}）。")
                    if row.status != APPROVED:
                        raise Conflict(f"草稿 {row.id} 状态为{STATUS_NAMES[row.status]}，须先经另一位审核人批准才能发布。")
                    meta = (row.document_id, row.title, row.date, row.year, row.source_url)
                    stale = row.approved_base != published_sha(library, row.document_id)
                    if stale:  # published (or rolled back) since the approval: the reviewed diff is not this one
                        row.status, row.approved_by, row.approved_at = DRAFT, None, None
                        self._audit(session, actor, "kb.approval_stale", f"draft:{row.id}", {"kb_version": current})
                    else:
                        text = self._revised_text(library, meta, row.source_text, dict(row.edits or {}))
                        # Saved before the switch: if we die after it, sync() recognises the live text as this draft.
                        row.published_text = text
                if stale:
                    raise Conflict(f"草稿 {draft_id} 批准后，文档 {meta[0]} 的已发布版本已经改变（当前知识库版本 {current}）："
                                   "草稿已退回待审核，请重新查看差异后再批准。")
                others = [s for s in (library.documents(current) if current else []) if s.id != meta[0]]
                draft = Source(meta[0], meta[1], meta[2], int(meta[3]), text, meta[4])
                kb_version = library.build(others + [draft])
                library.publish(kb_version, actor=actor, expected_current=current)
        except PublishInProgressError as exc:
            raise Conflict(f"{exc}") from exc
        except KnowledgeError as exc:
            raise PublishingError(f"发布失败，已发布的版本未改变：{exc}") from exc
        with self._session() as session:
            row = self._draft(session, draft_id)
            for other in session.scalars(select(DocumentVersion).where(
                    DocumentVersion.document_id == row.document_id, DocumentVersion.status == PUBLISHED)):
                other.status = SUPERSEDED
            row.status, row.kb_version, row.published_by, row.published_at = PUBLISHED, kb_version, actor, utcnow()
            row.document.title = row.title
            self._audit(session, actor, "kb.publish", f"draft:{row.id}",
                        {"document_id": row.document_id, "kb_version": kb_version, "previous": current})
        return kb_version

    def withdraw(self, document_id: str, user: str, reason: str = "") -> str:
        """Retire a published document: the live documents without it become a new version, made live; its kb_version."""
        from knowledge import KnowledgeError, PublishInProgressError

        self.sync()
        library = self.library()
        with self._session() as session:
            actor = self._actor(session, user, REVIEWERS)
        try:
            with library.lock():
                current = library.current_version()
                live = library.documents(current) if current else []
                if document_id not in {s.id for s in live}:
                    raise NotFound(f"文档 {document_id} 当前没有发布，无需撤回。")
                others = [s for s in live if s.id != document_id]
                if not others:
                    raise Conflict(f"文档 {document_id} 是唯一已发布的文档，撤回后将无法回答任何问题：请先发布其他文档。")
                kb_version = library.build(others)
                library.publish(kb_version, actor=actor, expected_current=current)
        except PublishInProgressError as exc:
            raise Conflict(f"{exc}") from exc
        except KnowledgeError as exc:
            raise PublishingError(f"撤回失败，已发布的版本未改变：{exc}") from exc
        with self._session() as session:
            retired = session.scalars(select(DocumentVersion).where(
                DocumentVersion.document_id == document_id, DocumentVersion.status == PUBLISHED)).all()
            self._mark_live(session, others, kb_version, adopt=False)  # its published row becomes superseded
            for row in retired:
                row.note = f"已撤回（{actor}）：{(reason or '').strip()[:400]}".rstrip("：")
            self._audit(session, actor, "kb.withdraw", f"document:{document_id}",
                        {"kb_version": kb_version, "previous": current, "reason": (reason or "").strip()[:500]})
        return kb_version

    def rollback(self, kb_version: str, user: str) -> None:
        """Make an earlier published kb_version live again, in one step."""
        from knowledge import KnowledgeError, PublishInProgressError

        library = self.library()
        with self._session() as session:
            actor = self._actor(session, user, REVIEWERS)
        known = {v["kb_version"] for v in library.versions()}
        if kb_version not in known:
            raise NotFound(f"知识库版本 {kb_version} 不存在。可用版本：{'、'.join(sorted(k for k in known if k))}")
        try:
            with library.lock():
                previous = library.current_version()
                if previous == kb_version:
                    raise Conflict(f"版本 {kb_version} 已是当前版本。")
                library.publish(kb_version, actor=actor)
        except PublishInProgressError as exc:
            raise Conflict(f"{exc}") from exc
        except KnowledgeError as exc:
            raise PublishingError(f"回滚失败，当前版本未改变：{exc}") from exc
        with self._session() as session:
            self._mark_live(session, library.documents(kb_version), kb_version, adopt=False)
            self._audit(session, actor, "kb.rollback", f"kb:{kb_version}", {"previous": previous})

    # -- helpers ----------------------------------------------------------------------------------
    def _preview(self, library, meta: tuple, text: str) -> list:
        """The passages a text would be cut into; DocumentRejected when it has no recognisable structure."""
        from knowledge import KnowledgeError, Source

        document_id, title, date, year, source_url = meta
        try:
            return library.preview([Source(document_id, title, date or "", int(year or 0), text, source_url)])
        except KnowledgeError as exc:
            raise DocumentRejected(f"无法识别文档结构：{exc}") from exc

    def _revised_text(self, library, meta: tuple, text: str, edits: dict) -> str:
        from knowledge import KnowledgeError, apply_passage_edits

        if not edits:
            return text
        try:
            return apply_passage_edits(text, self._preview(library, meta, text), edits)
        except KnowledgeError as exc:
            raise DocumentRejected(f"修改无法保存：{exc}") from exc


def _latest(document: Document | None) -> DocumentVersion | None:
    if document is None or not document.versions:
        return None
    live = [v for v in document.versions if v.status == PUBLISHED]
    return live[-1] if live else document.versions[-1]
