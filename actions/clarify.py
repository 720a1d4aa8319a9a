"""Offer the report's topics as buttons when a message is too vague to answer."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from knowledge import is_question

from .answer import ActionAnswerReport
from .conversation import latest_text, reply_language
from .replies import say, topic_buttons
from .verdicts import DISPLAYS, show_verdict


# Verdicts that say only that nothing matched: a vague message gets the topics instead.
VAGUE_REASONS = frozenset({"no_match", "low_confidence"})


class ActionClarify(ActionAnswerReport):
    """「政策」「想问个事」: ask which topic instead of guessing a passage.

    A message NLU calls vague may still be one the knowledge layer has its own verdict on (「帮我查一下我的
    社保缴费记录」 is a service request): that verdict is shown instead. Its answer is shown only for a question
    (「新房超市是啥？」: NLU must not decide that a report question goes unanswered) or a follow-up of one
    (「高效办成一件事呢」); a bare topic word (「民生」) matching some passage would be a guess.
    """

    def name(self) -> str:
        return "action_clarify"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        language = reply_language(tracker)
        text = latest_text(tracker).strip()
        context = self.context_for(tracker, text)
        answer = self.verdict_on(text, context)
        # (「高效办成一件事呢」 after a question is a follow-up: it asks what its context asked)
        asks = is_question(text) or context is not None
        if answer is not None and answer.citation is not None and asks:
            return super().run(dispatcher, tracker, domain)
        reason = (answer.reason or "") if answer is not None else ""
        # The knowledge layer's own verdict on what was asked (service, 最低工资 → entitlement, no_match:股票) is
        # shown; only "nothing matched" leaves a vague message to the topic buttons.
        if answer is not None and answer.citation is None and (
                reason.partition(":")[0] in DISPLAYS or (asks and reason not in VAGUE_REASONS)):
            return show_verdict(dispatcher, tracker, answer.text, answer.reason, language, text)
        dispatcher.utter_message(text=say("clarify", language), buttons=topic_buttons(language))
        return [SlotSet("outcome", "clarified")]
