"""Write to the app database (`records`) without ever breaking the conversation."""
from __future__ import annotations

import logging
from typing import Any

import records

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
    sender_id: str, question: str, transcript: list[dict[str, Any]], passages: list[dict[str, Any]], reason: str
) -> int | None:
    """Record a handoff to the hotline staff; None if the database refused."""
    try:
        return records.record_handoff(sender_id, question, transcript, passages, reason)
    except (records.DatabaseError, OSError):
        logger.exception("could not record handoff for %s", sender_id)
        return None
