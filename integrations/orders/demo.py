"""OrderBackend over the demo store's HTTP API."""
from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime
from decimal import InvalidOperation
from typing import Any, Optional, Sequence
from urllib.parse import quote

from bot.settings import Settings
from integrations.demo_store.wire import DEMO_ORDER_NUMBER_PATTERN, parse_datetime, parse_decimal
from integrations.errors import BackendError, OrderNotModifiable
from integrations.demo_store.client import demo_store_client
from integrations.http import JsonAnswer
from integrations.orders.base import (
    Address,
    Claim,
    Customer,
    Order,
    OrderItem,
    PaymentEvent,
    Refund,
    ReturnLine,
    ReturnRequest,
    ShipmentRef,
)

logger = logging.getLogger(__name__)


def normalise_order_number(number: str) -> Optional[str]:
    """The demo store's six-digit number from what a shopper typed ("#100234 "), else None."""
    candidate = number.strip().lstrip("#").strip() if isinstance(number, str) else ""
    return candidate if DEMO_ORDER_NUMBER_PATTERN.fullmatch(candidate) else None


class DemoStoreOrderBackend:
    """Reads and changes orders in the demo store. A malformed number is "no such order" when
    reading; changes are only asked for orders the assistant has found, so there it is an error."""

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

    async def cancel_order(self, number: str, *, reason: str) -> Order:
        answer = await self._send("POST", number, "/cancel", {"reason": reason})
        return parse_order(answer.body)

    async def change_item_quantity(self, number: str, sku: str, quantity: int) -> Order:
        answer = await self._send("POST", number, f"/items/{quote(sku, safe='')}", {"quantity": quantity})
        return parse_order(answer.body)

    async def change_item_variant(self, number: str, sku: str, variant: str) -> Order:
        answer = await self._send("POST", number, f"/items/{quote(sku, safe='')}", {"variant": variant})
        return parse_order(answer.body)

    async def change_shipping_address(self, number: str, address: Address) -> Order:
        answer = await self._send("PUT", number, "/shipping-address", asdict(address))
        return parse_order(answer.body)

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
        payload = {
            "lines": [{"sku": line.sku, "quantity": line.quantity} for line in lines],
            "reason": reason,
            "condition": condition,
            "refund_method": refund_method,
            "prepaid_label": prepaid_label,
        }
        answer = await self._send("POST", number, "/returns", payload)
        return parse_return(answer.body)

    async def open_claim(self, number: str, *, kind: str, skus: Sequence[str], resolution: str) -> Claim:
        payload = {"kind": kind, "skus": list(skus), "resolution": resolution}
        answer = await self._send("POST", number, "/claims", payload)
        return parse_claim(answer.body)

    async def invoice_url(self, number: str) -> Optional[str]:
        normalised = normalise_order_number(number)
        if normalised is None:
            return None
        # 404 is either no such order or no invoice yet: there is nothing to link to in both cases.
        payload = await self._http.get_json(f"/api/orders/{normalised}/invoice")
        if payload is None:
            return None
        url = payload.get("url") if isinstance(payload, dict) else None
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise BackendError("demo store sent an unexpected invoice link")
        return url

    async def close(self) -> None:
        await self._http.close()

    async def _send(self, method: str, number: str, suffix: str, payload: dict[str, Any]) -> JsonAnswer:
        """Sends a change; a 409 becomes OrderNotModifiable, a 404 a BackendError."""
        normalised = normalise_order_number(number)
        if normalised is None:
            raise BackendError(f"not a demo store order number: {number!r}")
        path = f"/api/orders/{normalised}{suffix}"
        answer = await self._http.send_json(method, path, payload)
        body = answer.body if isinstance(answer.body, dict) else {}
        if answer.status == 409:
            raise OrderNotModifiable(normalised, str(body.get("status", "")), detail=str(body.get("error", "")))
        if answer.status == 404:
            raise BackendError(f"demo store: {body.get('error', 'not_found')} for {method} {path}")
        return answer


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
            shipping_address=_address(address),
            items=tuple(
                OrderItem(
                    sku=item["sku"],
                    name=item["name"],
                    category=item["category"],
                    quantity=int(item["quantity"]),
                    unit_price=parse_decimal(item["unit_price"]),
                    variant=item.get("variant") or "",
                    variants=tuple(_strings(item.get("variants") or ())),
                )
                for item in payload.get("items", ())
            ),
            shipments=tuple(
                ShipmentRef(tracking_number=s["tracking_number"], carrier=s["carrier"])
                for s in payload.get("shipments", ())
            ),
            shipped_at=_optional_datetime(payload.get("shipped_at")),
            delivered_at=_optional_datetime(payload.get("delivered_at")),
            returns=tuple(_return(r) for r in payload.get("returns") or ()),
            refunds=tuple(_refund(r) for r in payload.get("refunds") or ()),
            payments=tuple(
                sorted((_payment(p) for p in payload.get("payments") or ()), key=lambda event: event.time)
            ),
            claims=tuple(_claim(c) for c in payload.get("claims") or ()),
            invoice_number=payload.get("invoice_number"),
        )
    except (KeyError, TypeError, ValueError, AttributeError, InvalidOperation) as exc:
        number = payload.get("number") if isinstance(payload, dict) else None
        logger.error("demo store sent an unreadable order %s", number)
        raise BackendError("demo store sent an unexpected order payload") from exc


