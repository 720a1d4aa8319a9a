"""Read what the resident said so far out of a rasa_sdk Tracker."""
from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker

from knowledge import message_language
from knowledge.language import PAYLOAD_PREFIX
from records import mask_pii

# Turns that are not questions: skipped when looking for "the question" of a conversation.
NON_QUESTION_INTENTS = {
    "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "ask_capabilities",
    "request_human", "ask_source", "ask_vague",
}
# 「那站点呢？」「还有吗」「And parking?」: words that lean on the previous question.
_ELLIPTICAL_ZH = re.compile(r"^(那|那么|还有|另外|其他|然后)|呢[?？。!！\s]*$")
_ELLIPTICAL_EN = re.compile(r"^\s*(and|what about|how about|what else|anything else|also)\b", re.I)
_CJK = re.compile(r"[\u3400-\u9fff]")
SHORT_QUESTION_CHARS = 5
# What a request for the last answer's source says (出处, 原文, where does it say): a message NLU takes for one
# without any of these words (「What's the IPO target?」 after an answer) is a question about the report.
SOURCE_REQUEST_RE = re.compile(
    r"出[处處自]|原[文话話句]|[来來]源|依[据據]|引用|哪[里裡儿兒]?[写寫说說]|哪[一]?[段部]|那段|第[几幾]部分|哪[看查]到|哪[来來]的|"
    r"\bsource\b|\boriginal\b|\bquote\b|\bcite\b|\bsection\b|\bpassage\b|"
    r"\bwhere (?:does|did) (?:it|that|this|the report) say|\bwhere did you (?:get|find|see|read)|"
    r"\bwhere (?:is|was) (?:that|this|it) (?:from|in|said|written)\b|"
    r"\bpart of the report\b|\bwhich part\b", re.I)
# What asking the assistant what it can do says: it addresses the assistant (你, you, 助手, 这里) or asks what may be
# asked. A message NLU takes for one without such words (「今年會出版什麼書嗎?」) is a question about the report.
CAPABILITY_REQUEST_RE = re.compile(r"[你您妳]|助手|[这這]里|[这這]裡|[问問][你些什啥]|能[问問]|可以[问問]|\byou\b|\byourself\b|"
                                   r"\bcan i ask\b", re.I)
# What asking for a person says (转人工, 真人, 客服, talk to someone): a message NLU takes for such a request without
# any of these words (「tell me stuff」) is not handed off.
PERSON_REQUEST_RE = re.compile(r"人工|真人|客服|工作人[员員]|接[线線][员員]|坐席|[转轉]接|找人|找[个個]人|有人[吗嗎]|人[来來]|"
                               r"[热熱][线線]|12345|投[诉訴]|反映|"
                               r"\b(?:human|person|people|agent|staff|operator|someone|somebody|representative|"
                               r"officer|hotline|call me|real|complain|complaint)\b", re.I)
_ASKS_ZH = re.compile(r"几|多少|哪|[吗呢][?？。!！\s]*$|[?？]\s*$")
_LATIN = re.compile(r"[A-Za-z]{2,}")
TRANSCRIPT_TURNS = 60
# Personal data a resident volunteers (「我电话139****1111，…」), once masked, with the words that name it:
# it is no part of the question, so neither the knowledge layer nor the reply ever sees it.
_PERSONAL_DATA = re.compile(
    r"((我的?|本人的?)?(手机号码?|手机|电话号码?|电话|座机|身份证号码?|身份证|证件号码?|银行卡号?|卡号|号码|联系方式)(是|为|:|：)?"
    r"|\b(my |the )?(phone|mobile|telephone|tel|cell|id card|id)( number| no\.?)?( is|:)?)?"
    r"\s*[0-9Xx-]*\*{3,}[0-9Xx-]*[，,；;。.\s]*", re.I)


def asks_for_source(text: str) -> bool:
    """Whether a message asks where the last answer comes from (it names a source, a passage or where it is said)."""
    return bool(SOURCE_REQUEST_RE.search(text))


