"""Curated answers: an operator's official answer to a recurring question, with example phrasings and the passage
it cites; versioned (draft → approved by another reviewer → live; an edit is a new version; retire) and audited.

Serving processes call `live_entries(url)`: the live versions as plain dicts, re-read only when the table's cheap
stamp (row count, newest updated_at, live ids; looked at once a second) changes: an approval is live in ≤ 2 s.
Rules that need the knowledge base (does the passage exist, is it superseded) are the caller's: this module
stores what it is told and flags what it is told to flag.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, case, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .audit import log
from .db import Base, database_url, session_scope
from .documents import utcnow
from .models import User

DRAFT, LIVE, SUPERSEDED, REVIEW, RETIRED = "draft", "live", "superseded", "review", "retired"
STATUS_NAMES = {DRAFT: "待审核", LIVE: "已生效", SUPERSEDED: "已被新版本取代", REVIEW: "需复核（引用段落已更新）",
                RETIRED: "已停用"}
MAX_ANSWER_CHARS = 1000
MAX_PHRASING_CHARS = 200
MAX_PHRASINGS = 30
CHECK_SECONDS = 1.0  # how often a serving process looks at the stamp (one cheap query)
APPROVERS = ("reviewer", "admin")


class CuratedError(Exception):
    """A refused curated-answer operation, with a Chinese message and an HTTP status."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(CuratedError):
    status = 404  # no such answer or version


class NotAllowed(CuratedError):
    status = 403  # wrong role, or approving one's own version


class Conflict(CuratedError):
    status = 409  # not in a state that allows it


