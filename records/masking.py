"""Personal data never reaches the disk: every stored question and transcript goes through `mask_pii`."""
from __future__ import annotations

import re

# Digits not glued to other digits, so a figure inside a longer number is left alone.
_ID_CARD_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)")
_MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)(0\d{2,3})[- ]?(\d{3,4})[- ]?(\d{4})(?!\d)")
# Bank cards and other long identifiers; report figures never run this long.
_LONG_NUMBER_RE = re.compile(r"(?<!\d)\d{11,}(?!\d)")


def mask_pii(text: str) -> str:
    """Mask Chinese ID-card numbers, mobile and landline phone numbers (and other long digit runs)."""
    if not text:
        return text or ""
    text = _ID_CARD_RE.sub(lambda m: "*" * (len(m.group(0)) - 4) + m.group(0)[-4:], text)
    text = _MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = _LANDLINE_RE.sub(lambda m: f"{m.group(1)}-****{m.group(3)}", text)
    return _LONG_NUMBER_RE.sub(lambda m: "*" * (len(m.group(0)) - 4) + m.group(0)[-4:], text)
