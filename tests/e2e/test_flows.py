"""Every request flow over the running stack, in several languages: the real Rasa model, action
server, NLG endpoint and demo store. Each test uses its own showcase order, so flows that change
an order do not disturb the others."""
from __future__ import annotations

import re

import pytest
import requests

from bot.nlg.catalog import Catalog
from integrations.demo_store.seed import SHOWCASE_ORDERS
from tests.e2e.shopper import Shopper, button_payloads, rendered, variations
from ticketing.feedback import FeedbackStore
from ticketing.db import make_engine
from ticketing.service import TicketService


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


@pytest.fixture
def shopper(running_stack):
    return Shopper(running_stack.settings)


class Queue:
    """The ticket queue the action server writes hand-offs to, read as agents will see it."""

    def __init__(self, url: str):
        self._service = TicketService(make_engine(url))

    def open_ticket_of(self, conversation_id: str):
        ticket = self._service.active_ticket(conversation_id)
        if ticket is None:
            return None
        return {
            "reference": ticket.reference,
            "reason": ticket.reason,
            "priority": ticket.priority,
            "language": ticket.language,
            "market": ticket.market,
            "order_number": ticket.order_number,
            "details": ticket.details,
        }


@pytest.fixture
def queue(running_stack):
    return Queue(running_stack.settings.ticketing_db_url)


def email(number: str) -> str:
    return SHOWCASE_ORDERS[number]["email"]


def joined(replies: list[str]) -> str:
    return "\n".join(replies)


def test_a_return_inside_the_eu_window_gets_an_rma_a_label_and_the_refund(shopper, catalog):
    asked = shopper.say("quiero devolver algo del pedido 100242")
    assert asked[0] in variations(catalog, "es", "utter_ask_order_contact", order_number="100242")
    items = shopper.messages(email("100242"))
    assert rendered(catalog, "es", "utter_ask_order_item", items[0]["text"])
    # Two items can go back: each is a button, and "all of them" too.
    assert button_payloads(items) == [
        '/inform{"order_item":"APP-1002"}', '/inform{"order_item":"APP-1001"}', '/inform{"order_item":"all"}'
    ]
    reasons = shopper.messages('/inform{"order_item":"APP-1002"}')
    assert '/inform{"return_reason":"wrong_size"}' in button_payloads(reasons)
    shopper.say('/inform{"return_reason":"wrong_size"}')
    # Typed instead of clicked: the Spanish button title.
    typed = catalog.get("es").term("item_condition", "unopened")
    done = joined(shopper.say(typed.lower()))
    assert re.search(r"RMA-100242-\d+", done)
    assert rendered(catalog, "es", "utter_return_label", done) and "/labels/" in done
    assert rendered(catalog, "es", "utter_return_refund", done)


def test_a_return_after_the_eu_window_is_refused_with_the_dates(shopper, catalog):
    shopper.say("ich möchte meine bestellung 100243 zurückschicken")
    shopper.say(email("100243"))  # one item: no item question
    shopper.say('/inform{"return_reason":"changed_mind"}')
    refused = joined(shopper.say('/inform{"return_condition":"unused"}'))
    assert rendered(catalog, "de", "utter_return_refused_window_closed", refused)
    assert "RMA-" not in refused


def test_underwear_is_refused_but_the_rest_of_the_order_goes_back(shopper, catalog):
    shopper.say("je veux retourner ma commande 100245")
    shopper.say(email("100245"))
    shopper.say('/inform{"order_item":"all"}')
    shopper.say('/inform{"return_reason":"changed_mind"}')
    outcome = joined(shopper.say('/inform{"return_condition":"unopened"}'))
    assert rendered(catalog, "fr", "utter_return_refused_non_returnable", outcome)
    assert re.search(r"RMA-100245-\d+", outcome)


def test_an_overdue_refund_goes_to_a_person(shopper, catalog, queue):
    shopper.say("dov'è il mio rimborso per l'ordine 100246?")
    status = joined(shopper.say(email("100246")))
    assert rendered(catalog, "it", "utter_refund_overdue", status) and re.search(r"T-\d{6}", status)
    ticket = queue.open_ticket_of(shopper.sender)
    assert ticket["reason"] == "money_at_stake" and ticket["order_number"] == "100246"


def test_an_issued_refund_is_reported_with_its_date(shopper, catalog):
    shopper.say("where is my refund for order 100252")
    status = joined(shopper.say(email("100252")))
    assert rendered(catalog, "en", "utter_refund_issued", status)


def test_cancelling_before_shipment_asks_first_then_refunds(shopper, catalog):
    shopper.say("please cancel my order 100251")
    confirm = shopper.messages(email("100251"))
    assert rendered(catalog, "en", "utter_confirm_cancel", confirm[0]["text"])
    assert button_payloads(confirm) == ["/affirm", "/deny"]
    done = joined(shopper.say("yes"))
    assert rendered(catalog, "en", "utter_cancel_done", done)
    assert rendered(catalog, "en", "utter_cancel_refund", done)
    # The store really cancelled it.
    again = joined(shopper.say("where is my order 100251?"))
    assert catalog.get("en").term("order_state", "cancelled") in again


