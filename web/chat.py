"""One chat turn: relay to Rasa, or answer straight from the knowledge base when Rasa is down; nothing at
all while admins have taken the assistant offline. Only `chat_options` reads the Flask request."""
from __future__ import annotations

import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

import records
from records import conversations

from .chat_relay import RasaRelay, RasaUnavailable, clean_citation, merge_rasa_messages
from .switches import offline_reply

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


HANDOFF_FLOODED = {
    "zh": "您的转人工请求已经登记过了，工作人员会按顺序处理，请勿重复提交。急事请直接拨打12345政务服务便民热线。",
    "en": "Your request for a person is already recorded and will be handled in turn; if urgent, call 12345.",
}
HISTORY_TEXT_CHARS = 500  # per turn of the widget's history (it cuts as much: 20 turns fit MAX_CONTENT_LENGTH)
HISTORY_ROLES = ("user", "bot")


@dataclass
class ChatTurn:
    """The widget's messages for one resident message, and whether Rasa produced them."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    mode: str = "normal"  # "normal" | "reduced" | "offline"

    def to_dict(self) -> dict[str, Any]:
        """The `/api/chat` response body."""
        return {"messages": self.messages, "mode": self.mode}


def new_message_id() -> str:
    """A short random id the widget sends back with feedback."""
    return uuid.uuid4().hex[:20]


def chat_turn(sender: str, message: str, relay: RasaRelay, kb_provider: Callable[[], Any],
              db: str | None = None, history: list[dict[str, str]] | None = None,
              handoff_allowed: Callable[[], bool] | None = None) -> ChatTurn:
    """Answer one resident message; never raises because Rasa or the action server is down. `history`: the
    widget's conversation (kept in a reduced-mode handoff); `handoff_allowed`: the flood limit on handoffs
    requested without any conversation."""
    offline = offline_reply(db)
    if offline is not None:
        return ChatTurn([offline], "offline")  # Rasa is not asked at all
    # Masked before it leaves this process: Rasa's tracker keeps every message.
    relayed = records.mask_pii(message)
    if handoff_allowed is not None and is_handoff_request(relayed) and _anonymous(sender, history, db) \
            and not handoff_allowed():
        return _flooded_turn(relayed)
    turn = ChatTurn()
    try:
        raw = relay.send(sender, relayed)
        turn.messages = merge_rasa_messages(raw, kb_version=_kb_version(kb_provider))
    except RasaUnavailable as exc:
        log.warning("Rasa unavailable, answering in reduced mode: %s", exc)
    if not turn.messages:
        # An empty reply means the action server failed (Rasa drops the action's events), so
        # the resident still gets an answer from the report itself.
        turn = reduced_turn(sender, relayed, kb_provider(), db, history)
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


def is_handoff_request(message: str) -> bool:
    """The 「转人工」 button's payload, or words asking for a person."""
    text = message.strip()
    return text == HANDOFF_PAYLOAD or (not PAYLOAD_RE.match(text) and bool(HANDOFF_RE.search(text)))


def _anonymous(sender: str, history: list[dict[str, str]] | None, db: str | None) -> bool:
    """No conversation before this handoff request: none in the widget's history, none answered for `sender`."""
    if any(turn["role"] == "user" for turn in history or ()):
        return False
    try:
        return not conversations.has_talked(sender, url=db)
    except (records.DatabaseError, OSError):
        return True  # the flood limit still holds when the database cannot tell


def _flooded_turn(message: str) -> ChatTurn:
    """The answer to one client's handoff requests beyond the flood limit: nothing new is stored."""
    from knowledge.language import detect_language

    language = "zh" if message.startswith("/") else detect_language(message)
    return ChatTurn([{"text": HANDOFF_FLOODED[language], "handoff": True}], "normal")


def reduced_turn(sender: str, message: str, kb: Any, db: str | None = None,
                 history: list[dict[str, str]] | None = None) -> ChatTurn:
    """Answer from the knowledge layer without dialogue context, saying so; a handoff keeps `history`."""
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
        # What the widget showed the resident so far, then this request: staff see the whole conversation.
        transcript = [*(history or []), {"role": "user", "text": question}]
        _store_safely(records.record_handoff, sender, question, transcript=transcript,
                      reason="resident_request_reduced_mode", url=db)
        return ChatTurn([notice, {"text": REDUCED_HANDOFF[language], "handoff": True}], "reduced")
    answer = _curated(kb, question, db) or kb.answer(question)  # an operator's official answer comes first
    reply: dict[str, Any] = {"text": answer.text}
    if answer.abstained and _is_gap(answer.reason):
        _store_safely(records.record_unanswered, sender, question, reason=answer.reason or "not_in_report", url=db)
        reply["buttons"] = [{"title": "转人工 / 12345", "payload": HANDOFF_PAYLOAD}]
    elif answer.citation is not None:
        reply["citation"] = clean_citation(answer.citation.to_dict(), kb.version)
    return ChatTurn([notice, reply], "reduced")


def _curated(kb: Any, question: str, db: str | None) -> Any:
    """The approved curated answer matching the question (None: no match, or the database failed)."""
    from knowledge import KnowledgeError, curated_answer
    from records import curated

    try:
        return curated_answer(kb, question, curated.live_entries(db),
                              on_dead=lambda entry, version: curated.flag_dead(entry, version, url=db))
    except (records.DatabaseError, OSError, KnowledgeError):
        log.exception("curated answers unavailable; answering from the report")
        return None


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


def check_history(value: Any, max_turns: int) -> list[dict[str, str]]:
    """The widget's last `max_turns` turns [{"role", "text"}] (texts cut); ValueError (for residents) if malformed."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(
            isinstance(t, dict) and t.get("role") in HISTORY_ROLES and isinstance(t.get("text"), str) for t in value):
        raise ValueError("history 格式不正确：应为 {\"role\": \"user\" 或 \"bot\", \"text\": 文字} 组成的列表。")
    turns = value[-max_turns:] if max_turns > 0 else []
    return [{"role": t["role"], "text": t["text"][:HISTORY_TEXT_CHARS]} for t in turns if t["text"].strip()]


def chat_options(data: dict[str, Any]) -> dict[str, Any]:
    """chat_turn's keyword arguments from the request body and the app's settings (Flask request context):
    the checked history and the per-client flood limit on handoffs that come without a conversation."""
    from flask import current_app
    from flask_limiter.util import get_remote_address
    from limits import parse_many
    from .errors import ApiError
    try:
        history = check_history(data.get("history"), int(current_app.config["HANDOFF_HISTORY_TURNS"]))
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    limiter = current_app.extensions["wuzhong_limiter"]
    client = get_remote_address()  # behind PROXY_HOPS proxies, the real client (ProxyFix)

    def handoff_allowed() -> bool:
        # Every window of the setting must have room; counted in the limiter's storage like the chat limits.
        if not limiter.enabled:  # RATELIMIT_ENABLED = False turns this limit off with the others
            return True
        items = parse_many(str(current_app.config["HANDOFF_FLOOD_LIMIT"]))
        return all([limiter.limiter.hit(item, "anonymous-handoff", client) for item in items])

    return {"history": history, "handoff_allowed": handoff_allowed}
