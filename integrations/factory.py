"""Picks the order and logistics adapters named in the settings (ORDER_BACKEND, LOGISTICS_BACKEND)."""
from __future__ import annotations

from typing import Callable, Optional

from bot.settings import Settings, get_settings
from integrations.logistics.base import LogisticsBackend
from integrations.orders.base import OrderBackend


def _demo_orders(settings: Settings) -> OrderBackend:
    from integrations.orders.demo import DemoStoreOrderBackend

    return DemoStoreOrderBackend(settings)


def _demo_logistics(settings: Settings) -> LogisticsBackend:
    from integrations.logistics.demo import DemoStoreLogisticsBackend

    return DemoStoreLogisticsBackend(settings)


# Adapters are imported only when chosen, so a platform's client library is needed only if used.
ORDER_BACKENDS: dict[str, Callable[[Settings], OrderBackend]] = {"demo": _demo_orders}
LOGISTICS_BACKENDS: dict[str, Callable[[Settings], LogisticsBackend]] = {"demo": _demo_logistics}


def _choose(kind: str, variable: str, name: str, registry: dict) -> Callable:
    key = name.strip().lower()
    if key not in registry:
        known = ", ".join(sorted(registry))
        raise ValueError(f"Unknown {kind} backend {name!r} in {variable}; expected one of: {known}")
    return registry[key]


def order_backend(settings: Optional[Settings] = None) -> OrderBackend:
    settings = settings or get_settings()
    return _choose("order", "ORDER_BACKEND", settings.order_backend, ORDER_BACKENDS)(settings)


def logistics_backend(settings: Optional[Settings] = None) -> LogisticsBackend:
    settings = settings or get_settings()
    return _choose("logistics", "LOGISTICS_BACKEND", settings.logistics_backend, LOGISTICS_BACKENDS)(settings)
