"""The services the actions use, built once per action-server process from settings."""
from __future__ import annotations

from functools import lru_cache

from bot.services.order_status import OrderStatusService
from bot.settings import Settings, get_settings
from integrations import factory
from ticketing.client import TicketClient
from ticketing.outbox import LocalTicketOutbox


@lru_cache(maxsize=1)
def settings() -> Settings:
    return get_settings()


@lru_cache(maxsize=1)
def order_status_service() -> OrderStatusService:
    return OrderStatusService(factory.order_backend(settings()), factory.logistics_backend(settings()))


@lru_cache(maxsize=1)
def ticket_client() -> TicketClient:
    return LocalTicketOutbox(settings().ticketing_db)
