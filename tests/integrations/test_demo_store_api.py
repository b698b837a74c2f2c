"""The demo store's HTTP API, served for real on a seeded temporary database."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from aiohttp import web

from integrations.demo_store.api import create_app
from integrations.demo_store.seed import (
    FIRST_ORDER_NUMBER,
    ORDER_COUNT,
    REPEAT_CUSTOMER,
    SHOWCASE_ORDERS,
)
from integrations.demo_store.wire import parse_date, parse_datetime
from integrations.logistics.base import CUSTOMS_STATES, TRACKING_EVENT_CODES, TRACKING_STATES
from integrations.orders.base import ORDER_STATES, PAYMENT_STATES

pytestmark = pytest.mark.asyncio

ORDER_KEYS = {
    "number", "market", "status", "placed_at", "currency", "total", "payment_status", "payment_method",
    "customer", "shipping_address", "items", "shipments", "shipped_at", "delivered_at", "returns", "refunds",
    "payments", "claims", "invoice_number",
}
ITEM_KEYS = {"sku", "name", "category", "quantity", "unit_price", "variant", "variants"}
TRACKING_KEYS = {
    "tracking_number", "carrier", "status", "customs_status", "estimated_delivery", "origin_country",
    "destination_country", "events",
}
NOT_SHIPPED = {"pending_payment", "paid", "processing", "cancelled"}
# Order state -> (tracking states allowed, last event codes allowed, customs states allowed).
SHIPMENT_RULES = {
    "shipped": ({"info_received", "in_transit"}, {"label_created", "picked_up"}, {None}),
    "in_transit": (
        {"in_transit"},
        {"departed_origin_facility", "export_customs_cleared", "departed_origin_country",
         "arrived_destination_country", "import_customs_processing", "import_customs_cleared",
         "arrived_delivery_facility"},
        {None, "pending", "processing", "cleared"},
    ),
    "customs_hold": ({"customs_hold"}, {"customs_held"}, {"held"}),
    "out_for_delivery": ({"out_for_delivery"}, {"out_for_delivery"}, {"cleared"}),
    "delivered": ({"delivered"}, {"delivered"}, {"cleared"}),
    "delivery_failed": ({"delivery_failed"}, {"delivery_attempt_failed"}, {"cleared"}),
    "lost": ({"lost"}, {"exception_lost"}, {None, "pending"}),
    "returned": ({"returned"}, {"returned_to_sender"}, {"cleared"}),
    "refunded": ({"returned"}, {"returned_to_sender"}, {"cleared"}),
}
UNDELIVERED_WITH_ETA = {"shipped", "in_transit", "customs_hold", "out_for_delivery", "delivery_failed"}
# Showcase exceptions to the rules above: a parcel late past its ETA, and an order returned by
# the shopper after delivery (other returned orders are parcels sent back undelivered).
LATE_PARCELS = {"100250"}
RETURNED_AFTER_DELIVERY = {"100246"}
PAID = {"paid", "refunded", "partially_refunded"}


async def fetch_all_orders(store) -> list[dict]:
    """Every seeded order with its tracking, fetched through the API a few at a time."""
    limit = asyncio.Semaphore(8)

    async def one(number: int) -> dict:
        async with limit:
            response = await store.get(f"/api/orders/{number}")
            assert response.status == 200, number
            order = await response.json()
            order["tracking"] = []
            for shipment in order["shipments"]:
                tracked = await store.get(f"/api/tracking/{shipment['tracking_number']}")
                assert tracked.status == 200
                order["tracking"].append(await tracked.json())
            return order

    numbers = range(FIRST_ORDER_NUMBER, FIRST_ORDER_NUMBER + ORDER_COUNT)
    return await asyncio.gather(*(one(n) for n in numbers))


async def test_health_needs_no_credentials_and_counts_orders(anonymous):
    response = await anonymous.get("/health")
    assert response.status == 200
    assert await response.json() == {"status": "ok", "orders": ORDER_COUNT}


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer wrong-key", "Basic dGVzdC1zdG9yZS1rZXk=", "test-store-key", "Bearer test-store-key-2"],
)
@pytest.mark.parametrize("path", ["/api/orders/100234", "/api/tracking/1Z999AA10123456784",
                                  "/api/orders?email=john.smith@example.com", "/api/unknown"])
async def test_api_routes_require_the_bearer_key(anonymous, authorization, path):
    headers = {} if authorization is None else {"Authorization": authorization}
    response = await anonymous.get(path, headers=headers)
    assert response.status == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert await response.json() == {"error": "unauthorized"}


async def test_order_is_returned_with_every_field(store):
    response = await store.get("/api/orders/100235")
    assert response.status == 200
    assert response.content_type == "application/json"
    order = await response.json()
    assert set(order) == ORDER_KEYS
    assert order["number"] == "100235"
    assert order["placed_at"].endswith("Z")
    assert parse_datetime(order["placed_at"]) <= datetime.now(timezone.utc)
    assert set(order["customer"]) == {"name", "email", "phone", "vip"}
    assert set(order["shipping_address"]) == {"name", "line1", "city", "postal_code", "country"}
    assert order["items"] and all(set(item) == ITEM_KEYS for item in order["items"])
    assert order["shipments"] == [{"tracking_number": "1Z999AA10123456784", "carrier": "ups"}]
    assert parse_datetime(order["shipped_at"]) < parse_datetime(order["delivered_at"]) <= datetime.now(timezone.utc)
    assert order["invoice_number"] == "INV-100235"
    assert [event["kind"] for event in order["payments"]] == ["captured"]
    assert set(order["payments"][0]) == {"time", "kind", "amount", "currency", "reference", "decline_code"}
    assert order["payments"][0]["amount"] == order["total"]
    assert (order["returns"], order["refunds"], order["claims"]) == ([], [], [])


async def test_unknown_order_is_404(store):
    response = await store.get("/api/orders/999999")
    assert response.status == 404
    assert await response.json() == {"error": "not_found"}


@pytest.mark.parametrize(
    "number",
    ["abc", "10023x", "100234;DROP", "-100234", "1" * 21, "9" * 500, "%F0%9F%98%80", "１００２３４", "100 234"],
)
async def test_malformed_order_number_is_400_json(store, number):
    response = await store.get(f"/api/orders/{number}")
    assert response.status == 400
    assert await response.json() == {"error": "invalid_order_number"}


async def test_unknown_route_and_method_answer_json(store):
    response = await store.get("/api/nothing/here")
    assert response.status == 404
    assert await response.json() == {"error": "not_found"}
    response = await store.post("/api/orders/100234")
    assert response.status == 405
    assert await response.json() == {"error": "method_not_allowed"}


async def test_unexpected_failure_is_a_json_500_without_traceback(aiohttp_client, seeded_db_url, api_key):
    app = create_app(seeded_db_url, api_key)

    async def broken(request: web.Request) -> web.Response:
        raise RuntimeError("database exploded")

    app.router.add_get("/api/broken", broken)
    client = await aiohttp_client(app, headers={"Authorization": f"Bearer {api_key}"})
    response = await client.get("/api/broken")
    assert response.status == 500
    body = await response.text()
    assert "Traceback" not in body and "exploded" not in body
    assert await response.json() == {"error": "internal_error"}


async def test_tracking_is_returned_oldest_event_first(store):
    response = await store.get("/api/tracking/1Z999AA10123456784")
    assert response.status == 200
    tracking = await response.json()
    assert set(tracking) == TRACKING_KEYS
    assert tracking["carrier"] == "ups"
    assert tracking["status"] == "delivered"
    assert tracking["destination_country"] == "US"
    times = [parse_datetime(event["time"]) for event in tracking["events"]]
    assert times == sorted(times)
    assert tracking["events"][0]["code"] == "label_created"
    assert tracking["events"][-1]["code"] == "delivered"
    assert all(set(event) == {"time", "code", "location", "description"} for event in tracking["events"])


async def test_tracking_carrier_filter_and_case(store):
    assert (await store.get("/api/tracking/1Z999AA10123456784?carrier=ups")).status == 200
    assert (await store.get("/api/tracking/1Z999AA10123456784?carrier=UPS")).status == 200
    assert (await store.get("/api/tracking/1z999aa10123456784")).status == 200
    wrong_carrier = await store.get("/api/tracking/1Z999AA10123456784?carrier=dhl")
    assert wrong_carrier.status == 404
    assert await wrong_carrier.json() == {"error": "not_found"}


async def test_unknown_tracking_number_is_404(store):
    response = await store.get("/api/tracking/YT0000000000000000")
    assert response.status == 404
    assert await response.json() == {"error": "not_found"}


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/api/tracking/YT-1234", "invalid_tracking_number"),
        ("/api/tracking/" + "A" * 41, "invalid_tracking_number"),
        ("/api/tracking/LX%27%3B--CN", "invalid_tracking_number"),
        ("/api/tracking/1Z999AA10123456784?carrier=d%20h%20l", "invalid_carrier"),
        ("/api/tracking/1Z999AA10123456784?carrier=" + "x" * 31, "invalid_carrier"),
    ],
)
async def test_malformed_tracking_query_is_400_json(store, path, error):
    response = await store.get(path)
    assert response.status == 400
    assert await response.json() == {"error": error}


async def test_orders_by_email_are_paginated_newest_first(store):
    email = REPEAT_CUSTOMER["email"]
    seen: list[dict] = []
    for page, size in ((1, 10), (2, 10), (3, 4)):
        response = await store.get("/api/orders", params={"email": email, "page": page, "per_page": 10})
        assert response.status == 200
        body = await response.json()
        assert (body["page"], body["per_page"], body["total"]) == (page, 10, REPEAT_CUSTOMER["orders"])
        assert len(body["items"]) == size
        seen += body["items"]
    assert len({order["number"] for order in seen}) == REPEAT_CUSTOMER["orders"]
    assert all(order["customer"]["email"] == email for order in seen)
    placed = [parse_datetime(order["placed_at"]) for order in seen]
    assert placed == sorted(placed, reverse=True)

    past_the_end = await (await store.get("/api/orders", params={"email": email, "page": 4, "per_page": 10})).json()
    assert past_the_end["items"] == [] and past_the_end["total"] == REPEAT_CUSTOMER["orders"]


async def test_orders_by_email_defaults_and_case(store):
    body = await (await store.get("/api/orders", params={"email": " Emily.Johnson@Example.com "})).json()
    assert (body["page"], body["per_page"], len(body["items"])) == (1, 20, 20)
    nobody = await (await store.get("/api/orders", params={"email": "nobody@example.com"})).json()
    assert nobody == {"items": [], "page": 1, "per_page": 20, "total": 0}


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("", "invalid_email"),
        ("?email=not-an-email", "invalid_email"),
        ("?email=" + "a" * 250 + "@example.com", "invalid_email"),
        ("?email=a@example.com&page=0", "invalid_pagination"),
        ("?email=a@example.com&per_page=101", "invalid_pagination"),
        ("?email=a@example.com&page=two", "invalid_pagination"),
    ],
)
async def test_bad_order_search_is_400_json(store, query, error):
    response = await store.get("/api/orders" + query)
    assert response.status == 400
    assert (await response.json())["error"] == error


async def test_every_order_state_is_seeded_with_consistent_shipments(store):
    orders = await fetch_all_orders(store)
    now = datetime.now(timezone.utc)
    today = now.date()

    by_state: dict[str, int] = {}
    for order in orders:
        state = order["status"]
        by_state[state] = by_state.get(state, 0) + 1
        assert state in ORDER_STATES
        assert order["payment_status"] in PAYMENT_STATES
        placed_at = parse_datetime(order["placed_at"])
        assert placed_at <= now

        if state in NOT_SHIPPED:
            assert order["shipments"] == [], order["number"]
        elif state == "refunded":
            assert len(order["shipments"]) <= 1
        else:
            assert len(order["shipments"]) == 1, order["number"]

        for tracking in order["tracking"]:
            statuses, last_codes, customs = SHIPMENT_RULES[
                "delivered" if order["number"] in RETURNED_AFTER_DELIVERY else state
            ]
            events = tracking["events"]
            times = [parse_datetime(event["time"]) for event in events]
            assert tracking["status"] in statuses and tracking["status"] in TRACKING_STATES
            assert events[-1]["code"] in last_codes, (order["number"], events[-1]["code"])
            assert tracking["customs_status"] in customs
            assert tracking["customs_status"] is None or tracking["customs_status"] in CUSTOMS_STATES
            assert events[0]["code"] == "label_created"
            assert all(event["code"] in TRACKING_EVENT_CODES for event in events)
            assert times == sorted(times) and placed_at < times[0] and times[-1] <= now
            assert tracking["destination_country"] == order["shipping_address"]["country"]
            assert all(", " in event["location"] for event in events)
            eta = parse_date(tracking["estimated_delivery"])
            if order["number"] in LATE_PARCELS:
                assert eta is not None and eta < today
            elif state in UNDELIVERED_WITH_ETA:
                assert eta is not None and eta >= today, order["number"]
            else:
                assert eta is None
            if state == "delivered":
                codes = [event["code"] for event in events]
                assert "export_customs_cleared" in codes and "import_customs_cleared" in codes

        if state in {"pending_payment"}:
            assert order["payment_status"] in {"pending", "failed"}
        elif state == "cancelled":
            assert order["payment_status"] in {"refunded", "failed"}
        elif state == "refunded":
            assert order["payment_status"] == "refunded"
        elif state == "returned":
            assert order["payment_status"] in {"paid", "partially_refunded"}
        else:
            assert order["payment_status"] == "paid"
        check_money_trail(order)

    assert set(by_state) == set(ORDER_STATES)
    assert min(by_state.values()) >= 15, by_state


def check_money_trail(order: dict) -> None:
    """What every seeded order's new fields must agree with: its state, payment and parcels."""
    number, state, payment = order["number"], order["status"], order["payment_status"]
    placed_at = parse_datetime(order["placed_at"])
    now = datetime.now(timezone.utc)
    delivered = [t for t in order["tracking"] if t["status"] == "delivered"]
    if delivered:
        assert parse_datetime(order["delivered_at"]) == parse_datetime(delivered[-1]["events"][-1]["time"])
    else:
        assert order["delivered_at"] is None, number
    if order["shipments"]:
        assert parse_datetime(order["shipped_at"]) == parse_datetime(order["tracking"][0]["events"][0]["time"])
    else:
        assert order["shipped_at"] is None

    kinds = [event["kind"] for event in order["payments"]]
    times = [parse_datetime(event["time"]) for event in order["payments"]]
    assert times == sorted(times) and all(placed_at < t <= now for t in times), number
    assert all(event["currency"] == order["currency"] for event in order["payments"])
    if payment in PAID:
        assert order["invoice_number"] == f"INV-{number}"
        assert kinds[0] == "captured" and order["payments"][0]["amount"] == order["total"]
    else:
        assert order["invoice_number"] is None
        assert kinds == ([] if payment == "pending" else ["failed"]), number
    if payment == "failed":
        assert order["payments"][0]["decline_code"]

    refunds = order["refunds"] + [r["refund"] for r in order["returns"] if r["refund"]]
    issued = [r for r in refunds if r["status"] == "issued"]
    assert len(issued) == kinds.count("refunded")
    for refund in issued:
        assert parse_datetime(refund["created_at"]) <= parse_datetime(refund["issued_at"]) <= now
    if payment == "refunded":
        assert [Decimal(r["amount"]) for r in issued] == [Decimal(order["total"])], number
    if payment == "partially_refunded":
        assert len(issued) == 1 and 0 < Decimal(issued[0]["amount"]) < Decimal(order["total"])
    if state == "cancelled" and payment in PAID:
        assert order["refunds"], number


