"""Migrations: a database made by the old web/store.py (tables, no alembic_version) is adopted
without losing a row; the import rule (actions never import web) holds."""
from __future__ import annotations

import ast
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import records
from records import audit

REPO = Path(__file__).resolve().parents[2]

# web/store.py's schema before records/ existed, verbatim (it was re-run at every connect).
OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS handoffs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    sender_id   TEXT    NOT NULL,
    question    TEXT    NOT NULL DEFAULT '',
    transcript  TEXT    NOT NULL DEFAULT '[]',   -- JSON list of {"role": "user"|"bot", "text", "time"}
    passages    TEXT    NOT NULL DEFAULT '[]',   -- JSON list of citations shown in the conversation
    reason      TEXT    NOT NULL DEFAULT '',     -- resident_request | after_abstention | ...
    status      TEXT    NOT NULL DEFAULT 'open'  -- open | closed (the staff console moves it)
);
CREATE INDEX IF NOT EXISTS handoffs_created ON handoffs (created_at);

CREATE TABLE IF NOT EXISTS unanswered (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    sender_id   TEXT    NOT NULL,
    question    TEXT    NOT NULL,
    reason      TEXT    NOT NULL DEFAULT ''      -- not_in_report | out_of_scope | ...
);
CREATE INDEX IF NOT EXISTS unanswered_created ON unanswered (created_at);

-- Web app tables (web/): staff accounts, the bot messages the widget showed, residents' feedback.
CREATE TABLE IF NOT EXISTS users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    username      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT    NOT NULL,                -- werkzeug generate_password_hash
    role          TEXT    NOT NULL DEFAULT 'staff', -- staff | admin
    active        INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE IF NOT EXISTS bot_messages (
    message_id  TEXT    PRIMARY KEY,              -- the id the widget sends back with feedback
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    sender_id   TEXT    NOT NULL,
    question    TEXT    NOT NULL DEFAULT '',      -- masked
    text        TEXT    NOT NULL DEFAULT '',      -- masked
    passage_id  TEXT,                             -- the cited passage, if any
    kb_version  TEXT,
    mode        TEXT    NOT NULL DEFAULT 'normal' -- normal | reduced (answered without Rasa)
);
CREATE INDEX IF NOT EXISTS bot_messages_created ON bot_messages (created_at);

