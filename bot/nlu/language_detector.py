"""Rasa component: detects each message's language before anything else reads it.

Writes a top-level `language` object into the parse result (`/model/parse`, the tracker's
UserUttered parse data), e.g. {"code": "es", "confidence": 0.93, "confident": true, ...}.
The conversation's `language` slot is then set from it by a custom slot mapping
(actions/language.py), which also sees the conversation's current language.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language.detector import LanguageDetector as Detector
from bot.nlu.model_files import load_json, save_json

logger = logging.getLogger(__name__)
LANGUAGE_KEY = "language"
PROFILE_FILE = "language_profiles.json"


def texts_by_language(root: Path) -> dict[str, list[str]]:
    """The training examples of each language folder (data/nlu/<lang>/)."""
    return {
        folder.name: [m.get("text") for m in load_data(str(folder)).training_examples]
        for folder in sorted(root.iterdir())
        if folder.is_dir()
    }


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class LanguageDetector(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Training data is laid out per language (data/nlu/<lang>/); Rasa's merged training
        # data no longer says which language an example is in, so the folders are read here.
        return {"nlu_data_dir": "data/nlu"}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        detector: Optional[Detector] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._detector = detector

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageDetector":
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "LanguageDetector":
        profiles = load_json(model_storage, resource, PROFILE_FILE)
        if profiles is None:
            logger.warning("No trained language profiles in the model; detection uses scripts only.")
        return cls(config, model_storage, resource, Detector.from_dict(profiles or {}))

    def train(self, training_data: TrainingData) -> Resource:
        texts = texts_by_language(Path(self._config["nlu_data_dir"]))
        self._detector = Detector.train(texts)
        save_json(self._model_storage, self._resource, PROFILE_FILE, self._detector.to_dict())
        logger.info("Language profiles trained for %s", ", ".join(sorted(texts)))
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        detector = self._detector or Detector({})
        for message in messages:
            metadata = message.get("metadata") or {}
            locale = metadata.get("locale") if isinstance(metadata, dict) else None
            detection = detector.detect(message.get("text") or "", locale)
            message.set(LANGUAGE_KEY, detection.as_dict(), add_to_output=True)
        return messages
