"""The app's records (no Flask, no Rasa): SQLAlchemy models and Alembic migrations for staff users,
handoffs, unanswered questions, bot messages, feedback and the audit log.

SQLite under instance/ by default, PostgreSQL when $WUZHONG_DATABASE_URL is set. `web` and
`actions` both write here; neither imports the other. Every function takes an optional `url`
(a database URL or a SQLite file path; default `records.db.database_url()`).
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

# Lazy (PEP 562): `import records.masking` must not import SQLAlchemy, because the Rasa venv
# (SQLAlchemy 1.4) imports it for its tracker store and log filter. Each name loads its module on first use.
_EXPORTS = {
    "DatabaseError": "sqlalchemy.exc:SQLAlchemyError",
    "earlier_turns": ".conversations", "get_bot_message": ".conversations", "recent_feedback": ".conversations", "recent_handoffs": ".conversations",
    "recent_unanswered": ".conversations", "record_bot_messages": ".conversations", "record_feedback": ".conversations",
    "record_handoff": ".conversations", "record_unanswered": ".conversations", "set_handoff_status": ".conversations",
    "Base": ".db", "database_url": ".db", "dispose_all": ".db", "get_engine": ".db", "session_scope": ".db",
    "upgrade": ".db",
    "mask_pii": ".masking",
    "FEEDBACK_REASONS": ".models", "HANDOFF_STATUSES": ".models", "ROLES": ".models", "AuditEvent": ".models",
    "BotMessage": ".models", "Feedback": ".models", "Handoff": ".models", "Unanswered": ".models", "User": ".models",
    "LoginResult": ".users", "UserExistsError": ".users", "attempt_login": ".users", "create_user": ".users",
    "end_sessions": ".users", "get_user": ".users", "get_user_by_name": ".users", "list_users": ".users",
    "set_active": ".users", "set_password": ".users", "set_role": ".users",
}


def __getattr__(name: str) -> Any:
    """Load an exported name (or a submodule such as `records.audit`) on first use."""
    target = _EXPORTS.get(name)
    if target is None:
        try:
            return import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    module_name, _, attribute = target.partition(":")
    value = getattr(import_module(module_name, __name__), attribute or name)
    globals()[name] = value
    return value


__all__ = [
    "ROLES", "FEEDBACK_REASONS", "HANDOFF_STATUSES", "DatabaseError", "UserExistsError", "LoginResult",
    "Base", "database_url", "get_engine", "session_scope", "upgrade", "dispose_all", "audit", "mask_pii",
    "User", "Handoff", "Unanswered", "BotMessage", "Feedback", "AuditEvent",
    "record_handoff", "record_unanswered", "recent_handoffs", "recent_unanswered", "set_handoff_status",
    "record_bot_messages", "earlier_turns", "get_bot_message", "record_feedback", "recent_feedback",
    "create_user", "get_user", "get_user_by_name", "list_users", "set_password", "set_role", "set_active",
    "end_sessions", "attempt_login",
]