CREATE TABLE IF NOT EXISTS feedback (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    sender_id   TEXT    NOT NULL,
    message_id  TEXT,
    passage_id  TEXT,
    kb_version  TEXT,
    question    TEXT    NOT NULL DEFAULT '',      -- masked
    answer      TEXT    NOT NULL DEFAULT '',      -- masked
    helpful     INTEGER NOT NULL,                 -- 1 = 👍, 0 = 👎
    reason      TEXT,                             -- wrong_passage | wrong_figure | out_of_date | other
    comment     TEXT    NOT NULL DEFAULT '',      -- masked
    UNIQUE (sender_id, message_id)                -- changing one's mind updates the row
);
CREATE INDEX IF NOT EXISTS feedback_created ON feedback (created_at);
"""

OLD_ROWS = [
    "INSERT INTO handoffs (sender_id, question, transcript, passages, reason, status, created_at) VALUES"
    " ('r1', '想找人工', '[{\"role\": \"user\", \"text\": \"想找人工\"}]', '[{\"passage_id\": \"p3\"}]',"
    " 'resident_request', 'closed', '2025-03-01T08:00:00Z')",
    "INSERT INTO unanswered (sender_id, question, reason, created_at) VALUES ('r2', '社保怎么转', 'not_in_report',"
    " '2025-03-01T09:00:00Z')",
    "INSERT INTO users (username, password_hash, role, active) VALUES ('Hotline01', 'pbkdf2:old-hash', 'staff', 1)",
    "INSERT INTO users (username, password_hash, role, active) VALUES ('boss', 'pbkdf2:boss-hash', 'admin', 0)",
    "INSERT INTO bot_messages (message_id, sender_id, question, text, passage_id, kb_version, mode) VALUES"
    " ('m1', 'r3', '学位', '新增学位7530个', 'p9', 'v1', 'reduced')",
    "INSERT INTO feedback (sender_id, message_id, passage_id, kb_version, question, answer, helpful, reason, comment)"
    " VALUES ('r3', 'm1', 'p9', 'v1', '学位', '新增学位7530个', 0, 'wrong_figure', '数字不对')",
]


def _old_database(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(OLD_SCHEMA)
    for statement in OLD_ROWS:
        conn.execute(statement)
    conn.commit()
    conn.close()
    return path


def test_upgrade_adopts_an_old_store_database_without_losing_rows(tmp_path):
    db = _old_database(tmp_path / "wuzhong.sqlite")
    records.upgrade(db)

    (handoff,) = records.recent_handoffs(url=db)
    assert handoff["sender_id"] == "r1" and handoff["status"] == "closed"
    assert handoff["created_at"] == "2025-03-01T08:00:00Z"
    assert handoff["transcript"] == [{"role": "user", "text": "想找人工"}] and handoff["passages"] == [{"passage_id": "p3"}]
    (question,) = records.recent_unanswered(url=db)
    assert question["question"] == "社保怎么转" and question["reason"] == "not_in_report"
    staff = records.get_user_by_name("hotline01", url=db)
    assert staff["password_hash"] == "pbkdf2:old-hash" and staff["role"] == "staff" and staff["active"] is True
    assert staff["session_generation"] == 0 and staff["failed_logins"] == 0 and staff["locked_until"] is None
    assert records.get_user_by_name("boss", url=db)["active"] is False
    message = records.get_bot_message("m1", url=db)
    assert message["text"] == "新增学位7530个" and message["mode"] == "reduced" and message["kb_version"] == "v1"
    (vote,) = records.recent_feedback(url=db)
    assert vote["helpful"] == 0 and vote["reason"] == "wrong_figure" and vote["comment"] == "数字不对"

    # The adopted database works like a new one: old rows keep their ids, new rows follow them.
    assert records.record_unanswered("r4", "新问题", url=db) == question["id"] + 1
    with records.session_scope(db) as session:
        audit.log(session, "boss", "user_role", "user:Hotline01")
    records.upgrade(db)  # a second `make run`: nothing to do, nothing lost
    assert len(records.recent_unanswered(url=db)) == 2 and len(records.list_users(url=db)) == 2


def test_upgrade_completes_a_partial_old_database(tmp_path):
    db = tmp_path / "partial.sqlite"
    conn = sqlite3.connect(db)
    # An older store.py had only the action server's two tables.
    conn.executescript(OLD_SCHEMA.split("-- Web app tables")[0])
    conn.execute("INSERT INTO unanswered (sender_id, question) VALUES ('r', '旧问题')")
    conn.commit()
    conn.close()
    records.upgrade(db)
    assert records.recent_unanswered(url=db)[0]["question"] == "旧问题"
    assert records.create_user("new", "hash", url=db) == 1


def test_cli_upgrade(tmp_path):
    db = _old_database(tmp_path / "cli.sqlite")
    result = subprocess.run([sys.executable, "-m", "records", "upgrade", "--url", str(db)], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "at revision" in result.stdout
    assert records.get_user_by_name("Hotline01", url=db)["session_generation"] == 0


def test_actions_never_import_web():
    for source in (REPO / "actions").rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            assert not any(n == "web" or n.startswith("web.") for n in names), f"{source} imports {names}"
    # And at run time: loading every action module pulls in no part of the web app.
    code = ("import sys, pkgutil, importlib, actions\n"
            "for m in pkgutil.iter_modules(actions.__path__): importlib.import_module('actions.' + m.name)\n"
            "print(sorted(n for n in sys.modules if n == 'web' or n.startswith('web.') or n == 'flask'))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_copy_moves_every_record_to_a_new_database(tmp_path, db_url):
    from records.transfer import copy_database

    old = _old_database(tmp_path / "old.sqlite")
    with records.session_scope(old) as session:
        audit.log(session, "boss", "user_disable", "user:boss", {"说明": "离职"})
    counts = copy_database(old, db_url)
    assert counts["handoffs"] == counts["unanswered"] == counts["bot_messages"] == counts["feedback"] == 1
    assert counts["users"] == 2 and counts["audit_events"] == 1

    assert records.recent_handoffs(url=db_url) == records.recent_handoffs(url=old)
    assert records.recent_feedback(url=db_url) == records.recent_feedback(url=old)
    assert records.list_users(url=db_url) == records.list_users(url=old)
    assert records.get_bot_message("m1", url=db_url) == records.get_bot_message("m1", url=old)
    with records.session_scope(db_url) as session:
        assert audit.events(session)[0]["detail"] == {"说明": "离职"}
    # New rows continue after the copied ids (PostgreSQL's sequences were moved).
    assert records.record_unanswered("r", "新问题", url=db_url) == records.recent_unanswered(url=old)[0]["id"] + 1
    assert records.create_user("newcomer", "hash", url=db_url) == 3
    with pytest.raises(ValueError, match="not empty"):
        copy_database(old, db_url)
