"""The one place for input rules: what every request may carry (query string, form fields, JSON body, path),
what a resident's question, a sender id or a passage id must look like, and which button payloads reach Rasa.

`screen_request` runs before every view, so a route added later is covered without copying a check; views
call the field helpers (`question`, `sender`, `optional_id`, `int_arg`, `json_object`) for their own fields.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, current_app, request
from werkzeug.exceptions import BadRequest

from .errors import ApiError

# Ids are matched whole (fullmatch): `$` would let "alice\n" through and into the database.
SENDER_RE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
ID_RE = re.compile(r"[A-Za-z0-9_.:-]{1,80}")
MAX_K = 20
MAX_COMMENT_CHARS = 500
# No page of this app needs a longer query string; a longer one is a probe or a mistake.
MAX_QUERY_STRING_BYTES = 8192
# Residents' bodies are flat objects; anything deeper is not ours (and 10 000 levels crash json).
MAX_JSON_DEPTH = 16
# Numbers in query strings and paths are counts, pages and row ids: beyond 18 digits no integer column holds them.
MAX_NUMBER_DIGITS = 18
# Rasa's built-in intents that run control actions (restart, undo, new session): typed as "/restart" they would
# reset the conversation, so they reach Rasa as plain text. The domain's own intents stay payloads (buttons).
CONTROL_INTENTS = ("restart", "back", "session_start", "nlu_fallback")

_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab, newline and CR are allowed in texts
_LINE_BREAK = re.compile("[\t\n\r]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")  # direction overrides: they make text read as it is not
_PAYLOAD = re.compile(r"\s*/+(\w*)")


def check_text(value: str, name: str, single_line: bool = False) -> str:
    """`value` unchanged, or ApiError 400 naming the invisible or broken characters it contains."""
    if _SURROGATE.search(value):
        raise ApiError(400, f"{name} 含有无法识别的字符（不成对的代理字符），请重新输入。")
    if _CONTROL.search(value) or (single_line and _LINE_BREAK.search(value)):
        raise ApiError(400, f"{name} 含有不可见的控制字符（如换行、NUL），请删除后重试。")
    if _BIDI.search(value):
        raise ApiError(400, f"{name} 含有改变文字方向的控制符（如 U+202E），请删除后重试。")
    return value


def question(value: Any, name: str = "message", words_required: bool = True) -> str:
    """A resident's question, stripped, or ApiError 400 with a message residents understand. A chat turn of only
    emoji or punctuation (「👍」「？？？」) is a turn of the conversation, answered by the assistant: `words_required=False`."""
    if value is None:
        raise ApiError(400, f"缺少 {name}：请输入您的问题。")
    if not isinstance(value, str):
        raise ApiError(400, "只能发送文字问题。")
    text = check_text(value, "问题").strip()
    if not text:
        raise ApiError(400, "问题不能为空，请输入您想了解的内容。")
    limit = current_app.config["MAX_MESSAGE_CHARS"]
    if len(text) > limit:
        raise ApiError(400, f"问题太长（{len(text)}字），请精简到{limit}字以内再问。")
    if words_required and not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        raise ApiError(400, "问题里没有文字（只有表情或符号），请用文字写下您想了解的内容。")
    return text


def sender(data: dict[str, Any]) -> str:
    """The widget's conversation id from a JSON body, or ApiError 400."""
    value = data.get("sender")
    if not isinstance(value, str) or not SENDER_RE.fullmatch(value):
        raise ApiError(400, "sender 无效：应为1到64位字母、数字或 _ . : - 组成的字符串。")
    return value


def optional_id(data: dict[str, Any], key: str) -> str | None:
    """An optional message/passage id from a JSON body (None when absent or empty), or ApiError 400."""
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not ID_RE.fullmatch(value):
        raise ApiError(400, f"{key} 无效：应为1到80位字母、数字或 _ . : - 组成的字符串。")
    return value


def int_arg(name: str, default: int | None, low: int, high: int, label: str | None = None) -> int | None:
    """An integer query parameter within [low, high] written with 0-9, its default when absent, or ApiError 400."""
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw[:MAX_NUMBER_DIGITS + 1]) <= high:
        raise ApiError(400, f"{name} 必须是{low}到{high}之间的整数{label or ''}（用 0-9 书写）。")
    return int(raw)


