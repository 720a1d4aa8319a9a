"""Staff accounts: roles, server-side session generations, failed-login lock-out (all in the
database, so a restart changes nothing), each change written to the audit log in its transaction."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import audit
from .db import session_scope
from .models import ROLES, TIME_FORMAT, User

Url = str | os.PathLike | None


class UserExistsError(ValueError):
    """A staff user with that name already exists."""


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")


def _by_name(session: Session, username: str) -> User | None:
    # Case-insensitive on both databases (SQLite's column is NOCASE, PostgreSQL has a lower() index).
    return session.scalars(select(User).where(func.lower(User.username) == username.strip().lower())).first()


def create_user(username: str, password_hash: str, role: str = "staff", url: Url = None,
                actor: str | None = None) -> int:
    """Add a user (password already hashed); UserExistsError if the name is taken (any case)."""
    _check_role(role)
    try:
        with session_scope(url) as session:
            if _by_name(session, username) is not None:
                raise UserExistsError(f"user {username!r} already exists")
            user = User(username=username, password_hash=password_hash, role=role)
            session.add(user)
            session.flush()
            audit.log(session, actor, "user_create", f"user:{username}", {"role": role})
            return int(user.id)
    except IntegrityError as exc:  # created by someone else in the meantime
        raise UserExistsError(f"user {username!r} already exists") from exc


def get_user(user_id: int, url: Url = None) -> dict[str, Any] | None:
    """The user row with that id, or None."""
    with session_scope(url) as session:
        user = session.get(User, int(user_id))
        return user.to_dict() if user else None


def get_user_by_name(username: str, url: Url = None) -> dict[str, Any] | None:
    """The user row with that name (case-insensitive), or None."""
    with session_scope(url) as session:
        user = _by_name(session, username)
        return user.to_dict() if user else None


def list_users(url: Url = None) -> list[dict[str, Any]]:
    """Every user, by name."""
    with session_scope(url) as session:
        return [u.to_dict() for u in session.scalars(select(User).order_by(func.lower(User.username)))]


def _change(user_id_or_name: int | str, url: Url, actor: str | None, action: str,
            apply: Callable[[User], dict]) -> bool:
    """Apply one change to a user, end their sessions, audit it; False when there is no such user."""
    with session_scope(url) as session:
        if isinstance(user_id_or_name, str):
            user = _by_name(session, user_id_or_name)
        else:
            user = session.get(User, int(user_id_or_name))
        if user is None:
            return False
        detail = apply(user)
        # Every change to who someone is or what they may do ends the sessions they already have.
        user.session_generation += 1
        audit.log(session, actor, action, f"user:{user.username}", detail)
        return True


def set_password(user: int | str, password_hash: str, url: Url = None, actor: str | None = None) -> bool:
    """Replace a user's password hash (by id or name), unlock them and end their sessions."""
    def apply(row: User) -> dict:
        row.password_hash, row.failed_logins, row.locked_until = password_hash, 0, None
        return {}
    return _change(user, url, actor, "user_password", apply)


def set_role(user: int | str, role: str, url: Url = None, actor: str | None = None) -> bool:
    """Give a user another role (ends their sessions)."""
    _check_role(role)

    def apply(row: User) -> dict:
        old, row.role = row.role, role
        return {"from": old, "to": role}
    return _change(user, url, actor, "user_role", apply)


def set_active(user: int | str, active: bool, url: Url = None, actor: str | None = None) -> bool:
    """Disable (ends every session at once) or re-enable a user."""
    def apply(row: User) -> dict:
        row.active = bool(active)
        if active:
            row.failed_logins, row.locked_until = 0, None
        return {}
    return _change(user, url, actor, "user_enable" if active else "user_disable", apply)


def end_sessions(user_id: int, url: Url = None, actor: str | None = None, action: str = "logout") -> bool:
    """Invalidate every session cookie of the user (logout everywhere)."""
    return _change(user_id, url, actor, action, lambda row: {})


@dataclass
class LoginResult:
    """What a login attempt came to: `user` (a row dict) is set only when `outcome == "ok"`."""

    outcome: str  # ok | bad_password | unknown_user | disabled | locked
    user: dict[str, Any] | None = None
    locked_until: str | None = None


def attempt_login(username: str, check_password: Callable[[str], bool], max_failures: int, lock_minutes: float,
                  url: Url = None, client: str | None = None) -> LoginResult:
    """Check a login against the stored hash and the lock-out counters, and audit it.

    `check_password(hash)` compares the typed password with a hash. After `max_failures` wrong
    passwords in a row the account is locked for `lock_minutes` (counted in the database).
    `client` (the remote address) goes into every audit event of the attempt.
    """
    name = username.strip()
    seen = {"client": client} if client else {}
    now = datetime.now(timezone.utc)
    with session_scope(url) as session:
        user = _by_name(session, name)
        if user is None:
            check_password("")  # equal work for unknown names
            audit.log(session, name, "login_failed", f"user:{name}", {"reason": "unknown_user", **seen})
            return LoginResult("unknown_user")
        target = f"user:{user.username}"
        if user.locked_until and user.locked_until > now.strftime(TIME_FORMAT):
            check_password(user.password_hash)
            audit.log(session, user.username, "login_refused", target, {"reason": "locked", **seen})
            return LoginResult("locked", locked_until=user.locked_until)
        if not check_password(user.password_hash):
            user.failed_logins += 1
            if user.failed_logins >= max_failures:
                user.locked_until = (now + timedelta(minutes=lock_minutes)).strftime(TIME_FORMAT)
                user.failed_logins = 0
                audit.log(session, user.username, "login_locked", target,
                          {"failures": max_failures, "locked_until": user.locked_until, **seen})
                return LoginResult("locked", locked_until=user.locked_until)
            audit.log(session, user.username, "login_failed", target,
                      {"reason": "bad_password", "failures": user.failed_logins, **seen})
            return LoginResult("bad_password")
        if not user.active:
            audit.log(session, user.username, "login_refused", target, {"reason": "disabled", **seen})
            return LoginResult("disabled")
        user.failed_logins, user.locked_until = 0, None
        audit.log(session, user.username, "login", target, seen)
        return LoginResult("ok", user.to_dict())
