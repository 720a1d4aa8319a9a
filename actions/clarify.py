"""Offer the report's topics as buttons when a message is too vague to answer."""
from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .conversation import reply_language
from .replies import TOPIC_TITLES, say


def topic_buttons(language: str) -> list[dict[str, str]]:
    """One button per topic; the payload is sent back as the resident's next message."""
    return [
        {"title": titles[language], "payload": "/ask_report" + json.dumps({"topic": topic})}
        for topic, titles in TOPIC_TITLES.items()
    ]


class ActionClarify(Action):
    """「政策」「想问个事」: ask which topic instead of guessing."""

    def name(self) -> str:
        return "action_clarify"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        language = reply_language(tracker)
        dispatcher.utter_message(text=say("clarify", language), buttons=topic_buttons(language))
        return [SlotSet("outcome", "clarified")]
