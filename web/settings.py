"""Default settings of the web app and the helpers that read them; every key can be overridden by a
`WUZHONG_<KEY>` environment variable or `instance/config.py`."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from records.retention import DEFAULT_RETENTION_DAYS

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
    # Per client address whatever the conversation id: NAT'ed residents share it, so it is generous.
    "CHAT_ADDRESS_RATE_LIMIT": "600 per minute;30 per second",
    "SEARCH_RATE_LIMIT": "120 per minute;20 per second",
    # Feedback rows per client and per address: a 👍/👎 per answer, never a flood of junk rows.
    "FEEDBACK_RATE_LIMIT": "30 per minute;5 per second",
    "LOGIN_RATE_LIMIT": "10 per minute",
    "RATELIMIT_STORAGE_URI": "memory://",
    # Redis shared by the web workers and replicas (redis://host:port/db): rate-limit counters live there
    # unless RATELIMIT_STORAGE_URI names another store. Empty = one process's memory.
    "REDIS_URL": "",
    "RATELIMIT_HEADERS_ENABLED": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "JSON_AS_ASCII": False,
    "STAFF_LIST_LIMIT": 20,
    # Gaps page (/admin/gaps): the period shown when none is chosen, and the most questions grouped at once
    # (grouping embeds each question once per process; thousands take a while on the first visit).
    "GAPS_DEFAULT_DAYS": 30,
    "GAPS_MAX_QUESTIONS": 1000,
    # Days residents' conversations (bot messages, unanswered, feedback, closed handoffs, Rasa tracker events)
    # and log files are kept; `python -m records purge` deletes older ones (records/retention.py reads the env var).
    "RETENTION_DAYS": DEFAULT_RETENTION_DAYS,
    # Handoffs per page in the staff console (open queue and closed search).
    "HANDOFF_PAGE_SIZE": 20,
    # Per client: handoff requests that come without any conversation (one-line handoffs), e.g. scripts
    # sending /request_human; beyond it the resident is told the request is already recorded.
    "HANDOFF_FLOOD_LIMIT": "3 per hour",
    # The widget's last turns kept in a reduced-mode handoff's transcript (the widget sends as many).
    "HANDOFF_HISTORY_TURNS": 20,
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
