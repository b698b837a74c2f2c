"""The demo store's seed data: deterministic, realistic, and the command line that loads it."""
from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from integrations.demo_store import models
from integrations.demo_store.__main__ import main
from integrations.demo_store.api import order_payload, tracking_payload
from integrations.demo_store.db import make_engine, make_session_factory
from integrations.demo_store.seed import (
    FIRST_ORDER_NUMBER,
    ORDER_COUNT,
    REPEAT_CUSTOMER,
    SHOWCASE_ORDERS,
    build_orders,
    seed_database,
)
from integrations.demo_store.seed_data import CARRIERS, MARKETS, PRODUCTS_BY_SKU
from integrations.demo_store.wire import parse_date, parse_datetime

NOW = datetime(2024, 6, 11, 9, 30, tzinfo=timezone.utc)

CURRENCIES = {
    "US": "USD", "GB": "GBP", "DE": "EUR", "FR": "EUR", "ES": "EUR", "IT": "EUR", "NL": "EUR", "BR": "BRL",
    "RU": "RUB", "SA": "SAR", "JP": "JPY", "CN": "CNY", "MX": "MXN", "AU": "AUD", "CA": "CAD",
}
CALLING_CODES = {
    "US": "+1", "CA": "+1", "GB": "+44", "DE": "+49", "FR": "+33", "ES": "+34", "IT": "+39", "NL": "+31",
    "BR": "+55", "RU": "+7", "SA": "+966", "JP": "+81", "CN": "+86", "MX": "+52", "AU": "+61",
}
TRACKING_FORMATS = {
    "ups": re.compile(r"1Z[0-9A-Z]{16}"),
    "dhl": re.compile(r"[0-9]{10}"),
    "fedex": re.compile(r"[0-9]{12}"),
    "china_post": re.compile(r"[A-Z]{2}[0-9]{9}CN"),
    "hongkong_post": re.compile(r"[A-Z]{2}[0-9]{9}HK"),
    "cainiao": re.compile(r"LP00[0-9]{12}"),
    "yunexpress": re.compile(r"YT[0-9]{16}"),
}
TRANSIT_DAYS = {"express": (3, 7.5), "dedicated_line": (7, 15.5), "postal": (15, 30.5)}


def s10_is_valid(number: str) -> bool:
    digits = number[2:10]
    total = sum(int(d) * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7)))
    check = {10: 0, 11: 5}.get(11 - total % 11, 11 - total % 11)
    return int(number[10]) == check


@pytest.fixture(scope="module")
def orders() -> list[models.Order]:
    return build_orders(NOW)


def full_payload(order: models.Order) -> dict:
    payload = order_payload(order)
    payload["tracking"] = [tracking_payload(shipment) for shipment in order.shipments]
    return payload


def read_back(db_url: str) -> list[dict]:
    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as session:
            rows = session.execute(
                select(models.Order)
                .options(selectinload(models.Order.shipments).selectinload(models.Shipment.events))
                .order_by(models.Order.number)
            ).scalars().all()
            return [full_payload(order) for order in rows]
    finally:
        engine.dispose()


def test_seeding_twice_gives_the_same_orders(tmp_path: Path):
    urls = [f"sqlite:///{tmp_path / name}" for name in ("a.db", "b.db")]
    for url in urls:
        engine = make_engine(url)
        assert seed_database(engine, now=NOW) == ORDER_COUNT
        assert seed_database(engine, now=NOW) == 0  # already seeded: left alone
        engine.dispose()
    first, second = (read_back(url) for url in urls)
    assert len(first) == ORDER_COUNT
    assert first == second
    assert first == [full_payload(order) for order in build_orders(NOW)]


def test_a_later_seed_moves_only_the_dates(orders):
    later = build_orders(NOW + timedelta(days=3, hours=5))
    shift = timedelta(days=3, hours=5)
    for old, new in zip(orders, later):
        assert new.placed_at - old.placed_at == shift
        a, b = full_payload(old), full_payload(new)
        for payload in (a, b):
            for key in ("placed_at", "shipped_at", "delivered_at"):
                payload.pop(key)
            for tracking in payload["tracking"]:
                tracking.pop("estimated_delivery")
                for event in tracking["events"]:
                    event.pop("time")
            for event in payload["payments"]:
                event.pop("time")
            for refund in payload["refunds"] + [r["refund"] for r in payload["returns"]]:
                refund.pop("created_at"), refund.pop("issued_at")
            for request in payload["returns"]:
                request.pop("created_at")
        assert a == b


