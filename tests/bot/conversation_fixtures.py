"""Build rasa_sdk Trackers from plain dicts, the way the Rasa server sends them to the action server."""
from __future__ import annotations

import time
from typing import Any

from rasa_sdk import Tracker


def user_event(text: str, intent: str = "ask_report", confidence: float = 0.99,
               entities: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A `user` event with its NLU parse."""
    parse = {"text": text, "intent": {"name": intent, "confidence": confidence},
             "entities": entities or [], "intent_ranking": [{"name": intent, "confidence": confidence}]}
    return {"event": "user", "text": text, "parse_data": parse, "timestamp": time.time()}


def bot_event(text: str, citation: dict[str, Any] | None = None) -> dict[str, Any]:
    """A `bot` event, with the citation payload the answer action attaches."""
    data = {"custom": {"citation": citation}} if citation else {}
    return {"event": "bot", "text": text, "data": data, "timestamp": time.time()}


def tracker_for(text: str, intent: str = "ask_report", confidence: float = 0.99,
                slots: dict[str, Any] | None = None, history: list[dict[str, Any]] | None = None,
                entities: list[dict[str, Any]] | None = None, sender: str = "resident-1") -> Tracker:
    """A tracker whose latest message is `text` classified as `intent`, after the `history` events."""
    latest = user_event(text, intent, confidence, entities)
    events = [*(history or []), latest]
    return Tracker(sender, dict(slots or {}), latest["parse_data"], events, False, None, {}, "action_listen")
