"""Answer from the report with a cited passage, abstain when it has no answer, show the source."""
from __future__ import annotations

import json
import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from knowledge import EmptyQueryError, KnowledgeError, PassageNotFoundError, QueryTooLongError
from knowledge.abstention import asks_unanswerable

from .conversation import is_payload, latest_entity, latest_intent, latest_text, looks_elliptical, reply_language
from .knowledge_action import KnowledgeAction
from .replies import HOTLINE, TOPIC_QUESTIONS, say
from .storage import save_unanswered

logger = logging.getLogger(__name__)


def handoff_buttons(language: str) -> list[dict[str, str]]:
    """The two answers to "shall I pass you to a person?" as buttons."""
    if language == "en":
        return [{"title": "Talk to a person", "payload": "/request_human"}, {"title": "No, thanks", "payload": "/deny"}]
    return [{"title": "转人工", "payload": "/request_human"}, {"title": "不用了", "payload": "/deny"}]


def abstain(
    dispatcher: CollectingDispatcher, tracker: Tracker, lead: str, language: str, question: str, reason: str
) -> list[EventType]:
    """Say the report does not cover it, point to 12345 and the district site, record the question."""
    lead = lead.strip()
    # The knowledge layer's abstention already names the hotline; then only the offer is added.
    suffix = say("offer_handoff" if HOTLINE in lead else "abstain_suffix", language)
    text = f"{lead}\n{suffix}" if lead else suffix
    dispatcher.utter_message(text=text, buttons=handoff_buttons(language))
    save_unanswered(tracker.sender_id, question, reason)
    # No citation survives a non-answer: 「出处？」 now says there is none.
    return [SlotSet("outcome", "abstained"), SlotSet("last_passage", None), SlotSet("last_citation", None)]


class ActionAnswerReport(KnowledgeAction):
    """Answer the latest question (with the previous one as context for a follow-up) from the report."""

    def name(self) -> str:
        return "action_answer_report"

    def abstain(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, lead: str, language: str, question: str, reason: str
    ) -> list[EventType]:
        """The knowledge layer found no answer: its own words, the hotline, the offer of a person."""
        return abstain(dispatcher, tracker, lead, language, question, reason)

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        language = reply_language(tracker)
        text = latest_text(tracker).strip()
        if is_payload(text):
            return self._answer_topic(dispatcher, tracker, language)
        context = self._context_for(tracker, text)
        # 「那要多少钱？」 after 「暑托班开多少个？」: a fee of what was just answered is never in the report.
        if context is not None and asks_unanswerable(text):
            return self.abstain(dispatcher, tracker, "", language, text, "service_request")
        return self.answer(dispatcher, tracker, text, context, language)

    @staticmethod
    def _context_for(tracker: Tracker, text: str) -> str | None:
        """The previous question when this message leans on it (「那站点呢？」), else None."""
        previous = tracker.get_slot("last_question")
        intent, _ = latest_intent(tracker)
        if previous and (intent == "ask_followup" or looks_elliptical(text)):
            return previous
        return None

    def _answer_topic(self, dispatcher: CollectingDispatcher, tracker: Tracker, language: str) -> list[EventType]:
        """A topic button was pressed: answer the report's headline promise on it."""
        topic = latest_entity(tracker, "topic") or tracker.get_slot("topic")
        if topic not in TOPIC_QUESTIONS:
            dispatcher.utter_message(text=say("ask_directly", language))
            return [SlotSet("outcome", "clarified")]
        return self.answer(dispatcher, tracker, TOPIC_QUESTIONS[topic][language], None, language, topic=topic)

    def answer(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        question: str,
        context: str | None,
        language: str,
        topic: str | None = None,
    ) -> list[EventType]:
        """Ask the knowledge layer; utter the answer and its citation, or abstain."""
        try:
            answer = self.knowledge_base.answer(question, context=context)
        except QueryTooLongError as error:
            dispatcher.utter_message(text=say("query_too_long", language, error=error, length=error.length, limit=error.limit))
            return []
        except EmptyQueryError as error:
            dispatcher.utter_message(text=say("empty_query", language, error=error))
            return []
        except KnowledgeError:
            logger.exception("knowledge base failed on %r", question)
            return abstain(dispatcher, tracker, say("kb_unavailable", language), language, question, "kb_error")

        if answer.abstained or answer.citation is None:
            return self.abstain(dispatcher, tracker, answer.text, language, question, answer.reason or "not_in_report")
        return utter_answer(dispatcher, answer, question, context, topic)


