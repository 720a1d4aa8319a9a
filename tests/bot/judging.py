"""How one chat turn is judged: exactly one message, of the expected kind. Shared by the bot tests and
bench/conversations.py, so the tests and the conversation score mean the same thing.

Kinds: answer (cited, states every must_contain), abstain (no citation, says the report does not cover it),
redirect (no citation, names 12345 or the district site), clarify (one short message, no citation),
decline (no citation, says what the assistant does), greet (no citation).
"""
from __future__ import annotations

import re
from typing import Any

KINDS = ("answer", "abstain", "redirect", "clarify", "decline", "greet")
# The report does not say: 「报告中没有…」「报告只写…不含…」「The report does not cover…」.
SAYS_NOT_COVERED = re.compile(
    r"报告[中里]?(没有|未|并未|不|只|无)|没有(找到|提到|相关|写)|不在[^。]{0,20}范围"
    r"|report (does not|doesn't|did not|didn't|has no|gives no|sets|covers|cannot|can't|only|says nothing)"
    r"|not (covered|mentioned|in the report)", re.I)
NAMES_WHERE_TO_GO = re.compile(r"12345|szwz\.gov\.cn|政府(网站|官网)|官网|government website", re.I)
# What the assistant is for: 「我可以告诉您报告…」「我是…助手」「I answer questions about the report」.
SAYS_WHAT_IT_DOES = re.compile(
    r"我(可以|能|只能|只|主要|是|专门)|助手|可以(回答|告诉|帮|查)|只(回答|负责|提供)"
    r"|\bI (can|can only|only|answer|am|'m)\b|assistant", re.I)
SHORT_CHARS = {"zh": 80, "en": 200}


def bot_messages(reply: dict[str, Any]) -> list[dict[str, Any]]:
    """The widget messages of one /api/chat reply, without reduced mode's notice."""
    return [m for m in reply.get("messages") or [] if m.get("kind") != "notice"]


def judge_turn(reply: dict[str, Any], turn: dict[str, Any], lang: str = "zh") -> list[str]:
    """What is wrong with one /api/chat reply for a turn {"user", "expect", "must_contain", "must_not_contain"}
    (an empty list: the turn passes)."""
    problems: list[str] = []
    if reply.get("mode", "normal") != "normal":
        problems.append(f"mode {reply.get('mode')}")
    messages = bot_messages(reply)
    if len(messages) != 1:
        problems.append(f"{len(messages)} messages")
    text = "\n".join(m.get("text") or "" for m in messages)
    cited = any(m.get("citation") for m in messages)
    expect = turn.get("expect", "answer")
    if expect == "answer":
        if not cited:
            problems.append("no citation")
        problems += [f"missing 「{s}」" for s in turn.get("must_contain") or [] if s not in text]
    else:
        if cited:
            problems.append("cites a passage")
        problems += [f"missing 「{s}」" for s in turn.get("must_contain") or [] if s not in text]
        if expect == "abstain" and not SAYS_NOT_COVERED.search(text):
            problems.append("does not say the report does not cover it")
        elif expect == "redirect" and not NAMES_WHERE_TO_GO.search(text):
            problems.append("names neither 12345 nor the district site")
        elif expect == "clarify" and len(text) > SHORT_CHARS.get(lang, 80):
            problems.append(f"not short ({len(text)} chars)")
        elif expect == "decline" and not SAYS_WHAT_IT_DOES.search(text):
            problems.append("does not say what the assistant does")
    problems += [f"contains 「{s}」" for s in turn.get("must_not_contain") or [] if s in text]
    return problems


# Intents grouped by what the dialogue does with them, and the group each expected kind should get.
INTENT_CLASSES = {
    "ask_report": "report", "ask_followup": "report", "ask_source": "report",
    "out_of_scope": "out_of_scope",
    "ask_vague": "unclear", "nlu_fallback": "unclear",
    "greet": "smalltalk", "goodbye": "smalltalk", "thank": "smalltalk", "bot_challenge": "smalltalk",
    "ask_capabilities": "smalltalk", "affirm": "smalltalk", "deny": "smalltalk", "request_human": "smalltalk",
}
EXPECTED_CLASS = {"answer": "report", "abstain": "out_of_scope", "redirect": "out_of_scope",
                  "decline": "out_of_scope", "clarify": "unclear", "greet": "smalltalk"}


def intent_f1(pairs: list[tuple[str, str]]) -> tuple[float, dict[str, float]]:
    """Support-weighted F1 and per-class F1 over (gold class, predicted class) pairs."""
    classes = sorted({gold for gold, _ in pairs})
    per_class: dict[str, float] = {}
    for name in classes:
        tp = sum(1 for g, p in pairs if g == name and p == name)
        fp = sum(1 for g, p in pairs if g != name and p == name)
        fn = sum(1 for g, p in pairs if g == name and p != name)
        per_class[name] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    support = {name: sum(1 for g, _ in pairs if g == name) for name in classes}
    total = sum(support.values()) or 1
    return sum(per_class[n] * support[n] for n in classes) / total, per_class
