"""Rasa component: a linear intent classifier over word and character n-grams.

Shoppers' requests are told apart by their words and word pieces, in ten languages at once. A
linear support-vector machine on TF-IDF features of the tokenizer's words (and word pairs) and
of character n-grams (1 to 4, inside word boundaries, so typos, missing accents and unsegmented
CJK still share features) learns that in seconds, where DIET needs minutes on two cores, and it
was more accurate on the held-out sets (see README, Evaluation).

It learns the full retrieval labels (faq/delivery_time, ...) so that FAQ questions are kept
apart from requests by their topic; the `faq` intent's confidence is the sum of its keys'. The
ResponseSelector still picks the FAQ key. Confidences are a softmax of the decision scores, so
the FallbackClassifier's threshold means the same from one training to the next.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

logger = logging.getLogger(__name__)
MODEL_FILE = "linear_intent_classifier.joblib"
RANKING_LENGTH = 10
RETRIEVAL_SEPARATOR = "/"


def word_features(words: List[str]) -> List[str]:
    """Words and adjacent word pairs: "wrong item" is not "wrong" plus "item"."""
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def _identity(features: List[str]) -> List[str]:
    return features


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Regularisation of the SVM: lower is smoother; 1.0 did best on held-out data.
            "C": 1.0,
            "char_min_ngram": 1,
            "char_max_ngram": 4,
            # Character n-grams seen in only one example are mostly typos of that one example.
            "char_min_df": 2,
            # Scales decision scores before the softmax: higher gives sharper confidences.
            "temperature": 4.0,
            "random_seed": 7,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[Dict[str, Any]] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "LinearIntentClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                model = joblib.load(directory / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("No trained linear intent classifier in the model; intents will not be predicted.")
            model = None
        return cls(config, model_storage, resource, model)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        labels = [m.get(INTENT_RESPONSE_KEY) or m.get(INTENT) for m in examples]
        words = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        chars = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(self._config["char_min_ngram"], self._config["char_max_ngram"]),
            min_df=self._config["char_min_df"],
            sublinear_tf=True,
            lowercase=True,
        )
        features = hstack(
            [words.fit_transform([self._words(m) for m in examples]), chars.fit_transform([m.get(TEXT) for m in examples])]
        ).tocsr()
        svm = LinearSVC(C=self._config["C"], random_state=self._config["random_seed"])
        svm.fit(features, labels)
        self._model = {"words": words, "chars": chars, "svm": svm}
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self._model, directory / MODEL_FILE)
        logger.info("Linear intent classifier: %d examples, %d labels, %d features", len(examples), len(svm.classes_), features.shape[1])
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self._model is None:
            return messages
        for message in messages:
            ranking = self.rank(message)
            if ranking:
                message.set(INTENT, ranking[0], add_to_output=True)
                message.set("intent_ranking", ranking[:RANKING_LENGTH], add_to_output=True)
        return messages

    def rank(self, message: Message) -> List[Dict[str, Any]]:
        """Intents with confidences, best first; FAQ keys summed into `faq`."""
        text = message.get(TEXT) or ""
        if not text.strip():
            return []
        model = self._model
        features = hstack([model["words"].transform([self._words(message)]), model["chars"].transform([text])]).tocsr()
        scores = model["svm"].decision_function(features)[0] * self._config["temperature"]
        probabilities = np.exp(scores - scores.max())
        probabilities /= probabilities.sum()
        by_intent: Dict[str, float] = {}
        for label, probability in zip(model["svm"].classes_, probabilities):
            intent = str(label).split(RETRIEVAL_SEPARATOR, 1)[0]
            by_intent[intent] = by_intent.get(intent, 0.0) + float(probability)
        return [
            {"name": name, "confidence": confidence}
            for name, confidence in sorted(by_intent.items(), key=lambda item: item[1], reverse=True)
        ]

    @staticmethod
    def _words(message: Message) -> List[str]:
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        return word_features([token.text.lower() for token in tokens])