def json_object() -> dict[str, Any]:
    """The request's JSON object (already screened by `screen_request`), or ApiError 400."""
    if not request.is_json:
        raise ApiError(400, "请求格式不正确：请以 JSON 对象提交（Content-Type: application/json）。")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "请求格式不正确：请以 JSON 对象提交。")
    return data


def text_for_rasa(message: str) -> str:
    """The message as Rasa should read it: a typed control payload (`/restart`, `/session_start`, `/back` …)
    becomes plain text (full-width ／); button payloads (`/ask_report{…}`, `/request_human`, `/deny`) pass."""
    match = _PAYLOAD.match(message)
    if match is None or match.group(1) not in CONTROL_INTENTS:
        return message
    return "／" + message[match.end(0) - len(match.group(1)):]


# ---- the request-wide screen ------------------------------------------------------------------

def _check_number_like(name: str, value: str) -> None:
    """Values written only with digits must use 0-9 and fit an integer (`²`, `٣`, 5000 digits crash int())."""
    body = value.strip().lstrip("+-")
    if body and body.isdigit():
        if not body.isascii():
            raise ApiError(400, f"{name} 只能用阿拉伯数字 0-9 书写。")
        if len(body) > MAX_NUMBER_DIGITS:
            raise ApiError(400, f"{name} 的数字位数太多（最多{MAX_NUMBER_DIGITS}位）。")


def _screen_path() -> None:
    for segment in request.path.split("/"):
        if _CONTROL.search(segment) or _LINE_BREAK.search(segment) or _BIDI.search(segment):
            raise ApiError(404, "找不到您要的内容：网址含有不可见的控制字符。")
        if segment.isdigit() and (not segment.isascii() or len(segment) > MAX_NUMBER_DIGITS):
            raise ApiError(404, "找不到您要的内容：网址中的编号无效。")


def _screen_args() -> None:
    if len(request.query_string) > MAX_QUERY_STRING_BYTES:
        raise ApiError(414, f"网址太长（查询参数超过{MAX_QUERY_STRING_BYTES}字节），请缩短后重试。")
    try:
        unquote_to_bytes(request.query_string.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:  # werkzeug would pass the undecodable %XX on as literal text
        raise ApiError(400, "网址参数含有无效的编码（不是 UTF-8），请检查链接。") from None
    for name, value in request.args.items(multi=True):
        check_text(name, "参数名", single_line=True)
        check_text(value, f"参数 {name}", single_line=True)
        _check_number_like(f"参数 {name}", value)
        # Browsers read "/\\evil.example" as "//evil.example": no link of this site has a backslash in next=
        # (other off-site targets are ignored by the login view, which then opens the console).
        if name == "next" and "\\" in value:
            raise ApiError(400, "登录后要跳转的地址无效：只能跳转到本站页面。")


def _screen_form() -> None:
    # Only url-encoded forms: parsing a multipart upload here would apply the small default body limit.
    if request.mimetype != "application/x-www-form-urlencoded":
        return
    for name, value in request.form.items(multi=True):
        check_text(name, "表单字段名", single_line=True)
        check_text(value, f"表单字段 {name}")


def _screen_json() -> None:
    if not request.is_json or not request.content_length:
        return
    try:
        data = request.get_json()  # parsed once here; the view's get_json() reuses it
    except BadRequest:
        raise ApiError(400, "请求格式不正确：JSON 无法解析（请检查引号、括号和编码）。") from None
    except RecursionError:
        raise ApiError(400, f"请求格式不正确：JSON 嵌套层数过多（最多{MAX_JSON_DEPTH}层）。") from None
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ApiError(400, f"请求格式不正确：JSON 嵌套层数过多（最多{MAX_JSON_DEPTH}层）。")
        if isinstance(item, str):
            check_text(item, "提交的内容")
        elif isinstance(item, dict):
            stack.extend((key, depth + 1) for key in item)
            stack.extend((value, depth + 1) for value in item.values())
        elif isinstance(item, list):
            stack.extend((value, depth + 1) for value in item)


def screen_request() -> None:
    """Before every view: refuse what no route of this app accepts, with a 4xx that names the problem."""
    _screen_path()
    _screen_args()
    _screen_form()
    _screen_json()


def init_app(app: Flask) -> None:
    """Screen every request of `app` first: before CSRF, logins and rate limits read what it carries."""
    app.before_request_funcs.setdefault(None, []).insert(0, screen_request)
