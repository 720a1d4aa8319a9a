"""Personal data lands nowhere unmasked: the real tracker store (Rasa venv; SQLite and PostgreSQL), the web app's
chat / feedback / handoff paths, the real Rasa + action server stack, every app table and the log files."""
from __future__ import annotations

import json
import logging
import re
import sqlite3
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterable

import pytest

from records.masking import mask_pii
from tests.records.test_masking import FORMATS

REPO = Path(__file__).resolve().parents[2]
RASA_PYTHON = REPO / ".venv-rasa" / "bin" / "python"
APP_TABLES = ("bot_messages", "unanswered", "handoffs", "feedback")

# Resident messages carrying every format (a few per message, as people write them), ≤ 500 characters each.
MESSAGES = ["，".join(text for _name, text, _masked in FORMATS[i:i + 6]) + "，今年新增多少学位？"
            for i in range(0, len(FORMATS), 6)]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text.translate({c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}))


def assert_nothing_unmasked(blobs: Iterable[str], where: str) -> None:
    """No stored text holds a format's raw value (as written or as its digit run), and masking it changes nothing."""
    blobs = [b for b in blobs if b]
    assert blobs, f"{where}: nothing stored, nothing proven"
    every = "\n".join(blobs)
    every_digits = _digits(every)
    for name, text, _masked in FORMATS:
        assert text not in every, f"{where}: {name} stored as written: {text!r}"
        if len(_digits(text)) >= 11:
            assert _digits(text) not in every_digits, f"{where}: {name}'s digits stored"
        if "@" in text:
            assert text.split("@")[0][-6:] + "@" not in every, f"{where}: {name}'s address stored"
    for blob in blobs:
        assert mask_pii(blob) == blob, f"{where}: unmasked personal data in {blob[:200]!r}"


def _strings(value) -> Iterable[str]:
    """Every string in a JSON value (tracker events are stored as JSON with \\u escapes)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


# Runs in the Rasa venv: builds the store the way `rasa run` does (endpoints -> create_tracker_store), saves a
# conversation full of personal data, and prints what a retrieve gives back.
STORE_SCRIPT = r"""
import asyncio, json, sys
from rasa.core.tracker_store import create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

config, messages = json.loads(sys.stdin.read())
store = create_tracker_store(EndpointConfig.from_dict(config), Domain.load("bot/domain.yml"))
print(type(store).__name__, file=sys.stderr)
tracker = DialogueStateTracker("resident-1", store.domain.slots)
for text in messages:
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(text, {"name": "ask_report", "confidence": 0.9},
                               [{"entity": "topic", "value": text[:40], "start": 0, "end": 5}],
                               parse_data={"text": text, "intent": {"name": "ask_report", "confidence": 0.9}},
                               metadata={"raw": text}))
    tracker.update(SlotSet("language", text))
    tracker.update(BotUttered("已记录：" + text, {"custom": {"citation": {"quote": "新增学位7530个"}}}))
    asyncio.run(store.save(tracker))  # saved every turn, as Rasa does
