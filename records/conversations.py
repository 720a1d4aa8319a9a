"""What residents' conversations leave behind: handoffs, unanswered questions, the bot messages
the widget showed and residents' feedback. Texts are masked (`mask_pii`) before they are stored."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable

from sqlalchemy import Insert, Select, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from . import audit
from .db import ensure_schema, get_engine, session_scope
from .masking import mask_pii
from .models import (FEEDBACK_REASONS, HANDOFF_STATUSES, TIME_FORMAT, BotMessage, Feedback, Handoff, Unanswered,
                     utc_now)

Url = str | os.PathLike | None


def _insert(session: Session, model: type) -> Insert:
    """INSERT with ON CONFLICT support for this session's dialect."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def _row(obj: Any) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns}


def _masked_transcript(transcript: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**turn, "text": mask_pii(str(turn.get("text") or ""))} for turn in transcript]


def record_handoff(sender_id: str, question: str, transcript: Iterable[dict[str, Any]] = (),
                   passages: Iterable[dict[str, Any]] = (), reason: str = "resident_request", url: Url = None) -> int:
    """Store a handoff to the 12345 staff (question and transcript masked); return its id."""
    with session_scope(url) as session:
        handoff = Handoff(sender_id=sender_id, question=mask_pii(question or ""),
                          transcript=json.dumps(_masked_transcript(transcript), ensure_ascii=False),
                          passages=json.dumps(list(passages), ensure_ascii=False), reason=reason)
        session.add(handoff)
        session.flush()
        return int(handoff.id)


def record_unanswered(sender_id: str, question: str, reason: str = "not_in_report", url: Url = None) -> int:
    """Store a question the report did not answer (masked); return its id."""
    with session_scope(url) as session:
        item = Unanswered(sender_id=sender_id, question=mask_pii(question or ""), reason=reason)
        session.add(item)
        session.flush()
        return int(item.id)


def _handoff_dict(handoff: Handoff) -> dict[str, Any]:
    item = _row(handoff)
    item["transcript"] = json.loads(item["transcript"] or "[]")
    item["passages"] = json.loads(item["passages"] or "[]")
    return item


def recent_handoffs(limit: int = 50, url: Url = None) -> list[dict[str, Any]]:
    """The latest handoffs, newest first, with transcript and passages decoded from JSON."""
    with session_scope(url) as session:
        rows = session.scalars(select(Handoff).order_by(Handoff.id.desc()).limit(int(limit)))
        return [_handoff_dict(row) for row in rows]


