"""The app's SQLite database: one schema, shared by the action server and the web app (no Flask here).

The action server writes handoffs (a resident asked for a person) and unanswered questions
(the report did not cover them); the staff console reads them. Every question and transcript
goes through `mask_pii` before it is stored, so ID-card and phone numbers never reach the disk.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterable

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = REPO_ROOT / "instance" / "wuzhong.sqlite"

# The one schema of the app database. Other modules add their tables HERE, not elsewhere,
# so that `connect()` always creates a complete database.
SCHEMA = """
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

# Digits not glued to other digits, so a figure inside a longer number is left alone.
_ID_CARD_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)")
_MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)(0\d{2,3})[- ]?(\d{3,4})[- ]?(\d{4})(?!\d)")
# Bank cards and other long identifiers; report figures never run this long.
_LONG_NUMBER_RE = re.compile(r"(?<!\d)\d{11,}(?!\d)")


def mask_pii(text: str) -> str:
    """Mask Chinese ID-card numbers, mobile and landline phone numbers (and other long digit runs)."""
    if not text:
        return text or ""
    text = _ID_CARD_RE.sub(lambda m: "*" * (len(m.group(0)) - 4) + m.group(0)[-4:], text)
    text = _MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = _LANDLINE_RE.sub(lambda m: f"{m.group(1)}-****{m.group(3)}", text)
    return _LONG_NUMBER_RE.sub(lambda m: "*" * (len(m.group(0)) - 4) + m.group(0)[-4:], text)


def db_path(path: str | os.PathLike | None = None) -> Path:
    """The database file: `path`, else $WUZHONG_DB, else instance/wuzhong.sqlite."""
    return Path(path or os.environ.get("WUZHONG_DB") or DEFAULT_DB)


def init_schema(conn: sqlite3.Connection) -> None:
    """Create every table and index that is missing."""
    conn.executescript(SCHEMA)


def connect(path: str | os.PathLike | None = None) -> sqlite3.Connection:
    """Open the app database (WAL mode, rows as sqlite3.Row), creating file and schema if missing."""
    target = db_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(target, timeout=10)
    conn.row_factory = sqlite3.Row
    # WAL lets the console read while the action server writes.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    init_schema(conn)
    return conn


def _masked_transcript(transcript: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**turn, "text": mask_pii(str(turn.get("text") or ""))} for turn in transcript]


def record_handoff(
    sender_id: str,
    question: str,
    transcript: Iterable[dict[str, Any]] = (),
    passages: Iterable[dict[str, Any]] = (),
    reason: str = "resident_request",
    path: str | os.PathLike | None = None,
) -> int:
    """Store a handoff to the 12345 staff (question and transcript masked); return its id."""
    conn = connect(path)
    try:
        with conn:
            cur = conn.execute(
                "INSERT INTO handoffs (sender_id, question, transcript, passages, reason)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    sender_id,
                    mask_pii(question or ""),
                    json.dumps(_masked_transcript(transcript), ensure_ascii=False),
                    json.dumps(list(passages), ensure_ascii=False),
                    reason,
                ),
            )
        return int(cur.lastrowid)
    finally:
        conn.close()


def record_unanswered(
    sender_id: str, question: str, reason: str = "not_in_report", path: str | os.PathLike | None = None
) -> int:
    """Store a question the report did not answer (masked); return its id."""
    conn = connect(path)
    try:
        with conn:
            cur = conn.execute(
                "INSERT INTO unanswered (sender_id, question, reason) VALUES (?, ?, ?)",
                (sender_id, mask_pii(question or ""), reason),
            )
        return int(cur.lastrowid)
    finally:
        conn.close()


def _handoff_row(row: sqlite3.Row) -> dict[str, Any]:
    item = dict(row)
    item["transcript"] = json.loads(item["transcript"] or "[]")
    item["passages"] = json.loads(item["passages"] or "[]")
    return item


def recent_handoffs(limit: int = 50, path: str | os.PathLike | None = None) -> list[dict[str, Any]]:
    """The latest handoffs, newest first, with transcript and passages decoded from JSON."""
    conn = connect(path)
    try:
        rows = conn.execute("SELECT * FROM handoffs ORDER BY id DESC LIMIT ?", (int(limit),)).fetchall()
        return [_handoff_row(row) for row in rows]
    finally:
        conn.close()


def recent_unanswered(limit: int = 50, path: str | os.PathLike | None = None) -> list[dict[str, Any]]:
    """The latest unanswered questions, newest first."""
    conn = connect(path)
    try:
        rows = conn.execute("SELECT * FROM unanswered ORDER BY id DESC LIMIT ?", (int(limit),)).fetchall()
        return [dict(row) for row in rows]
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------
# Web app part (web/): staff users, the bot messages the widget showed, residents' feedback.
# ---------------------------------------------------------------------------------------------

FEEDBACK_REASONS = ("wrong_passage", "wrong_figure", "out_of_date", "other")


_chat_local = threading.local()


def _chat_connection(path: str | os.PathLike | None) -> sqlite3.Connection:
    """This thread's long-lived connection for chat-turn logging (WAL, synchronous=NORMAL).

    Opening and closing per write costs ~20 ms (the last close checkpoints and fsyncs the WAL);
    a kept-open connection commits in microseconds. The database stays consistent; only an OS
    crash could drop the last rows, which are a log, not residents' requests.
    """
    key = str(db_path(path).resolve())
    cache = getattr(_chat_local, "connections", None)
    if cache is None:
        cache = _chat_local.connections = {}
    conn = cache.get(key)
    if conn is None:
        conn = cache[key] = connect(path)
        conn.execute("PRAGMA synchronous=NORMAL")
    return conn


