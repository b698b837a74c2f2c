"""Delivery problems: late, lost, damaged, wrong or missing items, customs holds.

Each problem ends in something done: a claim opened through the order backend, a dated
explanation of when a claim becomes possible, or a hand-off to a person.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Optional

from bot.policies import MarketPolicy
from bot.services.order_status import CARRIER_NAMES, Line
from integrations.errors import BackendError
from integrations.logistics.base import LogisticsBackend, Tracking
from integrations.orders.base import MODIFIABLE_STATES, Order, OrderBackend

logger = logging.getLogger(__name__)

PROBLEMS = ("late", "lost", "damaged", "wrong_item", "missing_item", "customs")
ITEM_PROBLEMS = frozenset({"damaged", "wrong_item", "missing_item"})
# The service class decides how long a parcel may go without a scan before it counts as lost.
CARRIER_SERVICE = {
    "dhl": "express",
    "fedex": "express",
    "ups": "express",
    "yunexpress": "dedicated_line",
    "cainiao": "dedicated_line",
    "china_post": "postal",
    "hongkong_post": "postal",
}


@dataclass(frozen=True)
class ShipmentView:
    """What the carrier says, reduced to what the problem rules need."""

    tracking: Optional[Tracking]
    carrier: str = ""
    lost_after_days: int = 0
    days_without_scan: Optional[int] = None

    @property
    def claimable_as_lost(self) -> bool:
        if self.tracking is not None and self.tracking.status == "lost":
            return True
        return self.days_without_scan is not None and self.days_without_scan >= self.lost_after_days

    def claim_from(self) -> Optional[date]:
        if self.tracking is None or self.tracking.last_event is None:
            return None
        return self.tracking.last_event.time.date() + timedelta(days=self.lost_after_days)


@dataclass(frozen=True)
class ProblemOutcome:
    lines: list[Line]
    handoff_reason: Optional[str] = None  # set when a person must take over


def inferred_problem(order: Order) -> Optional[str]:
    """The problem the order's state already tells, so the shopper is not asked."""
    return {"customs_hold": "customs", "lost": "lost"}.get(order.status)


def needs_item(problem: Optional[str]) -> bool:
    return problem in ITEM_PROBLEMS


def needs_resolution(problem: Optional[str], view: ShipmentView, order: Order) -> bool:
    """A claim is about to be opened, so the shopper chooses what they want from it."""
    if problem in ITEM_PROBLEMS:
        return order.delivered_at is not None
    if problem in ("lost", "late"):
        return order.delivered_at is None and view.claimable_as_lost
    return False


class DeliveryProblemService:
    def __init__(self, orders: OrderBackend, logistics: LogisticsBackend):
        self._orders = orders
        self._logistics = logistics

    async def shipment_view(self, order: Order, policy: MarketPolicy, *, now: Optional[datetime] = None) -> ShipmentView:
        if not order.shipments:
            return ShipmentView(None)
        shipment = order.shipments[0]
        service = CARRIER_SERVICE.get(shipment.carrier, "postal")
        lost_after = policy.lost_after_days_without_scan[service]
        try:
            tracking = await self._logistics.track(shipment.tracking_number, shipment.carrier)
        except BackendError:
            logger.warning("Tracking unavailable for order %s", order.number)
            tracking = None
        days = None
        if tracking is not None and tracking.last_event is not None:
            days = ((now or datetime.now(timezone.utc)) - tracking.last_event.time).days
        return ShipmentView(tracking, CARRIER_NAMES.get(shipment.carrier, shipment.carrier), lost_after, days)

    async def resolve(
        self,
        order: Order,
        policy: MarketPolicy,
        problem: str,
        *,
        view: ShipmentView,
        sku: Optional[str] = None,
        resolution: Optional[str] = None,
    ) -> ProblemOutcome:
        number = order.number
        if order.status in MODIFIABLE_STATES:
            return ProblemOutcome([Line("utter_problem_not_shipped", {"order_number": number, "state": order.status})])
        if problem == "customs":
            return self._customs(order, view)
        if problem in ITEM_PROBLEMS:
            if order.delivered_at is None:
                return ProblemOutcome([Line("utter_problem_not_delivered_yet", {"order_number": number, "state": order.status})])
            item = next((i for i in order.items if i.sku == sku), None)
            if item is None:
                return ProblemOutcome([Line("utter_change_needs_person", {"order_number": number})], "delivery_claim")
            return await self._claim(order, problem, [item.sku], resolution or "replace", item=item.name)
        if order.delivered_at is not None:
            # Late or lost, but the carrier delivered it: a person checks with the carrier.
            return ProblemOutcome(
                [Line("utter_problem_marked_delivered", {"order_number": number, "delivered_at": order.delivered_at.date().isoformat()})],
                "delivery_dispute",
            )
        if view.claimable_as_lost:
            return await self._claim(order, "lost", [i.sku for i in order.items], resolution or "reship")
        return ProblemOutcome(self._not_lost_yet(view, policy))

    def _customs(self, order: Order, view: ShipmentView) -> ProblemOutcome:
        lines = []
        held = next((e for e in reversed(view.tracking.events) if e.code == "customs_held"), None) if view.tracking else None
        if held is not None:
            lines.append(Line("utter_problem_customs_held", {"order_number": order.number, "carrier_note": held.description, "since": held.time.date().isoformat()}))
        else:
            lines.append(Line("utter_problem_customs_general", {"order_number": order.number}))
        # What duties and taxes the destination charges: the market's answer from the knowledge base.
        lines.append(Line("utter_faq/customs_duties"))
        lines.append(Line("utter_problem_customs_next"))
        return ProblemOutcome(lines, "customs_hold")

    def _not_lost_yet(self, view: ShipmentView, policy: MarketPolicy) -> list[Line]:
        if view.tracking is None or view.tracking.last_event is None:
            return [Line("utter_tracking_unavailable")]
        last = view.tracking.last_event
        lines = [
            Line(
                "utter_problem_last_scan",
                {"event": last.code, "location": last.location, "event_time": policy.local_time(last.time), "days": view.days_without_scan},
            )
        ]
        eta = view.tracking.estimated_delivery
        if eta is not None and eta >= datetime.now(timezone.utc).date():
            lines.append(Line("utter_order_eta", {"eta": eta.isoformat()}))
        else:
            lines.append(Line("utter_problem_eta_passed"))
        lines.append(Line("utter_problem_claim_from", {"claim_from": view.claim_from().isoformat(), "carrier": view.carrier}))
        return lines

    async def _claim(self, order: Order, kind: str, skus: list[str], resolution: str, item: str = "") -> ProblemOutcome:
        claim = await self._orders.open_claim(order.number, kind=kind, skus=skus, resolution=resolution)
        lines = [Line("utter_claim_opened", {"reference": claim.reference, "kind": kind, "item": item})]
        lines.append(Line(f"utter_claim_{resolution}"))
        if kind == "damaged":
            lines.append(Line("utter_claim_keep_evidence"))
        return ProblemOutcome(lines)