back = asyncio.run(store.retrieve("resident-1"))
print(json.dumps([e.as_dict() for e in back.events], ensure_ascii=False))
"""


def _save_in_rasa_venv(config: dict) -> list[dict]:
    out = subprocess.run([str(RASA_PYTHON), "-c", STORE_SCRIPT], input=json.dumps([config, MESSAGES]), cwd=REPO,
                         capture_output=True, text=True, timeout=300, env={"PATH": "/usr/bin:/bin",
                                                                           "PYTHONPATH": str(REPO)})
    assert out.returncode == 0, out.stderr[-3000:]
    assert "MaskingTrackerStore" in out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def _check_events(events: list[dict], rows: list[str], where: str) -> None:
    stored = [s for row in rows for s in _strings(json.loads(row))]
    assert sum(1 for row in rows if json.loads(row)["event"] == "user") == len(MESSAGES)
    assert_nothing_unmasked(stored, where)
    user_texts = [e["text"] for e in events if e["event"] == "user"]
    assert user_texts == [mask_pii(m) for m in MESSAGES]  # what Rasa reads back next turn: masked, else intact
    assert "新增学位7530个" in "".join(stored)  # the report's figure in the citation is kept


@pytest.mark.rasa
@pytest.mark.parametrize("type_name", ["bot.tracker_store.MaskingTrackerStore", "bot.tracker_store.SQLiteTrackerStore"])
def test_sqlite_tracker_store_persists_only_masked_text(tmp_path, type_name):
    db = tmp_path / "tracker.sqlite"
    events = _save_in_rasa_venv({"type": type_name, "dialect": "sqlite", "db": str(db)})
    with sqlite3.connect(db) as conn:
        rows = [r[0] for r in conn.execute("SELECT data FROM events ORDER BY id")]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    _check_events(events, rows, f"tracker store {type_name}")


@pytest.mark.rasa
@pytest.mark.postgres
def test_postgresql_tracker_store_persists_only_masked_text():
    import psycopg

    from tests.records.pg import PostgresServer

    server = PostgresServer().start()
    try:
        name = server.new_database().rsplit("/", 1)[1]
        # Rasa SQLTrackerStore's endpoint keys: `url` is the host.
        events = _save_in_rasa_venv({"type": "bot.tracker_store.MaskingTrackerStore", "dialect": "postgresql",
                                     "url": "127.0.0.1", "port": server.port, "username": "postgres", "db": name})
        with psycopg.connect(f"host=127.0.0.1 port={server.port} user=postgres dbname={name}") as conn:
            rows = [r[0] for r in conn.execute("SELECT data FROM events ORDER BY id")]
    finally:
        server.stop()
    _check_events(events, rows, "PostgreSQL tracker store")


def _table_texts(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        texts = []
        for table in APP_TABLES:
            columns = [c[1] for c in conn.execute(f"PRAGMA table_info({table})")]
            for row in conn.execute(f"SELECT * FROM {table}"):
                for column, value in zip(columns, row):
                    if isinstance(value, str) and column != "sender_id":
                        # JSON columns (a handoff's transcript): their strings, not their timestamps
                        texts.extend(_strings(json.loads(value)) if value[:1] in "[{" else [value])
        return texts


def test_web_app_chat_feedback_and_handoff_store_only_masked_text(kb, tmp_path):
    """Reduced mode (Rasa down): /api/chat, a handoff typed with personal data, /api/feedback with a comment."""
    from tests.stack import free_port
    from web import create_app

    dead = f"http://127.0.0.1:{free_port()}"
    db = tmp_path / "app.sqlite"
    log_file = tmp_path / "web.log"
    app = create_app({"TESTING": True, "KB": kb, "DB": str(db), "DATABASE_URL": "", "SECRET_KEY": "t",
                      "RASA_URL": dead, "ACTIONS_URL": dead, "CHAT_RATE_LIMIT": "1000 per minute",
                      "FEEDBACK_RATE_LIMIT": "1000 per minute"})
    handler = logging.FileHandler(log_file, encoding="utf-8")  # a handler added after start-up, unfiltered
    logging.getLogger().addHandler(handler)
    try:
        client = app.test_client()
        ids = []
        for i, message in enumerate(MESSAGES):
            reply = client.post("/api/chat", json={"sender": f"web-{i}", "message": message})
            assert reply.status_code == 200, reply.get_json()
            ids.append((f"web-{i}", reply.get_json()["messages"][-1]["message_id"]))
        handoff = client.post("/api/chat", json={"sender": "web-h", "message": "转人工，" + MESSAGES[0][:200]})
        assert handoff.status_code == 200 and handoff.get_json()["messages"][-1].get("handoff") is True
        for (sender, message_id), message in zip(ids, MESSAGES):
            vote = client.post("/api/feedback", json={"sender": sender, "message_id": message_id, "helpful": False,
                                                      "reason": "other", "comment": message[:500]})
            assert vote.status_code == 201, vote.get_json()
        app.logger.error("could not handle %s", MESSAGES[1])  # what an error log would carry
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    texts = _table_texts(db)
    with sqlite3.connect(db) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in APP_TABLES}
    assert counts["bot_messages"] >= len(MESSAGES) and counts["feedback"] == len(MESSAGES) and counts["handoffs"] == 1
    assert_nothing_unmasked(texts, "app tables (web)")
    assert_nothing_unmasked([log_file.read_text(encoding="utf-8")], "web log")


@pytest.mark.rasa
def test_rasa_stack_stores_and_logs_only_masked_text(rasa_stack):
    """Straight to Rasa's REST channel (no web app masking first): tracker store, action server writes, logs."""
    sender = "pii-e2e"
    for message in MESSAGES + ["公积金怎么提取？我的电话158 2468 1357", "转人工"]:
        assert rasa_stack.send(sender, message), message
    # An action call the action server cannot run, named with a phone number: the server logs the error.
    body = json.dumps({"next_action": "action_for_15824681357", "sender_id": "pii-bad", "domain": {},
                       "tracker": {"sender_id": "pii-bad", "slots": {}, "latest_message": {"text": MESSAGES[1]},
                                   "events": [{"event": "user", "text": MESSAGES[2]}]}}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {rasa_stack.actions_token}"}
    request = urllib.request.Request(f"{rasa_stack.actions_url}/webhook", body, headers)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    assert refused.value.code == 404
    with sqlite3.connect(rasa_stack.tracker_db) as conn:
        rows = [r[0] for r in conn.execute("SELECT data FROM events WHERE sender_id = ?", (sender,))]
    stored = [s for row in rows for s in _strings(json.loads(row))]
    assert sum(1 for row in rows if json.loads(row)["event"] == "user") == len(MESSAGES) + 2
    assert_nothing_unmasked(stored, "Rasa tracker store")
    app_texts = _table_texts(rasa_stack.db_path)
    assert any("158****1357" in t for t in app_texts)  # the handoff's transcript and question were written
    assert_nothing_unmasked(app_texts, "app tables (action server)")
    logs = {name: (rasa_stack.workdir / f"{name}.log").read_text(encoding="utf-8", errors="replace")
            for name in ("rasa", "actions")}
    assert "action_for_158****1357" in logs["actions"]  # the error was logged, masked
    for name, log in logs.items():
        assert "15824681357" not in log, f"{name}.log holds a phone number"
        for _name, text, _masked in FORMATS:
            assert text not in log, f"{name}.log holds {text!r}"
            if len(_digits(text)) >= 11:
                assert _digits(text) not in _digits(log), f"{name}.log holds the digits of {text!r}"


@pytest.mark.rasa
def test_rasa_logging_config_masks_every_handler():
    """bot/logging.yml as `rasa run --logging-config-file` applies it, then Rasa's coloredlogs handler on top."""
    code = ("import logging, sys\n"
            "from rasa.utils.common import configure_logging_and_warnings\n"
            "import rasa.utils.io\n"
            "configure_logging_and_warnings(None, 'bot/logging.yml')\n"
            "assert logging.getLogger().handlers[0].filters, 'bot/logging.yml was not applied'\n"
            "rasa.utils.io.configure_colored_logging('INFO')\n"
            "logging.getLogger('rasa.core.processor').error('tracker: %s', sys.argv[1])\n"
            "try:\n    raise ValueError(sys.argv[2])\n"
            "except ValueError:\n    logging.getLogger('sanic.error').exception('action failed')\n")
    out = subprocess.run([str(RASA_PYTHON), "-c", code, MESSAGES[0], MESSAGES[1]], cwd=REPO, capture_output=True,
                         text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)})
    assert out.returncode == 0, out.stderr[-2000:]
    written = out.stdout + out.stderr
    assert mask_pii(MESSAGES[0]) in written and "ValueError: " + mask_pii(MESSAGES[1]) in written
    for _name, text, _masked in FORMATS:
        assert text not in written