def utter_answer(
    dispatcher: CollectingDispatcher, answer: Any, question: str, context: str | None = None, topic: str | None = None
) -> list[EventType]:
    """Send the answer text with its citation payload; remember question and passage for what follows."""
    # JSON round trip: the payload must hold only what the REST channel can send (span tuple → list).
    citation = json.loads(json.dumps(answer.citation.to_dict(), ensure_ascii=False))
    dispatcher.utter_message(text=answer.text, json_message={"citation": citation})
    events: list[EventType] = [
        SlotSet("outcome", "answered"),
        SlotSet("last_passage", citation.get("passage_id")),
        SlotSet("last_citation", citation),
    ]
    # A follow-up keeps the question it leans on, so 「那站点呢？」 then 「充电桩呢？」 both resolve.
    if context is None:
        events.append(SlotSet("last_question", question))
    if topic:
        events.append(SlotSet("topic", topic))
    return events


class ActionOutOfScope(ActionAnswerReport):
    """NLU thinks the report does not cover it: decline a service request, otherwise let the report judge.

    Measured on tests/data/dev.jsonl: declining on the NLU intent alone wrongly declined report questions
    told as personal stories (false abstention 0.006 -> 0.045); NLU near-certainty plus a request for a
    procedure, fee or hours (knowledge/data/unanswerable.tsv) declines none of them and catches what retrieval misses.
    """

    # NLU confidence from which a service request is declined without consulting the report.
    decline_confidence = 0.95

    def name(self) -> str:
        return "action_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text = latest_text(tracker).strip()
        _, confidence = latest_intent(tracker)
        if confidence >= self.decline_confidence and asks_unanswerable(text):
            language = reply_language(tracker)
            return self.abstain(dispatcher, tracker, "", language, text, "service_request")
        return super().run(dispatcher, tracker, domain)

    def abstain(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, lead: str, language: str, question: str, reason: str
    ) -> list[EventType]:
        """Say what the report covers instead of a bare "not found", then the hotline."""
        return abstain(dispatcher, tracker, say("out_of_scope", language), language, question, f"out_of_scope:{reason}")


class ActionShowSource(KnowledgeAction):
    """Show the whole passage behind the last answer, with its section and paragraph title."""

    def name(self) -> str:
        return "action_show_source"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        language = reply_language(tracker)
        text = latest_text(tracker).strip()
        # NLU can take a fragment such as 「非遗出海」 for 「出处」: when the words themselves find an
        # answer in the report, they were a question. Pure source requests never do.
        answer = self._answer_if_question(text)
        if answer is not None:
            return utter_answer(dispatcher, answer, text)
        citation = tracker.get_slot("last_citation")
        if not citation:
            key = "no_source_abstained" if tracker.get_slot("outcome") == "abstained" else "no_source_yet"
            dispatcher.utter_message(text=say(key, language))
            return []
        fields = {key: citation.get(key) or "" for key in ("document", "section", "title", "text")}
        if not fields["text"]:
            try:
                passage = self.knowledge_base.passage(citation.get("passage_id"))
                fields = {"document": passage.document, "section": passage.section, "title": passage.title, "text": passage.text}
            except PassageNotFoundError:
                logger.warning("cited passage %s is no longer published", citation.get("passage_id"))
        dispatcher.utter_message(text=say("source", language, **fields), json_message={"citation": citation})
        return []

    def _answer_if_question(self, text: str) -> Any:
        """The knowledge layer's answer to the message itself, or None (abstained, payload, error)."""
        if not text or is_payload(text):
            return None
        try:
            answer = self.knowledge_base.answer(text)
        except KnowledgeError:
            return None
        return None if answer.abstained or answer.citation is None else answer
