"""Flask extensions: CSRF on forms, staff sessions, per-client rate limits."""
from __future__ import annotations

from functools import partial

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()

# endpoint → (setting holding its per-client limit, the methods it applies to)
RATE_LIMITED = {
    "api.chat": ("CHAT_RATE_LIMIT", ["POST"]),
    "api.search": ("SEARCH_RATE_LIMIT", ["GET"]),
    "staff.login": ("LOGIN_RATE_LIMIT", ["POST"]),
}


# endpoint → (setting holding a limit per address, whatever the client id): residents behind one NAT
# share an address, so this is the generous one; it stops a client that invents a new id per request.
ADDRESS_LIMITED = {
    "api.chat": ("CHAT_ADDRESS_RATE_LIMIT", ["POST"]),
}
MAX_CLIENT_ID = 64  # the widget's sender id (web/api.py checks its form)


def client_key() -> str:
    """The rate-limit key: the address plus the widget's conversation id when the body has one, so
    residents behind one NAT address are counted apart (the address alone would throttle them all)."""
    address = get_remote_address()
    data = request.get_json(silent=True) if request.is_json else None
    sender = data.get("sender") if isinstance(data, dict) else None
    if isinstance(sender, str) and 0 < len(sender) <= MAX_CLIENT_ID:
        return f"{address}|{sender}"
    return address


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
    """Give this app its own limiter and wrap the limited views. Counters live in memory (one process)
    unless RATELIMIT_STORAGE_URI or REDIS_URL names a shared store (several workers or replicas)."""
    storage = app.config["RATELIMIT_STORAGE_URI"]
    if storage == "memory://" and app.config.get("REDIS_URL"):
        storage = app.config["REDIS_URL"]
    limiter = Limiter(client_key, app=app, storage_uri=storage)
    for endpoint, (setting, methods) in RATE_LIMITED.items():
        view = app.view_functions[endpoint]
        view = limiter.limit(partial(_limit_from, setting), methods=methods)(view)
        if endpoint in ADDRESS_LIMITED:
            address_setting, address_methods = ADDRESS_LIMITED[endpoint]
            view = limiter.limit(partial(_limit_from, address_setting), key_func=get_remote_address,
                                 methods=address_methods)(view)
        app.view_functions[endpoint] = view
    app.extensions["wuzhong_limiter"] = limiter
    return limiter
