"""The chat page server: what it serves, what it refuses, and the headers it sets."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.settings import get_settings
from bot.webchat import VENDOR_RELATIVE_PATH, FrontendNotInstalledError, create_app

CHAT_PORT = "18080"
RASA_PORT = "15005"


@pytest.fixture
def settings(monkeypatch):
    monkeypatch.setenv("CHAT_PORT", CHAT_PORT)
    monkeypatch.setenv("RASA_PORT", RASA_PORT)
    monkeypatch.delenv("RASA_URL", raising=False)
    monkeypatch.delenv("MAX_MESSAGE_CHARS", raising=False)
    return get_settings()


@pytest.fixture
async def client(aiohttp_client, settings):
    # The real web/ folder: needs `make setup` (npm ci) to have installed socket.io-client.
    return await aiohttp_client(create_app(settings))


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    """A web/ folder with a private file next to it, to probe the containment rules."""
    web_dir = tmp_path / "web"
    vendor = web_dir / VENDOR_RELATIVE_PATH
    vendor.parent.mkdir(parents=True)
    vendor.write_text("/* socket.io */")
    (web_dir / "index.html").write_text("<!doctype html><title>t</title>")
    (tmp_path / "secret.html").write_text("private")
    (web_dir / "linked.html").symlink_to(tmp_path / "secret.html")
    return web_dir


async def raw_get_status(client, raw_path: str) -> int:
    """Status for a request line sent byte for byte: HTTP clients would tidy up `..`."""
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(f"GET {raw_path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return int(status_line.split()[1])


async def test_index_is_served_as_html(client):
    response = await client.get("/")
    assert response.status == 200
    assert response.content_type == "text/html"
    assert "Demo Shop" in await response.text()


async def test_page_assets_are_served(client):
    css = await client.get("/chat.css")
    js = await client.get("/chat.js")
    assert (css.status, css.content_type) == (200, "text/css")
    assert (js.status, js.content_type) == (200, "text/javascript")


async def test_vendor_socketio_client_is_served(client):
    response = await client.get("/vendor/socket.io.min.js")
    assert response.status == 200
    assert "javascript" in response.content_type
    assert len(await response.read()) > 10_000


async def test_config_follows_settings(client):
    response = await client.get("/config.json")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    config = await response.json()
    assert config["socket_port"] == int(RASA_PORT)
    assert config["socket_path"] == "/socket.io"
    assert config["max_message_chars"] == 2000


async def test_health(client):
    response = await client.get("/health")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_security_headers(client):
    response = await client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp
    assert f"ws://127.0.0.1:{RASA_PORT}" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_error_pages_carry_security_headers_too(client):
    response = await client.get("/missing.html")
    assert response.status == 404
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize(
    "path",
    [
        "/../bot/settings.py",
        "/vendor/../../package.json",
        "/%2e%2e/bot/settings.py",
        "/..%2fbot%2fsettings.py",
        "/vendor/..%2f..%2fpackage.json",
        "//etc/passwd",
    ],
)
async def test_path_traversal_is_refused(client, path):
    assert await raw_get_status(client, path) == 404


@pytest.mark.parametrize(
    "path",
    [
        "/package.json",
        "/package-lock.json",
        "/.gitignore",
        "/node_modules/socket.io-client/package.json",
        "/node_modules/socket.io-client/dist/socket.io.min.js",
    ],
)
async def test_private_files_in_web_are_not_served(client, path):
    assert (await client.get(path)).status == 404


async def test_files_outside_web_stay_private(aiohttp_client, settings, sandbox):
    client = await aiohttp_client(create_app(settings, web_dir=sandbox))
    assert (await client.get("/index.html")).status == 200
    for path in ("/../secret.html", "/%2e%2e/secret.html", "/linked.html"):
        assert await raw_get_status(client, path) == 404, path


def test_missing_frontend_fails_at_start_up(settings, tmp_path):
    with pytest.raises(FrontendNotInstalledError, match="make setup"):
        create_app(settings, web_dir=tmp_path)
