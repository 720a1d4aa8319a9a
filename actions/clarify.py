"""Offer the report's topics as buttons when a message is too vague to answer."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .conversation import latest_text, reply_language
from .knowledge_action import KnowledgeAction
from .replies import say, topic_buttons
from .verdicts import DISPLAYS, show_verdict


class ActionClarify(KnowledgeAction):
    """「政策」「想问个事」: ask which topic instead of guessing a passage.

    A message NLU calls vague may still be one the knowledge layer has its own verdict on (「帮我查一下我的
    社保缴费记录」 is a service request): that verdict is shown instead. Its answers are not: a passage
    matching 「政策」 would be a guess.
    """

    def name(self) -> str:
        return "action_clarify"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        language = reply_language(tracker)
        text = latest_text(tracker).strip()
        answer = self.verdict_on(text)
        if answer is not None and answer.citation is None and (answer.reason or "").partition(":")[0] in DISPLAYS:
            return show_verdict(dispatcher, tracker, answer.text, answer.reason, language, text)
        dispatcher.utter_message(text=say("clarify", language), buttons=topic_buttons(language))
        return [SlotSet("outcome", "clarified")]
