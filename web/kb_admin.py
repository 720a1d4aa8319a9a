"""`/admin/documents`, `/admin/drafts/<id>`: operators upload and edit drafts, reviewers approve, publish, roll back.

Every action calls the one service layer (web/publishing.py); its errors come back as a flash
message on the page the user was on, with the status code of the error.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from .auth import LogoutForm, private_page_headers, requires
from .extensions import csrf
from .publishing import (MAX_UPLOAD_BYTES, STATUS_NAMES, DocumentRejected, Publishing, PublishingError,
                         TooLarge)
from .resources import db_path

bp = Blueprint("kb_admin", __name__, url_prefix="/admin")
bp.after_request(private_page_headers)

# The form around the file: a few fields next to it.
FORM_OVERHEAD_BYTES = 64 * 1024


def get_service() -> Publishing:
    """The publishing service of this app (library at KB_DIR, the app database)."""
    cfg = current_app.config
    service = current_app.extensions.get("wuzhong_publishing")
    if service is None:
        service = Publishing(cfg["KB_DIR"], db_path())
        current_app.extensions["wuzhong_publishing"] = service
    return service


def _render(template: str, status: int = 200, **context) -> tuple[str, int]:
    return render_template(template, logout_form=LogoutForm(), status_names=STATUS_NAMES, **context), status


def _done(message: str, target: str) -> Response:
    flash(message, "info")
    return redirect(target)


def _failed(exc: PublishingError, draft_id: int | None = None):
    """Show the error on the page the user came from (the draft, else the list), with the error's status."""
    flash(exc.message, "error")
    if draft_id is not None:
        try:
            view = get_service().draft(draft_id)
        except PublishingError:
            pass
        else:
            return _render("kb_admin/draft.html", exc.status, view=view, me=current_user.username)
    return _documents_page(exc.status)


def _documents_page(status: int = 200):
    try:
        listing = get_service().list()
    except PublishingError as exc:
        flash(exc.message, "error")
        listing = {"current": None, "kb_versions": [], "documents": []}
    return _render("kb_admin/documents.html", status, listing=listing, max_mb=MAX_UPLOAD_BYTES // 1048576)


@bp.get("/documents")
@requires("operator", "reviewer")
def documents():
    """Documents, their versions and drafts, the library's kb versions (rollback), and the upload form."""
    return _documents_page()


@bp.post("/documents/upload")
@csrf.exempt  # checked below, once the larger size limit of this one route is in place
@requires("operator")
def upload():
    """Upload a new document or a new version of one: it becomes a draft."""
    request.max_content_length = MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES
    try:
        try:
            upload_file = request.files.get("file")
            form = request.form
        except RequestEntityTooLarge:
            raise TooLarge(f"文件太大，上限为 {MAX_UPLOAD_BYTES // 1048576} MB。") from None
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
        if upload_file is None or not upload_file.filename:
            raise DocumentRejected("请选择要上传的文件。")
        data = upload_file.read(MAX_UPLOAD_BYTES + 1)
        draft_id = get_service().upload(upload_file.filename, data, form.get("document_id", ""),
                                        current_user.username, title=form.get("title"), date=form.get("date"),
                                        year=form.get("year"), source_url=form.get("source_url") or None)
    except PublishingError as exc:
        return _failed(exc)
    return _done(f"已上传，草稿 {draft_id} 待审核。", url_for("kb_admin.draft", draft_id=draft_id))


@bp.get("/drafts/<int:draft_id>")
@requires("operator", "reviewer")
def draft(draft_id: int):
    """A draft: how it was split, the diff against the published version, edit and review buttons."""
    try:
        view = get_service().draft(draft_id)
    except PublishingError as exc:
        return _failed(exc)
    return _render("kb_admin/draft.html", view=view, me=current_user.username)


@bp.post("/drafts/<int:draft_id>/passages/<passage_id>")
@requires("operator")
def edit_passage(draft_id: int, passage_id: str):
    """Save a passage's new text or title, or exclude / include it."""
    target = url_for("kb_admin.draft", draft_id=draft_id, _anchor=f"p-{passage_id}")
    action = request.form.get("action", "save")
    try:
        if action == "exclude":
            get_service().edit_passage(draft_id, passage_id, current_user.username, excluded=True)
            message = "已排除这一段。"
        elif action == "include":
            get_service().edit_passage(draft_id, passage_id, current_user.username, excluded=False)
            message = "已恢复这一段。"
        else:
            get_service().edit_passage(draft_id, passage_id, current_user.username,
                                       text=request.form.get("text"), title=request.form.get("title"))
            message = "段落已保存。"
    except PublishingError as exc:
        return _failed(exc, draft_id)
    return _done(message, target)


@bp.post("/drafts/<int:draft_id>/approve")
@requires("reviewer")
def approve(draft_id: int):
    """Approve a draft (not one's own)."""
    target = url_for("kb_admin.draft", draft_id=draft_id)
    try:
        get_service().approve(draft_id, current_user.username)
    except PublishingError as exc:
        return _failed(exc, draft_id)
    return _done(f"草稿 {draft_id} 已批准，可以发布。", target)


@bp.post("/drafts/<int:draft_id>/reject")
@requires("reviewer")
def reject(draft_id: int):
    """Send a draft back."""
    target = url_for("kb_admin.draft", draft_id=draft_id)
    try:
        get_service().reject(draft_id, current_user.username, request.form.get("reason", ""))
    except PublishingError as exc:
        return _failed(exc, draft_id)
    return _done(f"草稿 {draft_id} 已退回。", target)


@bp.post("/drafts/<int:draft_id>/publish")
@requires("reviewer")
def publish(draft_id: int):
    """Build and switch to a new knowledge base version with this draft."""
    target = url_for("kb_admin.draft", draft_id=draft_id)
    try:
        kb_version = get_service().publish(draft_id, current_user.username)
    except PublishingError as exc:
        return _failed(exc, draft_id)
    return _done(f"草稿 {draft_id} 已发布，当前知识库版本 {kb_version}。", url_for("kb_admin.documents"))


@bp.post("/versions/<kb_version>/rollback")
@requires("reviewer")
def rollback(kb_version: str):
    """Make an earlier kb version live again."""
    try:
        get_service().rollback(kb_version, current_user.username)
    except PublishingError as exc:
        return _failed(exc)
    return _done(f"已回滚到知识库版本 {kb_version}。", url_for("kb_admin.documents"))
