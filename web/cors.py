"""Cross-origin access to the API for the widget embedded on the district's other sites."""
from __future__ import annotations

from flask import Response, current_app, request

from .errors import ApiError
from .settings import normalize_origin, widget_origins


def _own_origin() -> str:
    return normalize_origin(request.host_url)


def origin_allowed(origin: str) -> bool:
    """Same origin, or listed in WIDGET_ORIGINS ("*" lists every origin)."""
    origin = normalize_origin(origin)
    allowed = widget_origins(current_app.config.get("WIDGET_ORIGINS"))
    return origin == _own_origin() or "*" in allowed or origin in allowed


def check_origin() -> None:
    """Refuse API calls a browser makes from a site that is not allowed to embed the widget."""
    origin = request.headers.get("Origin")
    if origin and request.method != "OPTIONS" and not origin_allowed(origin):
        raise ApiError(403, "此网站未获授权使用吴中区政务助手。")


def add_cors_headers(response: Response) -> Response:
    """Let allowed origins read API responses (and pass the preflight of JSON POSTs)."""
    origin = request.headers.get("Origin")
    response.vary.add("Origin")
    if origin and origin_allowed(origin):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
    return response
