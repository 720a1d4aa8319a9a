"""Base class of the actions that consult the report: they receive their knowledge base."""
from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any

from rasa_sdk import Action

from knowledge import KnowledgeError

from .conversation import is_payload, without_personal_data
from .knowledge_base import get_knowledge_base

if TYPE_CHECKING:
    from knowledge import KnowledgeBase


class KnowledgeAction(Action, abc.ABC):
    """An action backed by a knowledge base: injected (tests) or the server's shared one."""

    def __init__(self, knowledge_base: "KnowledgeBase | None" = None) -> None:
        self._knowledge_base = knowledge_base

    @property
    def knowledge_base(self) -> "KnowledgeBase":
        """The injected knowledge base, else the shared one (opened on first use)."""
        return self._knowledge_base if self._knowledge_base is not None else get_knowledge_base()

    def verdict_on(self, text: str, context: str | tuple[str, str] | None = None) -> Any:
        """The knowledge layer's answer to a message (after `context`, the question it leans on), or None (a
        payload, an error)."""
        if not text or is_payload(text):
            return None
        try:
            return self.knowledge_base.answer(without_personal_data(text), context=context)
        except KnowledgeError:
            return None

    @abc.abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""
