"""Whole conversations over POST /webhooks/rest/webhook against a real Rasa server and action server."""
from __future__ import annotations

import json
import re
import uuid

import pytest

import records as store

pytestmark = pytest.mark.rasa


def new_sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:8]}"


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def citations(messages: list[dict]) -> list[dict]:
    return [m["custom"]["citation"] for m in messages if "citation" in (m.get("custom") or {})]


def test_answer_is_text_then_citation_payload(rasa_stack):
    sender = new_sender()
    messages = rasa_stack.send(sender, "今年新增多少学位？")

    assert [set(m) - {"recipient_id"} for m in messages] == [{"text"}, {"custom"}]
    assert all(m["recipient_id"] == sender for m in messages)
    assert "7530" in messages[0]["text"]
    citation = citations(messages)[0]
    assert "新增学位7530个" in citation["text"] and citation["quote"] in citation["text"]
    assert citation["document"] == "苏州市吴中区人民政府工作报告"
    assert {"passage_id", "section", "title", "kb_version"} <= set(citation)


def test_followup_is_answered_in_context_then_source_and_thanks(rasa_stack):
    sender = new_sender()
    assert "您好" in texts(rasa_stack.send(sender, "你好"))
    first = rasa_stack.send(sender, "公交线路今年新增几条？")
    assert "10条" in texts(first)

    followup = rasa_stack.send(sender, "那站点呢？")
    assert "新增公交站点20个" in texts(followup)
    assert "新增公交站点20个" in citations(followup)[0]["text"]

    source = rasa_stack.send(sender, "出处？")
    assert citations(source)[0]["section"] in texts(source) and "原文" in texts(source)
    assert "不客气" in texts(rasa_stack.send(sender, "谢谢"))


def test_out_of_scope_abstains_with_hotline_and_no_citation(rasa_stack):
    sender = new_sender()
    messages = rasa_stack.send(sender, "东山景区门票多少钱")

    assert citations(messages) == []
    assert "12345" in texts(messages)
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/request_human", "/deny"]
    assert store.recent_unanswered(url=rasa_stack.db_path)[0]["sender_id"] == sender


def test_yes_after_abstention_records_a_handoff(rasa_stack):
    sender = new_sender()
    rasa_stack.send(sender, "今年新增多少学位？")
    rasa_stack.send(sender, "暑托班一期收费多少，在哪报名？我电话13912345678")
    reply = rasa_stack.send(sender, "好的")

    handoff = next(h for h in store.recent_handoffs(url=rasa_stack.db_path) if h["sender_id"] == sender)
    assert f"#{handoff['id']}" in texts(reply) and "12345" in texts(reply)
    assert handoff["reason"] == "after_abstention"
    assert handoff["question"] == "暑托班一期收费多少，在哪报名？我电话139****5678"
    assert "13912345678" not in json.dumps(handoff, ensure_ascii=False)
    assert [t["role"] for t in handoff["transcript"]][:2] == ["user", "bot"]
    assert "新增学位7530个" in handoff["passages"][0]["quote"]


def test_request_human_records_a_handoff(rasa_stack):
    sender = new_sender()
    rasa_stack.send(sender, "失能老人家庭养老床位建多少张")
    reply = rasa_stack.send(sender, "转人工")

    handoff = next(h for h in store.recent_handoffs(url=rasa_stack.db_path) if h["sender_id"] == sender)
    assert handoff["reason"] == "resident_request" and handoff["status"] == "open"
    assert handoff["question"] == "失能老人家庭养老床位建多少张"
    assert len(handoff["passages"]) == 1
    assert f"#{handoff['id']}" in texts(reply)


def test_vague_message_gets_topic_buttons_and_a_button_answers(rasa_stack):
    sender = new_sender()
    messages = rasa_stack.send(sender, "想问个事")
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert len(payloads) == 5 and citations(messages) == []

    transit = next(p for p in payloads if '"transit"' in p)
    answer = rasa_stack.send(sender, transit)
    assert "10条" in texts(answer) and citations(answer)


def test_english_question_and_english_followup(rasa_stack):
    sender = new_sender()
    assert "Hello" in texts(rasa_stack.send(sender, "Hello"))
    first = rasa_stack.send(sender, "How many new school places will there be this year?")
    assert "7530" in texts(first) and "report" in texts(first).lower()

    followup = rasa_stack.send(sender, "and summer care classes for kids?")
    assert "150" in texts(followup) and "report" in texts(followup).lower()
    assert "暑托班" in citations(followup)[0]["text"]
    # the language slot is set in NLU (bot/language_entity.py): a message telling none keeps the conversation's
    assert not re.search(r"[\u3400-\u9fff]", texts(rasa_stack.send(sender, "👍")))
    assert re.search(r"[\u3400-\u9fff]", texts(rasa_stack.send(sender, "你好")))


def test_conversation_survives_a_rasa_restart(rasa_stack):
    sender = new_sender()
    assert "10条" in texts(rasa_stack.send(sender, "公交线路今年新增几条？"))

    rasa_stack.restart_rasa()

    events = rasa_stack.tracker(sender)["events"]
    assert any(e.get("event") == "user" and e.get("text") == "公交线路今年新增几条？" for e in events)
    # The follow-up still has its context: the slots came back from the tracker store.
    assert "新增公交站点20个" in texts(rasa_stack.send(sender, "那站点呢？"))


def test_a_traditional_message_meets_the_same_nlu_as_a_simplified_one(rasa_stack):
    """「區長是誰？」 was read as "are you a bot" (bot/simplified_tokenizer.py reads it as 「区长是谁？」)."""
    traditional = texts(rasa_stack.send(new_sender(), "區長是誰？"))
    simplified = texts(rasa_stack.send(new_sender(), "区长是谁？"))
    assert "不是真人" not in traditional
    assert traditional == simplified and "12345" in traditional
