"""Load the knowledge base's models before the first resident asks (called by the service scripts)."""
from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from .knowledge_action import KnowledgeAction

logger = logging.getLogger(__name__)


class ActionWarmUp(KnowledgeAction):
    """Not in the domain: `scripts/services.py` posts it to the action server's /webhook once at start."""

    def name(self) -> str:
        return "action_warm_up"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        seconds = self.knowledge_base.warm_up()
        logger.info("knowledge base warmed up in %.1f s", seconds)
        return []
