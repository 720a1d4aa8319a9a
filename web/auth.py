"""Staff accounts in the web app: the Flask-Login user, role checks (`requires`), login with
lock-out, logout everywhere, and the `flask --app web create-user` / `db-upgrade` commands.

A session cookie carries the user's id AND their session generation; the generation lives in the
database and is bumped by logout, disabling, a password or role change, so every copy of an old
cookie stops working at once, on every process, also after a restart.
"""
from __future__ import annotations

import getpass
import sys
from dataclasses import dataclass
from functools import wraps
from typing import Any, Callable

import click
from flask import Flask, current_app, flash, redirect, request, url_for
from flask.cli import with_appcontext
from flask_login import UserMixin, current_user
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

import records

from .errors import ApiError, error_response
from .extensions import login_manager
from .resources import db_path

ROLES = records.ROLES
ROLE_LABELS = {"staff": "坐席", "operator": "运营", "reviewer": "审核", "admin": "管理员"}
MIN_PASSWORD_CHARS = 8
# Compared against when the user name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("wuzhong-timing-equalizer")


@dataclass
class StaffUser(UserMixin):
    """A logged-in member of staff with one of ROLES."""

    id: int
    username: str
    role: str
    active: bool = True
    generation: int = 0

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: id and session generation."""
        return f"{self.id}:{self.generation}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def is_admin(self) -> bool:
        """Admins pass every role check."""
        return self.role == "admin"

    def has_role(self, *roles: str) -> bool:
        """True for admins, and for users whose role is one of `roles` (any role when none given)."""
        return self.is_admin or not roles or self.role in roles

    @property
    def role_label(self) -> str:
        """The role in Chinese."""
        return ROLE_LABELS.get(self.role, self.role)

    @classmethod
    def from_row(cls, row: dict) -> "StaffUser":
        """Build from a `users` row."""
        return cls(id=row["id"], username=row["username"], role=row["role"], active=bool(row["active"]),
                   generation=int(row.get("session_generation") or 0))


@login_manager.user_loader
def load_user(session_id: str) -> StaffUser | None:
    """Flask-Login callback: the session's user, unless the session was ended since (or the user disabled)."""
    user_id, _, generation = str(session_id).partition(":")
    if not user_id.isdigit() or not generation.isdigit():
        return None  # cookies from before session generations, or forged
    row = records.get_user(int(user_id), url=db_path())
    if row is None or not row["active"] or int(row["session_generation"]) != int(generation):
        return None
    return StaffUser.from_row(row)


def _wants_json() -> bool:
    return request.path.endswith(".json") or request.path.startswith("/api/")


@login_manager.unauthorized_handler
def unauthorized():
    """JSON endpoints answer 401 in the error shape; pages send the user to the login form."""
    if _wants_json():
        return error_response(401)
    flash("请先登录。", "info")
    return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))


def requires(*roles: str) -> Callable:
    """Decorator: the view needs a logged-in user with one of `roles` (admin always passes;
    no roles = any staff account). Pages redirect to login, JSON routes answer 401; wrong role → 403."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return unauthorized()
            if not current_user.has_role(*roles):
                needed = "、".join(ROLE_LABELS[r] for r in (*roles, "admin") if r in ROLE_LABELS)
                raise ApiError(403, f"您的账号（{current_user.role_label}）没有权限执行此操作，需要角色：{needed}。")
            return view(*args, **kwargs)

        guarded.required_roles = roles  # type: ignore[attr-defined]  # the role-matrix test reads it
        return guarded

    return decorator


def actor() -> str | None:
    """The name to write in the audit log for this request (None outside a login)."""
    return current_user.username if current_user and current_user.is_authenticated else None


def authenticate(username: str, password: str) -> records.LoginResult:
    """Check name and password against the database's lock-out counters (audited)."""
    cfg = current_app.config
    return records.attempt_login(
        username,
        lambda stored: check_password_hash(stored or _DUMMY_HASH, password),
        max_failures=int(cfg.get("LOGIN_MAX_FAILURES", 5)),
        lock_minutes=float(cfg.get("LOGIN_LOCK_MINUTES", 15)),
        url=db_path(),
        client=request.remote_addr,
    )


def end_session_everywhere(user: StaffUser) -> None:
    """Logout: bump the user's session generation so every copy of every cookie stops working."""
    records.end_sessions(user.id, url=db_path(), actor=user.username, action="logout")


class LoginForm(FlaskForm):
    """Staff login (CSRF-protected)."""

    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=256)])


class LogoutForm(FlaskForm):
    """Logout is a POST with a CSRF token, so another site cannot log staff out."""


class HandoffStatusForm(FlaskForm):
    """Close or reopen a handoff from the console (CSRF-protected)."""

    status = HiddenField(validators=[DataRequired()])


def check_password_rules(password: str) -> None:
    """ValueError when a new password is too weak."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"password must have at least {MIN_PASSWORD_CHARS} characters")


def add_user(username: str, password: str, role: str = "staff", db: str | None = None,
             actor_name: str | None = None) -> int:
    """Create a user with a hashed password; ValueError on bad input or a taken name."""
    username = username.strip()
    if not username or len(username) > 64:
        raise ValueError("user name must be 1 to 64 characters")
    check_password_rules(password)
    if role not in ROLES:
        raise ValueError("role must be one of " + ", ".join(ROLES))
    return records.create_user(username, generate_password_hash(password), role=role, url=db, actor=actor_name)


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != password:
        raise click.ClickException("passwords do not match")
    return password


@click.command("create-user")
@with_appcontext
@click.argument("name")
@click.option("--password", help="Password (prompted for, hidden, when omitted).")
@click.option("--role", type=click.Choice(list(ROLES)), default="staff", show_default=True)
@click.option("--reset", is_flag=True, help="Set a new password for an existing user instead.")
def create_user_command(name: str, password: str | None, role: str, reset: bool) -> None:
    """Create a staff user with a role (passwords are stored hashed)."""
    password = _read_password() if password is None else password
    db = db_path()
    try:
        if reset:
            check_password_rules(password)
            if not records.set_password(name.strip(), generate_password_hash(password), url=db, actor="cli"):
                raise click.ClickException(f"no user named {name!r}")
            click.echo(f"password of {name} updated")
            return
        user_id = add_user(name, password, role=role, db=db, actor_name="cli")
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {role} user {name} (id {user_id})")


@click.command("db-upgrade")
@with_appcontext
def db_upgrade_command() -> None:
    """Migrate the app database to the newest revision."""
    records.upgrade(db_path())
    click.echo("database upgraded")


def init_app(app: Flask) -> None:
    """Register the CLI commands."""
    app.cli.add_command(create_user_command)
    app.cli.add_command(db_upgrade_command)


def private_page_headers(response):
    """Staff and admin pages show residents' questions: never cache them, never let another site frame them."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    return response
