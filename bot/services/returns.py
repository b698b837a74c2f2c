"""Returns and refunds: which items of an order may go back under the market's policy, opening
the return (RMA) through the order backend, and where a refund is.

The rules come from the market's policy (bot/policies.py); the backend has the last word on
what it accepts. Replies are response names with arguments, rendered by the NLG endpoint.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Optional

from bot.policies import MarketPolicy
from bot.services.order_status import Line, money
from integrations.orders.base import Order, OrderBackend, OrderItem, Refund, ReturnLine, ReturnRequest

# Reasons for which the shop is at fault: the warranty period applies instead of the return
# window, category limits do not, and the shop pays the return.
FAULT_REASONS = frozenset({"damaged", "defective", "wrong_item", "not_as_described"})
CLOSED_STATES = frozenset({"cancelled", "refunded"})
ALL_ITEMS = "all"


@dataclass(frozen=True)
class ReturnableItem:
    item: OrderItem
    quantity: int  # what is left to return


@dataclass(frozen=True)
class OrderEligibility:
    """Whether an order can have a return at all, and which of its items."""

    problem: Optional[str]  # None, or closed_order / not_delivered / nothing_left
    items: tuple[ReturnableItem, ...] = ()
    delivered_on: Optional[date] = None
    window_ends: Optional[date] = None
    faulty_window_ends: Optional[date] = None

    @property
    def allowed(self) -> bool:
        return self.problem is None

    def item(self, sku: str) -> Optional[ReturnableItem]:
        return next((r for r in self.items if r.item.sku == sku), None)


def order_eligibility(order: Order, policy: MarketPolicy) -> OrderEligibility:
    if order.status in CLOSED_STATES:
        return OrderEligibility("closed_order")
    if order.delivered_at is None:
        return OrderEligibility("not_delivered")
    left = tuple(
        ReturnableItem(item, item.quantity - order.returned_quantity(item.sku))
        for item in order.items
        if item.quantity - order.returned_quantity(item.sku) > 0
    )
    if not left:
        return OrderEligibility("nothing_left")
    delivered_on = order.delivered_at.date()
    return OrderEligibility(
        None,
        left,
        delivered_on,
        delivered_on + timedelta(days=policy.return_window_days),
        delivered_on + timedelta(days=policy.faulty_return_days),
    )


def item_refusal(
    eligibility: OrderEligibility, policy: MarketPolicy, item: OrderItem, reason: str, condition: str, today: date
) -> Optional[str]:
    """Why this item cannot go back for this reason in this condition, or None if it can."""
    faulty = reason in FAULT_REASONS
    if faulty:
        return "warranty_expired" if today > eligibility.faulty_window_ends else None
    if today > eligibility.window_ends:
        return "window_closed"
    if item.category in policy.non_returnable_categories:
        return "non_returnable"
    if item.category in policy.unopened_only_categories and condition != "unopened":
        return "hygiene_opened"
    if condition == "used":
        return "used"
    return None


class ReturnService:
    def __init__(self, orders: OrderBackend):
        self._orders = orders

    async def open_return(
        self, order: Order, policy: MarketPolicy, sku: str, reason: str, condition: str, *, now: Optional[datetime] = None
    ) -> tuple[Optional[ReturnRequest], list[Line]]:
        """Opens the return if the policy allows it; the lines explain either outcome."""
        today = (now or datetime.now(timezone.utc)).date()
        eligibility = order_eligibility(order, policy)
        if not eligibility.allowed:
            return None, [order_refusal_line(order, eligibility, policy)]
        chosen = list(eligibility.items) if sku == ALL_ITEMS else [r for r in eligibility.items if r.item.sku == sku]
        if not chosen:
            return None, [Line("utter_return_item_unknown", {"order_number": order.number})]
        refusals = [(r, item_refusal(eligibility, policy, r.item, reason, condition, today)) for r in chosen]
        accepted = [r for r, refusal in refusals if refusal is None]
        lines = [item_refusal_line(r.item, refusal, eligibility, policy) for r, refusal in refusals if refusal]
        if not accepted:
            return None, lines
        faulty = reason in FAULT_REASONS
        rma = await self._orders.create_return(
            order.number,
            [ReturnLine(r.item.sku, r.quantity, r.item.name) for r in accepted],
            reason=reason,
            condition=condition,
            refund_method=policy.refund_method,
            prepaid_label=policy.prepaid_return_label or faulty,
        )
        return rma, lines + return_created_lines(rma, policy)


def order_refusal_line(order: Order, eligibility: OrderEligibility, policy: MarketPolicy) -> Line:
    if eligibility.problem == "not_delivered":
        return Line("utter_return_not_delivered", {"order_number": order.number, "state": order.status})
    if eligibility.problem == "nothing_left":
        return Line("utter_return_already_returned", {"order_number": order.number})
    return Line("utter_return_order_closed", {"order_number": order.number, "state": order.status})


def item_refusal_line(item: OrderItem, refusal: str, eligibility: OrderEligibility, policy: MarketPolicy) -> Line:
    arguments = {
        "item": item.name,
        "days": policy.return_window_days,
        "basis": policy.return_basis,
        "delivered_on": eligibility.delivered_on.isoformat(),
        "window_ends": eligibility.window_ends.isoformat(),
    }
    return Line(f"utter_return_refused_{refusal}", arguments)


def return_created_lines(rma: ReturnRequest, policy: MarketPolicy) -> list[Line]:
    items = ", ".join(f"{line.quantity} × {line.name or line.sku}" for line in rma.lines)
    lines = [Line("utter_return_created", {"rma": rma.rma, "items": items})]
    if rma.label_url:
        lines.append(Line("utter_return_label", {"url": rma.label_url}))
    elif rma.return_address is not None:
        address = rma.return_address
        lines.append(
            Line(
                "utter_return_address",
                {"rma": rma.rma, "address": f"{address.name}, {address.line1}, {address.postal_code} {address.city}, {address.country}"},
            )
        )
    if rma.refund is not None:
        lines.append(
            Line(
                "utter_return_refund",
                {"amount": money(rma.refund.amount, rma.refund.currency), "method": rma.refund.method, "days": policy.refund_days},
            )
        )
    return lines


OVERDUE_REFUND = "utter_refund_overdue"


def refund_status_lines(order: Order, policy: MarketPolicy, *, now: Optional[datetime] = None) -> list[Line]:
    """Every refund of an order, newest first: from returns and from cancellations or claims.
    A refund past the date the policy promised is overdue: a person must look at it."""
    today = (now or datetime.now(timezone.utc)).date()
    refunds: list[tuple[Refund, Optional[ReturnRequest]]] = [(r, None) for r in order.refunds]
    refunds += [(ret.refund, ret) for ret in order.returns if ret.refund is not None]
    pending_returns = [ret for ret in order.returns if ret.refund is None and ret.status != "rejected"]
    if not refunds and not pending_returns:
        return [Line("utter_refund_none", {"order_number": order.number})]
    lines = []
    for ret in pending_returns:
        lines.append(Line("utter_refund_return_pending", {"rma": ret.rma, "return_state": ret.status}))
    for refund, ret in sorted(refunds, key=lambda pair: pair[0].created_at, reverse=True):
        arguments = {
            "amount": money(refund.amount, refund.currency),
            "method": refund.method,
            "reference": ret.rma if ret else refund.reference,
        }
        if refund.status == "issued" and refund.issued_at is not None:
            lines.append(Line("utter_refund_issued", {**arguments, "issued_at": refund.issued_at.date().isoformat()}))
        elif refund.status == "failed":
            lines.append(Line("utter_refund_failed", arguments))
        elif ret is not None and ret.status in ("requested", "in_transit"):
            # The clock starts when the parcel reaches the warehouse.
            lines.append(Line("utter_refund_waiting_for_parcel", {**arguments, "return_state": ret.status, "days": policy.refund_days}))
        else:
            expected = (refund.created_at + timedelta(days=policy.refund_days)).date()
            name = OVERDUE_REFUND if expected < today else "utter_refund_in_progress"
            lines.append(Line(name, {**arguments, "expected_by": expected.isoformat()}))
    return lines
