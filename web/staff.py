"""The hotline staff console: login, as-you-type search with the phone script, handoffs, unanswered."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from . import store
from .api import MAX_K, check_question
from .auth import HandoffStatusForm, LoginForm, LogoutForm, authenticate, private_page_headers
from .errors import ApiError
from .resources import db_path, get_kb
from .search import sections, staff_payload

bp = Blueprint("staff", __name__, url_prefix="/staff")


bp.after_request(private_page_headers)


def _safe_next(target: str | None) -> str:
    """Only redirect to a path on this site after login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("staff.console")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str:
    """Log a staff member in."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash("用户名或密码错误。", "error")
    return render_template("staff/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    """Log out (POST with CSRF token)."""
    LogoutForm().validate_on_submit()
    logout_user()
    flash("已退出登录。", "info")
    return redirect(url_for("staff.login"))


@bp.get("/")
@login_required
def console() -> str:
    """The console page: search box, recent handoffs, unanswered questions."""
    limit = current_app.config["STAFF_LIST_LIMIT"]
    try:
        section_options = sections(get_kb())
        kb_version = get_kb().version
    except ApiError as exc:
        section_options, kb_version = [], None
        flash(exc.message, "error")
    return render_template(
        "staff/console.html",
        sections=section_options,
        kb_version=kb_version,
        handoffs=store.recent_handoffs(limit, path=db_path()),
        unanswered=store.recent_unanswered(limit, path=db_path()),
        logout_form=LogoutForm(),
    )


@bp.post("/handoffs/<int:handoff_id>/status")
@login_required
def handoff_status(handoff_id: int) -> Response:
    """Mark a handoff handled (closed) or reopen it (CSRF-protected form)."""
    form = HandoffStatusForm()
    if not form.validate_on_submit() or form.status.data not in store.HANDOFF_STATUSES:
        raise ApiError(400, "状态无效。")
    if not store.set_handoff_status(handoff_id, form.status.data, path=db_path()):
        raise ApiError(404, "找不到这条转人工记录。")
    flash(f"转人工记录 #{handoff_id} 已{'标记为已处理' if form.status.data == 'closed' else '重新打开'}。", "info")
    return redirect(url_for("staff.console") + "#handoffs-title")


@bp.get("/search.json")
@login_required
def search() -> Response:
    """What the console's search box shows: ranked passages with highlights, answer and phone script."""
    query = check_question(request.args.get("q"), "q")
    section = request.args.get("section") or ""
    if section and not section.isdigit():
        raise ApiError(400, "section 必须是部分编号。")
    try:
        k = min(max(int(request.args.get("k", 8)), 1), MAX_K)
    except ValueError:
        raise ApiError(400, f"k 必须是1到{MAX_K}之间的整数。") from None
    from knowledge import EmptyQueryError, QueryTooLongError

    try:
        payload = staff_payload(get_kb(), query, k=k, section_no=int(section) if section else None)
    except (EmptyQueryError, QueryTooLongError) as exc:
        raise ApiError(400, str(exc)) from exc
    return jsonify(payload)
