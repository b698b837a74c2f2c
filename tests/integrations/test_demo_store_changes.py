"""The demo store's changes (cancel, items, address, returns, claims) and its signed documents,
each test on its own copy of the seeded store."""
from __future__ import annotations

import asyncio
import re
import time
from decimal import Decimal
from html import escape
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from integrations.demo_store import models
from integrations.demo_store.db import make_engine, make_session_factory
from integrations.demo_store.links import LinkSigner
from integrations.demo_store.shop import included_tax
from tests.integrations.conftest import API_KEY, LINK_SECRET

pytestmark = pytest.mark.asyncio

RETURN = {"reason": "wrong_size", "condition": "unused", "refund_method": "original_payment", "prepaid_label": True}


async def order_of(client: TestClient, number: str) -> dict:
    response = await client.get(f"/api/orders/{number}")
    assert response.status == 200
    return await response.json()


async def expect(response, http_status: int, error: str, **extra) -> dict:
    assert response.status == http_status, await response.text()
    body = await response.json()
    assert body["error"] == error
    for key, value in extra.items():
        assert body[key] == value
    return body


def local_path(url: str) -> str:
    """The path and query of a link the store made, to open it with the test client."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def item(order: dict, sku: str) -> dict:
    return next(i for i in order["items"] if i["sku"] == sku)


def total_of(order: dict) -> Decimal:
    return sum((Decimal(i["unit_price"]) * i["quantity"] for i in order["items"]), Decimal(0))


# -- cancel ---------------------------------------------------------------------------------------------


async def test_cancelling_a_paid_order_refunds_it(fresh_store):
    before = await order_of(fresh_store, "100247")
    response = await fresh_store.post("/api/orders/100247/cancel", json={"reason": "ordered the wrong size"})
    assert response.status == 200
    order = await response.json()
    assert order["status"] == "cancelled"
    [refund] = order["refunds"]
    assert refund == {**refund, "amount": before["total"], "currency": "GBP", "method": "original_payment",
                      "status": "pending", "issued_at": None}
    assert refund["reference"] == "RF-100247-1"
    assert await order_of(fresh_store, "100247") == order  # it was stored, not only answered


async def test_cancelling_a_double_charged_order_refunds_both_charges(fresh_store):
    before = await order_of(fresh_store, "100249")
    order = await (await fresh_store.post("/api/orders/100249/cancel", json={"reason": "charged twice"})).json()
    assert [Decimal(r["amount"]) for r in order["refunds"]] == [2 * Decimal(before["total"])]


async def test_cancelling_an_unpaid_order_refunds_nothing(fresh_store):
    order = await (await fresh_store.post("/api/orders/100248/cancel", json={"reason": "payment failed"})).json()
    assert order["status"] == "cancelled" and order["refunds"] == []


@pytest.mark.parametrize(("number", "status"), [("100253", "in_transit"), ("100252", "cancelled"),
                                                ("100235", "delivered"), ("100236", "customs_hold")])
async def test_an_order_that_shipped_or_ended_cannot_be_cancelled(fresh_store, number, status):
    before = await order_of(fresh_store, number)
    response = await fresh_store.post(f"/api/orders/{number}/cancel", json={"reason": "too slow"})
    assert await expect(response, 409, "not_modifiable") == {"error": "not_modifiable", "status": status}
    assert await order_of(fresh_store, number) == before


@pytest.mark.parametrize(
    ("body", "error"),
    [({}, "invalid_reason"), ({"reason": "  "}, "invalid_reason"), ({"reason": 3}, "invalid_reason"),
     ({"reason": "x" * 501}, "invalid_reason"), ([1, 2], "invalid_body"), ("not json", "invalid_json")],
)
async def test_cancel_needs_a_reason(fresh_store, body, error):
    if isinstance(body, str):
        response = await fresh_store.post("/api/orders/100247/cancel", data=body)
    else:
        response = await fresh_store.post("/api/orders/100247/cancel", json=body)
    await expect(response, 400, error)
    assert (await order_of(fresh_store, "100247"))["status"] == "processing"


async def test_changes_to_unknown_or_malformed_orders(fresh_store):
    await expect(await fresh_store.post("/api/orders/999999/cancel", json={"reason": "x"}), 404, "not_found")
    await expect(await fresh_store.post("/api/orders/12ab/cancel", json={"reason": "x"}), 400, "invalid_order_number")


async def test_changes_need_the_api_key(fresh_server, aiohttp_client):
    anonymous = await aiohttp_client(fresh_server)
    for method, path in [("POST", "/api/orders/100247/cancel"), ("POST", "/api/orders/100247/items/APP-1006"),
                         ("PUT", "/api/orders/100247/shipping-address"), ("POST", "/api/orders/100242/returns"),
                         ("POST", "/api/orders/100239/claims"), ("GET", "/api/orders/100242/invoice")]:
        response = await anonymous.request(method, path, json={"reason": "x"})
        assert response.status == 401, path


async def test_concurrent_cancels_refund_once(fresh_store):
    responses = await asyncio.gather(
        *(fresh_store.post("/api/orders/100251/cancel", json={"reason": "duplicate"}) for _ in range(4))
    )
    assert sorted(r.status for r in responses) == [200, 409, 409, 409]
    assert len((await order_of(fresh_store, "100251"))["refunds"]) == 1


# -- items ------------------------------------------------------------------------------------------------


async def test_raising_a_quantity_recomputes_the_total_and_charges_the_difference(fresh_store):
    before = await order_of(fresh_store, "100247")
    price = Decimal(item(before, "APP-1006")["unit_price"])
    response = await fresh_store.post("/api/orders/100247/items/APP-1006", json={"quantity": 3})
    assert response.status == 200
    order = await response.json()
    assert item(order, "APP-1006")["quantity"] == 3
    assert Decimal(order["total"]) == Decimal(before["total"]) + 2 * price == total_of(order)
    assert order["payments"][-1]["kind"] == "captured" and Decimal(order["payments"][-1]["amount"]) == 2 * price


async def test_lowering_a_quantity_refunds_the_difference(fresh_store):
    before = await order_of(fresh_store, "100251")
    price = Decimal(item(before, "ELE-3007")["unit_price"])
    order = await (await fresh_store.post("/api/orders/100251/items/ELE-3007", json={"quantity": 10})).json()
    assert Decimal(order["total"]) == Decimal(before["total"]) - 20 * price
    [refund] = order["refunds"]
    assert Decimal(refund["amount"]) == 20 * price and refund["status"] == "pending"


async def test_quantity_zero_removes_an_item_but_not_the_last(fresh_store):
    order = await (await fresh_store.post("/api/orders/100247/items/SHO-2003", json={"quantity": 0})).json()
    assert [i["sku"] for i in order["items"]] == ["APP-1006"]
    assert Decimal(order["total"]) == total_of(order)
    response = await fresh_store.post("/api/orders/100247/items/APP-1006", json={"quantity": 0})
    await expect(response, 409, "last_item", status="processing")
    assert len((await order_of(fresh_store, "100247"))["items"]) == 1


async def test_an_unpaid_order_changes_without_money_moving(fresh_store):
    order = await (await fresh_store.post("/api/orders/100248/items/ELE-3001", json={"quantity": 2})).json()
    assert Decimal(order["total"]) == total_of(order)
    assert [p["kind"] for p in order["payments"]] == ["failed"] and order["refunds"] == []


async def test_swapping_a_variant_frees_the_old_one(fresh_store):
    before = item(await order_of(fresh_store, "100247"), "APP-1006")
    wanted = before["variants"][0]
    response = await fresh_store.post("/api/orders/100247/items/APP-1006", json={"variant": wanted})
    assert response.status == 200
    after = item(await response.json(), "APP-1006")
    assert after["variant"] == wanted
    assert wanted not in after["variants"] and before["variant"] in after["variants"]
    assert len(after["variants"]) == len(before["variants"])
    assert (after["quantity"], after["unit_price"]) == (before["quantity"], before["unit_price"])
    assert item(await order_of(fresh_store, "100247"), "APP-1006") == after


async def test_a_variant_out_of_stock_is_refused(fresh_store):
    current = item(await order_of(fresh_store, "100247"), "APP-1006")
    response = await fresh_store.post("/api/orders/100247/items/APP-1006", json={"variant": "XXXL / purple"})
    await expect(response, 409, "variant_unavailable", status="processing", variants=current["variants"])


@pytest.mark.parametrize(
    ("body", "error"),
    [({}, "quantity_or_variant"), ({"quantity": 1, "variant": "M / navy"}, "quantity_or_variant"),
     ({"quantity": -1}, "invalid_quantity"), ({"quantity": 100}, "invalid_quantity"),
     ({"quantity": "2"}, "invalid_quantity"), ({"quantity": True}, "invalid_quantity"),
     ({"quantity": 1.5}, "invalid_quantity"), ({"variant": ""}, "invalid_variant")],
)
async def test_item_changes_are_validated(fresh_store, body, error):
    await expect(await fresh_store.post("/api/orders/100247/items/APP-1006", json=body), 400, error)


async def test_item_changes_need_a_known_sku_and_an_order_not_shipped(fresh_store):
    await expect(await fresh_store.post("/api/orders/100247/items/ELE-3001", json={"quantity": 1}),
                 404, "unknown_sku", sku="ELE-3001")
    await expect(await fresh_store.post("/api/orders/100247/items/bad%20sku", json={"quantity": 1}), 400, "invalid_sku")
    await expect(await fresh_store.post("/api/orders/100253/items/ACC-8004", json={"quantity": 2}),
                 409, "not_modifiable", status="in_transit")


# -- shipping address ---------------------------------------------------------------------------------------

NEW_ADDRESS = {"name": "Amelia Hughes", "line1": "Flat 2, 14 Queen Street", "city": "Oxford",
               "postal_code": "OX1 1EN", "country": "GB"}


async def test_readdressing_an_order_before_it_ships(fresh_store):
    response = await fresh_store.put("/api/orders/100247/shipping-address", json={**NEW_ADDRESS, "country": "gb"})
    assert response.status == 200
    assert (await response.json())["shipping_address"] == NEW_ADDRESS
    assert (await order_of(fresh_store, "100247"))["shipping_address"] == NEW_ADDRESS


async def test_readdressing_is_refused_after_shipping_or_to_another_country(fresh_store):
    await expect(await fresh_store.put("/api/orders/100253/shipping-address", json={**NEW_ADDRESS, "country": "DE"}),
                 409, "not_modifiable", status="in_transit")
    await expect(await fresh_store.put("/api/orders/100247/shipping-address", json={**NEW_ADDRESS, "country": "FR"}),
                 400, "country_change_not_allowed", country="GB")


@pytest.mark.parametrize(
    ("change", "error"),
    [({"city": ""}, "invalid_city"), ({"line1": None}, "invalid_line1"), ({"name": "x" * 121}, "invalid_name"),
     ({"postal_code": 12345}, "invalid_postal_code"), ({"country": "GBR"}, "invalid_country"),
     ({"country": "1A"}, "invalid_country")],
)
async def test_addresses_are_validated(fresh_store, change, error):
    response = await fresh_store.put("/api/orders/100247/shipping-address", json={**NEW_ADDRESS, **change})
    await expect(response, 400, error)


# -- returns ------------------------------------------------------------------------------------------------


async def test_a_return_gets_an_rma_a_pending_refund_and_a_label(fresh_store):
    before = await order_of(fresh_store, "100242")
    shirt = item(before, "APP-1001")
    response = await fresh_store.post(
        "/api/orders/100242/returns", json={"lines": [{"sku": "APP-1001", "quantity": 1}], **RETURN}
    )
    assert response.status == 201
    request = await response.json()
    assert request["rma"] == "RMA-100242-1" and request["order_number"] == "100242"
    assert (request["status"], request["reason"], request["condition"]) == ("requested", "wrong_size", "unused")
    assert request["lines"] == [{"sku": "APP-1001", "quantity": 1, "name": shirt["name"]}]
    refund = request["refund"]
    assert (refund["status"], refund["method"], refund["currency"]) == ("pending", "original_payment", "EUR")
    assert Decimal(refund["amount"]) == Decimal(shirt["unit_price"])
    assert request["return_address"]["country"] == "NL"  # the EU warehouse for a Spanish order

    label = await fresh_store.get(local_path(request["label_url"]), headers={"Authorization": ""})
    assert label.status == 200 and label.content_type == "text/html"
    html = await label.text()
    assert "RMA-100242-1" in html and "Venlo" in html and escape(before["customer"]["name"]) in html

    order = await order_of(fresh_store, "100242")
    assert [r["rma"] for r in order["returns"]] == ["RMA-100242-1"]
    assert order["refunds"] == []  # a return's refund travels with the return
    assert order["status"] == "delivered"


async def test_returns_stop_at_what_was_bought(fresh_store):
    body = {"lines": [{"sku": "APP-1001", "quantity": 2}], **RETURN}
    assert (await fresh_store.post("/api/orders/100242/returns", json=body)).status == 201
    again = await fresh_store.post("/api/orders/100242/returns", json={**body, "lines": [{"sku": "APP-1001", "quantity": 1}]})
    await expect(again, 409, "already_returned", status="delivered", sku="APP-1001", returnable=0)
    dress = {**body, "lines": [{"sku": "APP-1002", "quantity": 1}]}
    second = await (await fresh_store.post("/api/orders/100242/returns", json=dress)).json()
    assert second["rma"] == "RMA-100242-2"


async def test_an_item_already_returned_cannot_be_returned_again(fresh_store):
    body = {"lines": [{"sku": "SHO-2002", "quantity": 1}], **RETURN}
    await expect(await fresh_store.post("/api/orders/100246/returns", json=body), 409, "already_returned",
                 status="returned", returnable=0)


async def test_a_rejected_return_frees_its_items(fresh_store, fresh_db_url):
    engine = make_engine(fresh_db_url)
    with make_session_factory(engine)() as session, session.begin():
        session.execute(select(models.ReturnRequest).where(models.ReturnRequest.rma == "RMA-100246-1")).scalar_one().status = "rejected"
    engine.dispose()
    body = {"lines": [{"sku": "SHO-2002", "quantity": 1}], **RETURN}
    assert (await fresh_store.post("/api/orders/100246/returns", json=body)).status == 201


@pytest.mark.parametrize("number", ["100247", "100234", "100239", "100240", "100241"])
async def test_only_delivered_orders_can_be_returned(fresh_store, number):
    order = await order_of(fresh_store, number)
    body = {"lines": [{"sku": order["items"][0]["sku"], "quantity": 1}], **RETURN}
    await expect(await fresh_store.post(f"/api/orders/{number}/returns", json=body), 409, "not_delivered",
                 status=order["status"])


async def test_a_us_return_for_store_credit_without_a_label(fresh_store):
    body = {"lines": [{"sku": "ELE-3002", "quantity": 1}], **RETURN, "refund_method": "store_credit",
            "prepaid_label": False}
    request = await (await fresh_store.post("/api/orders/100244/returns", json=body)).json()
    assert request["label_url"] is None and request["refund"]["method"] == "store_credit"
    assert request["return_address"]["country"] == "US"


async def test_returns_from_other_markets_go_to_hong_kong(fresh_store, fresh_db_url):
    engine = make_engine(fresh_db_url)
    with make_session_factory(engine)() as session:
        number, sku = session.execute(
            select(models.Order.number, models.OrderItem.sku)
            .join(models.OrderItem, models.OrderItem.order_id == models.Order.id)
            .where(models.Order.status == "delivered", models.Order.market.in_(("GB", "JP", "AU", "BR")))
        ).first()
    engine.dispose()
    body = {"lines": [{"sku": sku, "quantity": 1}], **RETURN}
    request = await (await fresh_store.post(f"/api/orders/{number}/returns", json=body)).json()
    assert request["return_address"]["country"] == "HK"


@pytest.mark.parametrize(
    ("change", "status", "error"),
    [({"lines": []}, 400, "invalid_lines"), ({"lines": "APP-1001"}, 400, "invalid_lines"),
     ({"lines": ["APP-1001"]}, 400, "invalid_lines"),
     ({"lines": [{"sku": "APP-1001", "quantity": 0}]}, 400, "invalid_quantity"),
     ({"lines": [{"sku": "APP-1001"}]}, 400, "invalid_quantity"),
     ({"lines": [{"sku": "APP-1001", "quantity": 1}, {"sku": "APP-1001", "quantity": 1}]}, 400, "duplicate_sku"),
     ({"lines": [{"sku": "../etc", "quantity": 1}]}, 400, "invalid_sku"),
     ({"reason": "bored"}, 400, "invalid_reason"), ({"condition": "broken"}, 400, "invalid_condition"),
     ({"refund_method": "cash"}, 400, "invalid_refund_method"), ({"prepaid_label": "yes"}, 400, "invalid_prepaid_label"),
     ({"lines": [{"sku": "TOY-6001", "quantity": 1}]}, 404, "unknown_sku")],
)
async def test_returns_are_validated(fresh_store, change, status, error):
    body = {"lines": [{"sku": "APP-1001", "quantity": 1}], **RETURN, **change}
    await expect(await fresh_store.post("/api/orders/100242/returns", json=body), status, error)
    assert (await order_of(fresh_store, "100242"))["returns"] == []


# -- claims ---------------------------------------------------------------------------------------------------


async def test_a_lost_parcel_claim_refunds_the_order(fresh_store):
    before = await order_of(fresh_store, "100239")
    response = await fresh_store.post("/api/orders/100239/claims", json={"kind": "lost", "skus": [], "resolution": "refund"})
    assert response.status == 201
    claim = await response.json()
    assert claim == {**claim, "reference": "CLM-100239-1", "order_number": "100239", "kind": "lost",
                     "resolution": "refund", "skus": []}
    order = await order_of(fresh_store, "100239")
    assert order["claims"] == [claim]
    assert [Decimal(r["amount"]) for r in order["refunds"]] == [Decimal(before["total"])]
    # Nothing is left to refund a second time.
    again = await fresh_store.post("/api/orders/100239/claims", json={"kind": "lost", "resolution": "refund"})
    await expect(again, 409, "nothing_to_refund", status="lost")


async def test_a_damaged_item_replaced_moves_no_money(fresh_store):
    sku = (await order_of(fresh_store, "100235"))["items"][0]["sku"]
    claim = await (await fresh_store.post(
        "/api/orders/100235/claims", json={"kind": "damaged", "skus": [sku], "resolution": "replace"}
    )).json()
    assert claim["reference"] == "CLM-100235-1" and claim["skus"] == [sku]
    assert (await order_of(fresh_store, "100235"))["refunds"] == []


async def test_a_refund_claim_on_one_item_refunds_that_item(fresh_store):
    order = await order_of(fresh_store, "100244")
    watch = item(order, "ELE-3002")
    await fresh_store.post("/api/orders/100244/claims", json={"kind": "wrong_item", "skus": ["ELE-3002"],
                                                              "resolution": "refund"})
    [refund] = (await order_of(fresh_store, "100244"))["refunds"]
    assert Decimal(refund["amount"]) == Decimal(watch["unit_price"]) * watch["quantity"]


@pytest.mark.parametrize(
    ("number", "body", "status", "error"),
    [("100237", {"kind": "lost", "resolution": "reship"}, 409, "not_shipped"),
     ("100239", {"kind": "stolen", "resolution": "refund"}, 400, "invalid_kind"),
     ("100239", {"kind": "lost", "resolution": "apology"}, 400, "invalid_resolution"),
     ("100239", {"kind": "lost", "resolution": "refund", "skus": "all"}, 400, "invalid_skus"),
     ("100239", {"kind": "lost", "resolution": "refund", "skus": ["NOPE-1"]}, 404, "unknown_sku")],
)
async def test_claims_are_validated(fresh_store, number, body, status, error):
    await expect(await fresh_store.post(f"/api/orders/{number}/claims", json=body), status, error)
    assert (await order_of(fresh_store, number))["claims"] == []


# -- invoices and labels -----------------------------------------------------------------------------------------


async def invoice_link(client: TestClient, number: str) -> str:
    response = await client.get(f"/api/orders/{number}/invoice")
    assert response.status == 200
    return (await response.json())["url"]


async def test_an_invoice_link_opens_without_the_api_key(store, anonymous):
    order = await order_of(store, "100242")
    url = await invoice_link(store, "100242")
    assert url.startswith(str(store.make_url("")).rstrip("/") + "/invoices/100242?")
    response = await anonymous.get(local_path(url))
    assert response.status == 200 and response.content_type == "text/html" and response.charset == "utf-8"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    html = await response.text()
    tax = included_tax(Decimal(order["total"]), Decimal(21), "EUR")
    for text in ("Invoice INV-100242", "Lumen Trading Ltd.", "IOSS", escape(order["customer"]["name"]),
                 order["shipping_address"]["city"], "M / sand", "APP-1002", f"EUR {order['total']}", "VAT 21%",
                 f"EUR {tax}", f"EUR {Decimal(order['total']) - tax}"):
        assert text in html, text


async def test_an_invoice_without_sales_tax_has_no_tax_line(store, anonymous):
    html = await (await anonymous.get(local_path(await invoice_link(store, "100251")))).text()
    assert "USD 6,094.45" in html and "VAT" not in html and "GST" not in html


async def test_an_order_above_the_import_limit_has_no_tax_line(fresh_store, anonymous):
    # GBP 135 is as far as the seller may collect UK VAT; above it, customs does.
    await fresh_store.post("/api/orders/100247/items/APP-1006", json={"quantity": 5})
    html = await (await fresh_store.get(local_path(await invoice_link(fresh_store, "100247")))).text()
    assert "VAT 20%" not in html and "charged by customs" in html


async def test_invoices_escape_what_shoppers_typed(fresh_store):
    await fresh_store.put("/api/orders/100247/shipping-address",
                          json={**NEW_ADDRESS, "name": "<script>alert(1)</script>"})
    html = await (await fresh_store.get(local_path(await invoice_link(fresh_store, "100247")))).text()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


async def test_unpaid_and_unknown_orders_have_no_invoice(store):
    await expect(await store.get("/api/orders/100248/invoice"), 404, "no_invoice")
    await expect(await store.get("/api/orders/999999/invoice"), 404, "not_found")
    await expect(await store.get("/api/orders/abc/invoice"), 400, "invalid_order_number")


def signed(kind: str, subject: str, expires: int, secret: str = LINK_SECRET) -> str:
    return LinkSigner(secret).signature(kind, subject, expires)


async def test_document_links_with_a_bad_signature_are_refused(store, anonymous):
    url = await invoice_link(store, "100242")
    query = parse_qs(urlsplit(url).query)
    expires, signature = query["expires"][0], query["signature"][0]
    later = int(time.time()) + 3600
    past = int(time.time()) - 10
    forged = [
        f"/invoices/100242?expires={expires}&signature={signature[:-1]}{'0' if signature[-1] != '0' else '1'}",
        f"/invoices/100242?expires={int(expires) + 1}&signature={signature}",  # a longer life is not signed
        f"/invoices/100235?expires={expires}&signature={signature}",  # another order
        f"/labels/100242?expires={expires}&signature={signature}",  # another kind of document
        "/invoices/100242",
        f"/invoices/100242?expires={expires}",
        f"/invoices/100242?expires=soon&signature={signature}",
        f"/invoices/100242?expires={later}&signature={signed('invoice', '100242', later, 'another-secret')}",
        f"/invoices/100242?expires={past}&signature={signed('invoice', '100242', past)}",  # expired
        f"/invoices/100242?expires=١٢٣&signature={signature}",
    ]
    for path in forged:
        response = await anonymous.get(path)
        assert response.status == 403, path
        assert "INV-" not in await response.text()


async def test_a_validly_signed_link_to_nothing_is_404(store, anonymous):
    expires = int(time.time()) + 60
    for kind, path, subject in [("invoice", "invoices", "100248"), ("invoice", "invoices", "999999"),
                                ("label", "labels", "RMA-999999-1")]:
        response = await anonymous.get(f"/{path}/{subject}?expires={expires}&signature={signed(kind, subject, expires)}")
        assert response.status == 404, subject


async def test_links_last_seven_days(store):
    url = await invoice_link(store, "100242")
    expires = int(parse_qs(urlsplit(url).query)["expires"][0])
    assert abs(expires - (time.time() + 7 * 24 * 3600)) < 60


async def test_the_seeded_return_has_a_working_label(store, anonymous):
    [request] = (await order_of(store, "100246"))["returns"]
    response = await anonymous.get(local_path(request["label_url"]))
    assert response.status == 200
    html = await response.text()
    assert re.search(r"RMA-100246-1", html) and "Celsiusweg 30" in html and "DHL" in html


async def test_a_return_without_a_prepaid_label_has_no_label_page(fresh_store):
    body = {"lines": [{"sku": "ELE-3002", "quantity": 1}], **RETURN, "prepaid_label": False}
    request = await (await fresh_store.post("/api/orders/100244/returns", json=body)).json()
    expires = int(time.time()) + 60
    path = f"/labels/{request['rma']}?expires={expires}&signature={signed('label', request['rma'], expires)}"
    assert (await fresh_store.get(path)).status == 404


async def test_links_use_the_public_url_when_set(aiohttp_client, seeded_db_url):
    from integrations.demo_store.api import create_app

    app = create_app(seeded_db_url, API_KEY, link_secret=LINK_SECRET, public_url="https://shop.example/store/")
    client = await aiohttp_client(app, headers={"Authorization": f"Bearer {API_KEY}"})
    assert (await invoice_link(client, "100242")).startswith("https://shop.example/store/invoices/100242?expires=")
    [request] = (await order_of(client, "100246"))["returns"]
    assert request["label_url"].startswith("https://shop.example/store/labels/RMA-100246-1?expires=")


async def test_links_from_another_secret_do_not_open(aiohttp_client, seeded_db_url, store):
    url = await invoice_link(store, "100242")
    from integrations.demo_store.api import create_app

    other = await aiohttp_client(create_app(seeded_db_url, API_KEY, link_secret="rotated"))
    assert (await other.get(local_path(url))).status == 403


async def test_without_a_configured_secret_links_work_while_the_process_runs(aiohttp_client, seeded_db_url):
    from integrations.demo_store.api import create_app

    client = await aiohttp_client(create_app(seeded_db_url, API_KEY), headers={"Authorization": f"Bearer {API_KEY}"})
    assert (await client.get(local_path(await invoice_link(client, "100242")))).status == 200

