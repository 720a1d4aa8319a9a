"""Rasa → action server calls carry the smallest tracker the actions need (installed by scripts/rasa_run.py).

Rasa 3.6 sends every event of the conversation with every action call (two per question turn): NLU
rankings, slot and action events, featurizations — so a turn's cost grew with the conversation. The
actions read only this of earlier events (actions/conversation.py: transcript, shown_citations,
last_question, earlier_language): user and bot messages with their time, a user message's intent name
and a bot message's custom payload (citations). The rest of the tracker (slots, latest_message, …) is
sent as before. Runs in the Rasa venv.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

import rasa
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import BotUttered, Event, UserUttered

_domain_dicts: Dict[int, Dict[Text, Any]] = {}  # one model's domain never changes: serialize it once


def slim_events(events: List[Event]) -> List[Dict[Text, Any]]:
    """User and bot messages reduced to what the actions read."""
    slim: List[Dict[Text, Any]] = []
    for event in events:
        if isinstance(event, UserUttered):
            slim.append({"event": "user", "text": event.text, "timestamp": event.timestamp,
                         "parse_data": {"intent": {"name": event.intent_name}}})
        elif isinstance(event, BotUttered):
            custom = (event.data or {}).get("custom")
            slim.append({"event": "bot", "text": event.text, "timestamp": event.timestamp,
                         "data": {"custom": custom} if custom else {}})
    return slim


def _action_call_format(self: RemoteAction, tracker: Any, domain: Any) -> Dict[Text, Any]:
    state = tracker.current_state()  # EventVerbosity.NONE: everything but the events
    state["events"] = slim_events(tracker.events)
    result = {"next_action": self._name, "sender_id": tracker.sender_id, "tracker": state,
              "version": rasa.__version__}
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
        if id(domain) not in _domain_dicts:
            _domain_dicts.clear()
            _domain_dicts[id(domain)] = domain.as_dict()
        result["domain"] = _domain_dicts[id(domain)]
    return result


def install() -> None:
    """Make every RemoteAction send the slim tracker (idempotent)."""
    RemoteAction._action_call_format = _action_call_format
