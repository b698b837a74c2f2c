"""Cancelling and changing an order: allowed only before it ships (DOMAIN.md), done through the
order backend; after shipment, what is still possible instead."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from bot.policies import MarketPolicy
from bot.services.order_status import CARRIER_NAMES, Line, money
from integrations.errors import OrderNotModifiable
from integrations.orders.base import Address, Order, OrderBackend, OrderItem

SHIPPED_STATES = frozenset({"shipped", "in_transit", "customs_hold", "out_for_delivery", "delivery_failed"})
# A change the shopper asks for, as the form collects it: "variant:<name>", "quantity:<n>",
# "remove", or "other" (something the assistant cannot do, which goes to a person).
CHANGE_PATTERN = re.compile(r"(variant):(.+)|(quantity):(\d{1,3})|(remove)|(other)")
MAX_QUANTITY = 20


def not_modifiable_lines(order: Order, policy: MarketPolicy, *, what: str) -> list[Line]:
    """Why the order can no longer be changed, and what the shopper can do instead."""
    arguments = {"order_number": order.number, "state": order.status}
    if order.status == "cancelled":
        return [Line("utter_change_already_cancelled", arguments)]
    if order.status in SHIPPED_STATES:
        lines = [Line(f"utter_{what}_too_late_shipped", arguments)]
        if what == "address" and order.shipments:
            shipment = order.shipments[0]
            lines.append(
                Line(
                    "utter_address_carrier_redirect",
                    {"carrier": CARRIER_NAMES.get(shipment.carrier, shipment.carrier), "tracking_number": shipment.tracking_number},
                )
            )
        else:
            lines.append(Line("utter_change_return_instead", {"days": policy.return_window_days}))
        return lines
    return [Line(f"utter_{what}_too_late_closed", arguments)]


@dataclass(frozen=True)
class AddressParse:
    address: Optional[Address]
    problem: Optional[str] = None  # no_postal_code, too_short


# Words shoppers put before a postal code; they belong to neither the street nor the city.
POSTAL_LABELS = re.compile(r"(〒|邮编|郵便番号|CEP|PLZ|CP|C\.P\.|zip( code)?|postal code|postcode|индекс)\s*:?\s*$", re.IGNORECASE)
SEPARATORS = " ,;，、،"
# Where the city ends in an address written largest-first (Japanese, Chinese), e.g. 千代田区.
CJK_AREA = re.compile(r"^(.+?[都道府県省市区])")


def parse_address(text: str, order: Order, policy: MarketPolicy) -> AddressParse:
    """A new address in the order's country from one line: "Calle Mayor 5, 28013 Madrid",
    "221B Baker Street, London NW1 6XE" or "〒100-0005 東京都千代田区丸の内1-9-1".

    The postal code, found with the market's pattern, splits street from city. The country
    stays: a new country means a new customs declaration and duties, which a person handles.
    """
    cleaned = " ".join(str(text or "").split())
    if len(cleaned) < 8:
        return AddressParse(None, "too_short")
    code = rf"(?<![0-9A-Za-z-])({policy.postal_code_pattern.pattern})(?![0-9A-Za-z-])"
    matches = list(re.finditer(code, cleaned))
    if not matches:
        return AddressParse(None, "no_postal_code")
    match = matches[-1]
    before = POSTAL_LABELS.sub("", cleaned[: match.start()]).strip(SEPARATORS)
    after = cleaned[match.end():].strip(SEPARATORS)
    if not before:
        # Code first, then the address from the largest area down (Japan, China).
        street, city = after, _leading_area(after)
    elif not after:
        # Street, city, code: "Calle Mayor 5, Madrid 28013" or "London NW1 6XE".
        street, city = _split_last(before)
    else:
        street, city = before, after
    if len(street) < 3 or not city:
        return AddressParse(None, "too_short")
    return AddressParse(
        Address(
            name=order.shipping_address.name,
            line1=street,
            city=city,
            postal_code=match.group(1).upper(),
            country=order.shipping_address.country,
        )
    )


def _split_last(text: str) -> tuple[str, str]:
    for separator in ",，、،":
        if separator in text:
            street, city = text.rsplit(separator, 1)
            return street.strip(SEPARATORS), city.strip(SEPARATORS)
    area = _leading_area(text)
    return text, area


def _leading_area(text: str) -> str:
    match = CJK_AREA.match(text)
    return match.group(1) if match else ""


def format_address(address: Address) -> str:
    return f"{address.line1}, {address.postal_code} {address.city}, {address.country}"


def change_choices(item: OrderItem) -> list[str]:
    """What the shopper can pick for an item: each variant in stock, other quantities, removal."""
    choices = [f"variant:{variant}" for variant in item.variants]
    choices += [f"quantity:{n}" for n in range(1, 4) if n != item.quantity]
    return choices + ["remove", "other"]


def parse_change(value: str) -> Optional[tuple[str, str]]:
    match = CHANGE_PATTERN.fullmatch(str(value or "").strip())
    if not match:
        return None
    if match.group(1):
        return "variant", match.group(2)
    if match.group(3):
        quantity = int(match.group(4))
        return ("quantity", str(quantity)) if 0 < quantity <= MAX_QUANTITY else None
    return (match.group(5) or match.group(6)), ""


class OrderChangeService:
    def __init__(self, orders: OrderBackend):
        self._orders = orders

    async def cancel(self, order: Order, policy: MarketPolicy) -> list[Line]:
        if not order.is_modifiable:
            return not_modifiable_lines(order, policy, what="cancel")
        try:
            cancelled = await self._orders.cancel_order(order.number, reason="customer_request")
        except OrderNotModifiable as refusal:
            return not_modifiable_lines(_with_status(order, refusal.status), policy, what="cancel")
        lines = [Line("utter_cancel_done", {"order_number": order.number})]
        refund = next((r for r in cancelled.refunds), None)
        if refund is not None:
            lines.append(
                Line("utter_cancel_refund", {"amount": money(refund.amount, refund.currency), "method": refund.method, "days": policy.refund_days})
            )
        return lines

    async def change_address(self, order: Order, policy: MarketPolicy, address: Address) -> list[Line]:
        if not order.is_modifiable:
            return not_modifiable_lines(order, policy, what="address")
        try:
            changed = await self._orders.change_shipping_address(order.number, address)
        except OrderNotModifiable as refusal:
            return not_modifiable_lines(_with_status(order, refusal.status), policy, what="address")
        return [Line("utter_address_changed", {"order_number": order.number, "address": format_address(changed.shipping_address)})]

    async def change_item(self, order: Order, policy: MarketPolicy, sku: str, change: str) -> tuple[bool, list[Line]]:
        """Applies the change; False when a person has to handle it instead."""
        if not order.is_modifiable:
            return True, not_modifiable_lines(order, policy, what="change")
        item = next((i for i in order.items if i.sku == sku), None)
        parsed = parse_change(change)
        if item is None or parsed is None or parsed[0] == "other":
            return False, [Line("utter_change_needs_person", {"order_number": order.number})]
        kind, value = parsed
        try:
            if kind == "variant":
                if value not in item.variants:
                    return False, [Line("utter_change_variant_unavailable", {"item": item.name, "variant": value})]
                changed = await self._orders.change_item_variant(order.number, sku, value)
            elif kind == "quantity":
                changed = await self._orders.change_item_quantity(order.number, sku, int(value))
            else:
                if len(order.items) == 1:
                    return True, [Line("utter_change_last_item", {"order_number": order.number, "item": item.name})]
                changed = await self._orders.change_item_quantity(order.number, sku, 0)
        except OrderNotModifiable as refusal:
            if refusal.detail == "last_item":
                return True, [Line("utter_change_last_item", {"order_number": order.number, "item": item.name})]
            if refusal.detail == "variant_unavailable":
                # Sold out since the options were shown: a person can offer an alternative.
                return False, [Line("utter_change_variant_unavailable", {"item": item.name, "variant": value})]
            return True, not_modifiable_lines(_with_status(order, refusal.status), policy, what="change")
        arguments = {"order_number": order.number, "item": item.name, "total": money(changed.total, changed.currency)}
        if kind == "variant":
            return True, [Line("utter_change_variant_done", {**arguments, "variant": value})]
        if kind == "quantity":
            return True, [Line("utter_change_quantity_done", {**arguments, "quantity": int(value)})]
        return True, [Line("utter_change_item_removed", arguments)]


def _with_status(order: Order, status: str) -> Order:
    from dataclasses import replace

    return replace(order, status=status)
