"""The Wuzhong assistant's web app: resident widget, staff console, admin and JSON API (flaskr style)."""
from __future__ import annotations

import os
from typing import Any

from flask import Flask

from .settings import DEFAULTS, instance_secret_key


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py, then WUZHONG_* env vars, then `test_config`."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("WUZHONG")
    if test_config:
        app.config.from_mapping(test_config)
    _normalize_config(app)
    from records.masking import install_log_masking

    install_log_masking()  # every log record (a failed request's traceback too) is masked before it is written

    from . import admin, api, auth, errors, extensions, health, resident, staff

    extensions.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    from . import validation  # the one place for input rules: screens every request before its view

    validation.init_app(app)
    app.register_blueprint(resident.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(admin.bp)
    from . import switches  # admins' widget notice and offline switch, and the widget's /api/status

    app.register_blueprint(switches.bp)
    app.register_blueprint(switches.api_bp)
    from . import kb_admin, kb_cli  # operators' documents: pages and `flask --app web kb ...`

    app.register_blueprint(kb_admin.bp)
    from . import curated_admin  # operators' curated answers

    app.register_blueprint(curated_admin.bp)
    from . import gaps  # operators' page of what residents asked and did not get

    app.register_blueprint(gaps.bp)
    app.cli.add_command(kb_cli.kb)
    extensions.install_rate_limits(app)
    if app.config["PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app


def _normalize_config(app: Flask) -> None:
    """Coerce env-var values (parsed as JSON by Flask) to the types the app expects."""
    cfg = app.config
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = instance_secret_key(app.instance_path)
    cfg["SECRET_KEY"] = str(cfg["SECRET_KEY"])
    for key in ("KB_DIR", "DB", "RASA_URL", "ACTIONS_URL"):
        cfg[key] = os.fspath(cfg[key]) if not isinstance(cfg[key], str) else cfg[key]
    cfg["RASA_URL"] = cfg["RASA_URL"].rstrip("/")
    cfg["ACTIONS_URL"] = cfg["ACTIONS_URL"].rstrip("/")
    for key in ("RASA_CONNECT_TIMEOUT", "RASA_TIMEOUT", "RASA_RETRY_AFTER", "HEALTH_TIMEOUT"):
        cfg[key] = float(cfg[key])
    for key in ("WEB_PORT", "MAX_MESSAGE_CHARS", "MAX_CONTENT_LENGTH", "STAFF_LIST_LIMIT", "PROXY_HOPS"):
        cfg[key] = int(cfg[key])
