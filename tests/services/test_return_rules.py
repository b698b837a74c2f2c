"""Return eligibility under each market's policy: windows from delivery, categories, condition,
faults, what is already returned."""
from datetime import timedelta

import pytest

from bot.policies import Policies
from bot.services.returns import item_refusal, order_eligibility
from tests.services.orders import NOW, a_return, make_order

POLICIES = Policies.load()
TODAY = NOW.date()


def refusal(order, sku, reason="changed_mind", condition="unused"):
    policy = POLICIES.for_market(order.market)
    eligibility = order_eligibility(order, policy)
    item = next(i for i in order.items if i.sku == sku)
    return item_refusal(eligibility, policy, item, reason, condition, TODAY)


def test_an_order_not_yet_delivered_cannot_be_returned():
    assert order_eligibility(make_order(status="in_transit", delivered_days_ago=None), POLICIES.for_market("ES")).problem == "not_delivered"


def test_a_cancelled_order_has_nothing_to_return():
    assert order_eligibility(make_order(status="cancelled"), POLICIES.for_market("ES")).problem == "closed_order"


@pytest.mark.parametrize(
    "market, days_ago, expected",
    [
        ("ES", 13, None),  # EU withdrawal: 14 days
        ("ES", 15, "window_closed"),
        ("US", 25, None),  # store policy: 30 days
        ("US", 31, "window_closed"),
        ("KR", 6, None),  # default 7-day no-reason guarantee
        ("KR", 8, "window_closed"),
    ],
)
def test_the_window_is_counted_from_delivery_per_market(market, days_ago, expected):
    assert refusal(make_order(market=market, delivered_days_ago=days_ago), "APP-1002") == expected


def test_a_faulty_item_can_go_back_after_the_window_within_the_warranty():
    order = make_order(market="DE", delivered_days_ago=60)
    assert refusal(order, "APP-1002") == "window_closed"
    assert refusal(order, "APP-1002", reason="defective") is None
    assert refusal(make_order(market="DE", delivered_days_ago=800), "APP-1002", reason="defective") == "warranty_expired"


def test_hygiene_products_go_back_only_unopened_unless_faulty():
    order = make_order()
    assert refusal(order, "BEA-4001", condition="unused") == "hygiene_opened"
    assert refusal(order, "BEA-4001", condition="unopened") is None
    assert refusal(order, "BEA-4001", reason="damaged", condition="used") is None


def test_used_items_are_refused_unless_faulty():
    assert refusal(make_order(), "APP-1002", condition="used") == "used"
    assert refusal(make_order(), "APP-1002", reason="not_as_described", condition="used") is None


def test_what_is_already_returned_is_not_offered_again():
    order = make_order(returns=[a_return("BEA-4001", 1)])
    eligibility = order_eligibility(order, POLICIES.for_market("ES"))
    assert {r.item.sku: r.quantity for r in eligibility.items} == {"APP-1002": 1, "BEA-4001": 1}
    everything = make_order(returns=[a_return("APP-1002", 1), a_return("BEA-4001", 2)])
    assert order_eligibility(everything, POLICIES.for_market("ES")).problem == "nothing_left"
    rejected = make_order(returns=[a_return("APP-1002", 1, status="rejected")])
    assert order_eligibility(rejected, POLICIES.for_market("ES")).item("APP-1002").quantity == 1


def test_the_window_end_is_reported_as_a_date():
    order = make_order(market="ES", delivered_days_ago=3)
    eligibility = order_eligibility(order, POLICIES.for_market("ES"))
    assert eligibility.window_ends == (NOW - timedelta(days=3)).date() + timedelta(days=14)
