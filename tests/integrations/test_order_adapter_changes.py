"""The demo-store order adapter's new fields and changes, against the real store (a copy per
test for changes) and against misbehaving backends."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import pytest_asyncio
from aiohttp import web

from integrations.errors import BackendError, BackendUnavailable, OrderNotModifiable
from integrations.orders.base import (
    Address,
    Claim,
    Order,
    PaymentEvent,
    Refund,
    ReturnLine,
    ReturnRequest,
)
from integrations.orders.demo import DemoStoreOrderBackend

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def changes(fresh_store_settings):
    """The adapter on a store of the test's own."""
    backend = DemoStoreOrderBackend(fresh_store_settings)
    yield backend
    await backend.close()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# -- reading the new fields --------------------------------------------------------------------------------


async def test_a_returned_order_is_parsed_with_its_return_and_refund(orders, store):
    raw = await (await store.get("/api/orders/100246")).json()
    order = await orders.get_order("100246")
    assert order.shipped_at == utc(raw["shipped_at"]) and order.delivered_at == utc(raw["delivered_at"])
    assert order.delivered_at.tzinfo is not None
    [request] = order.returns
    assert isinstance(request, ReturnRequest)
    assert (request.rma, request.order_number, request.status) == ("RMA-100246-1", "100246", "received")
    assert (request.reason, request.condition) == ("wrong_size", "unused")
    assert request.lines == (ReturnLine(sku="SHO-2002", quantity=1, name="Leather Ankle Boots"),)
    assert request.refund == Refund(
        reference="RF-100246-1", amount=Decimal(order.total), currency="EUR", method="original_payment",
        status="processing", created_at=utc(raw["returns"][0]["created_at"]), issued_at=None,
    )
    assert request.return_address == Address(**raw["returns"][0]["return_address"])
    assert request.label_url and urlsplit(request.label_url).path == "/labels/RMA-100246-1"
    assert order.returned_quantity("SHO-2002") == 1
    assert order.refunds == () and order.invoice_number == "INV-100246"


async def test_payments_and_refunds_are_parsed(orders):
    double = await orders.get_order("100249")
    assert [p.kind for p in double.payments] == ["captured", "captured"]
    assert all(isinstance(p, PaymentEvent) and p.amount == double.total and p.currency == "USD"
               for p in double.payments)
    failed = await orders.get_order("100248")
    assert [(p.kind, p.decline_code) for p in failed.payments] == [("failed", "insufficient_funds")]
    assert failed.invoice_number is None
    cancelled = await orders.get_order("100252")
    [refund] = cancelled.refunds
    assert refund.status == "issued" and refund.issued_at is not None and refund.amount == cancelled.total
    assert cancelled.shipped_at is None and cancelled.delivered_at is None


async def test_variants_and_modifiability_are_parsed(orders):
    order = await orders.get_order("100247")
    assert order.is_modifiable
    assert all(item.variant and item.variants and item.variant not in item.variants for item in order.items)
    assert not (await orders.get_order("100253")).is_modifiable


async def test_showcases_are_found_by_their_customers(orders):
    found, total = await orders.list_orders("lucia.fernandez@example.es")
    assert total == 1 and [o.number for o in found] == ["100242"]
    assert found[0].delivered_at is not None


# -- changes ---------------------------------------------------------------------------------------------------


async def test_cancel_order(changes):
    order = await changes.cancel_order("#100247", reason="ordered by mistake")
    assert isinstance(order, Order) and order.status == "cancelled"
    [refund] = order.refunds
    assert (refund.amount, refund.status, refund.method) == (order.total, "pending", "original_payment")
    assert (await changes.get_order("100247")).status == "cancelled"


async def test_a_refused_change_is_order_not_modifiable(changes):
    with pytest.raises(OrderNotModifiable) as raised:
        await changes.cancel_order("100253", reason="too slow")
    assert (raised.value.number, raised.value.status, raised.value.detail) == ("100253", "in_transit", "not_modifiable")
    with pytest.raises(OrderNotModifiable) as raised:
        await changes.change_item_quantity("100249", "HOM-5003", 0)
    assert (raised.value.status, raised.value.detail) == ("processing", "last_item")
    with pytest.raises(OrderNotModifiable) as raised:
        await changes.create_return("100247", [ReturnLine("APP-1006", 1)], reason="changed_mind",
                                    condition="unopened", refund_method="original_payment", prepaid_label=True)
    assert raised.value.detail == "not_delivered"


