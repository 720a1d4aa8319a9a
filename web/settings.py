"""Default settings of the web app and the helpers that read them; every key can be overridden by a
`WUZHONG_<KEY>` environment variable or `instance/config.py`."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, object] = {
    # Where the published knowledge base lives (built by `python -m knowledge build`).
    "KB_DIR": str(REPO_ROOT / "instance" / "kb"),
    # The app's SQLite file shared with the action server (handoffs, unanswered, feedback, users).
    "DB": str(REPO_ROOT / "instance" / "wuzhong.sqlite"),
    # A PostgreSQL (or other SQLAlchemy) URL for the app database; when set, DB is not used.
    "DATABASE_URL": "",
    # Wrong passwords in a row before an account is locked, and for how long (counted in the DB).
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCK_MINUTES": 15,
    "RASA_URL": "http://127.0.0.1:5005",
    "ACTIONS_URL": "http://127.0.0.1:5055",
    # Seconds: connecting must be quick; a reply may take a moment while the bot runs its action.
    "RASA_CONNECT_TIMEOUT": 1.0,
    "RASA_TIMEOUT": 8.0,
    # After Rasa fails to answer, skip it for this many seconds instead of waiting on it each time.
    "RASA_RETRY_AFTER": 5.0,
    "HEALTH_TIMEOUT": 0.5,
    # Origins (scheme://host[:port]) of the sites allowed to embed the widget; "*" allows any.
    "WIDGET_ORIGINS": "",
    "WEB_PORT": 8000,
    # Reverse proxies in front of the app (nginx …): trust that many X-Forwarded-* hops, so rate
    # limits count real clients. 0 = the app is reached directly.
    "PROXY_HOPS": 0,
    "MAX_MESSAGE_CHARS": 500,
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "CHAT_RATE_LIMIT": "30 per minute;5 per second",
    "SEARCH_RATE_LIMIT": "120 per minute;20 per second",
    "LOGIN_RATE_LIMIT": "10 per minute",
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "JSON_AS_ASCII": False,
    "STAFF_LIST_LIMIT": 20,
}


def widget_origins(value: object) -> frozenset[str]:
    """The allowed embedding origins from a comma/space separated string or a list."""
    if isinstance(value, str):
        items = value.replace(",", " ").split()
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = [str(v) for v in value]
    else:
        items = []
    return frozenset(normalize_origin(item) for item in items if item.strip())


def normalize_origin(origin: str) -> str:
    """`https://Example.gov.cn/` → `https://example.gov.cn` so origins compare as browsers send them."""
    origin = origin.strip()
    if origin == "*":
        return origin
    parts = urlsplit(origin)
    if not parts.scheme or not parts.netloc:
        return origin.rstrip("/").lower()
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def instance_secret_key(instance_path: str) -> str:
    """A random key kept in the instance folder, so sessions survive restarts without a weak default."""
    path = Path(instance_path) / "secret_key"
    if path.is_file():
        key = path.read_text(encoding="utf-8").strip()
        if key:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Written with owner-only permissions: the key signs staff sessions.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key