@dataclass
class HandoffPage:
    """One page of a handoff list: its rows, how many match in all, the page number (from 1) and size."""

    items: list[dict[str, Any]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the matching rows fill (at least 1)."""
        return max(1, -(-self.total // self.per_page))


def _page_of(session: Session, query: Select, order: Any, page: int, per_page: int) -> HandoffPage:
    per_page = max(1, int(per_page))
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    # A page past the end shows the last one (a handoff closed meanwhile must not leave staff on a blank page).
    page = min(max(1, int(page)), max(1, -(-total // per_page)))
    rows = session.scalars(query.order_by(order).offset((page - 1) * per_page).limit(per_page))
    return HandoffPage([_handoff_dict(row) for row in rows], total, page, per_page)


def open_handoffs(page: int = 1, per_page: int = 20, url: Url = None) -> HandoffPage:
    """The open handoffs, oldest waiting first, one page of them (they stay until someone closes them)."""
    with session_scope(url) as session:
        query = select(Handoff).where(Handoff.status == "open")
        return _page_of(session, query, Handoff.id.asc(), page, per_page)


def count_open_handoffs(url: Url = None) -> int:
    """How many handoffs are waiting."""
    with session_scope(url) as session:
        return int(session.scalar(select(func.count()).select_from(Handoff).where(Handoff.status == "open")) or 0)


def search_closed_handoffs(text: str = "", since: str | None = None, until: str | None = None, page: int = 1,
                           per_page: int = 20, url: Url = None) -> HandoffPage:
    """Closed handoffs, newest first, whose question or transcript contains `text` (any case) and that came
    in between the dates `since` and `until` (ISO `YYYY-MM-DD`, UTC, both days included)."""
    query = select(Handoff).where(Handoff.status == "closed")
    text = (text or "").strip()
    if text:
        # Transcripts are stored as JSON with ensure_ascii=False, so Chinese matches them as written.
        query = query.where(or_(Handoff.question.icontains(text, autoescape=True),
                                Handoff.transcript.icontains(text, autoescape=True)))
    if since:
        query = query.where(Handoff.created_at >= since)
    if until:
        # "2026-11-29" must include 2026-11-29T23:59:59Z, which sorts after it as text.
        query = query.where(Handoff.created_at <= (until + "T99" if len(until) == 10 else until))
    with session_scope(url) as session:
        return _page_of(session, query, Handoff.id.desc(), page, per_page)


def has_talked(sender_id: str, url: Url = None) -> bool:
    """Whether the assistant has answered this conversation before (one of its bot messages is stored)."""
    with session_scope(url) as session:
        return session.scalar(select(BotMessage.message_id).where(BotMessage.sender_id == sender_id).limit(1)) is not None


def recent_unanswered(limit: int = 50, url: Url = None) -> list[dict[str, Any]]:
    """The latest unanswered questions, newest first."""
    with session_scope(url) as session:
        return [_row(r) for r in session.scalars(select(Unanswered).order_by(Unanswered.id.desc()).limit(int(limit)))]


def set_handoff_status(handoff_id: int, status: str, url: Url = None, actor: str | None = None) -> bool:
    """Staff mark a handoff closed (or reopen it), audited; False when there is no such handoff."""
    if status not in HANDOFF_STATUSES:
        raise ValueError(f"unknown handoff status {status!r}")
    with session_scope(url) as session:
        result = session.execute(update(Handoff).where(Handoff.id == int(handoff_id)).values(status=status))
        if result.rowcount == 0:
            return False
        audit.log(session, actor, "handoff_status", f"handoff:{handoff_id}", {"status": status})
        return True


_BOT_MESSAGE_COLUMNS = ("created_at", "sender_id", "question", "text", "passage_id", "kb_version", "mode")
_bot_message_upserts: dict[str, Any] = {}


def _bot_message_upsert(dialect: str) -> Any:
    """INSERT … ON CONFLICT (message_id) DO UPDATE, built once per dialect (it sits on every chat turn)."""
    statement = _bot_message_upserts.get(dialect)
    if statement is None:
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(BotMessage.__table__)
        statement = _bot_message_upserts[dialect] = insert.on_conflict_do_update(
            index_elements=["message_id"], set_={key: insert.excluded[key] for key in _BOT_MESSAGE_COLUMNS})
    return statement


def record_bot_messages(sender_id: str, question: str, messages: Iterable[dict[str, Any]], mode: str = "normal",
                        url: Url = None) -> None:
    """Store the bot messages of one turn (each with its `message_id`), question and text masked."""
    now = utc_now()
    rows = []
    for message in messages:
        citation = message.get("citation") or {}
        rows.append({"message_id": message["message_id"], "created_at": now, "sender_id": sender_id,
                     "question": mask_pii(question or ""), "text": mask_pii(message.get("text") or ""),
                     "passage_id": citation.get("passage_id"), "kb_version": citation.get("kb_version"),
                     "mode": mode})
    if not rows:
        return
    # On the resident's path: one pooled connection, one prepared statement, no ORM unit of work.
    ensure_schema(url)
    engine = get_engine(url)
    with engine.begin() as connection:
        connection.execute(_bot_message_upsert(engine.dialect.name), rows)


def earlier_turns(sender_id: str, before: float | None, limit: int = 20, url: Url = None) -> list[dict[str, Any]]:
    """The widget's turns of a conversation recorded before `before` (epoch seconds), oldest first, as transcript
    entries {"role", "text", "time"} (masked): Rasa's tracker holds only the current session, the hotline needs more."""
    if before is None:
        return []
    cutoff = datetime.fromtimestamp(before, timezone.utc).strftime(TIME_FORMAT)
    with session_scope(url) as session:
        rows = session.execute(
            select(BotMessage.created_at, BotMessage.question, BotMessage.text)
            .where(BotMessage.sender_id == sender_id, BotMessage.created_at < cutoff)
            .order_by(BotMessage.created_at.desc(), BotMessage.message_id.desc()).limit(limit)).all()
    turns: list[dict[str, Any]] = []
    for created_at, question, text in reversed(rows):
        when = datetime.strptime(created_at, TIME_FORMAT).replace(tzinfo=timezone.utc).timestamp()
        if question and not (turns and turns[-1]["role"] == "bot" and turns[-1]["question"] == question):
            turns.append({"role": "user", "text": question, "time": when})
        turns.append({"role": "bot", "text": text, "time": when, "question": question})  # one turn's messages
    return [{key: value for key, value in turn.items() if key != "question"} for turn in turns][-limit:]


def get_bot_message(message_id: str, url: Url = None) -> dict[str, Any] | None:
    """A bot message the widget showed, or None."""
    with session_scope(url) as session:
        row = session.get(BotMessage, message_id)
        return _row(row) if row else None


def record_feedback(sender_id: str, helpful: bool, message_id: str | None = None, passage_id: str | None = None,
                    reason: str | None = None, comment: str = "", question: str = "", answer: str = "",
                    kb_version: str | None = None, url: Url = None) -> int:
    """Store a resident's 👍/👎 (texts masked); a second vote on the same message replaces the first."""
    if reason is not None and reason not in FEEDBACK_REASONS:
        raise ValueError(f"unknown feedback reason {reason!r}")
    values = {"created_at": utc_now(), "sender_id": sender_id, "message_id": message_id, "passage_id": passage_id,
              "kb_version": kb_version, "question": mask_pii(question or ""), "answer": mask_pii(answer or ""),
              "helpful": 1 if helpful else 0, "reason": reason, "comment": mask_pii(comment or "")}
    with session_scope(url) as session:
        statement = _insert(session, Feedback).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=["sender_id", "message_id"],
            set_={key: statement.excluded[key] for key in ("helpful", "reason", "comment", "created_at")},
        ).returning(Feedback.id)
        return int(session.execute(statement).scalar_one())


def recent_feedback(limit: int = 50, url: Url = None) -> list[dict[str, Any]]:
    """The latest feedback, newest first."""
    with session_scope(url) as session:
        return [_row(r) for r in session.scalars(select(Feedback).order_by(Feedback.id.desc()).limit(int(limit)))]