def test_a_shipped_order_cannot_be_cancelled_and_a_return_is_offered(shopper, catalog):
    shopper.say("bitte stornieren sie meine bestellung 100253")
    refused = joined(shopper.say(email("100253")))
    assert rendered(catalog, "de", "utter_cancel_too_late_shipped", refused)
    assert rendered(catalog, "de", "utter_change_return_instead", refused)


def test_changing_the_address_before_shipment(shopper, catalog):
    shopper.say("I need to change the delivery address of order 100247")
    asked = shopper.say(email("100247"))
    assert asked[0] in variations(catalog, "en", "utter_ask_new_address")
    unreadable = shopper.say("somewhere in London")
    assert unreadable[0] in variations(catalog, "en", "utter_address_no_postal_code")
    confirm = shopper.say("10 Downing Street, London SW1A 2AA")
    assert "SW1A 2AA" in confirm[0]
    done = joined(shopper.say("yes please"))
    assert rendered(catalog, "en", "utter_address_changed", done) and "10 Downing Street" in done


def test_after_shipment_the_carrier_can_redirect(shopper, catalog):
    shopper.say("quiero cambiar la dirección de envío del pedido 100253")
    reply = joined(shopper.say(email("100253")))
    assert rendered(catalog, "es", "utter_address_too_late_shipped", reply)
    assert rendered(catalog, "es", "utter_address_carrier_redirect", reply) and "4829173650" in reply


def test_changing_the_size_of_an_item(shopper, catalog):
    shopper.say("can I change the size of something in order 100247")
    items = shopper.messages(email("100247"))
    assert '/inform{"order_item":"APP-1006"}' in button_payloads(items)
    options = shopper.messages('/inform{"order_item":"APP-1006"}')
    variants = [p for p in button_payloads(options) if '"variant:' in p]
    assert variants, button_payloads(options)
    done = joined(shopper.say(variants[0]))
    assert rendered(catalog, "en", "utter_change_variant_done", done)


def test_a_late_parcel_gets_the_date_from_which_it_counts_as_lost(shopper, catalog):
    shopper.say("我的包裹100250严重延误了")
    shopper.say(email("100250"))
    reply = joined(shopper.say('/inform{"delivery_problem":"late"}'))
    assert rendered(catalog, "zh", "utter_problem_last_scan", reply)
    assert rendered(catalog, "zh", "utter_problem_claim_from", reply)


def test_a_lost_parcel_gets_a_claim(shopper, catalog):
    shopper.say("my parcel 100239 is lost")
    resolution = shopper.messages(email("100239"))  # the order is lost: no need to ask what happened
    assert button_payloads(resolution) == ['/inform{"claim_resolution":"reship"}', '/inform{"claim_resolution":"refund"}']
    done = joined(shopper.say('/inform{"claim_resolution":"refund"}'))
    assert re.search(r"CLM-100239-\d+", done)
    assert rendered(catalog, "en", "utter_claim_refund", done)


def test_a_damaged_item_gets_a_replacement_claim(shopper, catalog):
    shopper.say("注文100235の商品が壊れて届きました")
    shopper.say(email("100235"))
    items = shopper.messages('/inform{"delivery_problem":"damaged"}')
    assert rendered(catalog, "ja", "utter_ask_order_item", items[0]["text"])
    item_buttons = button_payloads(items)
    assert item_buttons and all('"order_item"' in payload for payload in item_buttons)
    resolutions = shopper.messages(item_buttons[0])
    assert button_payloads(resolutions) == ['/inform{"claim_resolution":"replace"}', '/inform{"claim_resolution":"refund"}']
    done = joined(shopper.say('/inform{"claim_resolution":"replace"}'))
    assert re.search(r"CLM-100235-\d+", done)
    assert rendered(catalog, "ja", "utter_claim_keep_evidence", done)


def test_a_customs_hold_is_explained_and_handed_to_a_person_with_priority(shopper, catalog, queue):
    shopper.say("我的包裹100236被海关扣了")
    reply = joined(shopper.say(email("100236")))
    assert rendered(catalog, "zh", "utter_problem_customs_next", reply)
    # The duties the destination charges, from the knowledge base for the order's market.
    assert catalog.get("zh").faq_answer("customs_duties", "CN") in reply
    assert re.search(r"T-\d{6}", reply)
    ticket = queue.open_ticket_of(shopper.sender)
    assert ticket["reason"] == "customs_hold" and ticket["priority"] == "high" and ticket["market"] == "CN"
    assert ticket["order_number"] == "100236" and ticket["language"] == "zh"


