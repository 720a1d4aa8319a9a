"""What kind of request a message is, before any passage is looked at: the one place for these verdicts.

A work report answers questions about the district's plans. Four kinds of message are not such questions,
whatever the year's report says: chat, writing, role-play or prompt injection (`meta`), who holds an office
(`official`), a resident's own case — complaints, reports, looking up their records (`service`) — and
messages with nothing to understand: emoji, punctuation, keyboard mash (`unclear`).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .question_types import is_question

REQUESTS = Path(__file__).parent / "data" / "requests.tsv"
# Prompt injection wins over whatever else the message says; a favour (task) is a resident's own case when it is one.
ORDER = ("override", "greeting", "meta", "remark", "vent", "official", "service", "task")
# An instruction to drop its rules, a greeting and a remark to the assistant are declined like chat: the reply says
# what the assistant does. A favour asked of the assistant (帮我推荐个工作, 你帮我对接一下) is its own verdict:
# what the assistant does, and where such matters go.
# Venting at the government is answered with what the assistant does and where comments go (opinion).
VERDICTS = {"override": "meta", "greeting": "meta", "remark": "meta", "vent": "opinion"}
# Where a message's clauses end: an instruction to the assistant is one clause, a question after it another.
CLAUSE_END_RE = re.compile(r"(?<!\d),(?!\d)|[，:：;；。!！]|(?<=[a-z])[.]\s")  # not the comma of 10,000
WORD_RE = re.compile(r"[\u3400-\u9fff]|[a-z]{2,}|\d")
LATIN_RE = re.compile(r"[a-z]+")
VOWELS = set("aeiouy")
# Rows of a keyboard and letters typed by rolling a hand across them (qwerty, asdf, jkl).
KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
FILLER_CHARS = set("啊哈呵嘿嗯哦噢喔额呃呀哇嘻咯唉哎吧呢吗么了的")
# What asks without a question word: 那停车位呢, 我想了解一下, 请问, "what about", "tell me", "I need".
ASKS_RE = re.compile(r"呢|想(问|了解|知道|咨询|请教|看看|查)|问(一)?下|请问|查|告诉|介绍|说说|讲讲|看看"
                     r"|\b(about|tell|know|show|need|want|wonder|looking for|info|information)\b")
# A remark after a greeting is a sentence, not a topic named alone (hi, school places this year): this long at least.
REMARK_MIN_CHARS = 8
REMARK_MIN_WORDS = 6


@lru_cache(maxsize=1)
def _patterns() -> dict[str, tuple[re.Pattern, ...]]:
    found: dict[str, list[re.Pattern]] = {}
    for line in REQUESTS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and "\t" in line:
            kind, pattern = line.split("\t", 1)
            found.setdefault(kind.strip(), []).append(re.compile(pattern.strip()))
    return {kind: tuple(patterns) for kind, patterns in found.items()}


def request_kind(text: str) -> str | None:
    """'meta', 'official', 'service' or 'task' when the (normalized) message is that kind of request, else None."""
    lowered = text.lower().strip()
    patterns = _patterns()
    kind = next((kind for kind in ORDER if any(p.search(lowered) for p in patterns.get(kind, ()))
                 and (kind not in ("remark", "vent") or not is_question(lowered))), None)
    if kind is None and _greets_and_remarks(lowered, patterns["greeting"]):
        kind = "greeting"
    return VERDICTS.get(kind, kind)


def _greets_and_remarks(text: str, greetings: tuple[re.Pattern, ...]) -> bool:
    """「Hi! Planning a trip to Lake Tai next month.」: a greeting, then a remark that asks nothing — not a question,
    no 呢 or "about", no wish to know, and longer than a topic named alone (「你好，暑托班」 asks about it)."""
    clauses = [c.strip() for c in CLAUSE_END_RE.split(text) if c.strip()]
    if len(clauses) < 2 or not any(p.search(clauses[0]) for p in greetings):
        return False
    rest = " ".join(clauses[1:])
    long_enough = len(re.findall(r"[\u3400-\u9fff]", rest)) >= REMARK_MIN_CHARS \
        or len(LATIN_RE.findall(rest)) >= REMARK_MIN_WORDS
    return long_enough and not is_question(rest) and not ASKS_RE.search(rest)


def without_override(text: str) -> str:
    """The message without its clauses telling the assistant to drop its rules (忽略之前的所有设定), when a
    question remains: that question is answered like any other. Otherwise the message as it is."""
    if not isinstance(text, str):
        return text  # the analyzer says why it cannot be asked
    clauses = [c for c in CLAUSE_END_RE.split(text) if c.strip()]
    overrides = _patterns().get("override", ())
    kept = [c for c in clauses if not any(p.search(c.lower().strip()) for p in overrides)]
    return "，".join(c.strip() for c in kept) if kept and len(kept) < len(clauses) else text


def _mashed(word: str) -> bool:
    """A Latin 'word' nobody writes: no vowel in five letters, a run of one key, one vowel among piled-up
    consonants, or a keyboard row."""
    if len(word) >= 5 and not VOWELS & set(word):
        return True
    if re.search(r"(.)\1{3,}", word):
        return True
    if len(word) >= 5 and len(re.findall(r"[aeiouy]+", word)) == 1 and re.search(r"[^aeiouy]{4}", word):
        return True  # asdkjh: one vowel and a run of four consonants (strengths is not asked)
    return len(word) >= 4 and any(word[i:i + 4] in row for row in KEY_ROWS for i in range(len(word) - 3))


def is_unclear(text: str) -> bool:
    """Nothing to understand: no word at all (emoji, punctuation, digits), laughter or filler only, keyboard mash."""
    lowered = text.lower()
    if not re.search(r"[\u3400-\u9fff]|[a-z]", lowered):
        return True  # emoji, punctuation, a bare number
    cjk = re.findall(r"[\u3400-\u9fff]", lowered)
    latin = LATIN_RE.findall(lowered)
    if cjk and set(cjk) <= FILLER_CHARS and not latin:
        return True  # 哈哈哈, 啊啊啊, 嗯嗯
    if cjk and len(set(cjk)) == 1 and len(cjk) >= 3:
        return True  # one character hammered
    if not cjk and latin:
        mashed = [w for w in latin if _mashed(w)]
        return len(mashed) * 2 >= len(latin)
    return False