def parse_return(payload: Any) -> ReturnRequest:
    """A ReturnRequest from the demo store's JSON (the answer to opening a return)."""
    try:
        return _return(payload)
    except (KeyError, TypeError, ValueError, AttributeError, InvalidOperation) as exc:
        raise BackendError("demo store sent an unexpected return payload") from exc


def parse_claim(payload: Any) -> Claim:
    try:
        return _claim(payload)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BackendError("demo store sent an unexpected claim payload") from exc


def _strings(values: Any) -> list[str]:
    if not isinstance(values, (list, tuple)) or not all(isinstance(value, str) for value in values):
        raise ValueError("expected a list of strings")
    return list(values)


def _optional_datetime(value: Any) -> Optional[datetime]:
    return None if value is None else parse_datetime(value)


def _address(payload: dict) -> Address:
    return Address(
        name=payload["name"],
        line1=payload["line1"],
        city=payload["city"],
        postal_code=payload["postal_code"],
        country=payload["country"],
    )


def _refund(payload: dict) -> Refund:
    return Refund(
        reference=payload["reference"],
        amount=parse_decimal(payload["amount"]),
        currency=payload["currency"],
        method=payload["method"],
        status=payload["status"],
        created_at=parse_datetime(payload["created_at"]),
        issued_at=_optional_datetime(payload.get("issued_at")),
    )


def _return(payload: dict) -> ReturnRequest:
    refund = payload.get("refund")
    address = payload.get("return_address")
    return ReturnRequest(
        rma=payload["rma"],
        order_number=str(payload["order_number"]),
        status=payload["status"],
        reason=payload["reason"],
        condition=payload["condition"],
        created_at=parse_datetime(payload["created_at"]),
        lines=tuple(
            ReturnLine(sku=line["sku"], quantity=int(line["quantity"]), name=line.get("name") or "")
            for line in payload["lines"]
        ),
        refund=None if refund is None else _refund(refund),
        label_url=payload.get("label_url"),
        return_address=None if address is None else _address(address),
    )


def _payment(payload: dict) -> PaymentEvent:
    return PaymentEvent(
        time=parse_datetime(payload["time"]),
        kind=payload["kind"],
        amount=parse_decimal(payload["amount"]),
        currency=payload["currency"],
        reference=payload["reference"],
        decline_code=payload.get("decline_code") or "",
    )


def _claim(payload: dict) -> Claim:
    return Claim(
        reference=payload["reference"],
        order_number=str(payload["order_number"]),
        kind=payload["kind"],
        resolution=payload["resolution"],
        skus=tuple(_strings(payload.get("skus") or [])),
        created_at=parse_datetime(payload["created_at"]),
    )