def asks_for_person(text: str) -> bool:
    """Whether a message asks for a person (转人工, talk to a human): it names one, or the hotline."""
    return bool(PERSON_REQUEST_RE.search(text))


def asks_capabilities(text: str) -> bool:
    """Whether a message asks what the assistant can do (it addresses the assistant or asks what may be asked)."""
    return bool(CAPABILITY_REQUEST_RE.search(text))


def latest_text(tracker: Tracker) -> str:
    """The text of the resident's latest message (a button payload stays as sent)."""
    return (tracker.latest_message or {}).get("text") or ""


def without_personal_data(text: str) -> str:
    """The question without the phone, ID or card numbers (masked first) a resident put in it."""
    masked = mask_pii(text)
    return _PERSONAL_DATA.sub("", masked).strip(" ，,；;。") or masked


def is_payload(text: str) -> bool:
    """True for a button payload such as `/ask_report{"topic":"school"}`."""
    return text.startswith(PAYLOAD_PREFIX)


def latest_intent(tracker: Tracker) -> tuple[str, float]:
    """Name and confidence of the latest message's intent."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name") or "", float(intent.get("confidence") or 0.0)


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    """The value of `entity` in the latest message, if NLU or the payload gave one."""
    return next(tracker.get_latest_entity_values(entity), None)


def reply_language(tracker: Tracker) -> str:
    """The language of the latest message; otherwise the conversation's (`language` slot), else Chinese."""
    return message_language(latest_text(tracker)) or tracker.get_slot("language") or "zh"


def earlier_language(tracker: Tracker) -> str | None:
    """The language of the resident's last message before this one that showed one, if any."""
    user_texts = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
    return next((lang for lang in map(message_language, reversed(user_texts[:-1])) if lang), None)


def unclear_language(tracker: Tracker) -> str:
    """Language for a reply to nonsense: 「qwertyuiop」 or 「👍」 carry none, so the conversation's so far."""
    text = latest_text(tracker)
    if _CJK.search(text) or len(_LATIN.findall(text)) >= 2:
        return reply_language(tracker)
    return earlier_language(tracker) or "zh"


def looks_elliptical(text: str) -> bool:
    """True for a message that only makes sense with the previous question (「那站点呢？」, 「一共几处？」)."""
    text = text.strip()
    if _ELLIPTICAL_ZH.search(text) or _ELLIPTICAL_EN.search(text):
        return True
    # A question of a few characters (一共几处？ 几条河？) asks about what was just being asked about.
    return len(_CJK.findall(text)) <= SHORT_QUESTION_CHARS and bool(_ASKS_ZH.search(text))


def transcript(tracker: Tracker, limit: int = TRANSCRIPT_TURNS) -> list[dict[str, Any]]:
    """The conversation's user and bot messages, oldest first: [{"role", "text", "time"}]."""
    turns = []
    for event in tracker.events:
        kind = event.get("event")
        if kind in ("user", "bot") and event.get("text"):
            turns.append({"role": kind, "text": event["text"], "time": event.get("timestamp")})
    return turns[-limit:]


def shown_citations(tracker: Tracker) -> list[dict[str, Any]]:
    """Citations the assistant sent in this conversation, without repeats, oldest first."""
    seen, citations = set(), []
    for event in tracker.events:
        if event.get("event") != "bot":
            continue
        custom = (event.get("data") or {}).get("custom") or {}
        citation = custom.get("citation") if isinstance(custom, dict) else None
        if citation and citation.get("passage_id") not in seen:
            seen.add(citation.get("passage_id"))
            citations.append(
                {key: citation.get(key) for key in ("passage_id", "section", "title", "quote", "kb_version")}
            )
    return citations


def last_question(tracker: Tracker) -> str:
    """The resident's latest real question before this turn (for a handoff record)."""
    user_events = [e for e in tracker.events if e.get("event") == "user"]
    for event in reversed(user_events[:-1] if len(user_events) > 1 else []):
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        text = event.get("text") or ""
        if intent not in NON_QUESTION_INTENTS and text and not is_payload(text):
            return text
    return tracker.get_slot("last_question") or ""
