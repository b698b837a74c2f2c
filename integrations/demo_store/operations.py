"""What the demo store does when asked to change an order: the state rules and the money.

Each operation works on an order loaded in an open session and raises `ApiError` when the
store refuses; the caller commits. The shop's policies (return windows, non-returnable
categories) are the assistant's business: the store only refuses what its records forbid.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from integrations.demo_store import models
from integrations.orders.base import MODIFIABLE_STATES

PAID_STATUSES = frozenset({"paid", "partially_refunded"})


class ApiError(Exception):
    """A refusal the API answers with `http_status` and the JSON `{"error": code, **extra}`."""

    def __init__(self, http_status: int, code: str, **extra: Any) -> None:
        super().__init__(code)
        self.http_status = http_status
        self.code = code
        self.extra = extra


# -- reading ----------------------------------------------------------------------------------------


def order_query():
    return select(models.Order).options(
        selectinload(models.Order.customer),
        selectinload(models.Order.items),
        selectinload(models.Order.shipments).selectinload(models.Shipment.events),
        selectinload(models.Order.payments),
        selectinload(models.Order.refunds).selectinload(models.Refund.return_request),
        selectinload(models.Order.returns).selectinload(models.ReturnRequest.lines),
        selectinload(models.Order.returns).selectinload(models.ReturnRequest.refund),
        selectinload(models.Order.claims),
    )


def find_order(session: Session, number: str) -> Optional[models.Order]:
    return session.execute(order_query().where(models.Order.number == number)).scalar_one_or_none()


def find_return(session: Session, rma: str) -> Optional[models.ReturnRequest]:
    query = (
        select(models.ReturnRequest)
        .options(selectinload(models.ReturnRequest.order).selectinload(models.Order.customer))
        .where(models.ReturnRequest.rma == rma)
    )
    return session.execute(query).scalar_one_or_none()


def shipped_at(order: models.Order) -> Optional[datetime]:
    """When the first parcel's label was made: from then on the order can no longer change."""
    times = [shipment.events[0].time for shipment in order.shipments if shipment.events]
    return min(times) if times else None


def delivered_at(order: models.Order) -> Optional[datetime]:
    """When the last parcel was delivered, or None while any parcel has not been."""
    times = []
    for shipment in order.shipments:
        delivered = [event.time for event in shipment.events if event.code == "delivered"]
        if not delivered:
            return None
        times.append(delivered[-1])
    return max(times) if times else None


def order_refunds(order: models.Order) -> list[models.Refund]:
    """Refunds not tied to a return: a cancellation, a claim, a change before shipping."""
    return [refund for refund in order.refunds if refund.return_request is None]


def net_paid(order: models.Order) -> Decimal:
    """What the shopper has paid and is not already getting back."""
    captured = sum((e.amount for e in order.payments if e.kind == "captured"), Decimal(0))
    refunded = sum((r.amount for r in order.refunds if r.status != "failed"), Decimal(0))
    return captured - refunded


def returned_quantity(order: models.Order, sku: str) -> int:
    return sum(
        line.quantity
        for request in order.returns
        if request.status != "rejected"
        for line in request.lines
        if line.sku == sku
    )


# -- changes before shipping ----------------------------------------------------------------------


def _require_modifiable(order: models.Order) -> None:
    if order.status not in MODIFIABLE_STATES:
        raise ApiError(409, "not_modifiable", status=order.status)


def _item(order: models.Order, sku: str) -> models.OrderItem:
    for item in order.items:
        if item.sku == sku:
            return item
    raise ApiError(404, "unknown_sku", sku=sku)


def _recompute_total(order: models.Order) -> None:
    order.total = sum((item.unit_price * item.quantity for item in order.items), Decimal(0))


def cancel(order: models.Order, *, reason: str, now: datetime) -> None:
    _require_modifiable(order)
    amount = net_paid(order) if order.payment_status in PAID_STATUSES else Decimal(0)
    order.status = "cancelled"
    order.cancelled_at = now
    order.cancel_reason = reason
    if amount > 0:
        # Everything taken goes back: for a double charge, both captures.
        _add_refund(order, amount, "original_payment", now)


def change_quantity(order: models.Order, sku: str, quantity: int, *, now: datetime) -> None:
    _require_modifiable(order)
    item = _item(order, sku)
    if quantity == 0 and len(order.items) == 1:
        raise ApiError(409, "last_item", status=order.status)
    difference = item.unit_price * (quantity - item.quantity)
    if quantity == 0:
        order.items.remove(item)
    else:
        item.quantity = quantity
    _recompute_total(order)
    if order.payment_status in PAID_STATUSES and difference:
        _settle_difference(order, difference, now)


