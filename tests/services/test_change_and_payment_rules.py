"""Order changes, payment assessment and hand-off priority: the rules the flows apply."""
from datetime import timedelta
from decimal import Decimal

import pytest

from bot.choices import match_choice, synonyms, term_options
from bot.policies import Policies
from bot.services.handoff_priority import handoff_priority, handoff_reason
from bot.services.order_changes import change_choices, parse_address, parse_change
from bot.services.payments import assess_payment
from integrations.orders.base import PaymentEvent
from tests.services.orders import NOW, make_order

POLICIES = Policies.load()


@pytest.mark.parametrize(
    "market, text, street, postal_code, city",
    [
        ("ES", "Calle de Alcalá 120, 3ºB, 28009 Madrid", "Calle de Alcalá 120, 3ºB", "28009", "Madrid"),
        ("ES", "Avenida Diagonal 400, Barcelona 08037", "Avenida Diagonal 400", "08037", "Barcelona"),
        ("GB", "221B Baker Street, London NW1 6XE", "221B Baker Street, London", "NW1 6XE", ""),
        ("US", "350 Fifth Avenue, 10118 New York", "350 Fifth Avenue", "10118", "New York"),
        ("JP", "東京都千代田区丸の内1-9-1 100-0005 東京", "東京都千代田区丸の内1-9-1", "100-0005", "東京"),
        ("JP", "〒100-0005 東京都千代田区丸の内1-9-1", "東京都千代田区丸の内1-9-1", "100-0005", "東京都"),
        ("CN", "北京市朝阳区建国路88号，邮编100022", "北京市朝阳区建国路88号", "100022", "北京市"),
        ("SA", "2345 طريق الملك فهد، حي العليا، الرياض 12214", "2345 طريق الملك فهد، حي العليا", "12214", "الرياض"),
        ("BR", "Rua Augusta, 1500, CEP 01305-100 São Paulo", "Rua Augusta, 1500", "01305-100", "São Paulo"),
    ],
)
def test_a_one_line_address_is_split_at_the_markets_postal_code(market, text, street, postal_code, city):
    order = make_order(market=market)
    parsed = parse_address(text, order, POLICIES.for_market(market))
    if not city:
        # "London NW1 6XE": the city came before the code, as UK addresses are written.
        assert parsed.address is not None and parsed.address.postal_code == postal_code
        assert parsed.address.city == "London" and parsed.address.line1 == "221B Baker Street"
        return
    assert parsed.address is not None, parsed.problem
    assert (parsed.address.line1, parsed.address.postal_code, parsed.address.city) == (street, postal_code, city)
    # The country never changes by typing: that is a new customs declaration, for a person.
    assert parsed.address.country == order.shipping_address.country


@pytest.mark.parametrize("text, problem", [("Madrid", "too_short"), ("Calle Mayor 5, Madrid", "no_postal_code"), ("", "too_short")])
def test_an_address_without_a_postal_code_is_asked_again(text, problem):
    assert parse_address(text, make_order(), POLICIES.for_market("ES")).problem == problem


def test_change_choices_offer_variants_in_stock_other_quantities_and_removal():
    item = make_order().items[0]
    assert change_choices(item) == ["variant:L / blue", "quantity:2", "quantity:3", "remove", "other"]
    assert parse_change("variant:L / blue") == ("variant", "L / blue")
    assert parse_change("quantity:2") == ("quantity", "2")
    assert parse_change("quantity:0") is None and parse_change("quantity:500") is None
    assert parse_change("DROP TABLE") is None


def test_typed_answers_match_button_titles_in_any_script():
    options = [("damaged", "Llegó dañado"), ("defective", "Defectuoso"), ("wrong_item", "Artículo equivocado")]
    assert match_choice("defectuoso", options) == "defective"
    assert match_choice("llego danado", options) == "damaged"
    assert match_choice("2", options) == "defective"
    assert match_choice("damaged", options) == "damaged"
    assert match_choice("xyz", options) is None
    assert match_choice("de", options) is None  # too short to be distinctive
    assert match_choice("破损", [("damaged", "到货破损"), ("wrong_item", "发错货")]) == "damaged"


