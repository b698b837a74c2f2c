import pytest

from bot.language.conversation import resolve_language
from bot.language.detector import LanguageDetector
from bot.nlu.language_detector import texts_by_language
from bot.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector.train(texts_by_language(PROJECT_ROOT / "data" / "nlu"))


@pytest.mark.parametrize(
    "text, language",
    [
        ("where is my order??", "en"),
        ("dónde está mi pedido 100234??", "es"),
        ("donde esta mi paquete", "es"),
        ("quiero hablar con una persona", "es"),
        ("merci beaucoup", "fr"),
        ("wo ist mein paket", "de"),
        ("dov'è il mio ordine", "it"),
        ("cadê meu pedido", "pt"),
        ("我的订单到哪了", "zh"),
        ("退款", "zh"),
        ("付款失败", "zh"),
        ("注文はどこですか", "ja"),
        # Kanji only, but Japanese characters (確認, not Chinese 确认).
        ("注文確認", "ja"),
        ("где мой заказ", "ru"),
        ("أين طلبي", "ar"),
    ],
)
def test_detects_short_chat_messages(detector, text, language):
    detection = detector.detect(text)
    assert detection.code == language
    assert detection.confident


@pytest.mark.parametrize("text", ["100234", "👍", "", "??", "maria@example.com", "ok"])
def test_messages_without_language_are_not_confident(detector, text):
    assert not detector.detect(text).confident


def test_detection_is_deterministic(detector):
    results = {detector.detect("merci beaucoup").as_dict()["code"] for _ in range(5)}
    assert len(results) == 1


def test_profiles_survive_a_round_trip(detector):
    again = LanguageDetector.from_dict(detector.to_dict())
    for text in ("gracias por todo", "thanks so much", "谢谢"):
        assert again.detect(text) == detector.detect(text)


def test_conversation_keeps_its_language_on_ambiguous_messages():
    supported = ("en", "es", "zh")
    confident_es = {"code": "es", "confident": True}
    unsure_en = {"code": "en", "confident": False}
    assert resolve_language(None, confident_es, None, "en", supported) == "es"
    assert resolve_language("es", unsure_en, None, "en", supported) == "es"
    assert resolve_language("es", {"code": "zh", "confident": True}, None, "en", supported) == "zh"
    # No signal yet: the channel's locale, then the default.
    assert resolve_language(None, unsure_en, "zh-CN", "en", supported) == "zh"
    assert resolve_language(None, None, "tr-TR", "en", supported) == "en"
