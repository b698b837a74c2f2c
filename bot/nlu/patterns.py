"""Rasa component: extracts order numbers, e-mails and phones by their shape.

Patterns beat a statistical extractor here: the shapes are exact, the values come in
every language unchanged, and full-width digits from Chinese and Japanese keyboards count.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message

from bot.patterns import find_entities

EXTRACTOR = "PatternEntityExtractor"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class PatternEntityExtractor(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "PatternEntityExtractor":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get("text") or ""
            found = [
                {
                    "entity": match.entity,
                    "start": match.start,
                    "end": match.end,
                    "value": match.value,
                    "extractor": EXTRACTOR,
                    "confidence_entity": 1.0,
                }
                for match in find_entities(text)
            ]
            if found:
                entities = [*message.get(ENTITIES, []), *found]
                message.set(ENTITIES, sorted(entities, key=lambda e: e["start"]), add_to_output=True)
        return messages
