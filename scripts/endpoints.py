"""Rasa endpoints files derived from bot/endpoints.yml, the one place that says how Rasa reaches the action server.

bot/endpoints.yml is what a single-machine `make run` uses as it is. The scale-out variant and the test
stacks keep its action endpoint (URL and secret from the environment) and replace the tracker store
and the lock store.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

REPO = Path(__file__).resolve().parent.parent
BASE_ENDPOINTS = REPO / "bot" / "endpoints.yml"
TRACKER_SOURCE = REPO / "bot" / "tracker_store.py"


def _tracker_type() -> str:
    # bot.tracker_store.MaskingTrackerStore masks personal data before writing; its former name otherwise.
    masking = "class MaskingTrackerStore" in TRACKER_SOURCE.read_text(encoding="utf-8")
    return "bot.tracker_store.MaskingTrackerStore" if masking else "bot.tracker_store.SQLiteTrackerStore"


def sqlite_tracker(db: str | Path) -> dict[str, Any]:
    """The tracker store on one SQLite file (single machine)."""
    return {"type": _tracker_type(), "dialect": "sqlite", "db": str(db)}


def postgres_tracker(host: str, port: int, db: str, username: str = "postgres", password: str = "") -> dict[str, Any]:
    """The tracker store on PostgreSQL (Rasa passes `url` as the host)."""
    store: dict[str, Any] = {"type": _tracker_type(), "dialect": "postgresql", "url": host, "port": port, "db": db,
                             "username": username}
    if password:
        store["password"] = password
    return store


def redis_lock_store(redis_url: str, key_prefix: str = "wuzhong") -> dict[str, Any]:
    """Rasa's RedisLockStore on `redis://host:port/db`: conversations locked across processes and replicas."""
    parts = urlsplit(redis_url)
    store: dict[str, Any] = {"type": "redis", "url": parts.hostname or "127.0.0.1", "port": parts.port or 6379,
                             "db": int((parts.path or "/0").strip("/") or 0), "key_prefix": key_prefix}
    if parts.password:
        store["password"] = parts.password
    return store


def sqlite_lock_store(db: str | Path) -> dict[str, Any]:
    """Rasa's conversation locks in one SQLite file (bot/lock_store.py): the Rasa workers of one machine share it."""
    return {"type": "bot.lock_store.SQLiteLockStore", "db": str(db)}


def render_endpoints(tracker_store: dict[str, Any] | None = None, lock_store: dict[str, Any] | None = None) -> str:
    """bot/endpoints.yml with the given tracker store and lock store (None: keep the file's)."""
    config = yaml.safe_load(BASE_ENDPOINTS.read_text(encoding="utf-8"))
    if tracker_store is not None:
        config["tracker_store"] = tracker_store
    if lock_store is not None:
        config["lock_store"] = lock_store
    action = config["action_endpoint"]
    # Rasa expands ${VAR} only in plain (unquoted) scalars: write those two by hand, the rest as YAML.
    rest = {key: value for key, value in config.items() if key != "action_endpoint"}
    head = ("action_endpoint:\n"
            f"  url: {action['url']}\n"
            "  headers:\n"
            f"    Authorization: {action['headers']['Authorization']}\n")
    return head + yaml.safe_dump(rest, allow_unicode=True, sort_keys=False)


def write_endpoints(path: Path, tracker_store: dict[str, Any] | None = None,
                    lock_store: dict[str, Any] | None = None) -> Path:
    """Write an endpoints file for one Rasa server; its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_endpoints(tracker_store, lock_store), encoding="utf-8")
    return path
