"""Answer from the report with a cited passage, or show the knowledge layer's verdict; show the source."""
from __future__ import annotations

import json
import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

import records
from knowledge import EmptyQueryError, KnowledgeError, PassageNotFoundError, QueryTooLongError, is_question

from .conversation import asks_capabilities, asks_for_source, is_payload, latest_entity, latest_intent, latest_text, looks_elliptical, reply_language, \
    unclear_language, without_personal_data
from .knowledge_action import KnowledgeAction
from .replies import TOPIC_QUESTIONS, say
from .verdicts import display_for, show_verdict

logger = logging.getLogger(__name__)


class ActionAnswerReport(KnowledgeAction):
    """Every message that may be about the report, whatever intent NLU gave it: the knowledge layer judges it.

    NLU's `out_of_scope` and `nlu_fallback` come here too, so the intent model never decides whether a
    report question is answered; the knowledge layer's one verdict is shown as one message.
    """

    def name(self) -> str:
        return "action_answer_report"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        language = reply_language(tracker)
        text = latest_text(tracker).strip()
        if is_payload(text):
            return self._answer_topic(dispatcher, tracker, language)
        question = without_personal_data(text)
        return self.answer(dispatcher, tracker, question, self.context_for(tracker, question), language)

    def context_for(self, tracker: Tracker, text: str) -> str | tuple[str, str] | None:
        """The previous question when this message leans on it (「那站点呢？」, 「你确定不是1万个？」, 「什么时候建完」),
        else None; a challenge, 「还有呢」 or a question naming no item after a follow-up gets the pair (question,
        follow-up): it is about the follow-up."""
        previous = tracker.get_slot("last_question")
        intent, _ = latest_intent(tracker)
        about_last_answer = bool(previous) and self.knowledge_base.leans_on_previous(text)
        # 「什么时候建完」 after 「西山生态岛」, 「哪一年的目标」 after 「生物医药呢」: no item of its own
        no_item = bool(previous) and self.knowledge_base.names_no_topic(text)
        if (about_last_answer or no_item) and tracker.get_slot("last_followup"):
            return previous, tracker.get_slot("last_followup")
        if previous and (intent == "ask_followup" or looks_elliptical(text) or about_last_answer or no_item):
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
        """Ask the knowledge layer; utter the answer and its citation, or its verdict."""
        curated = curated_reply(self.knowledge_base, question)  # an operator's official answer comes first
        if curated is not None:
            return utter_answer(dispatcher, curated, question, context, topic)
        try:
            answer = self.knowledge_base.answer(question, context=context)
        except QueryTooLongError as error:
            dispatcher.utter_message(text=say("query_too_long", language, error=error, length=error.length, limit=error.limit))
            return []
        except EmptyQueryError:
            # Only emoji or punctuation: nothing to search for, so ask what they would like to know.
            return show_verdict(dispatcher, tracker, "", "unclear", unclear_language(tracker), question)
        except KnowledgeError:
            logger.exception("knowledge base failed on %r", question)
            return show_verdict(dispatcher, tracker, say("kb_unavailable", language), "kb_error", language, question)

        if answer.abstained or answer.citation is None:
            reason = answer.reason or "no_match"
            text = answer.text
            if display_for(reason).conversation_language:
                language = unclear_language(tracker)
                # The knowledge layer worded it in the language it guessed; show_verdict words it in this one.
                text = text if getattr(answer, "language", language) == language else ""
            events = show_verdict(dispatcher, tracker, text, reason, language, question)
            if display_for(reason).record:
                # A question the report leaves open is still what 「那…呢？」 leans on next.
                events += remembered(question, context)
            return events
        return utter_answer(dispatcher, answer, question, context, topic)


def curated_reply(knowledge_base: Any, question: str) -> Any:
    """The approved curated answer matching the question (read from the app database), else None; a live one
    whose passage was superseded is flagged for review instead of being served with a dead citation."""
    from knowledge import curated_answer
    from records import curated

    try:
        return curated_answer(knowledge_base, question, curated.live_entries(), on_dead=curated.flag_dead)
    except (records.DatabaseError, OSError, KnowledgeError):
        logger.exception("curated answers unavailable; answering from the report")  # never breaks the conversation
        return None


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
    events += remembered(question, context)
    if topic:
        events.append(SlotSet("topic", topic))
    return events


def remembered(question: str, context: str | tuple[str, str] | None) -> list[EventType]:
    """What the next turn leans on: a new question replaces the last; a follow-up keeps the question it leans on, so
    「那站点呢？」 then 「充电桩呢？」 both resolve, and is itself what 「你确定吗？」 questions. A challenge changes nothing."""
    if context is None:
        return [SlotSet("last_question", question), SlotSet("last_followup", None)]
    return [] if isinstance(context, tuple) else [SlotSet("last_followup", question)]


