"""Storage that heals: while the app's SQLite file cannot be written, residents still get answers and /healthz
says so; once the fault clears, no turn is lost and no restart is needed (records/db.py drops connections that
SQLite opened read-only). Real files, real SQLite, the real app with the session knowledge base."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Iterator

import pytest

import records


@contextmanager
def unwritable(path: Path) -> Iterator[None]:
    """The file cannot be opened for writing (chmod for users; root ignores modes, so the immutable flag)."""
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
            pytest.skip("running as root on a file system without chattr +i: cannot make the file unwritable")
        undo = ["chattr", "-i", str(path)]
    else:
        mode = path.stat().st_mode
        path.chmod(0o444)
        undo = None
    try:
        yield
    finally:
        subprocess.run(undo, check=True) if undo else path.chmod(mode)


def turn(client, sender: str, question: str = "今年新增多少学位？") -> list[str]:
    """One chat turn (Rasa is down: reduced mode); the message ids the widget got."""
    response = client.post("/api/chat", json={"sender": sender, "message": question})
    assert response.status_code == 200, response.get_data(as_text=True)
    return [message["message_id"] for message in response.get_json()["messages"]]


def logged(db: str, message_ids: list[str]) -> set[str]:
    """Which of these bot messages are in the database (read with a separate sqlite3 connection)."""
    # closing(): `with sqlite3.connect()` only commits; an open connection would let later ones reuse its
    # writable file descriptor during the fault.
    with closing(sqlite3.connect(db)) as connection:
        rows = connection.execute("SELECT message_id FROM bot_messages").fetchall()
    return {row[0] for row in rows} & set(message_ids)


def health(client) -> tuple[int, dict]:
    response = client.get("/healthz")
    return response.status_code, response.get_json()


def test_no_turn_is_lost_after_the_database_was_unwritable(make_app):
    app = make_app(CHAT_RATE_LIMIT="1000 per minute", FEEDBACK_RATE_LIMIT="1000 per minute")
    client, db = app.test_client(), app.config["DB"]
    before = turn(client, "before")
    assert logged(db, before) == set(before)
    status, body = health(client)
    assert status == 200 and body["database"] == {"ok": True}

    with unwritable(Path(db)):
        # The pool's idle connections are gone (recycled, a new worker): the next ones open during the fault.
        records.get_engine(db).dispose()
        during = [mid for i in range(3) for mid in turn(client, f"during-{i}")]  # answers still come
        assert logged(db, during) == set()
        # A read on a connection opened during the fault works, and that connection must not stay pooled.
        assert records.get_bot_message(before[0], url=db) is not None
        status, body = health(client)
        assert status == 503 and body["state"] == "unhealthy" and body["database"]["ok"] is False
        assert "无法写入" in body["error"] and "READONLY" in body["database"]["error"]
        feedback = client.post("/api/feedback", json={"sender": "before", "message_id": before[-1], "helpful": True})
        assert feedback.status_code == 503 and "无法保存" in feedback.get_json()["error"]

    after = [mid for i in range(8) for mid in turn(client, f"after-{i}")]
    lost = set(after) - logged(db, after)
    print(f"turns after the fault: {len(after) // 2}, bot messages lost: {len(lost)}")
    assert lost == set()
    status, body = health(client)
    assert status == 200 and body["database"] == {"ok": True}
    # Feedback on an answer given after the fault finds it (before the fix: 「找不到这条回答」).
    feedback = client.post("/api/feedback", json={"sender": "after-0", "message_id": after[-1], "helpful": False,
                                                  "reason": "other"})
    assert feedback.status_code == 201


def test_healthz_reports_a_locked_database_quickly_and_recovers(make_app):
    app = make_app(HEALTH_TIMEOUT=0.3)
    client, db = app.test_client(), app.config["DB"]
    turn(client, "warm")  # the schema exists
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
    try:
        started = time.monotonic()
        status, body = health(client)
        assert time.monotonic() - started < 3
        assert status == 503 and body["database"]["ok"] is False and "BUSY" in body["database"]["error"]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    status, body = health(client)
    assert status == 200 and body["database"] == {"ok": True}
    ids = turn(client, "after-lock")
    assert logged(db, ids) == set(ids)


def test_a_connection_opened_read_only_is_replaced(tmp_path):
    db = str(tmp_path / "records.sqlite")
    records.upgrade(db)
    try:
        with unwritable(Path(db)):
            records.get_engine(db).dispose()
            with pytest.raises(records.DatabaseError):
                records.record_unanswered("s", "during", url=db)
            assert records.recent_unanswered(5, url=db) == []  # reads still work during the fault
        # The first write after the fault succeeds: no connection from the fault is reused.
        assert records.record_unanswered("s", "after", url=db) > 0
        assert records.db.write_error(db) is None
    finally:
        records.db.dispose(db)
