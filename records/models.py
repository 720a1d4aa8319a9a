"""The app's tables as SQLAlchemy models (the schema itself is made by records/migrations)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Boolean, Index, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base

# Roles, least to most privileged: hotline console, drafts and curated answers, approve/publish/
# roll back, users and settings. `admin` passes every role check.
ROLES = ("staff", "operator", "reviewer", "admin")
HANDOFF_STATUSES = ("open", "closed")
FEEDBACK_REASONS = ("wrong_passage", "wrong_figure", "out_of_date", "other")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_now() -> str:
    """Now in UTC as the text every created_at column holds (sorts as it reads)."""
    return datetime.now(timezone.utc).strftime(TIME_FORMAT)


class Handoff(Base):
    """A resident asked for a person (question and transcript masked); the staff console handles it."""

    __tablename__ = "handoffs"
    __table_args__ = (Index("handoffs_created", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[str] = mapped_column(Text, default=utc_now)
    sender_id: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text, default="")
    transcript: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of {"role", "text", "time"}
    passages: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of citations shown
    reason: Mapped[str] = mapped_column(Text, default="")  # resident_request | after_abstention | ...
    status: Mapped[str] = mapped_column(Text, default="open")  # open | closed


class Unanswered(Base):
    """A question the report did not answer (masked)."""

    __tablename__ = "unanswered"
    __table_args__ = (Index("unanswered_created", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[str] = mapped_column(Text, default=utc_now)
    sender_id: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")


class User(Base):
    """A staff account; `session_generation` is in every session cookie, bumping it ends them all."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[str] = mapped_column(Text, default=utc_now)
    username: Mapped[str] = mapped_column(Text, unique=True)  # unique case-insensitively (migrations)
    password_hash: Mapped[str] = mapped_column(Text)  # werkzeug generate_password_hash
    role: Mapped[str] = mapped_column(Text, default="staff")  # one of ROLES
    active: Mapped[bool] = mapped_column(Boolean(create_constraint=False), default=True)
    session_generation: Mapped[int] = mapped_column(Integer, default=0)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)  # since the last success or lock
    locked_until: Mapped[str | None] = mapped_column(Text, nullable=True)  # TIME_FORMAT, UTC

    def to_dict(self) -> dict:
        """The row as a plain dict (what web.store returned, plus the new columns)."""
        return {c.key: getattr(self, c.key) for c in self.__table__.columns}


class BotMessage(Base):
    """A bot message the widget showed; feedback refers to it by `message_id`."""

    __tablename__ = "bot_messages"
    __table_args__ = (Index("bot_messages_created", "created_at"),)

    message_id: Mapped[str] = mapped_column(Text, primary_key=True)
    created_at: Mapped[str] = mapped_column(Text, default=utc_now)
    sender_id: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text, default="")  # masked
    text: Mapped[str] = mapped_column(Text, default="")  # masked
    passage_id: Mapped[str | None] = mapped_column(Text, nullable=True)
    kb_version: Mapped[str | None] = mapped_column(Text, nullable=True)
    mode: Mapped[str] = mapped_column(Text, default="normal")  # normal | reduced


class Feedback(Base):
    """A resident's 👍/👎 on one bot message (changing one's mind updates the row)."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("sender_id", "message_id"), Index("feedback_created", "created_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[str] = mapped_column(Text, default=utc_now)
    sender_id: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(Text, nullable=True)
    passage_id: Mapped[str | None] = mapped_column(Text, nullable=True)
    kb_version: Mapped[str | None] = mapped_column(Text, nullable=True)
    question: Mapped[str] = mapped_column(Text, default="")  # masked
    answer: Mapped[str] = mapped_column(Text, default="")  # masked
    helpful: Mapped[int] = mapped_column(Integer)  # 1 = 👍, 0 = 👎
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)  # one of FEEDBACK_REASONS
    comment: Mapped[str] = mapped_column(Text, default="")  # masked


class AuditEvent(Base):
    """One line of the append-only audit log (the database refuses UPDATE and DELETE on it)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("audit_events_created", "created_at"), Index("audit_events_actor", "actor"),
                      Index("audit_events_action", "action"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[str] = mapped_column(Text, default=utc_now)
    actor: Mapped[str | None] = mapped_column(Text, nullable=True)  # user name; None = the system
    action: Mapped[str] = mapped_column(Text)  # login, login_failed, user_create, publish, ...
    target: Mapped[str] = mapped_column(Text, default="")  # what it acted on: "user:3", "document:..."
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON object

    def to_dict(self) -> dict:
        """The event with `detail` decoded."""
        import json

        return {"id": self.id, "created_at": self.created_at, "actor": self.actor, "action": self.action,
                "target": self.target, "detail": json.loads(self.detail or "{}")}
