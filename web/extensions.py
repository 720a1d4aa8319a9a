"""Flask extensions: CSRF on forms, staff sessions, per-client rate limits."""
from __future__ import annotations

from functools import partial

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()

# endpoint → (setting holding its limit, the methods it applies to)
RATE_LIMITED = {
    "api.chat": ("CHAT_RATE_LIMIT", ["POST"]),
    "api.search": ("SEARCH_RATE_LIMIT", ["GET"]),
    "staff.login": ("LOGIN_RATE_LIMIT", ["POST"]),
}


def init_app(app: Flask) -> None:
    """Attach the shared extensions to `app`."""
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "staff.login"
    login_manager.login_message = "请先登录。"
    login_manager.session_protection = "strong"


def _limit_from(setting: str) -> str:
    """Read the limit when the request comes, so tests and operators can change it by config."""
    return str(current_app.config[setting])


def install_rate_limits(app: Flask) -> Limiter:
    """Give this app its own limiter (its own in-memory counters) and wrap the limited views."""
    limiter = Limiter(get_remote_address, app=app, storage_uri=app.config["RATELIMIT_STORAGE_URI"])
    for endpoint, (setting, methods) in RATE_LIMITED.items():
        view = app.view_functions[endpoint]
        app.view_functions[endpoint] = limiter.limit(partial(_limit_from, setting), methods=methods)(view)
    app.extensions["wuzhong_limiter"] = limiter
    return limiter
