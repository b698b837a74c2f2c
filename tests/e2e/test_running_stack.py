"""Drives the running assistant over HTTP, as a shopper's channel would: the Rasa server,
the action server, the NLG endpoint and the demo store all run as real processes."""
from __future__ import annotations

import re

import pytest
import requests

from bot.nlg.catalog import Catalog
from integrations.demo_store.seed import SHOWCASE_ORDERS
from tests.e2e.shopper import Shopper, variations


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


@pytest.fixture
def shopper(running_stack):
    return Shopper(running_stack.settings)


@pytest.mark.parametrize(
    "language, first, number, proof, state",
    [
        ("en", "where is my order 100234??", "100234", "maria.garcia@example.es", "in_transit"),
        ("es", "dónde está mi pedido 100234??", "100234", "+34 612 345 678", "in_transit"),
        ("zh", "我的订单100236到哪里了", "100236", "wang.fang@example.cn", "customs_hold"),
        ("de", "wo bleibt meine bestellung 100237", "100237", "lukas.mueller@example.de", "processing"),
        ("ja", "注文100238はどこですか", "100238", "hanako.sato@example.jp", "out_for_delivery"),
        ("fr", "où en est ma commande 100240 ?", "100240", "+33 6 12 34 56 78", "delivery_failed"),
    ],
)
def test_order_status_conversation(shopper, catalog, language, first, number, proof, state):
    asked = shopper.say(first)
    assert asked[0] in variations(catalog, language, "utter_ask_order_contact", order_number=number)
    report = "\n".join(shopper.say(proof))
    assert number in report
    assert catalog.get(language).term("order_state", state) in report
    tracking_number = SHOWCASE_ORDERS[number]["tracking_number"]
    if tracking_number:
        assert tracking_number in report
    if state == "customs_hold":
        assert catalog.get(language).term("customs_status", "held") in report
    tracker = shopper.tracker()
    assert tracker["slots"]["language"] == language
    assert tracker["slots"]["verified_order"] == number
    assert tracker["slots"]["order_contact"] is None


def test_order_number_asked_for_when_missing_and_wrong_proof_refused(shopper, catalog):
    assert shopper.say("I want to track my package")[0] in variations(catalog, "en", "utter_ask_order_number")
    malformed = shopper.say("ABC123")
    assert malformed[0] in variations(catalog, "en", "utter_invalid_order_number", value="ABC123")
    unknown = shopper.say("999999")
    assert unknown[0] in variations(catalog, "en", "utter_order_not_found", order_number="999999")
    shopper.say("100235")
    mismatch = shopper.say("maria.garcia@example.es")
    assert mismatch[0] in variations(catalog, "en", "utter_contact_mismatch", order_number="100235")
    report = "\n".join(shopper.say("+1 202 555 0143"))
    assert catalog.get("en").term("order_state", "delivered") in report


def test_parse_result_carries_the_language(running_stack):
    settings = running_stack.settings
    response = requests.post(
        f"{settings.rasa_url}/model/parse",
        params={"token": settings.rasa_api_token},
        json={"text": "dónde está mi pedido"},
        timeout=30,
    )
    assert response.status_code == 200
    parsed = response.json()
    assert parsed["language"]["code"] == "es" and parsed["language"]["confident"] is True
    assert parsed["intent"]["name"] == "order_status"


def test_faq_answer_comes_from_the_knowledge_base_in_the_shoppers_language(shopper, catalog):
    reply = shopper.say("¿cuánto tarda en llegar el envío?")
    assert reply == [catalog.get("es").faq_answer("delivery_time", None)]


def test_language_follows_the_shopper(shopper, catalog):
    assert shopper.say("hola")[0] in variations(catalog, "es", "utter_greet")
    assert shopper.say("are you a bot?")[0] in variations(catalog, "en", "utter_iamabot")
    # "100234" says nothing about the language: the conversation stays in English.
    shopper.say("100234")
    assert shopper.tracker()["slots"]["language"] == "en"


def test_the_shopper_can_ask_for_another_language(shopper, catalog):
    assert shopper.say("can we speak German please?")[0] in variations(catalog, "de", "utter_language_changed")
    assert shopper.tracker()["slots"]["language"] == "de"


@pytest.mark.parametrize("junk", ["", "   ", "\x00\x01\x02\x03"])
def test_empty_or_binary_messages_get_a_clear_answer(shopper, catalog, junk):
    assert shopper.say(junk)[0] in variations(catalog, "en", "utter_empty_message")


def test_huge_message_is_answered_and_stored_cut(shopper, running_stack):
    replies = shopper.say("where is my order " + "please " * 20_000)
    assert replies and all(replies)
    user_events = [e for e in shopper.tracker()["events"] if e["event"] == "user"]
    assert len(user_events[-1]["text"]) <= running_stack.settings.max_message_chars


def test_card_numbers_never_reach_the_tracker_store(shopper, catalog):
    replies = shopper.say("my card number is 4111 1111 1111 1111 and the cvv 123")
    assert replies[0].startswith(catalog.get("en").term("notes", "secret_removed"))
    stored = " ".join(e.get("text") or "" for e in shopper.tracker()["events"])
    assert "4111" not in stored and "cvv 123" not in stored
    assert "[card number removed]" in stored


def test_two_misunderstandings_offer_a_person(shopper, catalog):
    # "/nlu_fallback" is what the FallbackClassifier turns a low-confidence message into.
    first = shopper.say("/nlu_fallback")
    assert first[0] in variations(catalog, "en", "utter_ask_rephrase")
    second = shopper.say("/nlu_fallback")
    assert second[0] in variations(catalog, "en", "utter_offer_human")
    handed = shopper.say("/human_handoff")
    assert re.search(r"T-\d{6}", handed[0])