def test_numbers_are_six_digits_and_contiguous(orders):
    numbers = [order.number for order in orders]
    assert numbers == [str(n) for n in range(FIRST_ORDER_NUMBER, FIRST_ORDER_NUMBER + ORDER_COUNT)]
    assert len(orders) >= 320


def test_markets_currencies_and_contacts_are_local(orders):
    assert {order.market for order in orders} == set(CURRENCIES)
    customers: dict[str, models.Customer] = {}
    for order in orders:
        assert order.currency == CURRENCIES[order.market]
        customer = order.customer
        assert re.fullmatch(r"\+[1-9][0-9]{7,14}", customer.phone), customer.phone
        assert customer.phone.startswith(CALLING_CODES[order.market])
        assert re.fullmatch(r"[a-z0-9.]+@example\.[a-z.]+", customer.email), customer.email
        assert customers.setdefault(customer.email, customer) is customer  # one customer per e-mail
        assert order.ship_country == order.market and order.ship_name == customer.name
    phones = Counter(c.phone for c in customers.values())
    assert phones.most_common(1)[0][1] == 1
    names = {c.name for c in customers.values()}
    assert any(re.search(r"[\u4e00-\u9fff]", n) for n in names)  # Chinese or Japanese kanji
    assert any(re.search(r"[\u0400-\u04ff]", n) for n in names)  # Cyrillic
    assert any(re.search(r"[\u0600-\u06ff]", n) for n in names)  # Arabic


def test_items_and_totals_add_up(orders):
    categories = set()
    for order in orders:
        assert 1 <= len(order.items) <= 4
        assert order.total == sum(item.unit_price * item.quantity for item in order.items)
        exponent = 0 if order.currency == "JPY" else -2
        assert order.total.as_tuple().exponent == exponent
        assert all(item.unit_price > 0 and item.quantity >= 1 for item in order.items)
        categories |= {item.category for item in order.items}
    assert {"apparel", "shoes", "electronics", "beauty", "home", "toys"} <= categories


def test_tracking_numbers_follow_carrier_formats(orders):
    shipments = [s for order in orders for s in order.shipments]
    assert {s.carrier for s in shipments} == set(CARRIERS)
    assert len({s.tracking_number for s in shipments}) == len(shipments)
    for shipment in shipments:
        assert TRACKING_FORMATS[shipment.carrier].fullmatch(shipment.tracking_number), shipment.tracking_number
        if shipment.carrier in ("china_post", "hongkong_post"):
            assert s10_is_valid(shipment.tracking_number)
        if shipment.carrier == "dhl":
            assert int(shipment.tracking_number[:9]) % 7 == int(shipment.tracking_number[9])


def test_transit_times_match_the_service(orders):
    for order in orders:
        for shipment in order.shipments:
            assert shipment.service == CARRIERS[shipment.carrier].service
            codes = [event.code for event in shipment.events]
            if "delivered" in codes:
                days = (shipment.events[-1].time - shipment.events[0].time) / timedelta(days=1)
                low, high = TRANSIT_DAYS[shipment.service]
                assert low <= days <= high, (order.number, shipment.service, days)


def test_customs_milestones_and_wording(orders):
    for order in orders:
        for shipment in order.shipments:
            codes = [event.code for event in shipment.events]
            if "import_customs_processing" in codes:
                assert codes.index("export_customs_cleared") < codes.index("departed_origin_country")
                assert codes.index("arrived_destination_country") < codes.index("import_customs_processing")
            for event in shipment.events:
                assert re.fullmatch(r"[A-Za-z .']+, [A-Z]{2}", event.location), event.location
                assert event.description.isascii() and event.description


