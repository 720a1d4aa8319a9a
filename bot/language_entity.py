"""The resident's language as an entity, set inside Rasa's NLU: the `language` slot maps from it.

The slot used to be a custom mapping filled by an action-server call after every message — a second HTTP round
trip (with the whole tracker) on every turn, before the turn's own action. The rule is the knowledge layer's
(`knowledge.language.message_language`): a message that tells nothing (a button payload, digits, emoji) adds no
entity, so the conversation keeps its language.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from knowledge import message_language

ENTITY = "language"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Adds a `language` entity (zh | en) spanning the message, when the message tells its language."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LanguageEntityExtractor":
        """A new extractor (it learns nothing)."""
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Each message with its language entity appended."""
        for message in messages:
            text = message.get(TEXT) or ""
            language = message_language(text)
            if language is None:
                continue
            entity = {"entity": ENTITY, "value": language, "start": 0, "end": len(text), "confidence_entity": 1.0}
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name([entity]), add_to_output=True)
        return messages
