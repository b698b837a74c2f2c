"""Payment problems and invoices of a verified order.

The order's payment events tell what happened; where money may have been taken wrongly (two
captures of the same amount, money taken on an order that failed) a person takes over.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Optional

from bot.policies import MarketPolicy
from bot.services.order_status import Line, money
from integrations.orders.base import Order, OrderBackend


@dataclass(frozen=True)
class PaymentOutcome:
    lines: list[Line]
    handoff_reason: Optional[str] = None


def assess_payment(order: Order, policy: MarketPolicy) -> PaymentOutcome:
    captured = [p for p in order.payments if p.kind == "captured"]
    refunded = sum((p.amount for p in order.payments if p.kind == "refunded"), start=order.total * 0)
    repeated = [amount for amount, count in Counter(p.amount for p in captured).items() if count > 1]
    extra = sum((p.amount for p in captured), start=order.total * 0) - order.total - refunded
    if repeated and extra > 0:
        return PaymentOutcome(
            [Line("utter_payment_double_charge", {"order_number": order.number, "amount": money(repeated[0], order.currency), "count": len(captured)})],
            "money_at_stake",
        )
    if order.status == "cancelled" and captured and not order.refunds and refunded == 0:
        return PaymentOutcome([Line("utter_payment_charged_cancelled", {"order_number": order.number})], "money_at_stake")
    if order.payment_status == "failed" or (order.status == "pending_payment" and order.payments and order.payments[-1].kind == "failed"):
        failure = next((p for p in reversed(order.payments) if p.kind == "failed"), None)
        deadline = order.placed_at + timedelta(hours=policy.payment_hold_hours)
        return PaymentOutcome(
            [
                Line("utter_payment_failed", {"order_number": order.number, "decline": (failure.decline_code if failure else "") or "unknown"}),
                Line("utter_payment_retry", {"order_number": order.number, "deadline": policy.local_time(deadline)}),
            ]
        )
    if order.payment_status == "pending":
        return PaymentOutcome([Line("utter_payment_pending", {"order_number": order.number, "method": order.payment_method})])
    if order.payment_status in ("refunded", "partially_refunded"):
        return PaymentOutcome([Line("utter_payment_refunded", {"order_number": order.number, "amount": money(refunded or order.total, order.currency)})])
    paid_at = captured[-1].time.date().isoformat() if captured else order.placed_at.date().isoformat()
    return PaymentOutcome(
        [
            Line("utter_payment_received", {"order_number": order.number, "amount": money(order.total, order.currency), "paid_at": paid_at, "method": order.payment_method}),
            Line("utter_payment_holds_note"),
        ]
    )


class InvoiceService:
    def __init__(self, orders: OrderBackend):
        self._orders = orders

    async def invoice_lines(self, order: Order) -> list[Line]:
        url = await self._orders.invoice_url(order.number)
        if url is None:
            return [Line("utter_invoice_not_yet", {"order_number": order.number, "state": order.status})]
        return [Line("utter_invoice_link", {"order_number": order.number, "url": url})]
