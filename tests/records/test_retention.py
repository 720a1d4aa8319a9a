"""records.retention: conversations, tracker events and log files older than WUZHONG_RETENTION_DAYS are purged."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text, update

import records
from records.models import BotMessage, Feedback, Handoff, Unanswered
from records.retention import purge, purge_records, retention_days, tracker_url_from_endpoints

REPO = Path(__file__).resolve().parents[2]
OLD = "2020-01-01T00:00:00Z"


def _age_everything_but(url, keep_sender: str) -> None:
    """Backdate every row not of `keep_sender` to 2020 (created_at is what retention reads)."""
    with records.session_scope(url) as session:
        for model in (BotMessage, Unanswered, Feedback, Handoff):
            session.execute(update(model).where(model.sender_id != keep_sender).values(created_at=OLD))


def _fill(url) -> None:
    for sender in ("old", "new"):
        records.record_bot_messages(sender, "问题", [{"message_id": f"m-{sender}", "text": "答"}], url=url)
        records.record_unanswered(sender, "问题", url=url)
        records.record_feedback(sender, True, message_id=f"m-{sender}", url=url)
        records.record_handoff(sender, "转人工", url=url)
    closed = records.record_handoff("old", "已处理", url=url)
    records.set_handoff_status(closed, "closed", url=url)
    _age_everything_but(url, "new")


def test_purge_deletes_old_conversations_but_keeps_open_handoffs(db_url):
    _fill(db_url)
    counts = purge_records(30, db_url)
    assert counts == {"bot_messages": 1, "unanswered": 1, "feedback": 1, "handoffs": 1}
    assert [r["sender_id"] for r in records.recent_unanswered(url=db_url)] == ["new"]
    assert [r["sender_id"] for r in records.recent_feedback(url=db_url)] == ["new"]
    handoffs = records.recent_handoffs(url=db_url)
    # The old open handoff stays: a resident is still waiting for it.
    assert sorted((h["sender_id"], h["status"]) for h in handoffs) == [("new", "open"), ("old", "open")]
    assert records.get_bot_message("m-old", url=db_url) is None
    assert records.get_bot_message("m-new", url=db_url) is not None
    assert purge_records(30, db_url) == {"bot_messages": 0, "unanswered": 0, "feedback": 0, "handoffs": 0}


def test_retention_days_setting(monkeypatch):
    monkeypatch.delenv("WUZHONG_RETENTION_DAYS", raising=False)
    assert retention_days() == 180
    monkeypatch.setenv("WUZHONG_RETENTION_DAYS", "7")
    assert retention_days() == 7
    assert retention_days(3) == 3
    for bad in ("0", "-5", "half a year"):
        with pytest.raises(ValueError, match="WUZHONG_RETENTION_DAYS"):
            retention_days(bad)


def _tracker_db(path: Path) -> str:
    """A tracker database with Rasa SQLTrackerStore's `events` table: one old and one recent event."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name "
                 "VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)")
    conn.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES ('a', 'user', 1577836800, '{}')")
    conn.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES ('b', 'user', ?, '{}')",
                 (time.time(),))
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"


def test_purge_command_prints_counts_for_every_store(tmp_path):
    app_db = tmp_path / "app.sqlite"
    _fill(app_db)
    tracker = _tracker_db(tmp_path / "tracker.sqlite")
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "rasa.log").write_text("recent\n")
    stale = logs / "rasa.log.3"
    stale.write_text("old\n")
    os.utime(stale, (time.time() - 90 * 86400,) * 2)
    out = subprocess.run([sys.executable, "-m", "records", "purge", "--days", "30", "--url", str(app_db),
                          "--tracker-url", tracker, "--log-dir", str(logs)],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = dict(line.split(": ", 1) for line in out.stdout.splitlines())
    assert {k: lines[k] for k in ("days", "bot_messages", "unanswered", "feedback", "handoffs", "tracker_events",
                                  "log_files")} == {"days": "30", "bot_messages": "1", "unanswered": "1",
                                                    "feedback": "1", "handoffs": "1", "tracker_events": "1",
                                                    "log_files": "1"}
    assert not stale.exists() and (logs / "rasa.log").exists()
    with sqlite3.connect(tmp_path / "tracker.sqlite") as conn:
        assert [r[0] for r in conn.execute("SELECT sender_id FROM events")] == ["b"]


def test_purge_command_refuses_a_bad_setting(tmp_path):
    out = subprocess.run([sys.executable, "-m", "records", "purge", "--url", str(tmp_path / "app.sqlite"),
                          "--tracker-url", ""], cwd=REPO, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "WUZHONG_RETENTION_DAYS": "six months"})
    assert out.returncode == 2
    assert "WUZHONG_RETENTION_DAYS must be a whole number of days" in out.stderr


def test_default_tracker_url_follows_bot_endpoints(tmp_path):
    assert tracker_url_from_endpoints() == "sqlite:///" + str(REPO / "instance" / "rasa_tracker.sqlite")
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("tracker_store:\n  type: bot.tracker_store.MaskingTrackerStore\n  dialect: postgresql\n"
                         "  url: db.local\n  port: 5433\n  db: rasa\n  username: rasa\n  password: s3cret\n")
    assert tracker_url_from_endpoints(endpoints) == "postgresql+psycopg://rasa:s3cret@db.local:5433/rasa"


def test_purge_all_stores_on_an_empty_site(tmp_path):
    counts = purge(days=10, url=tmp_path / "app.sqlite", tracker_url=f"sqlite:///{tmp_path / 'none.sqlite'}",
                   log_dir=tmp_path / "no-logs")
    assert counts["days"] == 10 and counts["tracker_events"] == 0 and counts["log_files"] == 0
    assert not (tmp_path / "none.sqlite").exists()
    with records.get_engine(tmp_path / "app.sqlite").connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM bot_messages")).scalar() == 0