def test_repeat_customer_and_showcase_contacts(orders):
    repeat = [o for o in orders if o.customer.email == REPEAT_CUSTOMER["email"]]
    assert len(repeat) == REPEAT_CUSTOMER["orders"] and all(o.customer.vip for o in repeat)
    by_number = {order.number: order for order in orders}
    for number, spec in SHOWCASE_ORDERS.items():
        order = by_number[number]
        assert (order.customer.email, order.customer.phone, order.market, order.status) == (
            spec["email"], spec["phone"], spec["market"], spec["status"]
        )
        # Showcase customers have only their showcase order, so the docs stay true.
        assert sum(o.customer.email == spec["email"] for o in orders) == 1
    assert set(MARKETS) == set(CURRENCIES)


def test_cli_seed_creates_the_directory_and_resets(tmp_path: Path, monkeypatch, capsys):
    db_file = tmp_path / "nested" / "dir" / "store.db"
    monkeypatch.setenv("DEMO_STORE_DB_URL", f"sqlite:///{db_file}")

    assert main(["seed"]) == 0
    assert db_file.exists()
    assert f"{ORDER_COUNT} orders" in capsys.readouterr().out

    assert main(["seed"]) == 0
    assert "already has orders" in capsys.readouterr().out

    assert main(["seed", "--reset"]) == 0
    assert f"{ORDER_COUNT} orders" in capsys.readouterr().out
    assert len(read_back(f"sqlite:///{db_file}")) == ORDER_COUNT


def test_cli_requires_a_command():
    with pytest.raises(SystemExit):
        main([])


def test_decimal_text_round_trips(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'money.db'}")
    models.Base.metadata.create_all(engine)
    with make_session_factory(engine)() as session, session.begin():
        customer = models.Customer(name="A", email="a@example.com", phone="+12025550100", market="US")
        session.add(models.Order(
            number="100001", market="US", status="paid", placed_at=NOW.replace(tzinfo=None), currency="USD",
            total=Decimal("1234567.89"), payment_status="paid", payment_method="card", customer=customer,
            ship_name="A", ship_line1="1 Main Street", ship_city="Boston", ship_postal_code="02101",
            ship_country="US",
        ))
    with make_session_factory(engine)() as session:
        assert session.execute(select(models.Order.total)).scalar_one() == Decimal("1234567.89")
    engine.dispose()


# -- the showcase orders of the returns / cancellation / change / payment flows ---------------------


def showcase(orders: list[models.Order], number: str) -> dict:
    order = next(order for order in orders if order.number == number)
    return full_payload(order)


def days_before_now(value: str) -> float:
    return (NOW - parse_datetime(value)) / timedelta(days=1)


@pytest.mark.parametrize(
    ("number", "market", "days"),
    [("100242", "ES", 3), ("100243", "DE", 30), ("100244", "US", 20), ("100245", "FR", 5), ("100246", "IT", 25)],
)
def test_delivered_showcases_were_delivered_that_many_days_ago(orders, number, market, days):
    order = showcase(orders, number)
    assert order["market"] == market
    assert days_before_now(order["delivered_at"]) == pytest.approx(days, abs=1e-6)
    assert order["tracking"][0]["status"] == "delivered"
    assert order["payment_status"] == "paid" and order["invoice_number"] == f"INV-{number}"


def test_100242_is_returnable_apparel_with_variants(orders):
    order = showcase(orders, "100242")
    assert order["status"] == "delivered" and order["returns"] == []
    assert {item["category"] for item in order["items"]} == {"apparel"}
    for item in order["items"]:
        assert item["variant"] in PRODUCTS_BY_SKU[item["sku"]].variants
        assert item["variants"] and item["variant"] not in item["variants"]
    assert sum(item["quantity"] for item in order["items"]) >= 2  # a partial return is possible


def test_100245_has_a_returnable_and_a_hygiene_item(orders):
    categories = [item["category"] for item in showcase(orders, "100245")["items"]]
    assert "apparel" in categories and ({"underwear", "cosmetics"} & set(categories))


