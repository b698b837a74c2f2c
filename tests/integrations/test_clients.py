"""The order and logistics adapters against the real demo store, and against failing backends."""
from __future__ import annotations

import asyncio
import time
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from aiohttp import web

from integrations.demo_store.seed import REPEAT_CUSTOMER
from integrations.errors import BackendError, BackendUnavailable
from integrations.http import JsonHttpClient
from integrations.logistics.base import Tracking
from integrations.logistics.demo import DemoStoreLogisticsBackend
from integrations.orders.base import Address, Customer, Order, OrderItem, ShipmentRef
from integrations.orders.demo import DemoStoreOrderBackend

pytestmark = pytest.mark.asyncio


async def test_get_order_parses_every_field(orders, store):
    raw = await (await store.get("/api/orders/100236")).json()
    order = await orders.get_order("100236")

    assert isinstance(order, Order)
    assert order.number == "100236" and order.market == "CN" and order.status == "customs_hold"
    assert order.placed_at.tzinfo is not None and order.placed_at.utcoffset().total_seconds() == 0
    assert order.placed_at == datetime.fromisoformat(raw["placed_at"].replace("Z", "+00:00"))
    assert order.currency == "CNY"
    assert isinstance(order.total, Decimal) and order.total == Decimal(raw["total"])
    assert order.payment_status == raw["payment_status"] and order.payment_method == raw["payment_method"]
    assert order.customer == Customer(
        name="王芳", email="wang.fang@example.cn", phone="+8613812345678", vip=False
    )
    assert order.shipping_address == Address(**raw["shipping_address"])
    assert order.items == tuple(
        OrderItem(
            sku=item["sku"], name=item["name"], category=item["category"], quantity=item["quantity"],
            unit_price=Decimal(item["unit_price"]), variant=item["variant"], variants=tuple(item["variants"]),
        )
        for item in raw["items"]
    )
    assert all(isinstance(item.unit_price, Decimal) for item in order.items)
    assert order.total == sum(item.unit_price * item.quantity for item in order.items)
    assert order.shipments == (ShipmentRef(tracking_number="LP00618342759013", carrier="cainiao"),)


async def test_order_without_shipment(orders):
    order = await orders.get_order("100237")
    assert order.status == "processing" and order.shipments == ()
    assert order.customer.name == "Lukas Müller"


@pytest.mark.parametrize("typed", ["#100234", " 100234 ", "# 100234"])
async def test_typed_order_numbers_are_normalised(orders, typed):
    order = await orders.get_order(typed)
    assert order is not None and order.number == "100234"


async def test_unknown_order_is_none(orders):
    assert await orders.get_order("999999") is None


@pytest.mark.parametrize("number", ["", "abc", "10023", "1002345", "100 234", "１００２３４", "100234; DROP"])
async def test_malformed_order_numbers_are_none_without_a_request(settings_for, unused_tcp_port, number):
    # Nothing listens on this port: a request would raise BackendUnavailable.
    backend = DemoStoreOrderBackend(settings_for(f"http://127.0.0.1:{unused_tcp_port}"))
    try:
        assert await backend.get_order(number) is None
    finally:
        await backend.close()


async def test_list_orders_pages_a_customers_orders(orders):
    page, total = await orders.list_orders(REPEAT_CUSTOMER["email"], page=2, per_page=10)
    assert total == REPEAT_CUSTOMER["orders"] and len(page) == 10
    assert all(isinstance(order, Order) for order in page)
    assert await orders.list_orders("nobody@example.com") == ([], 0)


async def test_track_parses_every_field(logistics, store):
    raw = await (await store.get("/api/tracking/YT2418365402719485")).json()
    tracking = await logistics.track("YT2418365402719485", "yunexpress")

    assert isinstance(tracking, Tracking)
    assert tracking.tracking_number == "YT2418365402719485" and tracking.carrier == "yunexpress"
    assert tracking.status == "in_transit" and tracking.customs_status == "pending"
    assert isinstance(tracking.estimated_delivery, date)
    assert tracking.estimated_delivery >= datetime.now(timezone.utc).date()
    assert (tracking.origin_country, tracking.destination_country) == ("CN", "ES")
    assert len(tracking.events) == len(raw["events"])
    for event, raw_event in zip(tracking.events, raw["events"]):
        assert event.code == raw_event["code"]
        assert event.location == raw_event["location"]
        assert event.description == raw_event["description"]
        assert event.time.tzinfo is not None
    assert [e.time for e in tracking.events] == sorted(e.time for e in tracking.events)
    assert tracking.last_event.code == "arrived_destination_country"


async def test_track_accepts_printed_formats_and_any_carrier_case(logistics):
    tracking = await logistics.track("1z 999 aa1 01 2345 6784", "UPS")
    assert tracking is not None and tracking.status == "delivered"
    assert tracking.last_event.code == "delivered"
    assert (await logistics.track("1Z999AA10123456784", "")).carrier == "ups"


async def test_track_unknown_or_wrong_carrier_is_none(logistics):
    assert await logistics.track("YT0000000000000000", "yunexpress") is None
    assert await logistics.track("1Z999AA10123456784", "dhl") is None
    assert await logistics.track("not a number!", "dhl") is None
    assert await logistics.track("1Z999AA10123456784", "d h l") is None