async def test_change_item_quantity_and_variant(changes):
    order = await changes.change_item_quantity("100247", "SHO-2003", 2)
    shoes = next(i for i in order.items if i.sku == "SHO-2003")
    assert shoes.quantity == 2
    assert order.total == sum(i.unit_price * i.quantity for i in order.items)
    wanted = shoes.variants[0]
    order = await changes.change_item_variant("100247", "SHO-2003", wanted)
    swapped = next(i for i in order.items if i.sku == "SHO-2003")
    assert swapped.variant == wanted and shoes.variant in swapped.variants
    with pytest.raises(OrderNotModifiable) as raised:
        await changes.change_item_variant("100247", "SHO-2003", "EU 99 / gold")
    assert raised.value.detail == "variant_unavailable"


async def test_change_shipping_address(changes):
    address = Address(name="Amelia Hughes", line1="3 Mill Lane", city="Cambridge", postal_code="CB2 1RX", country="GB")
    order = await changes.change_shipping_address("100247", address)
    assert order.shipping_address == address


async def test_create_return(changes):
    request = await changes.create_return(
        "100245", [ReturnLine("APP-1004", 1)], reason="changed_mind", condition="unused",
        refund_method="store_credit", prepaid_label=True,
    )
    assert request.rma == "RMA-100245-1" and request.status == "requested"
    assert request.lines[0].sku == "APP-1004" and request.lines[0].name == "Hooded Sweatshirt"
    assert request.refund.method == "store_credit" and request.refund.status == "pending"
    assert request.return_address.country == "NL" and request.label_url
    order = await changes.get_order("100245")
    assert order.returns == (request,)


async def test_open_claim(changes):
    claim = await changes.open_claim("100239", kind="lost", skus=[], resolution="refund")
    assert claim == Claim(reference="CLM-100239-1", order_number="100239", kind="lost", resolution="refund",
                          skus=(), created_at=claim.created_at)
    order = await changes.get_order("100239")
    assert order.claims == (claim,) and order.refunds[0].amount == order.total


async def test_invoice_url(orders, anonymous):
    url = await orders.invoice_url("100242")
    assert url is not None
    parts = urlsplit(url)
    response = await anonymous.get(f"{parts.path}?{parts.query}")
    assert response.status == 200 and "INV-100242" in await response.text()
    assert await orders.invoice_url("100248") is None  # unpaid
    assert await orders.invoice_url("999999") is None
    assert await orders.invoice_url("not a number") is None


async def test_unknown_skus_and_bad_input_are_backend_errors(changes):
    for call in (
        changes.change_item_quantity("100247", "NOPE-1", 1),
        changes.change_item_quantity("100247", "APP-1006", -1),
        changes.cancel_order("999999", reason="x"),
        changes.cancel_order("100247", reason=""),
        changes.open_claim("100239", kind="stolen", skus=[], resolution="refund"),
    ):
        with pytest.raises(BackendError) as raised:
            await call
        assert not isinstance(raised.value, (OrderNotModifiable, BackendUnavailable))


async def test_a_malformed_number_is_refused_without_a_request(settings_for, unused_tcp_port):
    backend = DemoStoreOrderBackend(settings_for(f"http://127.0.0.1:{unused_tcp_port}"))
    try:
        with pytest.raises(BackendError) as raised:
            await backend.cancel_order("12ab", reason="x")
        assert not isinstance(raised.value, BackendUnavailable)
    finally:
        await backend.close()


# -- failing backends --------------------------------------------------------------------------------------------


