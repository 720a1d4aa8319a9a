"""One error shape for the API — `{"ok": false, "error": "...", "status": N}` — and friendly HTML pages."""
from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

# Residents and staff read these; werkzeug's English defaults would leak through otherwise.
MESSAGES = {
    400: "请求格式不正确。",
    401: "请先登录。",
    403: "没有权限访问。",
    404: "找不到您要的内容。",
    405: "不支持这种请求方式。",
    413: "提交的内容太大了。",
    414: "网址太长了，请缩短后重试。",
    415: "请以 JSON 格式提交。",
    429: "请求太频繁了，请稍后再试。",
    500: "服务器出了点问题，请稍后再试或拨打12345热线。",
    503: "服务暂时不可用，请稍后再试或拨打12345热线。",
}


class ApiError(Exception):
    """An error an API view raises to answer with the error shape and a specific message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str | None = None) -> tuple[Response, int]:
    """The JSON error body every 4xx/5xx of the API uses."""
    text = message or MESSAGES.get(status) or MESSAGES[500 if status >= 500 else 400]
    return jsonify({"ok": False, "error": text, "status": status}), status


def _wants_json() -> bool:
    """API and health endpoints answer JSON; pages answer HTML."""
    return request.path.startswith("/api/") or request.path in ("/api", "/healthz") or (
        request.path.startswith("/staff/") and request.path.endswith(".json")
    )


def _http_error(exc: HTTPException):
    status = exc.code or 500
    # werkzeug's descriptions are English; residents get the Chinese message for the status instead.
    message = MESSAGES.get(status)
    if _wants_json():
        response, _ = error_response(status, message)
        if getattr(exc, "valid_methods", None):
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response, status
    return render_template("error.html", status=status, message=message or MESSAGES.get(status, "")), status


def _api_error(exc: ApiError):
    if _wants_json():
        return error_response(exc.status, exc.message)
    return render_template("error.html", status=exc.status, message=exc.message), exc.status


def _csrf_error(exc: CSRFError):
    message = "页面已过期，请刷新后重试。"
    if _wants_json():
        return error_response(400, message)
    return render_template("error.html", status=400, message=message), 400


def _database_error(exc: SQLAlchemyError):
    # The database refused (unwritable, locked, gone): a passing fault, not the resident's mistake. records.db
    # drops the broken connection, so the next request starts afresh.
    # The driver's own message only: the statement's parameters may hold what a resident typed.
    cause = getattr(exc, "orig", None) or type(exc).__name__
    log.error("database error on %s %s: %s", request.method, request.path, cause)
    message = "数据暂时无法保存，请稍后再试或拨打12345热线。"
    if _wants_json():
        return error_response(503, message)
    return render_template("error.html", status=503, message=message), 503


def _unexpected(exc: Exception):
    # Never show a stack trace to residents: log it, answer with the generic message.
    log.exception("unhandled error on %s %s", request.method, request.path)
    if _wants_json():
        return error_response(500)
    return render_template("error.html", status=500, message=MESSAGES[500]), 500


def init_app(app: Flask) -> None:
    """Register the handlers on `app`."""
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(SQLAlchemyError, _database_error)
    app.register_error_handler(Exception, _unexpected)
