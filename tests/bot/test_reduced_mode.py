"""Reduced mode (Rasa down): the knowledge layer's verdict is shown as one reply after the notice, with a
person offered only for a question the report leaves open."""
from __future__ import annotations

import socket

import pytest

import records


@pytest.fixture
def reduced_client(kb, tmp_path):
    """A web app whose Rasa server is unreachable."""
    from web import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    db = tmp_path / "web.sqlite"
    app = create_app({"TESTING": True, "KB": kb, "DB": str(db), "SECRET_KEY": "test", "RASA_URL": dead,
                      "ACTIONS_URL": dead, "RATELIMIT_ENABLED": False})
    return app.test_client(), db


def reply_of(client, message: str) -> tuple[dict, dict]:
    response = client.post("/api/chat", json={"sender": "reduced-1", "message": message})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["mode"] == "reduced"
    notice, reply = body["messages"]
    assert notice["kind"] == "notice"
    return reply, body


@pytest.mark.parametrize("message", ["帮我查一下我的社保缴费记录", "陪我聊聊天吧", "👍👍👍", "qwertyuiop"])
def test_requests_that_are_not_report_questions_get_one_reply_without_offer_or_record(reduced_client, message):
    client, db = reduced_client
    reply, _ = reply_of(client, message)

    assert reply["text"] and "citation" not in reply and "buttons" not in reply
    assert records.recent_unanswered(url=db) == []


def test_a_gap_in_the_report_offers_a_person_and_is_recorded(reduced_client):
    client, db = reduced_client
    reply, _ = reply_of(client, "东山景区门票多少钱")

    assert "12345" in reply["text"] and reply["buttons"][0]["payload"] == "/request_human"
    assert records.recent_unanswered(url=db)[0]["question"] == "东山景区门票多少钱"
