"""records on SQLite and on a real PostgreSQL server: conversations, users, lock-out, sessions, audit."""
from __future__ import annotations

import pytest
from sqlalchemy import text

import records
from records import audit
from records.audit import AppendOnlyError
from records.models import AuditEvent


def test_upgrade_reaches_head_and_is_idempotent(db_url):
    records.upgrade(db_url)
    first = records.db.current_revision(db_url)
    records.upgrade(db_url)
    assert records.db.current_revision(db_url) == first
    assert first is not None and first >= "0002_auth_audit"


def test_conversation_records_round_trip_masked(db_url):
    handoff = records.record_handoff("s1", "电话13912345678", [{"role": "user", "text": "13912345678"}],
                                     [{"passage_id": "p1"}], "resident_request", url=db_url)
    records.record_unanswered("s1", "身份证320106198001011234", "not_in_report", url=db_url)
    (row,) = records.recent_handoffs(url=db_url)
    assert row["id"] == handoff and row["question"] == "电话139****5678" and row["status"] == "open"
    assert row["transcript"] == [{"role": "user", "text": "139****5678"}] and row["passages"] == [{"passage_id": "p1"}]
    assert row["created_at"].endswith("Z") and len(row["created_at"]) == 20
    assert records.set_handoff_status(handoff, "closed", url=db_url)
    assert records.recent_handoffs(url=db_url)[0]["status"] == "closed"
    assert not records.set_handoff_status(handoff + 100, "closed", url=db_url)
    with pytest.raises(ValueError):
        records.set_handoff_status(handoff, "deleted", url=db_url)
    assert records.recent_unanswered(url=db_url)[0]["question"] == "身份证**************1234"


def test_bot_messages_and_feedback_upsert(db_url):
    records.record_bot_messages("s", "问13812345678", [{"message_id": "m1", "text": "答",
                                                        "citation": {"passage_id": "p7", "kb_version": "v1"}}],
                                url=db_url)
    records.record_bot_messages("s", "问", [{"message_id": "m1", "text": "改"}], mode="reduced", url=db_url)
    shown = records.get_bot_message("m1", url=db_url)
    assert shown["text"] == "改" and shown["mode"] == "reduced" and shown["passage_id"] is None
    assert records.get_bot_message("nope", url=db_url) is None
    first = records.record_feedback("s", False, message_id="m1", reason="wrong_figure", comment="电话13812345678",
                                    url=db_url)
    second = records.record_feedback("s", True, message_id="m1", url=db_url)
    assert first == second
    (row,) = records.recent_feedback(url=db_url)
    assert row["helpful"] == 1 and row["reason"] is None
    with pytest.raises(ValueError):
        records.record_feedback("s", True, message_id="m2", reason="bogus", url=db_url)


def test_users_are_unique_case_insensitively_and_changes_end_sessions(db_url):
    user_id = records.create_user("Hotline01", "hash", role="operator", url=db_url, actor="boss")
    with pytest.raises(records.UserExistsError):
        records.create_user("hotline01", "hash", url=db_url)
    with pytest.raises(ValueError):
        records.create_user("x", "hash", role="root", url=db_url)
    user = records.get_user_by_name("HOTLINE01", url=db_url)
    assert user["id"] == user_id and user["role"] == "operator" and user["active"]
    assert user["session_generation"] == 0 and user["failed_logins"] == 0 and user["locked_until"] is None
    assert records.set_role(user_id, "reviewer", url=db_url, actor="boss")
    assert records.set_active("hotline01", False, url=db_url, actor="boss")
    assert records.set_password(user_id, "hash2", url=db_url, actor="boss")
    assert records.end_sessions(user_id, url=db_url, actor="Hotline01")
    after = records.get_user(user_id, url=db_url)
    assert after["role"] == "reviewer" and not after["active"] and after["password_hash"] == "hash2"
    assert after["session_generation"] == 4
    assert not records.set_role(999, "staff", url=db_url)
    with records.session_scope(db_url) as session:
        actions = [e["action"] for e in audit.events(session, target="user:Hotline01")]
    assert actions == ["logout", "user_password", "user_disable", "user_role", "user_create"]


def test_lock_out_is_counted_in_the_database(db_url):
    records.create_user("anna", "right", url=db_url)

    def attempt(password: str) -> records.LoginResult:
        return records.attempt_login("anna", lambda stored: stored == password, max_failures=3, lock_minutes=10,
                                     url=db_url)

    assert attempt("wrong").outcome == "bad_password"
    assert attempt("right").outcome == "ok"  # success resets the count
    assert [attempt("wrong").outcome for _ in range(3)] == ["bad_password", "bad_password", "locked"]
    records.db.dispose(db_url)  # a restart: nothing in memory survives
    locked = attempt("right")
    assert locked.outcome == "locked" and locked.user is None and locked.locked_until
    assert records.get_user_by_name("anna", url=db_url)["locked_until"] == locked.locked_until
    records.set_active("anna", True, url=db_url, actor="admin")  # an admin clears the lock
    assert attempt("right").outcome == "ok"
    records.set_active("anna", False, url=db_url)
    assert attempt("right").outcome == "disabled"
    assert records.attempt_login("ghost", lambda s: False, 3, 10, url=db_url).outcome == "unknown_user"
    with records.session_scope(db_url) as session:
        kinds = [e["action"] for e in audit.events(session, actor="anna")]
    assert kinds.count("login_failed") == 3 and "login_locked" in kinds and "login_refused" in kinds
    assert kinds.count("login") == 2


def test_audit_log_is_append_only_and_exports_csv(db_url):
    with records.session_scope(db_url) as session:
        audit.log(session, "rev1", "publish", "kb:2025-v2", {"from": "v1", "说明": "新版本"})
        audit.log(session, None, "rollback", "kb:2025-v1")
    with records.session_scope(db_url) as session:
        rows = audit.events(session)
        assert [r["action"] for r in rows] == ["rollback", "publish"]
        assert audit.events(session, actor="rev1")[0]["detail"] == {"from": "v1", "说明": "新版本"}
        assert audit.events(session, since="2999-01-01") == []
        assert len(audit.events(session, until=rows[0]["created_at"][:10])) == 2
        assert audit.from_csv("\ufeff" + audit.to_csv(rows)) == rows
    with pytest.raises(AppendOnlyError), records.session_scope(db_url) as session:
        session.query(AuditEvent).first().action = "nothing"
    with pytest.raises(AppendOnlyError), records.session_scope(db_url) as session:
        session.delete(session.query(AuditEvent).first())
    for statement in ("UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(records.DatabaseError, match="append-only"), records.session_scope(db_url) as session:
            session.execute(text(statement))
    with records.session_scope(db_url) as session:
        assert len(audit.events(session)) == 2 and audit.events(session)[1]["actor"] == "rev1"
