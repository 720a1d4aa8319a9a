"""Admins' emergency switches (`/admin/switches`): a notice in every resident's widget, and taking the
assistant offline with a message pointing to 12345. The widget reads them from `GET /api/status`."""
from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, flash, jsonify, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField

from records import switches

from .auth import LogoutForm, actor, private_page_headers, requires
from .cors import add_cors_headers, check_origin
from .errors import ApiError
from .resources import db_path

log = logging.getLogger(__name__)
bp = Blueprint("switches", __name__, url_prefix="/admin/switches")
bp.after_request(private_page_headers)

# The public half: what the widget polls (no session; other sites embed the widget, hence CORS).
api_bp = Blueprint("status", __name__, url_prefix="/api")
api_bp.before_request(check_origin)
api_bp.after_request(add_cors_headers)


class NoticeForm(FlaskForm):
    """Publish (or clear, when `action` is "clear") the widget notice."""

    notice = TextAreaField("公告内容")
    action = HiddenField(default="set")


class OfflineForm(FlaskForm):
    """Take the assistant offline (`offline` = "1", with a message) or back online ("0")."""

    offline = HiddenField()
    message = TextAreaField("停用期间居民看到的提示")


@bp.context_processor
def _navigation() -> dict:
    """The admin menu shows the knowledge pages' link when that blueprint is part of the app."""
    return {"has_kb_pages": "kb_admin.documents" in current_app.view_functions}


@bp.get("/")
@requires("admin")
def page() -> str:
    """The switches as they are now (who set them, when) and the forms to change them."""
    state = switches.current(db_path())
    notice_form = NoticeForm(notice=state["notice"])
    offline_form = OfflineForm(message=state["offline_message"])
    return render_template("admin/switches.html", state=state, updated=switches.updated(db_path()),
                           notice_form=notice_form, offline_form=offline_form, logout_form=LogoutForm(),
                           notice_max=switches.NOTICE_MAX_CHARS, message_max=switches.OFFLINE_MESSAGE_MAX_CHARS)


@bp.post("/notice")
@requires("admin")
def notice() -> Response:
    """Show a notice in every resident's widget, or remove it (audited)."""
    form = NoticeForm()
    if not form.validate_on_submit() or form.action.data not in ("set", "clear"):
        raise ApiError(400, "页面已过期或操作无效，请刷新后重试。")
    text = "" if form.action.data == "clear" else (form.notice.data or "")
    if form.action.data == "set" and not text.strip():
        raise ApiError(400, "公告内容不能为空；要撤下公告请点「撤下公告」。")
    try:
        switches.set_notice(text, actor(), url=db_path())
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    flash("公告已发布，居民端5秒内可见。" if text else "公告已撤下。", "info")
    return redirect(url_for("switches.page"))


@bp.post("/offline")
@requires("admin")
def offline() -> Response:
    """Take the assistant offline (residents get the message, Rasa is not asked) or back online (audited)."""
    form = OfflineForm()
    if not form.validate_on_submit() or form.offline.data not in ("0", "1"):
        raise ApiError(400, "页面已过期或操作无效，请刷新后重试。")
    try:
        switches.set_offline(form.offline.data == "1", actor(), form.message.data or "", url=db_path())
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    flash("助手已停用，居民将看到停用提示。" if form.offline.data == "1" else "助手已恢复服务。", "info")
    return redirect(url_for("switches.page"))


def offline_reply(db: str | None) -> dict | None:
    """The admins' offline message as a chat reply (the whole turn), or None while the assistant is on."""
    try:
        state = switches.current(db)
    except (switches.DatabaseError, OSError):
        log.exception("could not read the switches; answering as usual")
        return None
    if not state["offline"]:
        return None
    return {"text": state["offline_message"], "kind": "offline", "handoff": True}


@api_bp.get("/status")
def status() -> Response:
    """{"notice", "offline", "offline_message"}: what the widget shows before and between questions."""
    try:
        state = switches.current(db_path())
    except (switches.DatabaseError, OSError):
        log.exception("could not read the switches")
        raise ApiError(503, "服务暂时不可用，请稍后再试或拨打12345热线。") from None
    response = jsonify({key: state[key] for key in ("notice", "offline", "offline_message")})
    response.headers["Cache-Control"] = "no-store"  # a switch must not wait in a proxy's cache
    return response
