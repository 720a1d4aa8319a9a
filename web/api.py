"""The public JSON API: chat, search, passages, feedback, and its OpenAPI document."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

import records

from .chat import chat_turn
from .cors import check_origin, add_cors_headers
from .errors import ApiError
from .extensions import csrf
from .resources import db_path, get_kb, get_relay
from .search import search_payload

bp = Blueprint("api", __name__, url_prefix="/api")
# The API is called by the widget on other sites with JSON bodies and no session: CORS, not CSRF tokens.
csrf.exempt(bp)
bp.before_request(check_origin)
bp.after_request(add_cors_headers)

OPENAPI_FILE = Path(__file__).parent / "openapi.json"
SENDER_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
PASSAGE_ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,80}$")
MAX_K = 20
MAX_COMMENT_CHARS = 500


def _json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "请求格式不正确：请以 JSON 对象提交。")
    return data


def _sender(data: dict[str, Any]) -> str:
    sender = data.get("sender")
    if not isinstance(sender, str) or not SENDER_RE.match(sender):
        raise ApiError(400, "sender 无效：应为1到64位字母、数字或 _ . : - 组成的字符串。")
    return sender


def check_question(value: Any, name: str = "message") -> str:
    """The question text, or ApiError 400 with a message residents understand."""
    if value is None:
        raise ApiError(400, f"缺少 {name}：请输入您的问题。")
    if not isinstance(value, str):
        raise ApiError(400, "只能发送文字问题。")
    text = value.strip()
    if not text:
        raise ApiError(400, "问题不能为空，请输入您想了解的内容。")
    limit = current_app.config["MAX_MESSAGE_CHARS"]
    if len(text) > limit:
        raise ApiError(400, f"问题太长（{len(text)}字），请精简到{limit}字以内再问。")
    return text


@bp.post("/chat")
def chat() -> Response:
    """Relay a resident's message to the assistant; reduced mode answers from the report directly."""
    data = _json_body()
    sender = _sender(data)
    message = check_question(data.get("message"))
    from knowledge import EmptyQueryError, QueryTooLongError

    try:
        turn = chat_turn(sender, message, get_relay(), get_kb, db_path())
    except (EmptyQueryError, QueryTooLongError) as exc:
        raise ApiError(400, str(exc)) from exc
    return jsonify(turn.to_dict())


@bp.get("/search")
def search() -> Response:
    """Ranked passages and the extractive answer for `q` (the knowledge CLI's JSON)."""
    query = check_question(request.args.get("q"), "q")
    try:
        k = int(request.args.get("k", 5))
    except ValueError:
        raise ApiError(400, f"k 必须是1到{MAX_K}之间的整数。") from None
    if not 1 <= k <= MAX_K:
        raise ApiError(400, f"k 必须是1到{MAX_K}之间的整数。")
    section = request.args.get("section")
    section_no = None
    if section:
        if not section.isdigit():
            raise ApiError(400, "section 必须是部分编号（1到7）。")
        section_no = int(section)
    from knowledge import EmptyQueryError, QueryTooLongError

    try:
        payload = search_payload(get_kb(), query, k=k, section_no=section_no)
    except (EmptyQueryError, QueryTooLongError) as exc:
        raise ApiError(400, str(exc)) from exc
    return jsonify(payload)


@bp.get("/passages/<passage_id>")
def passage(passage_id: str) -> Response:
    """One passage with its full text and metadata."""
    from knowledge import PassageNotFoundError

    if not PASSAGE_ID_RE.match(passage_id):
        raise ApiError(404, "找不到这段原文。")
    kb = get_kb()
    try:
        if hasattr(kb, "find_passage"):  # a LiveKnowledgeBase: old citations open too, marked superseded
            return jsonify(kb.find_passage(passage_id).to_dict())
        found = kb.passage(passage_id)
    except PassageNotFoundError:
        raise ApiError(404, "找不到这段原文。") from None
    # The whole paragraph too: a passage may be one sentence of a longer paragraph.
    return jsonify({**found.to_dict(), "paragraph": kb.paragraph_text(found), "kb_version": kb.version,
                    "superseded": False})


@bp.post("/feedback")
def feedback() -> tuple[Response, int]:
    """Store a resident's 👍/👎 on an answer (with a reason for 👎)."""
    data = _json_body()
    sender = _sender(data)
    helpful = data.get("helpful")
    if not isinstance(helpful, bool):
        raise ApiError(400, "helpful 必须是 true 或 false。")
    message_id = _optional_id(data, "message_id")
    passage_id = _optional_id(data, "passage_id")
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
    if message_id:
        shown = records.get_bot_message(message_id, url=db_path())
        if shown is None and not passage_id:
            raise ApiError(404, "找不到这条回答，无法记录评价。")
        if shown is not None:
            passage_id = passage_id or shown["passage_id"]
            question, answer, kb_version = shown["question"], shown["text"], shown["kb_version"]
    feedback_id = records.record_feedback(
        sender, helpful, message_id=message_id, passage_id=passage_id, reason=reason if not helpful else None,
        comment=comment.strip(), question=question, answer=answer, kb_version=kb_version, url=db_path(),
    )
    return jsonify({"ok": True, "id": feedback_id}), 201


def _optional_id(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not PASSAGE_ID_RE.match(value):
        raise ApiError(400, f"{key} 无效。")
    return value


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 document of this API."""
    document = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
    return jsonify(document)
