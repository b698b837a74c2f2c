from integrations.logistics.base import LogisticsBackend, Tracking, TrackingEvent

__all__ = ["LogisticsBackend", "Tracking", "TrackingEvent"]
