"""The logistics-backend interface: a carrier's or tracking aggregator's view of a parcel.

The demo store implements it; AfterShip, 17TRACK or a carrier's own API are further adapters.
Event codes are normalised so that replies can be localised whatever carrier reported them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Optional, Protocol

TRACKING_EVENT_CODES = (
    "label_created",
    "picked_up",
    "departed_origin_facility",
    "export_customs_cleared",
    "departed_origin_country",
    "arrived_destination_country",
    "import_customs_processing",
    "customs_held",
    "import_customs_cleared",
    "arrived_delivery_facility",
    "out_for_delivery",
    "delivery_attempt_failed",
    "delivered",
    "exception_lost",
    "returned_to_sender",
)
TRACKING_STATES = (
    "info_received",
    "in_transit",
    "customs_hold",
    "out_for_delivery",
    "delivered",
    "delivery_failed",
    "lost",
    "returned",
)
# None when the parcel has not reached import customs yet.
CUSTOMS_STATES = ("pending", "processing", "held", "cleared")


@dataclass(frozen=True)
class TrackingEvent:
    time: datetime
    code: str  # one of TRACKING_EVENT_CODES
    location: str
    description: str  # the carrier's own wording, kept for agents


@dataclass(frozen=True)
class Tracking:
    tracking_number: str
    carrier: str
    status: str  # one of TRACKING_STATES
    customs_status: Optional[str]  # one of CUSTOMS_STATES
    estimated_delivery: Optional[date]
    origin_country: str
    destination_country: str
    events: tuple[TrackingEvent, ...]  # oldest first

    @property
    def last_event(self) -> Optional[TrackingEvent]:
        return self.events[-1] if self.events else None


class LogisticsBackend(Protocol):
    async def track(self, tracking_number: str, carrier: str) -> Optional[Tracking]:
        """The parcel's tracking, or None when the carrier does not know the number.

        Raises BackendUnavailable / BackendError like the order backend.
        """
        ...

    async def close(self) -> None:
        ...
