"""The order-backend interface: what the assistant needs from a shop's order system.

The demo store implements it; real platforms (Shopify, WooCommerce, ...) are further adapters.
Money is kept as `Decimal` with its ISO 4217 currency; times are timezone-aware UTC.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Optional, Protocol, Sequence

# Order states, in the order an order normally lives through them (DOMAIN.md, Orders).
ORDER_STATES = (
    "pending_payment",
    "paid",
    "processing",
    "shipped",
    "in_transit",
    "customs_hold",
    "out_for_delivery",
    "delivered",
    "delivery_failed",
    "lost",
    "cancelled",
    "returned",
    "refunded",
)
PAYMENT_STATES = ("pending", "paid", "failed", "refunded", "partially_refunded")
# States in which the shop may still change or cancel an order (DOMAIN.md: only before it ships).
MODIFIABLE_STATES = ("pending_payment", "paid", "processing")

# Return (RMA) vocabulary, normalised so that replies can be localised.
RETURN_REASONS = (
    "changed_mind", "wrong_size", "damaged", "defective", "wrong_item", "not_as_described", "other",
)
ITEM_CONDITIONS = ("unopened", "unused", "used")
RETURN_STATES = ("requested", "in_transit", "received", "refunded", "rejected")
REFUND_STATES = ("pending", "processing", "issued", "failed")
REFUND_METHODS = ("original_payment", "store_credit")
# A delivery claim and what the shop does about it.
CLAIM_KINDS = ("lost", "damaged", "wrong_item", "missing_item")
CLAIM_RESOLUTIONS = ("reship", "replace", "refund")
PAYMENT_EVENT_KINDS = ("authorized", "captured", "failed", "refunded", "voided")


@dataclass(frozen=True)
class Customer:
    name: str
    email: str
    phone: str
    vip: bool = False


@dataclass(frozen=True)
class Address:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class OrderItem:
    sku: str
    name: str
    category: str
    quantity: int
    unit_price: Decimal
    variant: str = ""  # size / colour as the shop names it, e.g. "M / black"
    variants: tuple[str, ...] = ()  # other variants in stock, for a change before shipping


@dataclass(frozen=True)
class ShipmentRef:
    tracking_number: str
    carrier: str


@dataclass(frozen=True)
class ReturnLine:
    sku: str
    quantity: int
    name: str = ""


@dataclass(frozen=True)
class Refund:
    reference: str
    amount: Decimal
    currency: str
    method: str  # one of REFUND_METHODS
    status: str  # one of REFUND_STATES
    created_at: datetime
    issued_at: Optional[datetime] = None


@dataclass(frozen=True)
class ReturnRequest:
    rma: str
    order_number: str
    status: str  # one of RETURN_STATES
    reason: str  # one of RETURN_REASONS
    condition: str  # one of ITEM_CONDITIONS
    created_at: datetime
    lines: tuple[ReturnLine, ...]
    refund: Optional[Refund] = None
    label_url: Optional[str] = None  # a prepaid label, when the market's policy gives one
    return_address: Optional[Address] = None


@dataclass(frozen=True)
class Claim:
    reference: str
    order_number: str
    kind: str  # one of CLAIM_KINDS
    resolution: str  # one of CLAIM_RESOLUTIONS
    skus: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True)
class PaymentEvent:
    time: datetime
    kind: str  # one of PAYMENT_EVENT_KINDS
    amount: Decimal
    currency: str
    reference: str
    decline_code: str = ""  # the processor's reason for a failure, e.g. "insufficient_funds"


@dataclass(frozen=True)
class Order:
    number: str
    market: str  # ISO 3166-1 alpha-2 of the shopper's market
    status: str  # one of ORDER_STATES
    placed_at: datetime
    currency: str
    total: Decimal
    payment_status: str  # one of PAYMENT_STATES
    payment_method: str
    customer: Customer
    shipping_address: Address
    items: tuple[OrderItem, ...] = ()
    shipments: tuple[ShipmentRef, ...] = field(default_factory=tuple)
    shipped_at: Optional[datetime] = None
    delivered_at: Optional[datetime] = None
    returns: tuple[ReturnRequest, ...] = ()
    # Refunds not tied to a return (a cancelled order, a claim).
    refunds: tuple[Refund, ...] = ()
    payments: tuple[PaymentEvent, ...] = ()  # oldest first
    claims: tuple[Claim, ...] = ()
    invoice_number: Optional[str] = None  # set once the order is paid

    @property
    def is_modifiable(self) -> bool:
        return self.status in MODIFIABLE_STATES

    def returned_quantity(self, sku: str) -> int:
        """How many of this item are already in a return that was not rejected."""
        return sum(
            line.quantity
            for ret in self.returns
            if ret.status != "rejected"
            for line in ret.lines
            if line.sku == sku
        )


class OrderBackend(Protocol):
    """Every method raises BackendUnavailable when the backend cannot be reached in time and
    BackendError when it answers with something unusable. Changes raise OrderNotModifiable
    (integrations.errors) when the backend refuses them in the order's current state; the
    assistant checks the shop's policy first, the backend has the last word."""

    async def get_order(self, number: str) -> Optional[Order]:
        """The order with this number, or None when there is none."""
        ...

    async def list_orders(self, email: str, *, page: int = 1, per_page: int = 20) -> tuple[list[Order], int]:
        """One page of a customer's orders, newest first, and how many they have in all."""
        ...

    async def cancel_order(self, number: str, *, reason: str) -> Order:
        """Cancels an order that has not shipped; a paid order gets a refund in `refunds`."""
        ...

    async def change_item_quantity(self, number: str, sku: str, quantity: int) -> Order:
        """Sets an item's quantity before shipping (0 removes it; the last item cannot go)."""
        ...

    async def change_item_variant(self, number: str, sku: str, variant: str) -> Order:
        """Swaps an item for another of its variants in stock (one of `OrderItem.variants`)."""
        ...

    async def change_shipping_address(self, number: str, address: Address) -> Order:
        """Replaces the delivery address before shipping."""
        ...

    async def create_return(
        self,
        number: str,
        lines: Sequence[ReturnLine],
        *,
        reason: str,
        condition: str,
        refund_method: str,
        prepaid_label: bool,
    ) -> ReturnRequest:
        """Opens a return (RMA) with its refund pending; a label when `prepaid_label`."""
        ...

    async def open_claim(self, number: str, *, kind: str, skus: Sequence[str], resolution: str) -> Claim:
        """Records a delivery claim; a refund resolution adds a refund to the order."""
        ...

    async def invoice_url(self, number: str) -> Optional[str]:
        """A link to the order's invoice, signed so that only its holder can open it;
        None while the order has no invoice (not paid)."""
        ...

    async def close(self) -> None:
        ...
