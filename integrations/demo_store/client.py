"""The HTTP client both demo-store adapters (orders, tracking) talk through."""
from __future__ import annotations

from bot.settings import Settings
from integrations.http import JsonHttpClient


def demo_store_client(settings: Settings, service: str) -> JsonHttpClient:
    return JsonHttpClient(
        settings.demo_store_url,
        service=service,
        bearer_token=settings.demo_store_api_key,
        timeout_seconds=settings.backend_timeout_seconds,
        retries=settings.backend_retries,
    )
