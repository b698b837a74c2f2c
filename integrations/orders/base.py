"""The order-backend interface: what the assistant needs from a shop's order system.

The demo store implements it; real platforms (Shopify, WooCommerce, ...) are further adapters.
Money is kept as `Decimal` with its ISO 4217 currency; times are timezone-aware UTC.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Optional, Protocol

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


@dataclass(frozen=True)
class ShipmentRef:
    tracking_number: str
    carrier: str


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


class OrderBackend(Protocol):
    async def get_order(self, number: str) -> Optional[Order]:
        """The order with this number, or None when there is none.

        Raises BackendUnavailable when the backend cannot be reached in time, and
        BackendError when it answers with something unusable.
        """
        ...

    async def close(self) -> None:
        ...
