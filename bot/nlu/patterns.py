"""Rasa component: extracts order numbers, e-mails, phones and language names by shape.

Patterns beat a statistical extractor here: the shapes are exact, the values come in
every language unchanged, and full-width digits from Chinese and Japanese keyboards count.
Language names come from the lookup tables `language_name_<code>` in the training data
(data/nlu/language_names.yml) and are stored in the model; their value is the ISO code.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.model_files import load_json, save_json
from bot.patterns import LanguageNames, find_entities

EXTRACTOR = "PatternEntityExtractor"
LOOKUP_PREFIX = "language_name_"
NAMES_FILE = "language_names.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class PatternEntityExtractor(GraphComponent):
    def __init__(self, model_storage: ModelStorage, resource: Resource, names: Optional[Dict[str, str]] = None):
        self._model_storage = model_storage
        self._resource = resource
        self._languages = LanguageNames(names or {})

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "PatternEntityExtractor":
        return cls(model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "PatternEntityExtractor":
        return cls(model_storage, resource, load_json(model_storage, resource, NAMES_FILE) or {})

    def train(self, training_data: TrainingData) -> Resource:
        names = {
            str(element).lower(): table["name"][len(LOOKUP_PREFIX):]
            for table in training_data.lookup_tables
            if table["name"].startswith(LOOKUP_PREFIX)
            for element in table["elements"]
        }
        self._languages = LanguageNames(names)
        save_json(self._model_storage, self._resource, NAMES_FILE, names)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get("text") or ""
            matches = find_entities(text)
            taken = [(m.start, m.end) for m in matches]
            matches += [
                m for m in self._languages.find(text) if all(m.end <= s or m.start >= e for s, e in taken)
            ]
            found = [
                {
                    "entity": match.entity,
                    "start": match.start,
                    "end": match.end,
                    "value": match.value,
                    "extractor": EXTRACTOR,
                    "confidence_entity": 1.0,
                }
                for match in matches
            ]
            if found:
                entities = [*message.get(ENTITIES, []), *found]
                message.set(ENTITIES, sorted(entities, key=lambda e: e["start"]), add_to_output=True)
        return messages
