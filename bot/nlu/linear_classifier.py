"""Rasa component: a linear intent classifier over word and character n-grams.

Shoppers' requests are told apart by their words and word pieces, in ten languages at once. A
linear support-vector machine on TF-IDF features of the tokenizer's words (and word pairs) and
of character n-grams (1 to 4, inside word boundaries, so typos, missing accents and unsegmented
CJK still share features) learns that in seconds, where DIET needs minutes on two cores, and it
was more accurate on the held-out sets (see README, Evaluation).

It learns the full retrieval labels (faq/delivery_time, ...) so that FAQ questions are kept
apart from requests by their topic; the `faq` intent's confidence is the sum of its keys'. The
same model then answers for the retrieval intent as a ResponseSelector does, in Rasa's own
`response_selector` output, so `utter_faq` works unchanged; on the held-out sets it picks the
key more often right than Rasa's ResponseSelector, and it needs no second training.
Confidences are a softmax of the decision scores, so the FallbackClassifier's threshold means
the same from one training to the next.
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
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
    TOKENS_NAMES,
)
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
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


def intent_ranking(labels: Dict[str, float]) -> List[Dict[str, Any]]:
    """Intents best first; a retrieval intent's confidence is the sum of its keys'."""
    by_intent: Dict[str, float] = {}
    for label, probability in labels.items():
        intent = label.split(RETRIEVAL_SEPARATOR, 1)[0]
        by_intent[intent] = by_intent.get(intent, 0.0) + probability
    return [
        {"name": name, "confidence": confidence}
        for name, confidence in sorted(by_intent.items(), key=lambda item: item[1], reverse=True)
    ]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Regularisation of the SVM: lower is smoother; 2.0 did best in cross-validation on the training data.
            "C": 2.0,
            "char_min_ngram": 1,
            "char_max_ngram": 4,
            # Character n-grams seen in only one example are mostly typos of that one example.
            "char_min_df": 2,
            # Scales decision scores before the softmax: higher gives sharper confidences.
            "temperature": 4.0,
            # Labels have between 20 and 90 examples a language; weighting them evenly keeps
            # the bigger ones from pulling their neighbours' messages over.
            "class_weight": "balanced",
            "random_seed": 7,
            # The retrieval intent whose keys this component selects, as a ResponseSelector would.
            "retrieval_intent": "faq",
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
        svm = LinearSVC(C=self._config["C"], class_weight=self._config["class_weight"], random_state=self._config["random_seed"])
        svm.fit(features, labels)
        prefix = f"utter_{self._config['retrieval_intent']}{RETRIEVAL_SEPARATOR}"
        # What the retrieval intent's keys say in the domain (the NLG endpoint renders the real
        # answers); Rasa's response_selector output carries them.
        responses = {key: value for key, value in training_data.responses.items() if key.startswith(prefix)}
        self._model = {"words": words, "chars": chars, "svm": svm, "responses": responses}
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self._model, directory / MODEL_FILE)
        logger.info("Linear intent classifier: %d examples, %d labels, %d features", len(examples), len(svm.classes_), features.shape[1])
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self._model is None:
            return messages
        for message in messages:
            labels = self.label_probabilities(message)
            if not labels:
                continue
            ranking = intent_ranking(labels)
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking[:RANKING_LENGTH], add_to_output=True)
            self._select_response(message, labels)
        return messages

    def label_probabilities(self, message: Message) -> Dict[str, float]:
        """Every label (intents and retrieval keys) with its probability."""
        text = message.get(TEXT) or ""
        if not text.strip():
            return {}
        model = self._model
        features = hstack([model["words"].transform([self._words(message)]), model["chars"].transform([text])]).tocsr()
        scores = model["svm"].decision_function(features)[0] * self._config["temperature"]
        probabilities = np.exp(scores - scores.max())
        probabilities /= probabilities.sum()
        return {str(label): float(p) for label, p in zip(model["svm"].classes_, probabilities)}

    def _select_response(self, message: Message, labels: Dict[str, float]) -> None:
        """Rasa's ResponseSelector output for the retrieval intent: its best key, the key's
        confidence within the intent, and the ranking of keys."""
        intent = self._config["retrieval_intent"]
        keys = {label: p for label, p in labels.items() if label.startswith(intent + RETRIEVAL_SEPARATOR)}
        total = sum(keys.values())
        if not keys or total <= 0:
            return
        ranked = sorted(keys.items(), key=lambda item: item[1], reverse=True)
        best = ranked[0][0]
        utter_action = f"utter_{best}"
        selector = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
        selector[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = [intent]
        selector[intent] = {
            RESPONSE_SELECTOR_PREDICTION_KEY: {
                RESPONSE_SELECTOR_RESPONSES_KEY: self._model["responses"].get(utter_action) or [{TEXT: best}],
                PREDICTED_CONFIDENCE_KEY: ranked[0][1] / total,
                INTENT_RESPONSE_KEY: best,
                RESPONSE_SELECTOR_UTTER_ACTION_KEY: utter_action,
            },
            RESPONSE_SELECTOR_RANKING_KEY: [
                {"id": index, INTENT_RESPONSE_KEY: key, PREDICTED_CONFIDENCE_KEY: p / total}
                for index, (key, p) in enumerate(ranked[:RANKING_LENGTH])
            ],
        }
        message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selector, add_to_output=True)

    @staticmethod
    def _words(message: Message) -> List[str]:
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        return word_features([token.text.lower() for token in tokens])
