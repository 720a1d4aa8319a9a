"""The hotline staff console: login, as-you-type search with the phone script, the handoff queue, unanswered."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

import records
from records import conversations

from .api import MAX_K, check_question
from .auth import (
    HandoffStatusForm,
    LoginForm,
    LogoutForm,
    StaffUser,
    authenticate,
    end_session_everywhere,
    private_page_headers,
    requires,
)
from .errors import ApiError
from .resources import db_path, get_kb
from .search import sections, staff_payload

bp = Blueprint("staff", __name__, url_prefix="/staff")


bp.after_request(private_page_headers)

# What the login form says for each outcome of `records.attempt_login`; a wrong name and a wrong
# password read the same, so the form does not tell which names exist.
LOGIN_MESSAGES = {
    "bad_password": "用户名或密码错误。",
    "unknown_user": "用户名或密码错误。",
    "disabled": "该账号已停用，请联系管理员。",
    "locked": "登录失败次数过多，账号已锁定至 {until}（北京时间），请稍后再试或联系管理员。",
}


def _local_time(utc_text: str | None) -> str:
    """'2026-11-29T09:30:00Z' → '2026-11-29 17:30' (Beijing time, what staff read)."""
    if not utc_text:
        return ""
    from datetime import datetime, timedelta, timezone

    moment = datetime.strptime(utc_text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone(timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")


def _safe_next(target: str | None) -> str:
    """Only redirect to a path on this site after login (no open redirect)."""
    # Browsers read "/\evil.example" as "//evil.example": a backslash never belongs in our own paths.
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and not urlsplit(target).netloc):
        return target
    return url_for("staff.console")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str:
    """Log a staff member in."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        result = authenticate(form.username.data, form.password.data)
        if result.user is not None:
            login_user(StaffUser.from_row(result.user))
            return redirect(_safe_next(request.args.get("next")))
        flash(LOGIN_MESSAGES.get(result.outcome, LOGIN_MESSAGES["bad_password"]).format(
            until=_local_time(result.locked_until)), "error")
    return render_template("staff/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    """Log out everywhere (POST with CSRF token): every copy of this user's session cookies stops working."""
    if LogoutForm().validate_on_submit() and current_user.is_authenticated:
        end_session_everywhere(current_user)
    logout_user()
    flash("已退出登录。", "info")
    return redirect(url_for("staff.login"))


DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _page_arg(name: str) -> int:
    """A page number from the query string (1 when absent), or 400 naming the problem."""
    value = request.args.get(name, "1").strip() or "1"
    if not value.isdigit() or int(value) < 1:
        raise ApiError(400, "页码必须是正整数。")
    return int(value)


def _closed_filters() -> dict[str, str]:
    """The closed-handoff search from the query string: text and a date range (YYYY-MM-DD, UTC)."""
    filters = {"closed_q": request.args.get("closed_q", "").strip()[:100]}
    for name, label in (("since", "开始日期"), ("until", "结束日期")):
        value = request.args.get(name, "").strip()
        if value and not DATE_RE.match(value):
            raise ApiError(400, f"{label}格式应为 YYYY-MM-DD，例如 2026-11-29。")
        filters[name] = value
    if filters["since"] and filters["until"] and filters["since"] > filters["until"]:
        raise ApiError(400, "开始日期不能晚于结束日期。")
    return filters


@bp.get("/")
@requires()
def console() -> str:
    """The console page: search box, the open handoff queue (oldest first, paged), the closed handoffs
    (searchable, paged), unanswered questions."""
    limit = current_app.config["STAFF_LIST_LIMIT"]
    per_page = int(current_app.config["HANDOFF_PAGE_SIZE"])
    page, closed_page, filters = _page_arg("page"), _page_arg("closed_page"), _closed_filters()
    try:
        section_options = sections(get_kb())
        kb_version = get_kb().version
    except ApiError as exc:
        section_options, kb_version = [], None
        flash(exc.message, "error")
    queue = conversations.open_handoffs(page, per_page, url=db_path())
    closed = conversations.search_closed_handoffs(filters["closed_q"], filters["since"], filters["until"],
                                                  closed_page, per_page, url=db_path())
    # What the pager links and the close/reopen forms carry, so staff stay where they were.
    keep = {key: value for key, value in {"page": queue.page, "closed_page": closed.page, **filters}.items()
            if value and value != 1}
    return render_template(
        "staff/console.html",
        sections=section_options,
        kb_version=kb_version,
        queue=queue,
        closed=closed,
        filters=filters,
        keep=keep,
        unanswered=records.recent_unanswered(limit, url=db_path()),
        logout_form=LogoutForm(),
    )


def _back_to_console() -> Response:
    """Back to the page of the list the staff member was on (both page numbers kept, if valid)."""
    keep = {key: request.form[key] for key in ("page", "closed_page", "closed_q", "since", "until")
            if request.form.get(key)}
    return redirect(url_for("staff.console", **keep) + "#handoffs-title")


@bp.post("/handoffs/<int:handoff_id>/status")
@requires()
def handoff_status(handoff_id: int) -> Response:
    """Mark a handoff handled (closed) or reopen it (CSRF-protected form)."""
    form = HandoffStatusForm()
    if not form.validate_on_submit() or form.status.data not in records.HANDOFF_STATUSES:
        raise ApiError(400, "状态无效。")
    if not records.set_handoff_status(handoff_id, form.status.data, url=db_path(),
                                      actor=current_user.username):
        raise ApiError(404, "找不到这条转人工记录。")
    flash(f"转人工记录 #{handoff_id} 已{'标记为已处理' if form.status.data == 'closed' else '重新打开'}。", "info")
    return _back_to_console()


@bp.get("/search.json")
@requires()
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