class CuratedAnswer(Base):
    """One recurring question's official answer; its content lives in versions."""

    __tablename__ = "curated_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CuratedVersion(Base):
    """One version of a curated answer: text, phrasings, cited passage, who wrote and who approved it."""

    __tablename__ = "curated_versions"
    __table_args__ = (UniqueConstraint("answer_id", "version", name="curated_versions_answer_version"),
                      Index("curated_versions_status", "status"), Index("curated_versions_updated_at", "updated_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("curated_answers.id"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    answer: Mapped[str] = mapped_column(Text)
    phrasings: Mapped[list] = mapped_column(JSON)
    passage_id: Mapped[str] = mapped_column(String(64))
    document_id: Mapped[str] = mapped_column(String(64), default="")
    passage_title: Mapped[str] = mapped_column(String(200), default="")
    quote: Mapped[str] = mapped_column(Text, default="")
    kb_version: Mapped[str] = mapped_column(String(64), default="")  # the version the citation was checked against
    created_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    retired_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    def to_dict(self) -> dict:
        """Plain JSON-ready form."""
        stamp = lambda value: value.isoformat(timespec="seconds") if value else None  # noqa: E731
        return {"version_id": self.id, "id": self.answer_id, "version": self.version, "status": self.status,
                "status_name": STATUS_NAMES[self.status], "answer": self.answer, "phrasings": list(self.phrasings),
                "passage_id": self.passage_id, "document_id": self.document_id, "passage_title": self.passage_title,
                "quote": self.quote, "kb_version": self.kb_version, "created_by": self.created_by,
                "approved_by": self.approved_by, "retired_by": self.retired_by, "note": self.note,
                "created_at": stamp(self.created_at), "approved_at": stamp(self.approved_at)}


def clean_phrasings(phrasings: list[str]) -> list[str]:
    """Trimmed, de-duplicated phrasings in order; refuses none, too many or too long ones."""
    seen: list[str] = []
    for raw in phrasings:
        text = " ".join(str(raw or "").split())
        if text and text not in seen:
            seen.append(text)
    if not seen:
        raise CuratedError("请至少填写一个居民的问法。")
    if len(seen) > MAX_PHRASINGS:
        raise CuratedError(f"问法太多（{len(seen)}个），最多{MAX_PHRASINGS}个。")
    long = next((p for p in seen if len(p) > MAX_PHRASING_CHARS), None)
    if long:
        raise CuratedError(f"问法「{long[:20]}…」太长，每个问法不超过{MAX_PHRASING_CHARS}字。")
    return seen


def _actor(session: Session, username: str | None, roles: tuple[str, ...]) -> str:
    user = session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None or not user.active:
        raise NotAllowed(f"用户 {username} 不存在或已停用。")
    if user.role != "admin" and user.role not in roles:
        raise NotAllowed(f"用户 {username} 的角色不能执行此操作。")
    return user.username


def _versions(session: Session, answer_id: int) -> list[CuratedVersion]:
    rows = list(session.scalars(select(CuratedVersion).where(CuratedVersion.answer_id == int(answer_id))
                                .order_by(CuratedVersion.version)))
    if not rows:
        raise NotFound(f"找不到标准答复 {answer_id}。")
    return rows


def _add_version(session: Session, answer_id: int, number: int, user: str, answer: str, phrasings: list[str],
                 citation: dict) -> CuratedVersion:
    answer = (answer or "").strip()
    if not answer or len(answer) > MAX_ANSWER_CHARS:
        raise CuratedError("答复内容不能为空。" if not answer else
                           f"答复太长（{len(answer)}字），请控制在{MAX_ANSWER_CHARS}字以内。")
    row = CuratedVersion(answer_id=answer_id, version=number, status=DRAFT, answer=answer,
                         phrasings=clean_phrasings(phrasings), passage_id=str(citation["passage_id"]),
                         document_id=citation.get("document_id") or "", passage_title=citation.get("title") or "",
                         quote=citation.get("quote") or "", kb_version=citation.get("kb_version") or "",
                         created_by=user)
    session.add(row)
    session.flush()
    return row


def create(answer: str, phrasings: list[str], citation: dict, user: str, url=None) -> int:
    """A new curated answer as version 1, a draft (`citation`: passage_id, kb_version, title, quote, document_id)."""
    with session_scope(url) as session:
        actor = _actor(session, user, ("operator",))
        head = CuratedAnswer(created_by=actor)
        session.add(head)
        session.flush()
        row = _add_version(session, head.id, 1, actor, answer, phrasings, citation)
        log(session, actor, "curated.create", f"curated:{head.id}", {"version": 1, "passage_id": row.passage_id})
        return head.id


def edit(answer_id: int, answer: str, phrasings: list[str], citation: dict, user: str, url=None) -> int:
    """A new draft version (the live one keeps serving until it is approved); earlier open drafts are set aside."""
    with session_scope(url) as session:
        actor = _actor(session, user, ("operator",))
        rows = _versions(session, answer_id)
        if rows[-1].status == RETIRED:
            raise Conflict(f"标准答复 {answer_id} 已停用，不能再修改。")
        for old in rows:
            if old.status == DRAFT:
                old.status = SUPERSEDED
        row = _add_version(session, int(answer_id), rows[-1].version + 1, actor, answer, phrasings, citation)
        log(session, actor, "curated.edit", f"curated:{answer_id}",
            {"version": row.version, "passage_id": row.passage_id})
        return row.version


def approve(answer_id: int, version: int, user: str, url=None) -> None:
    """Make a draft version live (never by its author); the previously live version is superseded."""
    with session_scope(url) as session:
        actor = _actor(session, user, APPROVERS)
        rows = _versions(session, answer_id)
        row = next((r for r in rows if r.version == int(version)), None)
        if row is None:
            raise NotFound(f"标准答复 {answer_id} 没有第 {version} 版。")
        if row.status != DRAFT:
            raise Conflict(f"第 {row.version} 版状态为{STATUS_NAMES[row.status]}，只有待审核的版本可以批准。")
        if row.created_by == actor:
            raise NotAllowed(f"不能批准自己撰写的版本（第 {row.version} 版由 {actor} 撰写），请由另一位审核人批准。")
        for old in rows:
            if old.status in (LIVE, REVIEW):
                old.status = SUPERSEDED
        row.status, row.approved_by, row.approved_at = LIVE, actor, utcnow()
        log(session, actor, "curated.approve", f"curated:{answer_id}", {"version": row.version})


def retire(answer_id: int, user: str, reason: str = "", url=None) -> None:
    """Take a curated answer out of service for good (its history stays)."""
    with session_scope(url) as session:
        actor = _actor(session, user, ("operator", "reviewer"))
        rows = _versions(session, answer_id)
        if all(r.status in (RETIRED, SUPERSEDED) for r in rows):
            raise Conflict(f"标准答复 {answer_id} 已停用。")
        for row in rows:
            if row.status in (DRAFT, LIVE, REVIEW):
                row.status, row.retired_by = RETIRED, actor
        log(session, actor, "curated.retire", f"curated:{answer_id}", {"reason": (reason or "").strip()[:500]})


def flag_dead(entry, kb_version: str, url=None) -> bool:
    """A live version (`entry`: id, version, passage_id) cites a passage the live knowledge base lacks: take it out
    of service until an operator edits it (the system's audit row); True if this call changed it."""
    reason = f"引用段落 {entry.passage_id} 已不在当前知识库版本 {kb_version} 中（已被新版本取代或删除），请修改引用后重新审核。"
    with session_scope(url) as session:
        row = session.scalar(select(CuratedVersion).where(CuratedVersion.answer_id == int(entry.id),
                                                          CuratedVersion.version == int(entry.version)))
        if row is None or row.status != LIVE:
            return False  # already flagged by another process, or replaced meanwhile
        row.status, row.note = REVIEW, reason
        log(session, None, "curated.flag", f"curated:{row.answer_id}",
            {"version": row.version, "passage_id": row.passage_id, "kb_version": kb_version})
        return True


def list_answers(url=None) -> list[dict]:
    """Every curated answer, newest first: its latest version, plus the live one's number."""
    with session_scope(url) as session:
        by_answer: dict[int, list[CuratedVersion]] = {}
        for row in session.scalars(select(CuratedVersion).order_by(CuratedVersion.answer_id, CuratedVersion.version)):
            by_answer.setdefault(row.answer_id, []).append(row)
        return [{**rows[-1].to_dict(), "live_version": next((r.version for r in rows if r.status == LIVE), None)}
                for _, rows in sorted(by_answer.items(), reverse=True)]


def history(answer_id: int, url=None) -> dict:
    """All versions of one answer (oldest first) and its audit events (newest first)."""
    from .audit import events

    with session_scope(url) as session:
        versions = [r.to_dict() for r in _versions(session, answer_id)]
        target = f"curated:{int(answer_id)}"  # events() matches a prefix: curated:1 must not bring curated:12
        return {"id": int(answer_id), "versions": versions,
                "events": [e for e in events(session, target=target, limit=None) if e["target"] == target]}


_cache: dict[str, tuple[float, tuple, list[dict]]] = {}
_cache_lock = threading.Lock()


def live_entries(url=None) -> list[dict]:
    """The live versions (id, version, answer, phrasings, passage_id, quote, kb_version), cached per process:
    the stamp is checked at most once a second, the rows re-read only when it changed."""
    key = database_url(url)
    now = time.monotonic()
    cached = _cache.get(key)
    if cached and now - cached[0] < CHECK_SECONDS:
        return cached[2]
    with _cache_lock:
        with session_scope(url) as session:
            # Which rows are live (sum of their ids) besides count and newest change: a clock-skewed writer still shows.
            live_ids = func.coalesce(func.sum(case((CuratedVersion.status == LIVE, CuratedVersion.id), else_=0)), 0)
            stamp = tuple(session.execute(select(func.count(CuratedVersion.id), func.max(CuratedVersion.updated_at),
                                                 live_ids)).one())
            if cached and cached[1] == stamp:
                entries = cached[2]
            else:
                entries = [{"id": r.answer_id, "version": r.version, "answer": r.answer, "phrasings": list(r.phrasings),
                            "passage_id": r.passage_id, "quote": r.quote, "kb_version": r.kb_version}
                           for r in session.scalars(select(CuratedVersion).where(CuratedVersion.status == LIVE))]
        _cache[key] = (now, stamp, entries)
        return entries
