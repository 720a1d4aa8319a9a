"""Admins' emergency switches: a notice in the residents' widget and taking the assistant offline.

Kept in the database (the only thing every web process and worker shares) and read through a
per-process cache of at most `CACHE_SECONDS`, so a change is live everywhere within a second or two.
"""
from __future__ import annotations

import json
import os
import threading
import time
from typing import Any

from sqlalchemy import Text, select
from sqlalchemy.exc import SQLAlchemyError as DatabaseError  # noqa: F401  (callers catch it from here)
from sqlalchemy.orm import Mapped, mapped_column

from . import audit
from .db import Base, database_url, session_scope
from .models import utc_now

Url = str | os.PathLike | None

CACHE_SECONDS = 1.0  # a switch reaches every process within this (plus the widget's poll)
NOTICE_MAX_CHARS = 300
OFFLINE_MESSAGE_MAX_CHARS = 300
DEFAULT_OFFLINE_MESSAGE = ("政务助手暂时停止服务，给您带来不便敬请谅解。"
                           "如需咨询，请拨打12345政务服务便民热线。")
DEFAULTS: dict[str, Any] = {"notice": "", "offline": False, "offline_message": DEFAULT_OFFLINE_MESSAGE}


class Switch(Base):
    """One switch: `key` is a key of DEFAULTS, `value` its JSON value."""

    __tablename__ = "switches"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="null")  # JSON
    updated_at: Mapped[str] = mapped_column(Text, default=utc_now)
    updated_by: Mapped[str | None] = mapped_column(Text, nullable=True)


_cache_lock = threading.Lock()
_cache: dict[str, tuple[float, dict[str, Any]]] = {}


def _read(url: Url) -> dict[str, Any]:
    values = dict(DEFAULTS)
    with session_scope(url) as session:
        for row in session.scalars(select(Switch).where(Switch.key.in_(list(DEFAULTS)))):
            values[row.key] = json.loads(row.value)
    values["offline_message"] = values["offline_message"] or DEFAULT_OFFLINE_MESSAGE
    return values


def current(url: Url = None) -> dict[str, Any]:
    """{"notice": str ("" = none), "offline": bool, "offline_message": str}, at most CACHE_SECONDS old."""
    key = database_url(url)
    now = time.monotonic()
    cached = _cache.get(key)
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return dict(cached[1])
    values = _read(url)
    with _cache_lock:
        _cache[key] = (now, values)
    return dict(values)


def forget_cache() -> None:
    """Drop this process's cached switches (the next `current()` reads the database)."""
    with _cache_lock:
        _cache.clear()


def check_text(text: str, limit: int, what: str) -> str:
    """`text` stripped, or ValueError naming what is wrong (the web layer shows it)."""
    if not isinstance(text, str):
        raise ValueError(f"{what}必须是文字。")
    text = text.strip()
    if len(text) > limit:
        raise ValueError(f"{what}太长（{len(text)}字），请控制在{limit}字以内。")
    return text


def _write(values: dict[str, Any], actor: str | None, action: str, url: Url) -> dict[str, Any]:
    with session_scope(url) as session:
        for key, value in values.items():
            row = session.get(Switch, key) or Switch(key=key)
            row.value, row.updated_at, row.updated_by = json.dumps(value, ensure_ascii=False), utc_now(), actor
            session.add(row)
        audit.log(session, actor, action, "switches", values)
    forget_cache()
    return current(url)


def set_notice(text: str, actor: str | None, url: Url = None) -> dict[str, Any]:
    """Show `text` in every resident's widget ("" removes the notice); audited. Returns the switches."""
    notice = check_text(text, NOTICE_MAX_CHARS, "公告")
    return _write({"notice": notice}, actor, "notice_set" if notice else "notice_clear", url)


def set_offline(offline: bool, actor: str | None, message: str = "", url: Url = None) -> dict[str, Any]:
    """Take the assistant offline (residents get `message`, or the default pointing to 12345) or back
    online; audited. Returns the switches."""
    values: dict[str, Any] = {"offline": bool(offline)}
    if offline:
        values["offline_message"] = check_text(message, OFFLINE_MESSAGE_MAX_CHARS, "停用提示") or DEFAULT_OFFLINE_MESSAGE
    return _write(values, actor, "assistant_offline" if offline else "assistant_online", url)


def updated(url: Url = None) -> dict[str, dict[str, Any]]:
    """When and by whom each switch was last set (for the admin page)."""
    with session_scope(url) as session:
        return {row.key: {"updated_at": row.updated_at, "updated_by": row.updated_by}
                for row in session.scalars(select(Switch))}
