"""The app database the action server writes handoffs and unanswered questions to (`records`)."""
from __future__ import annotations

import sqlite3

import pytest

import records


@pytest.mark.parametrize(("text", "masked"), [
    ("身份证320106198001011234", "身份证**************1234"),
    ("身份证32010619800101123X号", "身份证**************123X号"),
    ("手机13812345678", "手机138****5678"),
    ("手机 138-1234-5678 谢谢", "手机 138****5678 谢谢"),
    ("座机0512-66668888", "座机0512-****8888"),
    ("银行卡6222021234567890123", "银行卡***************0123"),
    ("新增学位7530个，拨打12345，旅游总收入达350亿元", "新增学位7530个，拨打12345，旅游总收入达350亿元"),
])
def test_mask_pii(text, masked):
    assert records.mask_pii(text) == masked


def test_first_write_migrates_a_new_database_in_wal_mode(tmp_path):
    db = tmp_path / "sub" / "app.sqlite"
    records.record_unanswered("a", "q", url=db)
    conn = sqlite3.connect(db)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"handoffs", "unanswered", "users", "bot_messages", "feedback", "audit_events", "alembic_version"} <= tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_handoffs_are_masked_and_read_back_newest_first(tmp_path):
    db = tmp_path / "app.sqlite"
    first = records.record_handoff("a", "电话13912345678", [{"role": "user", "text": "13912345678"}], [],
                                   "resident_request", url=db)
    second = records.record_handoff("b", "问题", [], [{"passage_id": "p1"}], "after_abstention", url=db)

    rows = records.recent_handoffs(url=db)
    assert [r["id"] for r in rows] == [second, first]
    assert rows[1]["question"] == "电话139****5678"
    assert rows[1]["transcript"] == [{"role": "user", "text": "139****5678"}]
    assert rows[0]["passages"] == [{"passage_id": "p1"}] and rows[0]["status"] == "open"
    assert records.recent_handoffs(limit=1, url=db)[0]["id"] == second


def test_unanswered_is_masked(tmp_path):
    db = tmp_path / "app.sqlite"
    records.record_unanswered("a", "我的手机13812345678", "out_of_scope", url=db)
    assert records.recent_unanswered(url=db)[0]["question"] == "我的手机138****5678"


def test_database_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("WUZHONG_DATABASE_URL", raising=False)
    monkeypatch.setenv("WUZHONG_DB", str(tmp_path / "env.sqlite"))
    records.record_unanswered("a", "q")
    assert (tmp_path / "env.sqlite").is_file()
    with pytest.raises(records.DatabaseError):
        records.record_unanswered("a", "q", url=tmp_path)  # a directory is not a database


def test_database_url_wins_over_the_sqlite_file(monkeypatch, tmp_path):
    monkeypatch.setenv("WUZHONG_DB", str(tmp_path / "file.sqlite"))
    monkeypatch.setenv("WUZHONG_DATABASE_URL", "postgresql://u:p@127.0.0.1:5/wuzhong")
    assert records.database_url() == "postgresql+psycopg://u:p@127.0.0.1:5/wuzhong"
    monkeypatch.delenv("WUZHONG_DATABASE_URL")
    assert records.database_url() == "sqlite:///" + str((tmp_path / "file.sqlite").resolve())


def test_actions_store_handoffs_through_records(tmp_path, monkeypatch):
    from actions.storage import save_handoff, save_unanswered

    monkeypatch.delenv("WUZHONG_DATABASE_URL", raising=False)
    monkeypatch.setenv("WUZHONG_DB", str(tmp_path / "actions.sqlite"))
    ticket = save_handoff("s", "找人工 13812345678", [{"role": "user", "text": "找人工"}], [], "resident_request")
    assert records.recent_handoffs(url=tmp_path / "actions.sqlite")[0]["id"] == ticket
    monkeypatch.setenv("WUZHONG_DB", str(tmp_path))  # a directory: the database refuses, the action goes on
    assert save_unanswered("s", "问题", "not_in_report") is None
