"""LogisticsBackend over the demo store's carrier-tracking API."""
from __future__ import annotations

import logging
import re
from typing import Any, Optional
from urllib.parse import quote

from bot.settings import Settings
from integrations.demo_store.wire import CARRIER_PATTERN, parse_date, parse_datetime
from integrations.errors import BackendError
from integrations.demo_store.client import demo_store_client
from integrations.logistics.base import Tracking, TrackingEvent

logger = logging.getLogger(__name__)

# Carriers print tracking numbers in groups ("1Z 999 AA1 01 2345 6784"); those separators go.
_SEPARATORS = re.compile(r"[\s-]+")
_TRACKING_NUMBER = re.compile(r"[A-Z0-9]{6,40}")


def normalise_tracking_number(tracking_number: str) -> Optional[str]:
    if not isinstance(tracking_number, str):
        return None
    candidate = _SEPARATORS.sub("", tracking_number).upper()
    return candidate if _TRACKING_NUMBER.fullmatch(candidate) else None


class DemoStoreLogisticsBackend:
    """Tracks parcels through the demo store; an implausible number is "unknown parcel"."""

    def __init__(self, settings: Settings) -> None:
        self._http = demo_store_client(settings, "demo store (tracking)")

    async def track(self, tracking_number: str, carrier: str) -> Optional[Tracking]:
        normalised = normalise_tracking_number(tracking_number)
        if normalised is None:
            return None
        params = {}
        carrier_code = (carrier or "").strip().lower()
        if carrier_code:
            if not CARRIER_PATTERN.fullmatch(carrier_code):
                return None
            params["carrier"] = carrier_code
        payload = await self._http.get_json(f"/api/tracking/{quote(normalised, safe='')}", params=params or None)
        if payload is None:
            return None
        return parse_tracking(payload)

    async def close(self) -> None:
        await self._http.close()


def parse_tracking(payload: Any) -> Tracking:
    """A Tracking from the demo store's JSON, events oldest first; BackendError if malformed."""
    try:
        events = sorted(
            (
                TrackingEvent(
                    time=parse_datetime(event["time"]),
                    code=event["code"],
                    location=event["location"],
                    description=event["description"],
                )
                for event in payload.get("events", ())
            ),
            key=lambda event: event.time,
        )
        return Tracking(
            tracking_number=payload["tracking_number"],
            carrier=payload["carrier"],
            status=payload["status"],
            customs_status=payload.get("customs_status"),
            estimated_delivery=parse_date(payload.get("estimated_delivery")),
            origin_country=payload["origin_country"],
            destination_country=payload["destination_country"],
            events=tuple(events),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        logger.error("demo store sent an unreadable tracking payload")
        raise BackendError("demo store sent an unexpected tracking payload") from exc
