"""The flows' services against the real demo store: every policy outcome ends in the store's
real state (a return opened, an order cancelled, a claim recorded), or in none when the policy
says no. Each test that changes orders has a store of its own."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import pytest_asyncio

from bot.policies import Policies
from bot.services.delivery_problems import DeliveryProblemService
from bot.services.order_changes import OrderChangeService, parse_address
from bot.services.payments import InvoiceService, assess_payment
from bot.services.returns import ReturnService, refund_status_lines
from integrations.logistics.demo import DemoStoreLogisticsBackend
from integrations.orders.demo import DemoStoreOrderBackend

pytestmark = pytest.mark.asyncio
POLICIES = Policies.load()


@pytest_asyncio.fixture
async def backends(fresh_store_settings):
    orders, logistics = DemoStoreOrderBackend(fresh_store_settings), DemoStoreLogisticsBackend(fresh_store_settings)
    yield orders, logistics
    await orders.close()
    await logistics.close()


def responses(lines) -> list[str]:
    return [line.response for line in lines]


async def test_a_return_in_the_window_is_opened_in_the_store(backends):
    orders, _ = backends
    order = await orders.get_order("100242")
    rma, lines = await ReturnService(orders).open_return(order, POLICIES.for_market("ES"), "APP-1002", "wrong_size", "unused")
    assert rma is not None and re.fullmatch(r"RMA-100242-\d+", rma.rma)
    assert responses(lines) == ["utter_return_created", "utter_return_label", "utter_return_refund"]
    stored = await orders.get_order("100242")
    assert [r.rma for r in stored.returns] == [rma.rma]
    assert stored.returned_quantity("APP-1002") == 1


async def test_a_return_outside_the_window_leaves_the_store_untouched(backends):
    orders, _ = backends
    order = await orders.get_order("100243")
    rma, lines = await ReturnService(orders).open_return(order, POLICIES.for_market("DE"), "all", "changed_mind", "unused")
    assert rma is None and responses(lines) == ["utter_return_refused_window_closed"]
    assert (await orders.get_order("100243")).returns == ()
    # Faulty: the warranty applies instead, and the shop pays the label.
    rma, lines = await ReturnService(orders).open_return(order, POLICIES.for_market("DE"), "all", "defective", "used")
    assert rma is not None and rma.label_url


async def test_only_the_returnable_part_of_an_order_goes_back(backends):
    orders, _ = backends
    order = await orders.get_order("100245")
    rma, lines = await ReturnService(orders).open_return(order, POLICIES.for_market("FR"), "all", "changed_mind", "unopened")
    assert responses(lines)[0] == "utter_return_refused_non_returnable"
    assert [line.sku for line in rma.lines] == ["APP-1004"]


async def test_refund_status_of_a_received_return(backends):
    orders, _ = backends
    returned = await orders.get_order("100246")
    lines = refund_status_lines(returned, POLICIES.for_market("IT"))
    # Received weeks ago and still not refunded: past the 14 days the EU policy promises.
    assert responses(lines) == ["utter_refund_overdue"]
    assert lines[0].arguments["reference"] == "RMA-100246-1"
    refund = returned.returns[0].refund
    on_time = refund_status_lines(returned, POLICIES.for_market("IT"), now=refund.created_at + timedelta(days=3))
    assert responses(on_time) == ["utter_refund_in_progress"]
    issued = refund_status_lines(await orders.get_order("100252"), POLICIES.for_market("ES"))
    assert responses(issued) == ["utter_refund_issued"]


async def test_cancel_before_shipment_and_refusal_after(backends):
    orders, _ = backends
    service = OrderChangeService(orders)
    lines = await service.cancel(await orders.get_order("100247"), POLICIES.for_market("GB"))
    assert responses(lines) == ["utter_cancel_done", "utter_cancel_refund"]
    assert (await orders.get_order("100247")).status == "cancelled"
    late = await service.cancel(await orders.get_order("100253"), POLICIES.for_market("DE"))
    assert responses(late) == ["utter_cancel_too_late_shipped", "utter_change_return_instead"]
    assert (await orders.get_order("100253")).status == "in_transit"


async def test_address_and_item_changes_reach_the_store(backends):
    orders, _ = backends
    service = OrderChangeService(orders)
    order = await orders.get_order("100247")
    parsed = parse_address("10 Downing Street, London SW1A 2AA", order, POLICIES.for_market("GB"))
    lines = await service.change_address(order, POLICIES.for_market("GB"), parsed.address)
    assert responses(lines) == ["utter_address_changed"]
    assert (await orders.get_order("100247")).shipping_address.postal_code == "SW1A 2AA"
    item = order.items[0]
    handled, lines = await service.change_item(order, POLICIES.for_market("GB"), item.sku, f"variant:{item.variants[0]}")
    assert handled and responses(lines) == ["utter_change_variant_done"]
    changed = await orders.get_order("100247")
    assert next(i for i in changed.items if i.sku == item.sku).variant == item.variants[0]
    handled, lines = await service.change_item(changed, POLICIES.for_market("GB"), item.sku, "other")
    assert not handled and responses(lines) == ["utter_change_needs_person"]


async def test_delivery_problems_end_in_a_claim_an_explanation_or_a_person(backends):
    orders, logistics = backends
    service = DeliveryProblemService(orders, logistics)
    lost = await orders.get_order("100239")
    outcome = await service.resolve(lost, POLICIES.for_market("GB"), "lost", view=await service.shipment_view(lost, POLICIES.for_market("GB")), resolution="refund")
    assert responses(outcome.lines)[:2] == ["utter_claim_opened", "utter_claim_refund"] and outcome.handoff_reason is None
    assert [c.kind for c in (await orders.get_order("100239")).claims] == ["lost"]

    late = await orders.get_order("100250")
    view = await service.shipment_view(late, POLICIES.for_market("CN"))
    assert not view.claimable_as_lost and view.days_without_scan == 12
    outcome = await service.resolve(late, POLICIES.for_market("CN"), "late", view=view)
    assert responses(outcome.lines) == ["utter_problem_last_scan", "utter_problem_eta_passed", "utter_problem_claim_from"]
    assert outcome.lines[0].arguments["event_time"]["zone"] == "Asia/Shanghai"  # the shopper's clock

    held = await orders.get_order("100236")
    outcome = await service.resolve(held, POLICIES.for_market("CN"), "customs", view=await service.shipment_view(held, POLICIES.for_market("CN")))
    assert outcome.handoff_reason == "customs_hold" and responses(outcome.lines)[-1] == "utter_problem_customs_next"

    delivered = await orders.get_order("100235")
    sku = delivered.items[0].sku
    outcome = await service.resolve(delivered, POLICIES.for_market("US"), "damaged", view=await service.shipment_view(delivered, POLICIES.for_market("US")), sku=sku, resolution="replace")
    assert responses(outcome.lines) == ["utter_claim_opened", "utter_claim_replace", "utter_claim_keep_evidence"]


async def test_payments_and_invoices_from_the_store(backends):
    orders, _ = backends
    double = assess_payment(await orders.get_order("100249"), POLICIES.for_market("US"))
    assert double.handoff_reason == "money_at_stake"
    declined = assess_payment(await orders.get_order("100248"), POLICIES.for_market("JP"))
    assert declined.lines[0].arguments["decline"] == "insufficient_funds" and declined.handoff_reason is None
    invoices = InvoiceService(orders)
    assert responses(await invoices.invoice_lines(await orders.get_order("100235"))) == ["utter_invoice_link"]
    assert responses(await invoices.invoice_lines(await orders.get_order("100248"))) == ["utter_invoice_not_yet"]