@pytest.mark.parametrize("number", sorted(SHOWCASE_ORDERS))
async def test_showcase_orders_are_exact(store, number):
    spec = SHOWCASE_ORDERS[number]
    order = await (await store.get(f"/api/orders/{number}")).json()
    assert order["market"] == spec["market"]
    assert order["status"] == spec["status"]
    assert order["customer"]["name"] == spec["name"]
    assert order["customer"]["email"] == spec["email"]
    assert order["customer"]["phone"] == spec["phone"]
    assert order["shipping_address"]["country"] == spec["market"]
    if spec["carrier"] is None:
        assert order["shipments"] == []
    else:
        assert order["shipments"] == [{"tracking_number": spec["tracking_number"], "carrier": spec["carrier"]}]


async def test_showcase_in_transit_parcel_awaits_customs_with_a_future_eta(store):
    tracking = await (await store.get("/api/tracking/YT2418365402719485")).json()
    assert tracking["status"] == "in_transit"
    assert tracking["customs_status"] == "pending"
    assert tracking["origin_country"] == "CN" and tracking["destination_country"] == "ES"
    assert parse_date(tracking["estimated_delivery"]) >= datetime.now(timezone.utc).date()


async def test_showcase_customs_hold_parcel_is_held(store):
    tracking = await (await store.get("/api/tracking/LP00618342759013?carrier=cainiao")).json()
    assert tracking["status"] == "customs_hold"
    assert tracking["customs_status"] == "held"
    assert tracking["events"][-1]["code"] == "customs_held"
