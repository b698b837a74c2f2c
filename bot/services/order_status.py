"""What to tell a verified shopper about an order: which lines, with which values.

The report is a list of response names with their arguments; the NLG endpoint renders
them in the shopper's language. Which lines an order state calls for is decided here.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Optional

from bot.policies import MarketPolicy
from integrations.errors import BackendError
from integrations.logistics.base import LogisticsBackend, Tracking
from integrations.orders.base import Order, OrderBackend

logger = logging.getLogger(__name__)

NOT_SHIPPED = {"pending_payment", "paid", "processing"}
CLOSED = {"cancelled", "returned", "refunded"}
CARRIER_NAMES = {
    "dhl": "DHL",
    "fedex": "FedEx",
    "ups": "UPS",
    "china_post": "China Post",
    "hongkong_post": "Hongkong Post",
    "cainiao": "Cainiao",
    "yunexpress": "YunExpress",
}


def money(amount, currency: str) -> dict:
    """An amount as the NLG endpoint's {x:money} format expects it (exact decimal text)."""
    return {"amount": str(amount), "currency": currency}


@dataclass(frozen=True)
class Line:
    response: str
    arguments: dict[str, Any] = field(default_factory=dict)


class OrderStatusService:
    def __init__(self, orders: OrderBackend, logistics: LogisticsBackend):
        self._orders = orders
        self._logistics = logistics

    async def find(self, number: str) -> Optional[Order]:
        """The order, or None. Raises BackendUnavailable/BackendError from the backend."""
        return await self._orders.get_order(number)

    async def report(self, order: Order, policy: MarketPolicy) -> list[Line]:
        lines = [
            Line(
                "utter_order_status",
                {
                    "order_number": order.number,
                    "placed_at": order.placed_at.date().isoformat(),
                    "total": money(order.total, order.currency),
                    "state": order.status,
                },
            )
        ]
        if order.status in NOT_SHIPPED:
            return lines + [Line("utter_order_not_shipped")]
        if order.status in CLOSED or not order.shipments:
            return lines

        shipment = order.shipments[0]
        lines.append(
            Line(
                "utter_order_tracking",
                {"carrier": CARRIER_NAMES.get(shipment.carrier, shipment.carrier), "tracking_number": shipment.tracking_number},
            )
        )
        tracking = await self._track(shipment.tracking_number, shipment.carrier)
        if tracking is None:
            lines.append(Line("utter_tracking_unavailable"))
        else:
            lines.extend(self._tracking_lines(tracking, policy))
        if order.status == "lost":
            lines.append(Line("utter_order_lost"))
        elif order.status == "delivery_failed":
            lines.append(Line("utter_order_delivery_failed"))
        return lines

    async def _track(self, tracking_number: str, carrier: str) -> Optional[Tracking]:
        # The order is known; a carrier that is down only costs the latest movements.
        try:
            return await self._logistics.track(tracking_number, carrier)
        except (BackendError, asyncio.TimeoutError):
            logger.warning("Tracking unavailable for a %s parcel", carrier)
            return None

    @staticmethod
    def _tracking_lines(tracking: Tracking, policy: MarketPolicy) -> list[Line]:
        lines = []
        last = tracking.last_event
        if last is not None:
            lines.append(
                Line(
                    "utter_order_last_event",
                    {"event": last.code, "location": last.location, "event_time": policy.local_time(last.time)},
                )
            )
        if tracking.status == "delivered":
            if last is not None:
                lines.append(Line("utter_order_delivered", {"delivered_at": last.time.date().isoformat()}))
            return lines
        if tracking.customs_status:
            lines.append(Line("utter_order_customs", {"customs": tracking.customs_status}))
        if tracking.estimated_delivery and tracking.status not in ("lost", "returned"):
            lines.append(Line("utter_order_eta", {"eta": tracking.estimated_delivery.isoformat()}))
        return lines
