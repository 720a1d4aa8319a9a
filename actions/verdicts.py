"""Show the knowledge layer's verdict on a question as exactly one message: the actions never re-decide it.

The knowledge layer gives one reason per abstention (`Answer.reason`, e.g. 'price', 'service', 'no_match:区长');
this module only chooses how that verdict is shown: which buttons, whether a person is offered, whether the
question goes to the operators' list of unanswered questions, and what the `outcome` slot says afterwards.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .replies import HOTLINE, OFFICIAL_SITE, say, topic_buttons
from .storage import save_unanswered


@dataclass(frozen=True)
class Display:
    """How one kind of verdict is shown."""

    outcome: str  # value of the `outcome` slot afterwards ("好的" after "abstained" means "put me through")
    offer_handoff: bool  # end with "shall I pass you to a person?" and its two buttons
    record: bool  # a gap in the report operators should see (not chit-chat, not a service request)
    where_to_go: bool = False  # must name the hotline or the district site
    topics: bool = False  # offer the topic buttons
    # The message carries no language of its own (「qwertyuiop」「👍」): reply in the conversation's.
    conversation_language: bool = False


# The report simply does not say: its own explanation, then the hotline and the offer of a person.
ABSTENTION = Display("abstained", offer_handoff=True, record=True, where_to_go=True)
DISPLAYS: dict[str, Display] = {
    # Complaints, reports, personal service requests: where to go, no quote and no handoff offer.
    "service": Display("redirected", offer_handoff=False, record=False, where_to_go=True),
    # Chat, writing, role-play, "ignore your instructions": what the assistant does.
    "meta": Display("declined", offer_handoff=False, record=False),
    # A favour asked of the assistant: what it does, and where a resident's own matters go.
    "task": Display("declined", offer_handoff=False, record=False, where_to_go=True),
    # Venting at the government: what the assistant does, and where comments go (12345).
    "opinion": Display("declined", offer_handoff=False, record=False, where_to_go=True),
    # Who holds an office: the report does not say; the district site lists office holders.
    "official": Display("redirected", offer_handoff=False, record=True, where_to_go=True),
    # Nonsense, emoji, punctuation: one short clarifying prompt.
    "unclear": Display("clarified", offer_handoff=False, record=False, topics=True, conversation_language=True),
}


def display_for(reason: str | None) -> Display:
    """The display of a verdict reason ('no_match:区长' → the 'no_match' kind)."""
    kind = (reason or "").partition(":")[0]
    return DISPLAYS.get(kind, ABSTENTION)


def handoff_buttons(language: str) -> list[dict[str, str]]:
    """The two answers to "shall I pass you to a person?" as buttons."""
    if language == "en":
        return [{"title": "Talk to a person", "payload": "/request_human"}, {"title": "No, thanks", "payload": "/deny"}]
    return [{"title": "转人工", "payload": "/request_human"}, {"title": "不用了", "payload": "/deny"}]


def show_verdict(
    dispatcher: CollectingDispatcher, tracker: Tracker, text: str, reason: str | None, language: str, question: str
) -> list[EventType]:
    """Utter a non-answer (the knowledge layer's words) as one message; record it if it is a gap in the report."""
    display = display_for(reason)
    lines = [text.strip()] if text.strip() else []
    names_a_place = HOTLINE in text or OFFICIAL_SITE in text
    if display.where_to_go and not names_a_place:
        lines.append(say("where_to_go", language))
    if display.offer_handoff:
        lines.append(say("offer_handoff", language))
    if not lines:
        # No words of the knowledge layer's in this language (nonsense has none): its own for the reason.
        from knowledge.answers import abstention_text

        lines.append(abstention_text(reason or "unclear", language))
    buttons: list[dict[str, Any]] = []
    if display.offer_handoff:
        buttons = handoff_buttons(language)
    elif display.topics:
        buttons = topic_buttons(language)
    dispatcher.utter_message(text="\n".join(lines), buttons=buttons)
    if display.record:
        save_unanswered(tracker.sender_id, question, reason or "no_match")
    # No citation survives a non-answer: 「出处？」 now says there is none.
    return [SlotSet("outcome", display.outcome), SlotSet("last_passage", None), SlotSet("last_citation", None)]
