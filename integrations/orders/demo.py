"""OrderBackend over the demo store's HTTP API."""
from __future__ import annotations

import logging
from decimal import InvalidOperation
from typing import Any, Optional

from bot.settings import Settings
from integrations.demo_store.wire import DEMO_ORDER_NUMBER_PATTERN, parse_datetime, parse_decimal
from integrations.errors import BackendError
from integrations.demo_store.client import demo_store_client
from integrations.orders.base import Address, Customer, Order, OrderItem, ShipmentRef

logger = logging.getLogger(__name__)


def normalise_order_number(number: str) -> Optional[str]:
    """The demo store's six-digit number from what a shopper typed ("#100234 "), else None."""
    candidate = number.strip().lstrip("#").strip() if isinstance(number, str) else ""
    return candidate if DEMO_ORDER_NUMBER_PATTERN.fullmatch(candidate) else None


class DemoStoreOrderBackend:
    """Reads orders from the demo store; a malformed number is simply "no such order"."""

    def __init__(self, settings: Settings) -> None:
        self._http = demo_store_client(settings, "demo store (orders)")

    async def get_order(self, number: str) -> Optional[Order]:
        normalised = normalise_order_number(number)
        if normalised is None:
            # Shoppers mistype numbers; that is an unknown order, not an error.
            return None
        payload = await self._http.get_json(f"/api/orders/{normalised}")
        if payload is None:
            return None
        return parse_order(payload)

    async def list_orders(self, email: str, *, page: int = 1, per_page: int = 20) -> tuple[list[Order], int]:
        """One page of a customer's orders, newest first, and how many they have in all."""
        payload = await self._http.get_json(
            "/api/orders", params={"email": email, "page": str(page), "per_page": str(per_page)}
        )
        if payload is None:
            return [], 0
        try:
            return [parse_order(item) for item in payload["items"]], int(payload["total"])
        except (KeyError, TypeError, ValueError) as exc:
            raise BackendError("demo store sent an unexpected order list") from exc

    async def close(self) -> None:
        await self._http.close()


def parse_order(payload: Any) -> Order:
    """An Order from the demo store's JSON; BackendError when fields are missing or malformed."""
    try:
        customer = payload["customer"]
        address = payload["shipping_address"]
        return Order(
            number=str(payload["number"]),
            market=payload["market"],
            status=payload["status"],
            placed_at=parse_datetime(payload["placed_at"]),
            currency=payload["currency"],
            total=parse_decimal(payload["total"]),
            payment_status=payload["payment_status"],
            payment_method=payload["payment_method"],
            customer=Customer(
                name=customer["name"],
                email=customer["email"],
                phone=customer["phone"],
                vip=bool(customer.get("vip", False)),
            ),
            shipping_address=Address(
                name=address["name"],
                line1=address["line1"],
                city=address["city"],
                postal_code=address["postal_code"],
                country=address["country"],
            ),
            items=tuple(
                OrderItem(
                    sku=item["sku"],
                    name=item["name"],
                    category=item["category"],
                    quantity=int(item["quantity"]),
                    unit_price=parse_decimal(item["unit_price"]),
                )
                for item in payload.get("items", ())
            ),
            shipments=tuple(
                ShipmentRef(tracking_number=s["tracking_number"], carrier=s["carrier"])
                for s in payload.get("shipments", ())
            ),
        )
    except (KeyError, TypeError, ValueError, AttributeError, InvalidOperation) as exc:
        number = payload.get("number") if isinstance(payload, dict) else None
        logger.error("demo store sent an unreadable order %s", number)
        raise BackendError("demo store sent an unexpected order payload") from exc
