"""Write to the app database (`records`) without ever breaking the conversation."""
from __future__ import annotations

import logging
from typing import Any

import records

from .conversation import TRANSCRIPT_TURNS

logger = logging.getLogger(__name__)


def save_unanswered(sender_id: str, question: str, reason: str) -> int | None:
    """Record a question the report did not answer; None if the database refused."""
    if not question:
        return None
    try:
        return records.record_unanswered(sender_id, question, reason)
    except (records.DatabaseError, OSError):
        # The resident still gets the hotline; the operator loses one statistic, which we log.
        logger.exception("could not record unanswered question for %s", sender_id)
        return None


def save_handoff(
    sender_id: str, question: str, transcript: list[dict[str, Any]], passages: list[dict[str, Any]], reason: str,
    limit: int = TRANSCRIPT_TURNS,
) -> int | None:
    """Record a handoff to the hotline staff, its transcript completed with the turns of earlier sessions (Rasa's
    tracker holds only the current one: bot/session_turns.py); None if the database refused."""
    try:
        started = min((t["time"] for t in transcript if t.get("time")), default=None)
        earlier = records.earlier_turns(sender_id, started, limit)
        return records.record_handoff(sender_id, question, [*earlier, *transcript][-limit:], passages, reason)
    except (records.DatabaseError, OSError):
        logger.exception("could not record handoff for %s", sender_id)
        return None