class UserExistsError(ValueError):
    """A staff user with that name already exists."""


def create_user(
    username: str, password_hash: str, role: str = "staff", path: str | os.PathLike | None = None
) -> int:
    """Add a staff user (the password already hashed); UserExistsError if the name is taken."""
    conn = connect(path)
    try:
        with conn:
            cur = conn.execute(
                "INSERT INTO users (username, password_hash, role) VALUES (?, ?, ?)",
                (username, password_hash, role),
            )
        return int(cur.lastrowid)
    except sqlite3.IntegrityError as exc:
        raise UserExistsError(f"user {username!r} already exists") from exc
    finally:
        conn.close()


def set_password(username: str, password_hash: str, path: str | os.PathLike | None = None) -> bool:
    """Replace a user's password hash; False when there is no such user."""
    conn = connect(path)
    try:
        with conn:
            cur = conn.execute("UPDATE users SET password_hash = ? WHERE username = ?", (password_hash, username))
        return cur.rowcount > 0
    finally:
        conn.close()


def get_user(user_id: int, path: str | os.PathLike | None = None) -> dict[str, Any] | None:
    """The user row with that id, or None."""
    conn = connect(path)
    try:
        row = conn.execute("SELECT * FROM users WHERE id = ?", (int(user_id),)).fetchone()
        return dict(row) if row else None
    finally:
        conn.close()


def get_user_by_name(username: str, path: str | os.PathLike | None = None) -> dict[str, Any] | None:
    """The user row with that name (case-insensitive), or None."""
    conn = connect(path)
    try:
        row = conn.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
        return dict(row) if row else None
    finally:
        conn.close()


def record_bot_messages(
    sender_id: str,
    question: str,
    messages: Iterable[dict[str, Any]],
    mode: str = "normal",
    path: str | os.PathLike | None = None,
) -> None:
    """Store the bot messages of one turn (each with its `message_id`), question and text masked."""
    rows = []
    for message in messages:
        citation = message.get("citation") or {}
        rows.append((
            message["message_id"], sender_id, mask_pii(question or ""), mask_pii(message.get("text") or ""),
            citation.get("passage_id"), citation.get("kb_version"), mode,
        ))
    if not rows:
        return
    with _chat_connection(path) as conn:
        conn.executemany(
            "INSERT OR REPLACE INTO bot_messages"
            " (message_id, sender_id, question, text, passage_id, kb_version, mode)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def get_bot_message(message_id: str, path: str | os.PathLike | None = None) -> dict[str, Any] | None:
    """A bot message the widget showed, or None."""
    conn = connect(path)
    try:
        row = conn.execute("SELECT * FROM bot_messages WHERE message_id = ?", (message_id,)).fetchone()
        return dict(row) if row else None
    finally:
        conn.close()


def record_feedback(
    sender_id: str,
    helpful: bool,
    message_id: str | None = None,
    passage_id: str | None = None,
    reason: str | None = None,
    comment: str = "",
    question: str = "",
    answer: str = "",
    kb_version: str | None = None,
    path: str | os.PathLike | None = None,
) -> int:
    """Store a resident's 👍/👎 (texts masked); a second vote on the same message replaces the first."""
    if reason is not None and reason not in FEEDBACK_REASONS:
        raise ValueError(f"unknown feedback reason {reason!r}")
    values = (
        sender_id, message_id, passage_id, kb_version, mask_pii(question or ""), mask_pii(answer or ""),
        1 if helpful else 0, reason, mask_pii(comment or ""),
    )
    conn = connect(path)
    try:
        with conn:
            cur = conn.execute(
                "INSERT INTO feedback"
                " (sender_id, message_id, passage_id, kb_version, question, answer, helpful, reason, comment)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (sender_id, message_id) DO UPDATE SET"
                " helpful = excluded.helpful, reason = excluded.reason, comment = excluded.comment,"
                " created_at = excluded.created_at"
                " RETURNING id",
                values,
            )
            return int(cur.fetchone()[0])
    finally:
        conn.close()


HANDOFF_STATUSES = ("open", "closed")


def set_handoff_status(handoff_id: int, status: str, path: str | os.PathLike | None = None) -> bool:
    """Staff mark a handoff closed (or reopen it); False when there is no such handoff."""
    if status not in HANDOFF_STATUSES:
        raise ValueError(f"unknown handoff status {status!r}")
    conn = connect(path)
    try:
        with conn:
            cur = conn.execute("UPDATE handoffs SET status = ? WHERE id = ?", (status, int(handoff_id)))
        return cur.rowcount > 0
    finally:
        conn.close()


def recent_feedback(limit: int = 50, path: str | os.PathLike | None = None) -> list[dict[str, Any]]:
    """The latest feedback, newest first."""
    conn = connect(path)
    try:
        rows = conn.execute("SELECT * FROM feedback ORDER BY id DESC LIMIT ?", (int(limit),)).fetchall()
        return [dict(row) for row in rows]
    finally:
        conn.close()
