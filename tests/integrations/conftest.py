"""Shared fixtures: the real demo store on a seeded temporary SQLite file, served on a real port.

Read-only tests share one seeded file; tests that change orders get their own copy of it.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Awaitable, Callable, Optional

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.settings import Settings, get_settings
from integrations.demo_store.api import create_app
from integrations.demo_store.db import make_engine
from integrations.demo_store.seed import seed_database
from integrations.logistics.demo import DemoStoreLogisticsBackend
from integrations.orders.demo import DemoStoreOrderBackend

API_KEY = "test-store-key"
LINK_SECRET = "test-link-secret"


@pytest.fixture(scope="session")
def seeded_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo_store") / "store.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        seed_database(engine)
    finally:
        engine.dispose()
    return path


@pytest.fixture(scope="session")
def seeded_db_url(seeded_db_file: Path) -> str:
    """Seeded once per run and shared: tests on it must not change orders (see fresh_db_url)."""
    return f"sqlite:///{seeded_db_file}"


@pytest.fixture
def fresh_db_url(seeded_db_file: Path, tmp_path: Path) -> str:
    """A private copy of the seeded store, for a test that changes orders."""
    copy = tmp_path / "store.db"
    shutil.copyfile(seeded_db_file, copy)
    return f"sqlite:///{copy}"


def store_app(db_url: str) -> web.Application:
    return create_app(db_url, API_KEY, link_secret=LINK_SECRET)


@pytest_asyncio.fixture
async def store_server(aiohttp_server, seeded_db_url: str) -> TestServer:
    return await aiohttp_server(store_app(seeded_db_url))


@pytest_asyncio.fixture
async def store(aiohttp_client, store_server: TestServer) -> TestClient:
    """A client of the running store that sends the API key."""
    return await aiohttp_client(store_server, headers={"Authorization": f"Bearer {API_KEY}"})


@pytest_asyncio.fixture
async def fresh_server(aiohttp_server, fresh_db_url: str) -> TestServer:
    return await aiohttp_server(store_app(fresh_db_url))


@pytest_asyncio.fixture
async def fresh_store(aiohttp_client, fresh_server: TestServer) -> TestClient:
    """A client, with the API key, of a store of its own that the test may change."""
    return await aiohttp_client(fresh_server, headers={"Authorization": f"Bearer {API_KEY}"})


@pytest_asyncio.fixture
async def anonymous(aiohttp_client, store_server: TestServer) -> TestClient:
    """A client of the running store without credentials."""
    return await aiohttp_client(store_server)


@pytest.fixture
def settings_for(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Settings]:
    """Settings pointing the adapters at `url`, through the environment as in production."""

    def make(url: str, *, timeout: float = 2.0, retries: int = 1, api_key: str = API_KEY) -> Settings:
        monkeypatch.setenv("DEMO_STORE_URL", url)
        monkeypatch.setenv("DEMO_STORE_API_KEY", api_key)
        monkeypatch.setenv("BACKEND_TIMEOUT_SECONDS", str(timeout))
        monkeypatch.setenv("BACKEND_RETRIES", str(retries))
        monkeypatch.setenv("ORDER_BACKEND", "demo")
        monkeypatch.setenv("LOGISTICS_BACKEND", "demo")
        return get_settings()

    return make


def server_url(server: TestServer) -> str:
    return str(server.make_url("")).rstrip("/")


@pytest.fixture
def store_settings(store_server: TestServer, settings_for: Callable[..., Settings]) -> Settings:
    return settings_for(server_url(store_server))


@pytest.fixture
def fresh_store_settings(fresh_server: TestServer, settings_for: Callable[..., Settings]) -> Settings:
    return settings_for(server_url(fresh_server))


@pytest_asyncio.fixture
async def fake_backend(aiohttp_server) -> Callable[[Callable[[web.Request], Awaitable[web.StreamResponse]]], Awaitable[str]]:
    """Serves one handler on every path of a real local server; returns the server's URL."""

    async def start(handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handler)
        return server_url(await aiohttp_server(app))

    return start


class HitCounter:
    """Counts requests a fake backend received."""

    def __init__(self) -> None:
        self.count = 0
        self.last_headers: Optional[dict[str, str]] = None

    def hit(self, request: web.Request) -> None:
        self.count += 1
        self.last_headers = dict(request.headers)


@pytest.fixture
def hits() -> HitCounter:
    return HitCounter()


@pytest.fixture
def api_key() -> str:
    return API_KEY


@pytest_asyncio.fixture
async def orders(store_settings):
    """The order adapter on the shared, read-only store."""
    backend = DemoStoreOrderBackend(store_settings)
    yield backend
    await backend.close()


@pytest_asyncio.fixture
async def logistics(store_settings):
    """The logistics adapter on the shared, read-only store."""
    backend = DemoStoreLogisticsBackend(store_settings)
    yield backend
    await backend.close()