async def test_wrong_api_key_is_a_backend_error(store_server, settings_for):
    url = str(store_server.make_url("")).rstrip("/")
    backend = DemoStoreOrderBackend(settings_for(url, api_key="wrong"))
    try:
        with pytest.raises(BackendError) as raised:
            await backend.get_order("100234")
        assert not isinstance(raised.value, BackendUnavailable)
    finally:
        await backend.close()


async def test_backend_that_is_down_is_unavailable(settings_for, unused_tcp_port):
    settings = settings_for(f"http://127.0.0.1:{unused_tcp_port}", retries=1)
    orders, logistics = DemoStoreOrderBackend(settings), DemoStoreLogisticsBackend(settings)
    try:
        with pytest.raises(BackendUnavailable):
            await orders.get_order("100234")
        with pytest.raises(BackendUnavailable):
            await logistics.track("1Z999AA10123456784", "ups")
    finally:
        await orders.close()
        await logistics.close()


async def test_slow_backend_times_out_within_bounded_time(fake_backend, settings_for, hits):
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        hits.hit(request)
        await release.wait()
        return web.json_response({})

    url = await fake_backend(slow)
    backend = DemoStoreOrderBackend(settings_for(url, timeout=0.3, retries=1))
    started = time.monotonic()
    try:
        with pytest.raises(BackendUnavailable):
            await backend.get_order("100234")
    finally:
        release.set()
        await backend.close()
    elapsed = time.monotonic() - started
    # Two attempts of 0.3 s and one short backoff; far below the handler's wait.
    assert 0.6 <= elapsed < 2.0
    assert hits.count == 2


async def test_server_errors_are_retried_then_unavailable(fake_backend, settings_for, hits):
    async def failing(request: web.Request) -> web.Response:
        hits.hit(request)
        return web.json_response({"error": "boom"}, status=500)

    backend = DemoStoreLogisticsBackend(settings_for(await fake_backend(failing), retries=2))
    try:
        with pytest.raises(BackendUnavailable):
            await backend.track("1Z999AA10123456784", "ups")
    finally:
        await backend.close()
    assert hits.count == 3


async def test_a_retry_recovers_from_a_passing_server_error(fake_backend, settings_for, hits, store):
    payload = await (await store.get("/api/orders/100235")).json()

    async def flaky(request: web.Request) -> web.Response:
        hits.hit(request)
        if hits.count == 1:
            return web.Response(status=503)
        return web.json_response(payload)

    backend = DemoStoreOrderBackend(settings_for(await fake_backend(flaky), retries=1))
    try:
        order = await backend.get_order("100235")
    finally:
        await backend.close()
    assert order is not None and order.number == "100235"
    assert hits.count == 2


@pytest.mark.parametrize(
    "response",
    [
        lambda: web.Response(text="<html>not json</html>", content_type="text/html"),
        lambda: web.Response(body=b"\xff\xfe{", content_type="application/json"),
        lambda: web.json_response({"number": "100234"}),  # JSON, but not an order
        lambda: web.json_response([1, 2, 3]),
    ],
)
async def test_unusable_answers_are_backend_errors_and_not_retried(fake_backend, settings_for, hits, response):
    async def handler(request: web.Request) -> web.Response:
        hits.hit(request)
        return response()

    backend = DemoStoreOrderBackend(settings_for(await fake_backend(handler), retries=2))
    try:
        with pytest.raises(BackendError) as raised:
            await backend.get_order("100234")
    finally:
        await backend.close()
    assert not isinstance(raised.value, BackendUnavailable)
    assert hits.count == 1


async def test_unusable_tracking_is_a_backend_error(fake_backend, settings_for):
    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"tracking_number": "X", "events": [{"time": "yesterday"}]})

    backend = DemoStoreLogisticsBackend(settings_for(await fake_backend(handler)))
    try:
        with pytest.raises(BackendError):
            await backend.track("1Z999AA10123456784", "ups")
    finally:
        await backend.close()


async def test_http_client_sends_the_bearer_token_and_maps_404(fake_backend, hits):
    async def handler(request: web.Request) -> web.Response:
        hits.hit(request)
        if request.path == "/missing":
            return web.json_response({"error": "not_found"}, status=404)
        if request.path == "/forbidden":
            return web.json_response({"error": "forbidden"}, status=403)
        return web.json_response({"ok": True, "query": dict(request.query)})

    url = await fake_backend(handler)
    client = JsonHttpClient(url + "/", service="test", bearer_token="s3cret", timeout_seconds=1, retries=0)
    try:
        assert await client.get_json("/thing", params={"a": "1"}) == {"ok": True, "query": {"a": "1"}}
        assert hits.last_headers["Authorization"] == "Bearer s3cret"
        assert await client.get_json("/missing") is None
        with pytest.raises(BackendError):
            await client.get_json("/forbidden")
        await client.close()
        await client.close()  # closing twice is harmless
        assert await client.get_json("/thing") is not None  # and the client reopens on demand
    finally:
        await client.close()

    anonymous = JsonHttpClient(url, service="test", timeout_seconds=1, retries=0)
    try:
        await anonymous.get_json("/thing")
        assert "Authorization" not in hits.last_headers
    finally:
        await anonymous.close()
