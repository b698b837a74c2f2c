"""The linear intent classifier as Rasa runs it: trained through its component interface,
saved in and loaded from model storage, writing the intent, its ranking and the FAQ key in
Rasa's own output format."""
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.linear_classifier import LinearIntentClassifier
from bot.nlu.tokenizer import MultilingualTokenizer

EXAMPLES = {
    "order_status": ["where is my order", "dónde está mi pedido", "track my parcel", "我的订单在哪里", "status of my order"],
    "cancel_order": ["cancel my order", "cancela mi pedido", "I want to cancel the order", "取消订单", "please cancel it"],
    "faq/delivery_time": ["how long does delivery take", "cuánto tarda el envío", "delivery time", "多久能到", "how many days to ship"],
    "faq/payment_methods": ["can I pay with paypal", "qué métodos de pago aceptan", "payment methods", "可以用支付宝吗", "do you take visa"],
}
TOKENIZER = MultilingualTokenizer(MultilingualTokenizer.get_default_config())


def message(text: str, label: str | None = None) -> Message:
    data = {"text": text}
    if label:
        intent, _, key = label.partition("/")
        data["intent"] = intent
        if key:
            data["intent_response_key"] = label
    result = Message(data)
    TOKENIZER.process([result])
    return result


@pytest.fixture
def trained(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("linear_intent_classifier")
    context = ExecutionContext(graph_schema=None, model_id="test")
    config = {**LinearIntentClassifier.get_default_config()}
    component = LinearIntentClassifier.create(config, storage, resource, context)
    examples = [message(text, label) for label, texts in EXAMPLES.items() for text in texts]
    responses = {"utter_faq/delivery_time": [{"text": "kb"}], "utter_faq/payment_methods": [{"text": "kb"}]}
    component.train(TrainingData(training_examples=examples, responses=responses))
    return LinearIntentClassifier.load(config, storage, resource, context)


def classify(component, text):
    [result] = component.process([message(text)])
    return result


def test_requests_are_classified_in_any_language(trained):
    assert classify(trained, "cancel order 100234 please").get("intent")["name"] == "cancel_order"
    assert classify(trained, "dónde está mi pedido 100234??").get("intent")["name"] == "order_status"


def test_faq_keys_are_one_intent_and_the_key_is_selected_as_rasa_does(trained):
    result = classify(trained, "how long will delivery take to canada")
    intent = result.get("intent")
    assert intent["name"] == "faq"
    ranking = result.get("intent_ranking")
    assert [r["name"] for r in ranking].count("faq") == 1
    assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-6
    selected = result.get("response_selector")
    assert selected["all_retrieval_intents"] == ["faq"]
    response = selected["faq"]["response"]
    assert response["intent_response_key"] == "faq/delivery_time"
    assert response["utter_action"] == "utter_faq/delivery_time"
    assert 0.5 < response["confidence"] <= 1.0
    assert [r["intent_response_key"] for r in selected["faq"]["ranking"]][0] == "faq/delivery_time"


def test_the_same_text_always_gets_the_same_answer(trained):
    first = classify(trained, "可以用支付宝付款吗").get("intent")
    assert first == classify(trained, "可以用支付宝付款吗").get("intent")
    assert first["name"] == "faq"


def test_an_empty_message_is_left_for_the_fallback(trained):
    assert classify(trained, "   ").get("intent") is None
