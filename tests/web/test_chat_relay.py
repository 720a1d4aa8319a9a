"""`/api/chat` relaying to the real Rasa server + action server, and what happens when either is down."""
from __future__ import annotations

import time

import pytest

import records as store
from web.chat_relay import merge_rasa_messages

CITATION = {"passage_id": "p1", "document": "苏州市吴中区人民政府工作报告", "section": "四、…", "title": "提升运营效能",
            "quote": "新辟、优化公交线路10条,新增公交站点20个", "text": "…", "span": [1, 2], "kb_version": "v1"}


def test_citation_joins_the_text_before_it():
    raw = [{"recipient_id": "a", "text": "根据报告：新辟、优化公交线路10条"},
           {"recipient_id": "a", "custom": {"citation": CITATION}},
           {"recipient_id": "a", "text": "还想了解什么？", "buttons": [{"title": "转人工", "payload": "/request_human"}]}]
    messages = merge_rasa_messages(raw)
    assert [m["text"] for m in messages] == ["根据报告：新辟、优化公交线路10条", "还想了解什么？"]
    assert messages[0]["citation"] == CITATION and "citation" not in messages[1]
    assert messages[1]["buttons"] == [{"title": "转人工", "payload": "/request_human"}]


def test_merge_drops_what_the_widget_cannot_show():
    raw = [{"recipient_id": "a", "image": "http://x/y.png"}, "junk",
           {"recipient_id": "a", "text": "答复", "buttons": [{"payload": "/x"}, {"title": "好", "payload": 3}]},
           {"recipient_id": "a", "custom": {"citation": {"document": "no passage id"}}}]
    assert merge_rasa_messages(raw) == [{"text": "答复", "buttons": [{"title": "好", "payload": "好"}]}]
    # A citation without kb_version gets the web app's.
    merged = merge_rasa_messages([{"text": "x"}, {"custom": {"citation": {**CITATION, "kb_version": ""}}}], "v9")
    assert merged[0]["citation"]["kb_version"] == "v9"


@pytest.fixture
def stack_client(make_app, warm_rasa):
    """A test client relaying to the session's real Rasa server, sharing the action server's DB."""
    rasa_stack = warm_rasa
    app = make_app(RASA_URL=rasa_stack.rasa_url, ACTIONS_URL=rasa_stack.actions_url, DB=str(rasa_stack.db_path))
    return app.test_client()


def chat(client, sender, message):
    response = client.post("/api/chat", json={"sender": sender, "message": message})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.rasa
def test_chat_through_rasa_answers_with_citation_and_follow_up(stack_client, rasa_stack, kb):
    sender = f"relay-{time.time_ns()}"
    body = chat(stack_client, sender, "今年新增多少学位？")
    assert body["mode"] == "normal"
    (answer,) = [m for m in body["messages"] if "citation" in m]
    assert "7530" in answer["text"] and "7530" in answer["citation"]["quote"]
    assert answer["citation"]["kb_version"] == kb.version
    assert {"passage_id", "document", "section", "title", "quote"} <= answer["citation"].keys()
    follow = chat(stack_client, sender, "那暑托班呢？")
    (answer,) = [m for m in follow["messages"] if "citation" in m]
    assert "暑托班" in answer["citation"]["quote"]
    # The message ids the widget gets are known to the feedback endpoint.
    response = stack_client.post("/api/feedback", json={"sender": sender, "message_id": answer["message_id"],
                                                        "helpful": False, "reason": "out_of_date"})
    assert response.status_code == 201
    (row,) = [r for r in store.recent_feedback(50, url=rasa_stack.db_path) if r["sender_id"] == sender]
    assert row["passage_id"] == answer["citation"]["passage_id"] and row["reason"] == "out_of_date"


@pytest.mark.rasa
def test_chat_through_rasa_masks_numbers_before_relaying(stack_client, rasa_stack):
    sender = f"relay-pii-{time.time_ns()}"
    chat(stack_client, sender, "我的手机13912345678，身份证320506199001011234，怎么办理社保？")
    tracker = rasa_stack.tracker(sender)
    said = [e.get("text") or "" for e in tracker["events"] if e.get("event") == "user"]
    assert said and all("13912345678" not in s and "320506199001011234" not in s for s in said)


@pytest.mark.rasa
def test_healthz_with_the_real_stack(stack_client, kb):
    body = stack_client.get("/healthz").get_json()
    assert body["state"] == "ok" and body["rasa"]["ok"] and body["actions"]["ok"]
    assert body["knowledge"]["version"] == kb.version


@pytest.mark.rasa
def test_action_server_down_falls_back_to_reduced_mode(stack_client, rasa_stack):
    """Rasa up, action server stopped: Rasa drops the failed action's messages; the web app still answers."""
    rasa_stack._stop("actions")
    try:
        started = time.monotonic()
        body = chat(stack_client, f"relay-down-{time.time_ns()}", "失能老人家庭养老床位建多少张？")
        assert time.monotonic() - started < 10
        assert body["mode"] == "reduced"
        assert "降级模式" in body["messages"][0]["text"]
        assert "180张" in body["messages"][1]["citation"]["quote"]
        assert stack_client.get("/healthz").get_json()["state"] == "degraded"
    finally:
        rasa_stack.start_actions()
    assert chat(stack_client, f"relay-up-{time.time_ns()}", "今年新增多少学位？")["mode"] == "normal"