def test_typed_answers_match_the_options_other_words():
    conditions = [("unopened", "Unopened"), ("unused", "Opened, not used"), ("used", "Used")]
    # Inside one title beats a title inside the text ("Used" is inside "not used").
    assert match_choice("not used", conditions) == "unused"
    words = synonyms("en", "item_condition")
    assert match_choice("still sealed", conditions, words) == "unopened"
    assert match_choice("it was not opened", conditions, words) == "unopened"  # the longer word wins
    reasons = term_options("en", "return_reason", ["changed_mind", "wrong_size", "damaged"])
    assert match_choice("it's too small for me", reasons, synonyms("en", "return_reason")) == "wrong_size"
    assert match_choice("the weather is nice", reasons, synonyms("en", "return_reason")) is None
    # Words of options not offered are ignored.
    assert match_choice("it's broken", reasons[:2], synonyms("en", "return_reason")) is None


def capture(amount, minutes=0, kind="captured", code=""):
    return PaymentEvent(NOW - timedelta(days=5, minutes=minutes), kind, Decimal(amount), "EUR", f"p{minutes}{kind}", code)


def test_two_captures_of_the_same_amount_are_money_at_stake():
    order = make_order(status="processing", delivered_days_ago=None, payments=[capture("100.00", 5), capture("100.00")])
    outcome = assess_payment(order, POLICIES.for_market("ES"))
    assert outcome.handoff_reason == "money_at_stake"
    assert outcome.lines[0].response == "utter_payment_double_charge"
    refunded = make_order(payments=[capture("100.00", 5), capture("100.00"), capture("100.00", kind="refunded")])
    assert assess_payment(refunded, POLICIES.for_market("ES")).handoff_reason is None


def test_a_declined_payment_is_explained_with_the_deadline_to_retry():
    order = make_order(
        status="pending_payment", delivered_days_ago=None, payment_status="failed",
        payments=[capture("100.00", kind="failed", code="insufficient_funds")],
    )
    outcome = assess_payment(order, POLICIES.for_market("JP"))
    assert [line.response for line in outcome.lines] == ["utter_payment_failed", "utter_payment_retry"]
    assert outcome.lines[0].arguments["decline"] == "insufficient_funds"
    # In the market's own clock: a Japanese shopper reads the deadline in Japan time.
    assert outcome.lines[1].arguments["deadline"] == {"at": (order.placed_at + timedelta(hours=48)).isoformat(), "zone": "Asia/Tokyo"}
    assert outcome.handoff_reason is None


def test_a_single_capture_is_confirmed_once():
    outcome = assess_payment(make_order(), POLICIES.for_market("ES"))
    assert [line.response for line in outcome.lines] == ["utter_payment_received", "utter_payment_holds_note"]


def test_priority_follows_the_reason_and_rises_for_vips_and_large_orders():
    policy = POLICIES.for_market("ES")  # high-value threshold EUR 900
    assert handoff_priority("explicit_request") == "normal"
    assert handoff_priority("complaint") == "high"
    assert handoff_priority("explicit_request", make_order(total="950.00"), policy) == "high"
    assert handoff_priority("explicit_request", make_order(vip=True), policy) == "high"
    assert handoff_priority("money_at_stake", make_order(vip=True), policy) == "urgent"
    assert handoff_priority("explicit_request", make_order(total="899.99"), policy) == "normal"


def test_the_reason_is_what_the_shopper_asked_for_else_the_offer_they_accepted():
    assert handoff_reason("human_handoff", "utter_offer_human") == "explicit_request"
    assert handoff_reason("complaint", None) == "complaint"
    # "yes" to the person offered after two misunderstandings in a row
    assert handoff_reason("affirm", "utter_offer_human") == "fallback"
    # "yes" to the person a flow offered (the order could not be verified, say)
    assert handoff_reason("affirm", "order_status_form") == "assistant_offer"
