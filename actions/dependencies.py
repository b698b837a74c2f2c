"""The services the actions use, built once per action-server process from settings."""
from __future__ import annotations

from functools import lru_cache
from typing import cast

from bot.policies import Policies, get_policies
from bot.services.delivery_problems import DeliveryProblemService
from bot.services.order_changes import OrderChangeService
from bot.services.order_status import OrderStatusService
from bot.services.payments import InvoiceService
from bot.services.returns import ReturnService
from bot.settings import Settings, get_settings
from integrations import factory
from integrations.logistics.base import LogisticsBackend
from integrations.orders.base import OrderBackend
from ticketing.client import TicketClient
from ticketing.feedback import FeedbackStore
from ticketing.service import TicketService


@lru_cache(maxsize=1)
def settings() -> Settings:
    return get_settings()


def policies() -> Policies:
    return get_policies()


@lru_cache(maxsize=1)
def order_backend() -> OrderBackend:
    return factory.order_backend(settings())


@lru_cache(maxsize=1)
def logistics_backend() -> LogisticsBackend:
    return factory.logistics_backend(settings())


@lru_cache(maxsize=1)
def order_status_service() -> OrderStatusService:
    return OrderStatusService(order_backend(), logistics_backend())


@lru_cache(maxsize=1)
def return_service() -> ReturnService:
    return ReturnService(order_backend())


@lru_cache(maxsize=1)
def order_change_service() -> OrderChangeService:
    return OrderChangeService(order_backend())


@lru_cache(maxsize=1)
def delivery_problem_service() -> DeliveryProblemService:
    return DeliveryProblemService(order_backend(), logistics_backend())


@lru_cache(maxsize=1)
def invoice_service() -> InvoiceService:
    return InvoiceService(order_backend())


@lru_cache(maxsize=1)
def ticket_client() -> TicketClient:
    # The ticket queue itself (migrated on first use): agents work hand-offs from there.
    return TicketService.start(settings().ticketing_db_url)


@lru_cache(maxsize=1)
def feedback_store() -> FeedbackStore:
    # In the ticket database, on the ticket service's own engine: the service migrates the
    # database when it starts, and one connection pool serves both.
    return FeedbackStore(cast(TicketService, ticket_client()).engine)