class ActionShowSource(ActionAnswerReport):
    """Show the whole passage behind the last answer, with its section and paragraph title."""

    def name(self) -> str:
        return "action_show_source"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        language = reply_language(tracker)
        text = latest_text(tracker).strip()
        # NLU can take a question (「What's the IPO target?」, 「非遗出海」) for a source request: a message that
        # names no source is answered as a question about the report, with the knowledge layer's verdict. A challenge
        # of the last answer (「你确定报告里没写？」) gets the report's answer to the last question again.
        challenged = bool(tracker.get_slot("last_question")) and self.knowledge_base.leans_on_previous(text)
        if text and not is_payload(text) and (challenged or not asks_for_source(text)):
            return super().run(dispatcher, tracker, domain)
        citation = tracker.get_slot("last_citation")
        if not citation:
            key = "no_source_abstained" if tracker.get_slot("outcome") in ("abstained", "redirected") else "no_source_yet"
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


class ActionCapabilities(ActionAnswerReport):
    """Say what the assistant does — unless NLU took a question for that request (「今年會出版什麼書嗎?」): a message
    that neither addresses the assistant nor asks what may be asked is answered as a question about the report."""

    def name(self) -> str:
        return "action_capabilities"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text = latest_text(tracker).strip()
        if text and not is_payload(text) and not asks_capabilities(text):
            return super().run(dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_capabilities")
        return []


class ActionDeny(ActionAnswerReport):
    """「不用了」: "anything else?" — unless NLU took a challenge of the last answer for a "no" (「你确定不是1万个？」):
    that gets the report's answer to the last question again."""

    # What the intent gets when the message does not challenge the last answer.
    own_response = "utter_anything_else"

    def name(self) -> str:
        return "action_deny"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text = latest_text(tracker).strip()
        if text and not is_payload(text) and tracker.get_slot("last_question") \
                and self.knowledge_base.leans_on_previous(text):
            return super().run(dispatcher, tracker, domain)
        dispatcher.utter_message(response=self.own_response)
        return []


class ActionBotChallenge(ActionDeny):
    """「你是机器人吗」: the assistant says what it is — but "Are you sure? I thought it was 3%." (taken for a bot
    challenge) questions the last answer, and gets the report's answer again; and a question of its own that NLU
    took for one (「培训是不是免费的?」) gets the knowledge layer's verdict, never "I am an assistant"."""

    own_response = "utter_iamabot"

    def name(self) -> str:
        return "action_bot_challenge"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text = latest_text(tracker).strip()
        leans = bool(tracker.get_slot("last_question")) and self.knowledge_base.leans_on_previous(text)
        if text and not is_payload(text) and not leans and is_question(text):
            answer = self.verdict_on(text)
            if answer is not None and (answer.citation is not None or not is_small_talk(answer.reason)):
                return ActionAnswerReport.run(self, dispatcher, tracker, domain)
        return super().run(dispatcher, tracker, domain)


def is_small_talk(reason: str | None) -> bool:
    """Whether a verdict says the message is chat or nothing to understand (你好吗, 👍), not a question of its own."""
    return (reason or "").partition(":")[0] in ("meta", "unclear")


class ActionGoodbye(ActionAnswerReport):
    """「再见」: goodbye — unless NLU took a question for it (「再问下,健康风险评估做多少人」): a question is answered
    from the report, or gets the knowledge layer's verdict on it."""

    # What the intent gets when the message is not a question the report answers.
    own_response = "utter_goodbye"

    def name(self) -> str:
        return "action_goodbye"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text = latest_text(tracker).strip()
        if is_question(text):
            answer = self.verdict_on(text)
            # (「我那块地在不在里面?」 is no greeting: the knowledge layer's verdict on it is shown, not a hello)
            if answer is not None and (answer.citation is not None or not is_small_talk(answer.reason)):
                return super().run(dispatcher, tracker, domain)
        dispatcher.utter_message(response=self.own_response)
        return []


class ActionThank(ActionGoodbye):
    """「谢谢」: you're welcome — or the report's answer to a question NLU took for thanks."""

    own_response = "utter_thank"

    def name(self) -> str:
        return "action_thank"


class ActionGreet(ActionGoodbye):
    """「你好」: the greeting — or the report's answer to a question NLU took for a greeting."""

    own_response = "utter_greet"

    def name(self) -> str:
        return "action_greet"
