"""Tell Chinese questions from English ones."""
from __future__ import annotations

import re

CJK_RE = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD_RE = re.compile(r"[A-Za-z]{2,}")
# A chat widget's button sends its payload (`/ask_report{"topic":"school"}`) as the message text.
PAYLOAD_PREFIX = "/"


def detect_language(text: str) -> str:
    """'en' when the text is mostly English words, else 'zh' (the report's language)."""
    cjk = len(CJK_RE.findall(text))
    words = len(LATIN_WORD_RE.findall(text))
    # A Chinese question may name an English brand (LifeBay); an English one may quote 甪直.
    return "en" if words >= 2 and words > cjk else "zh"


def message_language(text: str) -> str | None:
    """'en' or 'zh' for a resident's message; None when it tells nothing (a button payload, digits, emoji)."""
    if not text or text.startswith(PAYLOAD_PREFIX):
        return None
    if CJK_RE.search(text):
        return detect_language(text)
    # 「Hello」「thanks」: one Latin word and no Chinese is English, below detect_language's two-word bar.
    return "en" if LATIN_WORD_RE.search(text) else None
