"""Tell Chinese questions from English ones."""
from __future__ import annotations

import re

CJK_RE = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD_RE = re.compile(r"[A-Za-z]{2,}")


def detect_language(text: str) -> str:
    """'en' when the text is mostly English words, else 'zh' (the report's language)."""
    cjk = len(CJK_RE.findall(text))
    words = len(LATIN_WORD_RE.findall(text))
    # A Chinese question may name an English brand (LifeBay); an English one may quote 甪直.
    return "en" if words >= 2 and words > cjk else "zh"
