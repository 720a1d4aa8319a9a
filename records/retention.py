"""Residents' conversations are kept `WUZHONG_RETENTION_DAYS` days (default 180), then purged: bot messages,
unanswered questions, feedback, closed handoffs, the Rasa tracker store's events and old log files.

`python -m records purge [--days N] [--tracker-url URL]` runs it now and prints what it removed. Open
handoffs are kept whatever their age: a resident is still waiting for the staff. The services' logs are
rotated by supervisord (scripts/supervisor_conf.py); this removes the log files, rotated copies included,
last written before the cutoff.
"""
from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import delete, inspect, text
from sqlalchemy.engine import URL

from .db import REPO_ROOT, get_engine, session_scope
from .models import TIME_FORMAT, BotMessage, Feedback, Handoff, Unanswered

DEFAULT_RETENTION_DAYS = 180
ENDPOINTS_FILE = REPO_ROOT / "bot" / "endpoints.yml"
LOG_DIR = REPO_ROOT / "instance" / "logs"


class RetentionError(ValueError):
    """A retention setting that makes no sense (not a whole number of days ≥ 1)."""


def retention_days(days: int | str | None = None) -> int:
    """`days`, else $WUZHONG_RETENTION_DAYS, else 180; a whole number ≥ 1."""
    value = days if days is not None else os.environ.get("WUZHONG_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise RetentionError(f"WUZHONG_RETENTION_DAYS must be a whole number of days, not {value!r}") from None
    if number < 1:
        raise RetentionError(f"WUZHONG_RETENTION_DAYS must be at least 1 day, not {number}")
    return number


def cutoff(days: int, now: datetime | None = None) -> datetime:
    """The moment before which conversations are purged."""
    return (now or datetime.now(timezone.utc)) - timedelta(days=days)


def purge_records(days: int, url: str | os.PathLike | None = None, now: datetime | None = None) -> dict[str, int]:
    """Delete app-database rows older than `days` (handoffs only once closed); rows deleted per table."""
    before = cutoff(days, now).strftime(TIME_FORMAT)  # created_at is this text in UTC: it sorts as it reads
    counts: dict[str, int] = {}
    with session_scope(url) as session:
        for name, model, extra in (("bot_messages", BotMessage, ()), ("unanswered", Unanswered, ()),
                                   ("feedback", Feedback, ()),
                                   ("handoffs", Handoff, (Handoff.status == "closed",))):
            result = session.execute(delete(model).where(model.created_at < before, *extra))
            counts[name] = int(result.rowcount or 0)
    return counts


def tracker_url_from_endpoints(path: Path = ENDPOINTS_FILE) -> str | None:
    """The SQLAlchemy URL of the tracker store that bot/endpoints.yml configures (None if it has none)."""
    import yaml

    try:
        config = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("tracker_store") or {}
    except OSError:
        return None
    dialect = str(config.get("dialect", "sqlite"))
    if "db" not in config and not str(config.get("type", "")).startswith("bot.tracker_store"):
        return None
    db = str(config.get("db", "instance/rasa_tracker.sqlite"))
    if dialect == "sqlite":
        return "sqlite:///" + str((REPO_ROOT / db).resolve())
    return URL.create(f"{dialect}+psycopg" if dialect == "postgresql" else dialect,
                      username=config.get("username"), password=config.get("password"),
                      host=config.get("url") or config.get("host"), port=config.get("port"),
                      database=db).render_as_string(hide_password=False)


def purge_tracker(days: int, tracker_url: str | None, now: datetime | None = None) -> int:
    """Delete the tracker store's events older than `days`; the number deleted (0 without a store)."""
    if not tracker_url or (tracker_url.startswith("sqlite:///") and not Path(tracker_url[10:]).is_file()):
        return 0  # no store configured, or Rasa never wrote one: nothing to purge (and no empty file made)
    engine = get_engine(tracker_url)
    if not inspect(engine).has_table("events"):
        return 0
    with engine.begin() as connection:
        result = connection.execute(text("DELETE FROM events WHERE timestamp < :before"),
                                    {"before": cutoff(days, now).timestamp()})
        return int(result.rowcount or 0)


def purge_logs(days: int, log_dir: Path = LOG_DIR, now: datetime | None = None) -> int:
    """Delete log files (rotated copies included) last written before the cutoff; the number deleted."""
    before = cutoff(days, now).timestamp()
    removed = 0
    for path in Path(log_dir).glob("*.log*"):
        if path.is_file() and path.stat().st_mtime < before:
            path.unlink()
            removed += 1
    return removed


def purge(days: int | None = None, url: str | os.PathLike | None = None, tracker_url: str | None = None,
          log_dir: Path = LOG_DIR, now: datetime | None = None) -> dict[str, Any]:
    """Purge everything older than the retention period; counts per store."""
    days = retention_days(days)
    started = time.monotonic()
    counts: dict[str, Any] = {"days": days, **purge_records(days, url, now)}
    counts["tracker_events"] = purge_tracker(days, tracker_url if tracker_url is not None else
                                             tracker_url_from_endpoints(), now)
    counts["log_files"] = purge_logs(days, log_dir, now) if Path(log_dir).is_dir() else 0
    counts["seconds"] = round(time.monotonic() - started, 3)
    return counts
