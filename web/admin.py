"""`/admin` (admins only): user management and the audit log (view, filter, CSV export)."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.security import generate_password_hash
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

import records
from records import audit

from .auth import (
    ROLE_LABELS,
    ROLES,
    LogoutForm,
    actor,
    add_user,
    check_password_rules,
    private_page_headers,
    requires,
)
from .errors import ApiError
from .resources import db_path

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.after_request(private_page_headers)


@bp.context_processor
def _navigation() -> dict:
    """The knowledge pages' link appears when that blueprint is part of the app."""
    return {"has_kb_pages": "kb_admin.documents" in current_app.view_functions}

AUDIT_PAGE_SIZE = 200
ROLE_CHOICES = [(role, f"{ROLE_LABELS[role]}（{role}）") for role in ROLES]


class CreateUserForm(FlaskForm):
    """A new account with its role."""

    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=64)])
    password = PasswordField("初始密码", validators=[DataRequired("请输入密码"), Length(max=256)])
    role = SelectField("角色", choices=ROLE_CHOICES, default="staff")


class RoleForm(FlaskForm):
    """Change one user's role."""

    role = SelectField("角色", choices=ROLE_CHOICES)


class PasswordForm(FlaskForm):
    """Set a new password for one user."""

    password = PasswordField("新密码", validators=[DataRequired("请输入密码"), Length(max=256)])


class ActionForm(FlaskForm):
    """A button-only POST (disable / enable), CSRF-protected."""


def _user_or_404(user_id: int) -> dict:
    user = records.get_user(user_id, url=db_path())
    if user is None:
        raise ApiError(404, "找不到这个用户。")
    return user


def _back(message: str, category: str = "info") -> Response:
    flash(message, category)
    return redirect(url_for("admin.index") + "#users-title")


@bp.get("/")
@requires("admin")
def index() -> str:
    """Every user with their role and state, and the forms to change them."""
    return render_template("admin/index.html", users=records.list_users(url=db_path()), role_labels=ROLE_LABELS,
                           create_form=CreateUserForm(), role_form=RoleForm(), password_form=PasswordForm(),
                           action_form=ActionForm(), logout_form=LogoutForm())


@bp.post("/users")
@requires("admin")
def create_user() -> Response:
    """Create an account (the password is stored hashed)."""
    form = CreateUserForm()
    if not form.validate_on_submit():
        raise ApiError(400, "请填写用户名、密码并选择角色。")
    try:
        add_user(form.username.data, form.password.data, role=form.role.data, db=db_path(), actor_name=actor())
    except records.UserExistsError:
        return _back(f"用户名「{form.username.data.strip()}」已存在。", "error")
    except ValueError:
        return _back("用户名须为1到64个字符，密码至少8个字符。", "error")
    return _back(f"已创建用户「{form.username.data.strip()}」（{ROLE_LABELS[form.role.data]}）。")


@bp.post("/users/<int:user_id>/role")
@requires("admin")
def change_role(user_id: int) -> Response:
    """Give a user another role; their open sessions end."""
    user = _user_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        raise ApiError(400, "角色无效。")
    if user["id"] == _current_id() and form.role.data != "admin":
        return _back("不能取消自己的管理员角色（请由另一位管理员操作）。", "error")
    records.set_role(user_id, form.role.data, url=db_path(), actor=actor())
    return _back(f"「{user['username']}」的角色已改为{ROLE_LABELS[form.role.data]}，其已登录的会话已失效。")


@bp.post("/users/<int:user_id>/disable")
@requires("admin")
def disable(user_id: int) -> Response:
    """Disable an account: every session of it ends at once."""
    return _set_active(user_id, False)


@bp.post("/users/<int:user_id>/enable")
@requires("admin")
def enable(user_id: int) -> Response:
    """Enable an account again (and clear a lock-out)."""
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool) -> Response:
    user = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        raise ApiError(400, "页面已过期，请刷新后重试。")
    if user["id"] == _current_id() and not active:
        return _back("不能停用自己的账号。", "error")
    records.set_active(user_id, active, url=db_path(), actor=actor())
    return _back(f"已{'启用' if active else '停用'}「{user['username']}」。")


@bp.post("/users/<int:user_id>/password")
@requires("admin")
def reset_password(user_id: int) -> Response:
    """Set a new password (unlocks the account; its sessions end)."""
    user = _user_or_404(user_id)
    form = PasswordForm()
    if not form.validate_on_submit():
        raise ApiError(400, "请输入新密码。")
    try:
        check_password_rules(form.password.data)
    except ValueError:
        return _back("密码至少8个字符。", "error")
    records.set_password(user_id, generate_password_hash(form.password.data), url=db_path(), actor=actor())
    return _back(f"已重置「{user['username']}」的密码，其已登录的会话已失效。")


def _current_id() -> int:
    from flask_login import current_user

    return int(current_user.id)


def _audit_filters() -> dict[str, str]:
    """The filters of the audit page from the query string (blank ones dropped)."""
    names = ("actor", "action", "target", "since", "until")
    return {name: request.args.get(name, "").strip() for name in names if request.args.get(name, "").strip()}


@bp.get("/audit")
@requires("admin")
def audit_log() -> str:
    """The audit log, newest first, filtered by actor, action, target and date."""
    filters = _audit_filters()
    with records.session_scope(db_path()) as session:
        rows = audit.events(session, limit=AUDIT_PAGE_SIZE, **filters)
        action_names = audit.actions(session)
    return render_template("admin/audit.html", rows=rows, filters=filters, actions=action_names,
                           page_size=AUDIT_PAGE_SIZE, logout_form=LogoutForm())


@bp.get("/audit.csv")
@requires("admin")
def audit_csv() -> Response:
    """The filtered audit log as CSV (every matching event, not only the first page)."""
    filters = _audit_filters()
    with records.session_scope(db_path()) as session:
        rows = audit.events(session, limit=None, **filters)
        audit.log(session, actor(), "audit_export", "audit", {"filters": filters, "rows": len(rows)})
    # BOM: Excel (what the district's offices open CSV with) then reads UTF-8 Chinese correctly.
    return Response("\ufeff" + audit.to_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=audit.csv"})