async def test_a_post_that_may_have_arrived_is_not_repeated(fake_backend, settings_for, hits):
    async def failing(request: web.Request) -> web.Response:
        hits.hit(request)
        return web.json_response({"error": "boom"}, status=500)

    backend = DemoStoreOrderBackend(settings_for(await fake_backend(failing), retries=3))
    try:
        with pytest.raises(BackendUnavailable):
            await backend.create_return("100242", [ReturnLine("APP-1001", 1)], reason="changed_mind",
                                        condition="unused", refund_method="original_payment", prepaid_label=False)
    finally:
        await backend.close()
    assert hits.count == 1


async def test_a_slow_post_times_out_once(fake_backend, settings_for, hits):
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        hits.hit(request)
        await release.wait()
        return web.json_response({})

    backend = DemoStoreOrderBackend(settings_for(await fake_backend(slow), timeout=0.3, retries=2))
    try:
        with pytest.raises(BackendUnavailable):
            await backend.cancel_order("100247", reason="x")
    finally:
        release.set()
        await backend.close()
    assert hits.count == 1


async def test_a_put_is_retried_like_a_read(fake_backend, settings_for, hits, store):
    payload = await (await store.get("/api/orders/100247")).json()

    async def flaky(request: web.Request) -> web.Response:
        hits.hit(request)
        if hits.count == 1:
            return web.Response(status=503)
        assert request.method == "PUT" and (await request.json())["city"] == "Leeds"
        return web.json_response(payload)

    backend = DemoStoreOrderBackend(settings_for(await fake_backend(flaky), retries=1))
    address = Address(name="A", line1="1 Road", city="Leeds", postal_code="LS1 1AA", country="GB")
    try:
        assert (await backend.change_shipping_address("100247", address)).number == "100247"
    finally:
        await backend.close()
    assert hits.count == 2


async def test_a_post_to_a_store_that_is_down_is_retried_then_unavailable(settings_for, unused_tcp_port):
    # Nothing was sent when the connection is refused, so trying again is safe.
    backend = DemoStoreOrderBackend(settings_for(f"http://127.0.0.1:{unused_tcp_port}", retries=1))
    try:
        with pytest.raises(BackendUnavailable):
            await backend.cancel_order("100247", reason="x")
    finally:
        await backend.close()


@pytest.mark.parametrize(
    "response",
    [
        lambda: web.json_response({"rma": "RMA-1-1"}, status=201),  # JSON, but not a return
        lambda: web.Response(text="<html>", status=201, content_type="text/html"),
        lambda: web.json_response({"error": "not_modifiable"}, status=409),  # no status: still a refusal
    ],
)
async def test_unusable_answers_to_changes(fake_backend, settings_for, response):
    async def handler(request: web.Request) -> web.Response:
        return response()

    backend = DemoStoreOrderBackend(settings_for(await fake_backend(handler)))
    try:
        with pytest.raises(BackendError):
            await backend.create_return("100242", [ReturnLine("APP-1001", 1)], reason="changed_mind",
                                        condition="unused", refund_method="original_payment", prepaid_label=False)
    finally:
        await backend.close()


async def test_an_invoice_answer_without_a_link_is_a_backend_error(fake_backend, settings_for):
    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"url": "javascript:alert(1)"})

    backend = DemoStoreOrderBackend(settings_for(await fake_backend(handler)))
    try:
        with pytest.raises(BackendError):
            await backend.invoice_url("100242")
    finally:
        await backend.close()


async def test_orders_without_the_new_fields_still_parse(fake_backend, settings_for, store):
    # An older store, or another platform's minimal answer: the new fields are optional.
    payload = await (await store.get("/api/orders/100234")).json()
    for key in ("shipped_at", "delivered_at", "returns", "refunds", "payments", "claims", "invoice_number"):
        payload.pop(key)
    for item in payload["items"]:
        item.pop("variant"), item.pop("variants")

    async def handler(request: web.Request) -> web.Response:
        return web.json_response(payload)

    backend = DemoStoreOrderBackend(settings_for(await fake_backend(handler)))
    try:
        order = await backend.get_order("100234")
    finally:
        await backend.close()
    assert order.returns == () and order.payments == () and order.invoice_number is None
    assert order.items[0].variant == "" and order.items[0].variants == ()
    assert order.placed_at <= datetime.now(timezone.utc)