def test_a_double_charge_goes_to_a_person_urgently(shopper, catalog, queue):
    shopper.say("I was charged twice for order 100249")
    reply = joined(shopper.say(email("100249")))
    assert rendered(catalog, "en", "utter_payment_double_charge", reply)
    ticket = queue.open_ticket_of(shopper.sender)
    assert ticket["reason"] == "money_at_stake" and ticket["priority"] == "urgent"


def test_a_declined_payment_is_explained(shopper, catalog, queue):
    shopper.say("注文100248のカード決済が失敗しました")
    reply = joined(shopper.say(email("100248")))
    assert catalog.get("ja").term("decline_code", "insufficient_funds") in reply
    assert rendered(catalog, "ja", "utter_payment_retry", reply)
    assert queue.open_ticket_of(shopper.sender) is None


def test_an_invoice_link_opens_only_as_signed(shopper, catalog):
    shopper.say("I need the invoice for order 100235")
    reply = joined(shopper.say(email("100235")))
    assert rendered(catalog, "en", "utter_invoice_link", reply)
    url = re.search(r"https?://\S+", reply).group(0).rstrip(").,")
    invoice = requests.get(url, timeout=10)
    assert invoice.status_code == 200 and "100235" in invoice.text
    tampered = re.sub(r"(signature=)(\w)", lambda m: m.group(1) + ("0" if m.group(2) != "0" else "1"), url)
    assert requests.get(tampered, timeout=10).status_code == 403


def test_a_complaint_reaches_a_person_with_the_shoppers_words(shopper, catalog, queue):
    asked = shopper.say("voglio presentare un reclamo formale")
    assert asked[0] in variations(catalog, "it", "utter_ask_complaint_text")
    words = "il corriere ha lasciato il pacco sotto la pioggia e nessuno risponde"
    reply = joined(shopper.say(words))
    assert rendered(catalog, "it", "utter_complaint_received", reply) and re.search(r"T-\d{6}", reply)
    ticket = queue.open_ticket_of(shopper.sender)
    assert ticket["reason"] == "complaint" and ticket["priority"] == "high"
    assert ticket["details"]["complaint"] == words


def test_feedback_is_stored_and_a_poor_rating_offers_a_person(shopper, catalog, running_stack):
    asked = shopper.messages("quero avaliar o atendimento de vocês")
    assert len(button_payloads(asked)) == 5
    shopper.say("2")
    reply = shopper.messages("demorou muito para responder")
    assert rendered(catalog, "pt", "utter_feedback_sorry", reply[0]["text"])
    assert "/human_handoff" in button_payloads(reply)
    store = FeedbackStore(running_stack.settings.ticketing_db_url)
    try:
        stored = [f for f in store.recent() if f.conversation_id == shopper.sender]
    finally:
        store.dispose()
    assert [(f.rating, f.comment) for f in stored] == [(2, "demorou muito para responder")]


def test_a_question_inside_a_form_is_answered_and_the_form_resumes_then_stop_ends_it(shopper, catalog):
    asked = shopper.say("quiero devolver un producto")
    assert asked[0] in variations(catalog, "es", "utter_ask_order_number")
    digression = shopper.say("¿hacen envíos a México?")
    assert digression[0] == catalog.get("es").faq_answer("shipping_countries", None)
    assert digression[-1] in variations(catalog, "es", "utter_ask_order_number")
    stopped = shopper.say("para, ya no quiero seguir")
    assert stopped[0] in variations(catalog, "es", "utter_form_stopped")
    assert shopper.tracker()["active_loop"] in ({}, None) or not shopper.tracker()["active_loop"].get("name")


def test_a_single_item_order_is_changed_without_asking_which_item(shopper, catalog):
    shopper.say("je voudrais modifier la quantité dans ma commande 100237")
    options = shopper.messages(email("100237"))
    assert rendered(catalog, "fr", "utter_ask_order_change", options[0]["text"])
    assert '/inform{"order_change":"quantity:2"}' in button_payloads(options)
    done = joined(shopper.say("2"))
    assert rendered(catalog, "fr", "utter_change_quantity_done", done)


def test_a_typed_yes_accepts_the_person_offered_after_a_failed_check(shopper, catalog, queue):
    shopper.say("where is my order 100235")
    for wrong in ("a@example.com", "b@example.com", "c@example.com"):
        reply = shopper.say(wrong)
    assert reply[-1] in variations(catalog, "en", "utter_offer_human")
    handed = joined(shopper.say("yes"))
    assert re.search(r"T-\d{6}", handed)
    assert queue.open_ticket_of(shopper.sender)["reason"] == "assistant_offer"


def test_an_offer_lasts_one_answer(shopper, catalog, queue):
    shopper.say("where is my order 100235")
    for wrong in ("a@example.com", "b@example.com", "c@example.com"):
        shopper.say(wrong)
    shopper.say("how long does delivery take?")
    assert not re.search(r"T-\d{6}", joined(shopper.say("yes")))
    assert queue.open_ticket_of(shopper.sender) is None
