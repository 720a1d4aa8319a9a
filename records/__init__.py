"""The app's records (no Flask, no Rasa): SQLAlchemy models and Alembic migrations for staff users,
handoffs, unanswered questions, bot messages, feedback and the audit log.

SQLite under instance/ by default, PostgreSQL when $WUZHONG_DATABASE_URL is set. `web` and
`actions` both write here; neither imports the other. Every function takes an optional `url`
(a database URL or a SQLite file path; default `records.db.database_url()`).
"""
from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError as DatabaseError

from . import audit
from .conversations import (
    get_bot_message,
    recent_feedback,
    recent_handoffs,
    recent_unanswered,
    record_bot_messages,
    record_feedback,
    record_handoff,
    record_unanswered,
    set_handoff_status,
)
from .db import Base, database_url, dispose_all, get_engine, session_scope, upgrade
from .masking import mask_pii
from .models import (
    FEEDBACK_REASONS,
    HANDOFF_STATUSES,
    ROLES,
    AuditEvent,
    BotMessage,
    Feedback,
    Handoff,
    Unanswered,
    User,
)
from .users import (
    LoginResult,
    UserExistsError,
    attempt_login,
    create_user,
    end_sessions,
    get_user,
    get_user_by_name,
    list_users,
    set_active,
    set_password,
    set_role,
)

__all__ = [
    "ROLES", "FEEDBACK_REASONS", "HANDOFF_STATUSES", "DatabaseError", "UserExistsError", "LoginResult",
    "Base", "database_url", "get_engine", "session_scope", "upgrade", "dispose_all", "audit", "mask_pii",
    "User", "Handoff", "Unanswered", "BotMessage", "Feedback", "AuditEvent",
    "record_handoff", "record_unanswered", "recent_handoffs", "recent_unanswered", "set_handoff_status",
    "record_bot_messages", "get_bot_message", "record_feedback", "recent_feedback",
    "create_user", "get_user", "get_user_by_name", "list_users", "set_password", "set_role", "set_active",
    "end_sessions", "attempt_login",
]