def test_100246_was_returned_and_awaits_its_refund(orders):
    order = showcase(orders, "100246")
    assert order["status"] == "returned" and order["payment_status"] == "paid"
    [request] = order["returns"]
    assert request["rma"] == "RMA-100246-1" and request["status"] == "received"
    assert request["refund"]["status"] == "processing" and request["refund"]["issued_at"] is None
    assert Decimal(request["refund"]["amount"]) == Decimal(order["total"])
    assert request["return_address"]["country"] == "NL"  # the EU returns warehouse
    assert 0 < days_before_now(request["created_at"]) < 25
    assert [line["sku"] for line in request["lines"]] == [item["sku"] for item in order["items"]]


def test_100247_can_still_change(orders):
    order = showcase(orders, "100247")
    assert (order["market"], order["status"], order["shipments"]) == ("GB", "processing", [])
    assert len(order["items"]) == 2 and all(item["variant"] and item["variants"] for item in order["items"])


def test_100248_payment_failed_for_lack_of_funds(orders):
    order = showcase(orders, "100248")
    assert (order["market"], order["status"], order["payment_status"]) == ("JP", "pending_payment", "failed")
    assert [(p["kind"], p["decline_code"]) for p in order["payments"]] == [("failed", "insufficient_funds")]
    assert order["invoice_number"] is None


def test_100249_was_charged_twice(orders):
    order = showcase(orders, "100249")
    assert (order["market"], order["status"], order["payment_status"]) == ("US", "processing", "paid")
    captured = [p for p in order["payments"] if p["kind"] == "captured"]
    assert len(captured) == 2 and {p["amount"] for p in captured} == {order["total"]}
    assert captured[0]["reference"] != captured[1]["reference"]


def test_100250_is_late(orders):
    order = showcase(orders, "100250")
    assert (order["market"], order["status"]) == ("CN", "in_transit")
    [tracking] = order["tracking"]
    assert tracking["status"] == "in_transit"
    assert parse_date(tracking["estimated_delivery"]) == (NOW - timedelta(days=6)).date()
    assert days_before_now(tracking["events"][-1]["time"]) == pytest.approx(12, abs=1e-6)


def test_100251_is_a_large_order_of_a_vip(orders):
    order = showcase(orders, "100251")
    assert (order["market"], order["status"], order["currency"]) == ("US", "processing", "USD")
    assert Decimal(order["total"]) > 6000 and order["customer"]["vip"] is True


def test_100252_was_cancelled_and_refunded(orders):
    order = showcase(orders, "100252")
    assert (order["market"], order["status"], order["payment_status"]) == ("ES", "cancelled", "refunded")
    [refund] = order["refunds"]
    assert refund["status"] == "issued" and refund["amount"] == order["total"]
    assert days_before_now(refund["issued_at"]) == pytest.approx(3, abs=1e-6)
    assert [p["kind"] for p in order["payments"]] == ["captured", "refunded"]


def test_100253_shipped_two_days_ago(orders):
    order = showcase(orders, "100253")
    assert (order["market"], order["status"]) == ("DE", "in_transit")
    assert days_before_now(order["shipped_at"]) == pytest.approx(2, abs=1e-6)
    assert order["delivered_at"] is None
    assert parse_date(order["tracking"][0]["estimated_delivery"]) >= NOW.date()


def test_showcase_customers_are_reachable_and_only_100251_is_vip(orders):
    for number, spec in SHOWCASE_ORDERS.items():
        order = showcase(orders, number)
        assert order["customer"]["email"] == spec["email"] and order["customer"]["phone"] == spec["phone"]
        assert order["customer"]["vip"] is (number == "100251")


def test_a_database_from_an_older_store_is_seeded_afresh(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    try:
        seed_database(engine, now=NOW)
        with engine.begin() as connection:
            # What a store from before item variants and payments left behind.
            connection.exec_driver_sql("ALTER TABLE order_items DROP COLUMN variants")
            connection.exec_driver_sql("DROP TABLE payment_events")
        assert seed_database(engine, now=NOW) == ORDER_COUNT
        assert seed_database(engine, now=NOW) == 0  # current again: left alone
    finally:
        engine.dispose()
    assert read_back(url) == [full_payload(order) for order in build_orders(NOW)]
