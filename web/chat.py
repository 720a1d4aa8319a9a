"""One chat turn: relay to Rasa, or answer straight from the knowledge base when Rasa is down (no Flask)."""
from __future__ import annotations

import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

import records

from .chat_relay import RasaRelay, RasaUnavailable, clean_citation, merge_rasa_messages

log = logging.getLogger(__name__)

HANDOFF_PAYLOAD = "/request_human"
# What a resident types (or the widget's 「转人工」 button sends) to reach a person in reduced mode.
HANDOFF_RE = re.compile(r"转人工|人工客服|人工服务|找人工|真人|12345|\bhuman\b|\bagent\b|\boperator\b", re.I)
PAYLOAD_RE = re.compile(r"^/(\w+)(\{.*\})?$", re.S)

# Topic buttons (`/ask_report{"topic": "school"}`) asked without Rasa: the report's headline promise on it.
TOPIC_QUESTIONS = {
    "school": "今年新增多少学位？",
    "transit": "今年新辟优化多少条公交线路？",
    "elder_care": "失能老人家庭养老床位建多少张？",
    "tourism": "今年游客总人次目标是多少？",
}

REDUCED_NOTICE = {
    "zh": "当前为降级模式：对话服务暂时不可用，以下回答直接检索自报告原文，暂不能结合上文理解追问。",
    "en": "Reduced mode: the dialogue service is temporarily unavailable, so this answer comes straight "
          "from the report and cannot use the earlier conversation.",
}
REDUCED_HANDOFF = {
    "zh": "已为您登记转人工请求，工作人员会尽快处理。您也可以直接拨打12345政务服务便民热线。",
    "en": "Your request for a person has been recorded. You can also call the 12345 hotline directly.",
}
REDUCED_PAYLOAD = {
    "zh": "当前为降级模式，暂不能使用快捷按钮，请直接输入您的问题。",
    "en": "Reduced mode: buttons are unavailable for now, please type your question.",
}


@dataclass
class ChatTurn:
    """The widget's messages for one resident message, and whether Rasa produced them."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    mode: str = "normal"  # "normal" | "reduced"

    def to_dict(self) -> dict[str, Any]:
        """The `/api/chat` response body."""
        return {"messages": self.messages, "mode": self.mode}


def new_message_id() -> str:
    """A short random id the widget sends back with feedback."""
    return uuid.uuid4().hex[:20]


def chat_turn(sender: str, message: str, relay: RasaRelay, kb_provider: Callable[[], Any],
              db: str | None = None) -> ChatTurn:
    """Answer one resident message; never raises because Rasa or the action server is down."""
    # Masked before it leaves this process: Rasa's tracker keeps every message.
    relayed = records.mask_pii(message)
    turn = ChatTurn()
    try:
        raw = relay.send(sender, relayed)
        turn.messages = merge_rasa_messages(raw, kb_version=_kb_version(kb_provider))
    except RasaUnavailable as exc:
        log.warning("Rasa unavailable, answering in reduced mode: %s", exc)
    if not turn.messages:
        # An empty reply means the action server failed (Rasa drops the action's events), so
        # the resident still gets an answer from the report itself.
        turn = reduced_turn(sender, relayed, kb_provider(), db)
    for item in turn.messages:
        item["message_id"] = new_message_id()
    try:
        records.record_bot_messages(sender, relayed, turn.messages, mode=turn.mode, url=db)
    except (records.DatabaseError, OSError):
        # The answer matters more than the log row; feedback then carries its own passage_id.
        log.exception("could not record bot messages")
    return turn


def _kb_version(kb_provider: Callable[[], Any]) -> str | None:
    try:
        return kb_provider().version
    except Exception:  # the KB is only needed to fill a missing kb_version
        return None


def reduced_turn(sender: str, message: str, kb: Any, db: str | None = None) -> ChatTurn:
    """Answer from the knowledge layer without dialogue context, saying so."""
    from knowledge.language import detect_language

    question = message.strip()
    payload = PAYLOAD_RE.match(question)
    if payload:
        if payload.group(1) == HANDOFF_PAYLOAD[1:]:
            question = "转人工"
        else:
            question = _payload_text(payload.group(2))
    language = detect_language(question) if question else "zh"
    notice = {"text": REDUCED_NOTICE[language], "kind": "notice"}
    if not question:
        return ChatTurn([notice, {"text": REDUCED_PAYLOAD[language]}], "reduced")
    if HANDOFF_RE.search(question):
        _store_safely(records.record_handoff, sender, question, transcript=[{"role": "user", "text": question}],
                      reason="resident_request_reduced_mode", url=db)
        return ChatTurn([notice, {"text": REDUCED_HANDOFF[language], "handoff": True}], "reduced")
    answer = kb.answer(question)
    reply: dict[str, Any] = {"text": answer.text}
    if answer.abstained and _is_gap(answer.reason):
        _store_safely(records.record_unanswered, sender, question, reason=answer.reason or "not_in_report", url=db)
        reply["buttons"] = [{"title": "转人工 / 12345", "payload": HANDOFF_PAYLOAD}]
    elif answer.citation is not None:
        reply["citation"] = clean_citation(answer.citation.to_dict(), kb.version)
    return ChatTurn([notice, reply], "reduced")


def _is_gap(reason: str | None) -> bool:
    """A question the report leaves open (worth a person and the operators' list), not a service request,
    chit-chat or nonsense: those get the knowledge layer's own words only."""
    from knowledge.reasons import STANDALONE

    return (reason or "").partition(":")[0] not in STANDALONE


def _payload_text(entities: str | None) -> str:
    """The entity values of a button payload like `/ask_report{"topic": "养老"}` as a question."""
    try:
        values = json.loads(entities) if entities else {}
    except ValueError:
        return ""
    if not isinstance(values, dict):
        return ""
    words = [str(v) for v in values.values() if isinstance(v, (str, int, float))]
    return " ".join(TOPIC_QUESTIONS.get(w, w) for w in words if w != "other")


def _store_safely(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    try:
        func(*args, **kwargs)
    except (records.DatabaseError, OSError):
        log.exception("could not store %s", func.__name__)