def change_variant(order: models.Order, sku: str, variant: str) -> None:
    _require_modifiable(order)
    item = _item(order, sku)
    if variant == item.variant:
        return
    in_stock = list(item.variants or [])
    if variant not in in_stock:
        raise ApiError(409, "variant_unavailable", status=order.status, variants=in_stock)
    # The reserved unit goes back on the shelf; the new one is taken from it.
    in_stock.remove(variant)
    if item.variant:
        in_stock.append(item.variant)
    item.variant = variant
    item.variants = in_stock  # a new list, so SQLAlchemy sees the JSON change
    _recompute_total(order)


def change_address(order: models.Order, address: dict[str, str]) -> None:
    _require_modifiable(order)
    # Another country means other duties, carriers and prices: a new order, not an edit.
    if address["country"] != order.ship_country:
        raise ApiError(400, "country_change_not_allowed", country=order.ship_country)
    order.ship_name = address["name"]
    order.ship_line1 = address["line1"]
    order.ship_city = address["city"]
    order.ship_postal_code = address["postal_code"]


def _settle_difference(order: models.Order, difference: Decimal, now: datetime) -> None:
    """A paid order that got cheaper is refunded the difference; one that got dearer is charged
    it on the same payment method (the assistant confirms the new total with the shopper first)."""
    if difference < 0:
        _add_refund(order, -difference, "original_payment", now)
    else:
        _add_payment(order, "captured", difference, now)


# -- after delivery ---------------------------------------------------------------------------------


def create_return(
    order: models.Order,
    lines: Sequence[tuple[str, int]],
    *,
    reason: str,
    condition: str,
    refund_method: str,
    prepaid_label: bool,
    now: datetime,
) -> models.ReturnRequest:
    items = {sku: _item(order, sku) for sku, _ in lines}  # unknown SKUs are a 404 before anything else
    if delivered_at(order) is None:
        raise ApiError(409, "not_delivered", status=order.status)
    for sku, quantity in lines:
        returnable = items[sku].quantity - returned_quantity(order, sku)
        if quantity > returnable:
            raise ApiError(409, "already_returned", status=order.status, sku=sku, returnable=max(returnable, 0))
    request = models.ReturnRequest(
        rma=f"RMA-{order.number}-{len(order.returns) + 1}",
        status="requested",
        reason=reason,
        condition=condition,
        prepaid_label=prepaid_label,
        created_at=now,
        lines=[
            models.ReturnLine(sku=sku, name=items[sku].name, quantity=quantity, unit_price=items[sku].unit_price)
            for sku, quantity in lines
        ],
    )
    order.returns.append(request)
    amount = sum((items[sku].unit_price * quantity for sku, quantity in lines), Decimal(0))
    request.refund = _add_refund(order, amount, refund_method, now)
    return request


def open_claim(
    order: models.Order, *, kind: str, skus: Sequence[str], resolution: str, now: datetime
) -> models.Claim:
    items = [_item(order, sku) for sku in skus]
    if not order.shipments:
        raise ApiError(409, "not_shipped", status=order.status)
    claim = models.Claim(
        reference=f"CLM-{order.number}-{len(order.claims) + 1}",
        kind=kind,
        resolution=resolution,
        skus=list(skus),
        created_at=now,
    )
    if resolution == "refund":
        # The claimed items, or the whole parcel when none are named; never more than was paid.
        value = sum((item.unit_price * item.quantity for item in items), Decimal(0)) if items else order.total
        amount = min(value, net_paid(order))
        if amount <= 0:
            raise ApiError(409, "nothing_to_refund", status=order.status)
        _add_refund(order, amount, "original_payment", now)
    order.claims.append(claim)
    return claim


# -- money ------------------------------------------------------------------------------------------


def _add_refund(order: models.Order, amount: Decimal, method: str, now: datetime) -> models.Refund:
    refund = models.Refund(
        reference=f"RF-{order.number}-{len(order.refunds) + 1}",
        amount=amount,
        currency=order.currency,
        method=method,
        status="pending",
        created_at=now,
    )
    order.refunds.append(refund)
    return refund


def _add_payment(order: models.Order, kind: str, amount: Decimal, now: datetime) -> None:
    order.payments.append(models.PaymentEvent(
        time=now, kind=kind, amount=amount, currency=order.currency,
        reference=f"PAY-{order.number}-{len(order.payments) + 1}",
    ))
