"""Conversation sessions bounded by turns as well as by time (installed when Rasa imports bot.tracker_store).

Every turn Rasa loads the current session's tracker from the tracker store (SQLTrackerStore.retrieve reads
the events since the last `session_started`), runs the policies over it and sends it to the action server:
a turn's cost grows with the session. Rasa ends a session only when it has been idle for
`session_expiration_time` (bot/domain.yml). Here a session also ends once it holds `WUZHONG_SESSION_TURNS`
user messages: before the next message is handled Rasa runs its own `action_session_start` exactly as on
expiry (same turn, same reply, nothing for the web app to do, nothing kept outside the tracker, so any
replica decides alike). The slots carry over (`carry_over_slots_to_new_session: true`), so a follow-up
(「那停车泊位呢？」 reads `last_question`) works across the rollover; the whole conversation stays in the
tracker store (`GET /conversations/<id>/tracker` still returns every session).

Rasa 3.6's `action_session_start` carries over every SlotSet of the session, the carried-over ones at
its start included, so each session would start with more events than the one before: only the last
value of each slot is carried here (the same slot values).
"""
from __future__ import annotations

import os
from typing import Any, Dict, List

SESSION_TURNS_ENV = "WUZHONG_SESSION_TURNS"
DEFAULT_SESSION_TURNS = 10


def session_turns() -> int:
    """User messages a session holds before the next one starts a new session (0: sessions end by time only)."""
    raw = os.environ.get(SESSION_TURNS_ENV, "").strip()
    try:
        return max(0, int(raw)) if raw else DEFAULT_SESSION_TURNS
    except ValueError:
        return DEFAULT_SESSION_TURNS


def user_turns_in_session(events: Any) -> int:
    """User messages since the latest session start (or restart), counted from the end: O(session)."""
    from rasa.shared.core.events import Restarted, SessionStarted, UserUttered

    count = 0
    for event in reversed(events):
        if isinstance(event, (SessionStarted, Restarted)):
            break
        if isinstance(event, UserUttered):
            count += 1
    return count


def last_slot_values(events: Any) -> List[Any]:
    """One SlotSet per slot set in `events` (its latest value and metadata), in the order of those last sets."""
    from rasa.shared.core.events import SlotSet

    latest: Dict[str, Any] = {}
    for event in events:
        if isinstance(event, SlotSet):
            latest.pop(event.key, None)  # re-insert: order of the last set
            latest[event.key] = event
    return [SlotSet(key=e.key, value=e.value, metadata=e.metadata) for e in latest.values()]


def install(turns: int | None = None) -> None:
    """Make Rasa start a new session after `turns` user messages (default: WUZHONG_SESSION_TURNS); idempotent."""
    from rasa.core.actions.action import ActionSessionStart
    from rasa.core.processor import MessageProcessor

    limit = session_turns() if turns is None else turns
    by_time = getattr(MessageProcessor._has_session_expired, "_by_time", MessageProcessor._has_session_expired)

    def _has_session_expired(self: MessageProcessor, tracker: Any) -> bool:
        if by_time(self, tracker):
            return True
        return (limit > 0 and self.domain.session_config.are_sessions_enabled()
                and user_turns_in_session(tracker.events) >= limit)

    _has_session_expired._by_time = by_time  # type: ignore[attr-defined]
    MessageProcessor._has_session_expired = _has_session_expired
    ActionSessionStart._slot_set_events_from_tracker = staticmethod(
        lambda tracker: last_slot_values(tracker.applied_events()))
