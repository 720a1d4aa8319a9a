"""Resident pages: the demo page at `/` and `/widget.js`, which any allowed site embeds with one tag."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request, send_from_directory

bp = Blueprint("resident", __name__)

# Pages load scripts and styles from this site only; no inline code, so injected markup cannot run.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)


@bp.get("/")
def index() -> str:
    """A demo district page with the widget embedded exactly as other sites embed it."""
    return render_template("index.html", widget_url=request.host_url.rstrip("/") + "/widget.js")


@bp.get("/widget.js")
def widget_js() -> Response:
    """The embeddable widget script (it loads its CSS and calls the API on this server)."""
    response = send_from_directory(current_app.static_folder, "widget.js", mimetype="text/javascript", max_age=300)
    # Embedding pages on other origins load it with a plain <script src>, which needs no CORS.
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.after_app_request
def security_headers(response: Response) -> Response:
    """Headers every response gets; HTML pages also get a strict Content-Security-Policy."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
    return response
