"""The public JSON API: chat, search, passages, feedback, and its OpenAPI document."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, jsonify, request

import records

from .chat import chat_options, chat_turn
from .cors import check_origin, add_cors_headers
from .errors import ApiError
from .extensions import ADDRESS_LIMITED, RATE_LIMITED, csrf
from .resources import db_path, get_kb, get_relay
from .search import search_payload
from .validation import ID_RE, MAX_COMMENT_CHARS, MAX_K, int_arg, json_object, optional_id, sender
from .validation import question as check_question  # the staff console imports it from here

bp = Blueprint("api", __name__, url_prefix="/api")
# The API is called by the widget on other sites with JSON bodies and no session: CORS, not CSRF tokens.
csrf.exempt(bp)
bp.before_request(check_origin)
bp.after_request(add_cors_headers)
# Feedback writes a row per call: limited per client and per address (a client may invent a sender per call).
RATE_LIMITED["api.feedback"] = ADDRESS_LIMITED["api.feedback"] = ("FEEDBACK_RATE_LIMIT", ["POST"])

OPENAPI_FILE = Path(__file__).parent / "openapi.json"
__all__ = ["bp", "MAX_K", "check_question"]


@bp.post("/chat")
def chat() -> Response:
    """Relay a resident's message to the assistant; reduced mode answers from the report directly."""
    data = json_object()
    sender_id = sender(data)
    message = check_question(data.get("message"), words_required=False)
    from knowledge import EmptyQueryError, QueryTooLongError

    try:
        turn = chat_turn(sender_id, message, get_relay(), get_kb, db_path(), **chat_options(data))
    except (EmptyQueryError, QueryTooLongError) as exc:
        raise ApiError(400, str(exc)) from exc
    return jsonify(turn.to_dict())


@bp.get("/search")
def search() -> Response:
    """Ranked passages and the extractive answer for `q` (the knowledge CLI's JSON)."""
    query = check_question(request.args.get("q"), "q")
    k = int_arg("k", 5, 1, MAX_K)
    section_no = int_arg("section", None, 1, 99, "（报告的部分编号）")
    from knowledge import EmptyQueryError, QueryTooLongError

    try:
        payload = search_payload(get_kb(), query, k=k, section_no=section_no)
    except (EmptyQueryError, QueryTooLongError) as exc:
        raise ApiError(400, str(exc)) from exc
    return jsonify(payload)


@bp.get("/passages/<passage_id>")
def passage(passage_id: str) -> Response:
    """One passage with its full text and metadata."""
    found = find_passage(passage_id)
    if found is None:
        raise ApiError(404, "找不到这段原文。")
    return jsonify(found)


def find_passage(passage_id: str) -> dict[str, Any] | None:
    """The passage as `/api/passages` shows it (older versions' passages too, marked superseded), or None."""
    from knowledge import PassageNotFoundError

    if not ID_RE.fullmatch(passage_id):
        return None
    kb = get_kb()
    try:
        if hasattr(kb, "find_passage"):  # a LiveKnowledgeBase: old citations open too, marked superseded
            return kb.find_passage(passage_id).to_dict()
        found = kb.passage(passage_id)
    except PassageNotFoundError:
        return None
    # The whole paragraph too: a passage may be one sentence of a longer paragraph.
    return {**found.to_dict(), "paragraph": kb.paragraph_text(found), "kb_version": kb.version, "superseded": False}


@bp.post("/feedback")
def feedback() -> tuple[Response, int]:
    """Store a resident's 👍/👎 on an answer (with a reason for 👎); the answer or passage must exist."""
    data = json_object()
    sender_id = sender(data)
    helpful = data.get("helpful")
    if not isinstance(helpful, bool):
        raise ApiError(400, "helpful 必须是 true 或 false。")
    message_id = optional_id(data, "message_id")
    passage_id = optional_id(data, "passage_id")
    if not message_id and not passage_id:
        raise ApiError(400, "请提供 message_id 或 passage_id。")
    reason = data.get("reason")
    if reason is not None and reason not in records.FEEDBACK_REASONS:
        raise ApiError(400, "reason 只能是 " + " / ".join(records.FEEDBACK_REASONS) + "。")
    comment = data.get("comment") or ""
    if not isinstance(comment, str) or len(comment) > MAX_COMMENT_CHARS:
        raise ApiError(400, f"补充说明须为{MAX_COMMENT_CHARS}字以内的文字。")
    question = answer = ""
    kb_version = None
    shown = records.get_bot_message(message_id, url=db_path()) if message_id else None
    if shown is not None:
        question, answer, kb_version = shown["question"], shown["text"], shown["kb_version"]
    elif not passage_id:
        raise ApiError(404, "找不到这条回答，无法记录评价（回答可能已过期，请对新的回答评价）。")
    # A passage named by the client must be one the report has (had): no rows about made-up ids.
    if passage_id and (shown is None or passage_id != shown["passage_id"]) and find_passage(passage_id) is None:
        raise ApiError(404, f"找不到原文段落 {passage_id}，无法记录评价。")
    feedback_id = records.record_feedback(
        sender_id, helpful, message_id=message_id, passage_id=passage_id or (shown or {}).get("passage_id"),
        reason=reason if not helpful else None, comment=comment.strip(), question=question, answer=answer,
        kb_version=kb_version, url=db_path(),
    )
    return jsonify({"ok": True, "id": feedback_id}), 201


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 document of this API."""
    document = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
    return jsonify(document)
