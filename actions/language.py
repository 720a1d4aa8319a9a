"""Keep the `language` slot in step with the resident, so domain responses answer in their language."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .conversation import language_of, latest_text


class ActionDetectLanguage(Action):
    """Custom slot mapping of `language`: run by action_extract_slots after every message."""

    def name(self) -> str:
        return "action_detect_language"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        language = language_of(latest_text(tracker))
        # A pressed button or a bare 「123」 says nothing about the language: keep the conversation's.
        if language is None or language == tracker.get_slot("language"):
            return []
        return [SlotSet("language", language)]
