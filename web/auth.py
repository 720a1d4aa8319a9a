"""Staff accounts: the Flask-Login user, the login form, and `flask --app web create-user`."""
from __future__ import annotations

import getpass
import sys
from dataclasses import dataclass

import click
from flask import Flask, current_app, flash, redirect, request, url_for
from flask.cli import with_appcontext
from flask_login import UserMixin
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from . import store
from .errors import error_response
from .extensions import login_manager

MIN_PASSWORD_CHARS = 8
# Compared against when the user name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("wuzhong-timing-equalizer")


@dataclass
class StaffUser(UserMixin):
    """A logged-in hotline staff member (or admin)."""

    id: int
    username: str
    role: str
    active: bool = True

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def is_admin(self) -> bool:
        """Admins will manage users and the knowledge base (later issue)."""
        return self.role == "admin"

    @classmethod
    def from_row(cls, row: dict) -> "StaffUser":
        """Build from a `users` row."""
        return cls(id=row["id"], username=row["username"], role=row["role"], active=bool(row["active"]))


@login_manager.user_loader
def load_user(user_id: str) -> StaffUser | None:
    """Flask-Login callback: the user stored in the session."""
    if not str(user_id).isdigit():
        return None
    row = store.get_user(int(user_id), path=current_app.config["DB"])
    return StaffUser.from_row(row) if row else None


@login_manager.unauthorized_handler
def unauthorized():
    """JSON endpoints answer 401 in the error shape; pages send the user to the login form."""
    if request.path.endswith(".json"):
        return error_response(401)
    flash("请先登录。", "info")
    return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))


def authenticate(username: str, password: str) -> StaffUser | None:
    """The user if the name and password match, else None."""
    row = store.get_user_by_name(username.strip(), path=current_app.config["DB"])
    if row is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(row["password_hash"], password) or not row["active"]:
        return None
    return StaffUser.from_row(row)


class LoginForm(FlaskForm):
    """Staff login (CSRF-protected)."""

    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=256)])


class LogoutForm(FlaskForm):
    """Logout is a POST with a CSRF token, so another site cannot log staff out."""


class HandoffStatusForm(FlaskForm):
    """Close or reopen a handoff from the console (CSRF-protected)."""

    status = HiddenField(validators=[DataRequired()])


def add_user(username: str, password: str, role: str = "staff", db: str | None = None) -> int:
    """Create a staff user with a hashed password; ValueError on bad input or a taken name."""
    username = username.strip()
    if not username or len(username) > 64:
        raise ValueError("user name must be 1 to 64 characters")
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"password must have at least {MIN_PASSWORD_CHARS} characters")
    if role not in ("staff", "admin"):
        raise ValueError("role must be staff or admin")
    return store.create_user(username, generate_password_hash(password), role=role, path=db)


@click.command("create-user")
@with_appcontext
@click.argument("name")
@click.option("--password", help="Password (prompted for, hidden, when omitted).")
@click.option("--role", type=click.Choice(["staff", "admin"]), default="staff", show_default=True)
@click.option("--reset", is_flag=True, help="Set a new password for an existing user instead.")
def create_user_command(name: str, password: str | None, role: str, reset: bool) -> None:
    """Create a staff console user (passwords are stored hashed)."""
    if password is None:
        if not sys.stdin.isatty():
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if getpass.getpass("Repeat password: ") != password:
                raise click.ClickException("passwords do not match")
    db = current_app.config["DB"]
    try:
        if reset:
            if len(password) < MIN_PASSWORD_CHARS:
                raise ValueError(f"password must have at least {MIN_PASSWORD_CHARS} characters")
            if not store.set_password(name.strip(), generate_password_hash(password), path=db):
                raise click.ClickException(f"no user named {name!r}")
            click.echo(f"password of {name} updated")
            return
        user_id = add_user(name, password, role=role, db=db)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {role} user {name} (id {user_id}) in {db}")


def init_app(app: Flask) -> None:
    """Register the CLI command."""
    app.cli.add_command(create_user_command)


def private_page_headers(response):
    """Staff and admin pages show residents' questions: never cache them, never let another site frame them."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    return response
