"""The custom actions over the real knowledge base, with CollectingDispatcher and trackers built from dicts."""
from __future__ import annotations

import json

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswerReport, ActionOutOfScope, ActionShowSource
from actions.clarify import ActionClarify
from actions.handoff import ActionHandoff
from actions.language import ActionDetectLanguage
from tests.bot.conversation_fixtures import bot_event, tracker_for, user_event
from web import store

CITATION_KEYS = {"passage_id", "document", "section", "title", "quote", "text", "kb_version"}


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    """A fresh app database for the actions to write to."""
    path = tmp_path / "app.sqlite"
    monkeypatch.setenv("WUZHONG_DB", str(path))
    return path


def run(action, tracker):
    """Run an action; its messages and events."""
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


def slots_set(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def citation_of(messages) -> dict:
    customs = [m["custom"]["citation"] for m in messages if m.get("custom")]
    assert len(customs) == 1, messages
    return customs[0]


def test_answer_states_the_figure_and_cites_the_passage(kb, app_db):
    messages, events = run(ActionAnswerReport(knowledge_base=kb), tracker_for("公交线路今年新增几条？"))

    assert "10条" in messages[0]["text"]
    citation = citation_of(messages)
    assert CITATION_KEYS <= set(citation)
    assert citation["document"] == "苏州市吴中区人民政府工作报告"
    assert citation["kb_version"] == kb.version
    assert "新辟、优化公交线路10条" in citation["quote"] and citation["quote"] in citation["text"]
    assert kb.passage(citation["passage_id"]).text == citation["text"]
    json.dumps(citation)  # the REST channel must be able to send it
    slots = slots_set(events)
    assert slots["outcome"] == "answered"
    assert slots["last_question"] == "公交线路今年新增几条？"
    assert slots["last_passage"] == citation["passage_id"]
    assert slots["last_citation"] == citation


def test_followup_is_answered_in_context_of_the_previous_question(kb, app_db):
    tracker = tracker_for("那站点呢？", intent="ask_followup", slots={"last_question": "公交线路今年新增几条？"})
    messages, events = run(ActionAnswerReport(knowledge_base=kb), tracker)

    assert "新增公交站点20个" in messages[0]["text"]
    assert "新增公交站点20个" in citation_of(messages)["text"]
    # The question the follow-up leans on stays the context for the next 「…呢？」.
    assert "last_question" not in slots_set(events)


def test_followup_asking_for_a_fee_is_declined(kb, app_db):
    tracker = tracker_for("那要多少钱", intent="ask_followup", slots={"last_question": "暑托班今年开多少个"})
    messages, events = run(ActionAnswerReport(knowledge_base=kb), tracker)

    assert not messages[0].get("custom") and "12345" in messages[0]["text"]
    assert slots_set(events)["outcome"] == "abstained"


def test_english_question_gets_an_english_answer(kb, app_db):
    messages, _ = run(ActionAnswerReport(knowledge_base=kb), tracker_for("How many new school places this year?"))

    text = messages[0]["text"]
    assert "7530" in text and "report" in text.lower()
    assert "新增学位7530个" in citation_of(messages)["text"]


def test_topic_button_answers_the_topic(kb, app_db):
    tracker = tracker_for('/ask_report{"topic":"school"}', entities=[{"entity": "topic", "value": "school"}])
    messages, events = run(ActionAnswerReport(knowledge_base=kb), tracker)

    assert "7530" in messages[0]["text"]
    assert slots_set(events)["topic"] == "school"


def test_out_of_scope_abstains_with_hotline_and_records_the_question(kb, app_db):
    tracker = tracker_for("东山景区门票多少钱 我的电话13812345678", intent="out_of_scope")
    messages, events = run(ActionOutOfScope(knowledge_base=kb), tracker)

    assert len(messages) == 1 and not messages[0].get("custom")
    assert "12345" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/request_human", "/deny"]
    assert slots_set(events) == {"outcome": "abstained", "last_passage": None, "last_citation": None}
    recorded = store.recent_unanswered(path=app_db)
    assert recorded[0]["reason"].startswith("out_of_scope")
    assert "13812345678" not in recorded[0]["question"] and "138****5678" in recorded[0]["question"]


def test_a_service_request_is_declined_even_when_retrieval_finds_the_subject(kb, app_db):
    # Retrieval finds the elderly-care passage for this; a passage on the subject is still no answer.
    question = "我想给我妈办老年卡，去哪办"
    messages, events = run(ActionOutOfScope(knowledge_base=kb), tracker_for(question, intent="out_of_scope"))

    assert not messages[0].get("custom") and "12345" in messages[0]["text"]
    assert slots_set(events)["outcome"] == "abstained"
    assert store.recent_unanswered(path=app_db)[0]["reason"] == "out_of_scope:service_request"


def test_out_of_scope_intent_does_not_swallow_a_report_question(kb, app_db):
    tracker = tracker_for("我家住光福，听说今年要建九年一贯制学校，新增多少学位", intent="out_of_scope")
    messages, events = run(ActionOutOfScope(knowledge_base=kb), tracker)

    assert "7530" in messages[0]["text"]
    assert "新增学位7530个" in citation_of(messages)["text"]
    assert slots_set(events)["outcome"] == "answered"
    assert store.recent_unanswered(path=app_db) == []


def test_knowledge_layer_abstention_gives_no_citation(kb, app_db):
    tracker = tracker_for("世界杯谁夺冠了", intent="nlu_fallback", confidence=0.3)
    messages, events = run(ActionAnswerReport(knowledge_base=kb), tracker)

    assert not any(m.get("custom") for m in messages)
    assert "12345" in messages[0]["text"]
    assert slots_set(events)["outcome"] == "abstained"
    assert store.recent_unanswered(path=app_db)[0]["question"] == "世界杯谁夺冠了"


def test_english_out_of_scope_is_declined_in_english(kb, app_db):
    messages, _ = run(ActionOutOfScope(knowledge_base=kb), tracker_for("will it rain tomorrow", intent="out_of_scope"))

    assert "12345" in messages[0]["text"] and "report" in messages[0]["text"]
    assert messages[0]["buttons"][0]["title"] == "Talk to a person"


def test_too_long_question_gets_a_clear_error(kb, app_db):
    messages, events = run(ActionAnswerReport(knowledge_base=kb), tracker_for("学位" * 300))

    assert "太长" in messages[0]["text"] and not messages[0].get("custom")
    assert events == []


def test_show_source_gives_the_whole_passage_with_section_and_title(kb, app_db):
    _, events = run(ActionAnswerReport(knowledge_base=kb), tracker_for("今年新增多少学位？"))
    citation = slots_set(events)["last_citation"]
    tracker = tracker_for("出处？", intent="ask_source", slots={"last_citation": citation, "outcome": "answered"})
    messages, events = run(ActionShowSource(knowledge_base=kb), tracker)

    text = messages[0]["text"]
    assert citation["section"] in text and citation["title"] in text and citation["text"] in text
    assert "新增学位7530个" in text
    assert citation_of(messages) == citation
    assert events == []


def test_a_fragment_taken_for_a_source_request_is_answered(kb, app_db):
    messages, events = run(ActionShowSource(knowledge_base=kb), tracker_for("非遗出海", intent="ask_source"))

    assert "非遗出海" in citation_of(messages)["quote"]
    assert slots_set(events)["outcome"] == "answered"


def test_show_source_without_an_answer_says_so(kb):
    messages, _ = run(ActionShowSource(knowledge_base=kb), tracker_for("出处？", intent="ask_source"))
    assert "还没有问过" in messages[0]["text"] and not messages[0].get("custom")

    after_abstention = tracker_for("原文呢", intent="ask_source", slots={"outcome": "abstained"})
    messages, _ = run(ActionShowSource(knowledge_base=kb), after_abstention)
    assert "没有相关内容" in messages[0]["text"]


def test_clarify_offers_topic_buttons():
    messages, events = run(ActionClarify(), tracker_for("政策", intent="ask_vague"))

    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert [json.loads(p[len("/ask_report"):])["topic"] for p in payloads] == [
        "school", "transit", "elder_care", "tourism", "other"]
    assert all(p.startswith("/ask_report{") for p in payloads)
    assert events == [SlotSet("outcome", "clarified")]


def test_handoff_records_question_masked_transcript_and_cited_passages(kb, app_db):
    _, answer_events = run(ActionAnswerReport(knowledge_base=kb), tracker_for("失能老人家庭养老床位建多少张"))
    citation = slots_set(answer_events)["last_citation"]
    history = [
        user_event("失能老人家庭养老床位建多少张"),
        bot_event("根据报告：建成失能老人家庭养老床位180张", citation),
        user_event("我身份证320106198001011234，电话0512-66668888，想申请一张", intent="out_of_scope"),
        bot_event("这个问题不在报告范围内，请拨打12345"),
    ]
    tracker = tracker_for("转人工", intent="request_human", history=history, sender="resident-42")
    messages, events = run(ActionHandoff(), tracker)

    handoff = store.recent_handoffs(path=app_db)[0]
    assert handoff["sender_id"] == "resident-42" and handoff["reason"] == "resident_request"
    assert handoff["status"] == "open"
    assert handoff["question"] == "我身份证**************1234，电话0512-****8888，想申请一张"
    assert [t["role"] for t in handoff["transcript"]] == ["user", "bot", "user", "bot", "user"]
    assert "320106198001011234" not in json.dumps(handoff, ensure_ascii=False)
    assert handoff["passages"][0]["passage_id"] == citation["passage_id"]
    assert "12345" in messages[0]["text"] and f"#{handoff['id']}" in messages[0]["text"]
    assert events == [SlotSet("outcome", "handed_off")]


def test_yes_after_abstention_is_recorded_as_such(app_db):
    run(ActionHandoff(), tracker_for("好的", intent="affirm", history=[user_event("暑托班收费多少", "out_of_scope")]))
    handoff = store.recent_handoffs(path=app_db)[0]
    assert handoff["reason"] == "after_abstention" and handoff["question"] == "暑托班收费多少"


def test_handoff_still_gives_the_hotline_when_the_database_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("WUZHONG_DB", str(tmp_path))  # a directory: sqlite cannot open it
    messages, events = run(ActionHandoff(), tracker_for("转人工", intent="request_human"))
    assert "12345" in messages[0]["text"] and "#" not in messages[0]["text"]
    assert events == [SlotSet("outcome", "handed_off")]


@pytest.mark.parametrize(("text", "slot", "expected"), [
    ("Hello", "zh", [SlotSet("language", "en")]),
    ("How many new bus stops?", None, [SlotSet("language", "en")]),
    ("你好", "en", [SlotSet("language", "zh")]),
    ("你好", "zh", []),
    ('/ask_report{"topic":"school"}', "en", []),
])
def test_language_slot_follows_the_resident(text, slot, expected):
    _, events = run(ActionDetectLanguage(), tracker_for(text, slots={"language": slot}))
    assert events == expected
