"""The app database module the action server writes handoffs and unanswered questions to."""
from __future__ import annotations

import sqlite3

import pytest

from web import store


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
    assert store.mask_pii(text) == masked


def test_connect_creates_schema_in_wal_mode(tmp_path):
    conn = store.connect(tmp_path / "sub" / "app.sqlite")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"handoffs", "unanswered"} <= tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_handoffs_are_masked_and_read_back_newest_first(tmp_path):
    db = tmp_path / "app.sqlite"
    first = store.record_handoff("a", "电话13912345678", [{"role": "user", "text": "13912345678"}], [], "resident_request", path=db)
    second = store.record_handoff("b", "问题", [], [{"passage_id": "p1"}], "after_abstention", path=db)

    rows = store.recent_handoffs(path=db)
    assert [r["id"] for r in rows] == [second, first]
    assert rows[1]["question"] == "电话139****5678"
    assert rows[1]["transcript"] == [{"role": "user", "text": "139****5678"}]
    assert rows[0]["passages"] == [{"passage_id": "p1"}] and rows[0]["status"] == "open"
    assert store.recent_handoffs(limit=1, path=db)[0]["id"] == second


def test_unanswered_is_masked(tmp_path):
    db = tmp_path / "app.sqlite"
    store.record_unanswered("a", "我的手机13812345678", "out_of_scope", path=db)
    assert store.recent_unanswered(path=db)[0]["question"] == "我的手机138****5678"


def test_database_path_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("WUZHONG_DB", str(tmp_path / "env.sqlite"))
    store.record_unanswered("a", "q")
    assert (tmp_path / "env.sqlite").is_file()
    with pytest.raises(sqlite3.Error):
        store.record_unanswered("a", "q", path=tmp_path)  # a directory is not a database
