"""Hand the conversation to the 12345 hotline staff and record it for the staff console."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from knowledge import is_question

from .answer import ActionAnswerReport
from .clarify import ActionClarify
from .conversation import asks_for_person, is_payload, last_question, latest_intent, latest_text, looks_elliptical, reply_language, \
    shown_citations, transcript, unclear_language
from .knowledge_action import KnowledgeAction
from .replies import say
from .storage import save_handoff
from .verdicts import show_verdict


class ActionHandoff(KnowledgeAction):
    """「转人工」: give the hotline and office hours, record question, transcript and cited passages — unless NLU took
    a challenge of the last answer for the request (「你就说是8%,我要发朋友圈」): that gets the report's answer again,
    or a message naming no person at all (「tell me stuff」): that gets the knowledge layer's verdict or the topics."""

    def name(self) -> str:
        return "action_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        language = reply_language(tracker)
        intent, _ = latest_intent(tracker)
        text = latest_text(tracker).strip()
        if intent == "request_human" and text and not is_payload(text) and tracker.get_slot("last_question") \
                and self.knowledge_base.leans_on_previous(text):
            return ActionAnswerReport(knowledge_base=self._knowledge_base).run(dispatcher, tracker, domain)
        if intent == "request_human" and text and not is_payload(text) and not asks_for_person(text):
            # 「tell me stuff」: NLU's guess names no person; the knowledge layer's verdict, or the topics, instead
            return ActionClarify(knowledge_base=self._knowledge_base).run(dispatcher, tracker, domain)
        # "Yes" to the offer after an abstention vs. asking for a person outright.
        reason = "after_abstention" if intent == "affirm" else "resident_request"
        ticket = save_handoff(
            tracker.sender_id, last_question(tracker), transcript(tracker), shown_citations(tracker), reason
        )
        if ticket is None:
            # Nothing recorded: the resident must call, so the hotline comes first.
            dispatcher.utter_message(text=say("handoff_unrecorded", language))
        else:
            dispatcher.utter_message(text=say("handoff", language, ticket=f"#{ticket}"))
        return [SlotSet("outcome", "handed_off")]


class ActionAffirm(ActionHandoff):
    """「好的」: after the offer of a person (an abstention) it means "put me through"; otherwise it acknowledges.

    NLU takes keyboard mash for a "yes" with high confidence (「asdfjkl;」 0.76): when no person was
    offered, the knowledge layer's `unclear` verdict on the text is shown instead; and a question it took for a
    "yes" (「哪天作的」) is answered from the report when the report answers it.
    """

    def name(self) -> str:
        return "action_affirm"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if tracker.get_slot("outcome") == "abstained":
            return super().run(dispatcher, tracker, domain)
        text = latest_text(tracker).strip()
        answer = self.verdict_on(text)
        if answer is not None and answer.citation is None and answer.reason == "unclear":
            return show_verdict(dispatcher, tracker, "", "unclear", unclear_language(tracker), text)
        if is_question(text) or looks_elliptical(text):  # 哪天作的: short, with a question word
            asked = ActionAnswerReport(knowledge_base=self.knowledge_base)
            context = asked.context_for(tracker, text)
            answer = answer if context is None else self.verdict_on(text, context)
            if answer is not None and answer.citation is not None:
                return asked.run(dispatcher, tracker, domain)
        dispatcher.utter_message(text=say("anything_else", reply_language(tracker)))
        return []
