"""The chat page server: what it serves, what it refuses, and the headers it sets."""
from __future__ import annotations

import asyncio
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bot.settings import get_settings
from bot.webchat import VENDOR_RELATIVE_PATH, WEB_DIR, FrontendNotInstalledError, create_app

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


# ---------- interface translations (web/i18n.js) ----------

LANGUAGES = {"en", "es", "fr", "de", "it", "pt", "ru", "ar", "ja", "zh"}
# i18n.js keeps its dictionary as JSON inside the script, indented by two spaces.
_MESSAGES_LITERAL = re.compile(r"const MESSAGES = (\{.*?\n  \});", re.S)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
I18N_ATTRIBUTES = ("data-i18n", "data-i18n-placeholder", "data-i18n-aria-label")


def parse_messages(script: str) -> dict[str, dict[str, str]]:
    match = _MESSAGES_LITERAL.search(script)
    assert match, "i18n.js: `const MESSAGES = {...};` not found"
    return json.loads(match.group(1))


class PageMarkup(HTMLParser):
    """The bits of index.html that the translations hang on."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: list[tuple[str, str]] = []  # (attribute, key)
        self.scripts: list[dict[str, str | None]] = []
        self.noscript: dict[str, str] = {}  # lang -> text
        self._in_noscript = False
        self._noscript_lang: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.keys.extend((name, value) for name, value in attrs if name in I18N_ATTRIBUTES)
        if tag == "script":
            self.scripts.append(attributes)
        elif tag == "noscript":
            self._in_noscript = True
        elif self._in_noscript and "lang" in attributes:
            self._noscript_lang = attributes["lang"]

    def handle_endtag(self, tag):
        if tag == "noscript":
            self._in_noscript = False
        elif self._noscript_lang:
            self._noscript_lang = None

    def handle_data(self, data):
        if self._noscript_lang:
            self.noscript[self._noscript_lang] = self.noscript.get(self._noscript_lang, "") + data


async def fetch_messages(client) -> dict[str, dict[str, str]]:
    response = await client.get("/i18n.js")
    assert response.status == 200
    return parse_messages(await response.text())


async def fetch_page(client) -> PageMarkup:
    page = PageMarkup()
    page.feed(await (await client.get("/")).text())
    return page


async def test_i18n_script_is_served(client):
    response = await client.get("/i18n.js")
    assert response.status == 200
    assert response.content_type == "text/javascript"
    assert response.charset == "utf-8"  # Arabic, Japanese, Chinese… must not be mis-decoded.
    assert "window.I18N" in await response.text()
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


async def test_every_key_exists_in_all_ten_languages(client):
    messages = await fetch_messages(client)
    assert set(messages) == LANGUAGES
    english = messages["en"]
    for lang, texts in messages.items():
        assert set(texts) == set(english), lang
        for key, text in texts.items():
            assert isinstance(text, str) and text.strip(), (lang, key)
            assert set(_PLACEHOLDER.findall(text)) == set(_PLACEHOLDER.findall(english[key])), (lang, key)


async def test_index_i18n_keys_exist_in_the_dictionary(client):
    english = (await fetch_messages(client))["en"]
    page = await fetch_page(client)
    used = {key for _, key in page.keys}
    assert {"pageTitle", "welcomeTitle", "messagePlaceholder", "conversationLabel"} <= used
    assert not used - set(english), f"unknown keys in index.html: {sorted(used - set(english))}"
    assert {name for name, _ in page.keys} == set(I18N_ATTRIBUTES)


async def test_index_loads_i18n_before_chat_js(client):
    scripts = {script.get("src"): script for script in (await fetch_page(client)).scripts}
    sources = list(scripts)
    assert sources.index("/i18n.js") < sources.index("/chat.js")
    i18n = scripts["/i18n.js"]
    # Not deferred: <html lang/dir> must be right before the page is first drawn.
    assert "defer" not in i18n and "async" not in i18n


async def test_noscript_text_in_every_language(client):
    messages = await fetch_messages(client)
    noscript = {lang.split("-")[0]: text.strip() for lang, text in (await fetch_page(client)).noscript.items()}
    assert noscript == {lang: texts["noscript"] for lang, texts in messages.items()}


def test_chat_js_only_uses_known_keys():
    english = parse_messages((WEB_DIR / "i18n.js").read_text(encoding="utf-8"))["en"]
    chat_js = (WEB_DIR / "chat.js").read_text(encoding="utf-8")
    used = set(re.findall(r"\bt\(\s*\"(\w+)\"", chat_js))
    used |= set(re.findall(r"\b(?:label|notice): \"(\w+)\"", chat_js))  # the STATUS table
    assert {"youSaid", "assistantSaid", "suggestedReplies", "statusOnline", "noticeOffline"} <= used
    assert not used - set(english), f"unknown keys in chat.js: {sorted(used - set(english))}"


def test_translations_keep_the_house_tone():
    messages = parse_messages((WEB_DIR / "i18n.js").read_text(encoding="utf-8"))
    for key, text in messages["ja"].items():
        assert "!" not in text and "！" not in text, f"ja {key}: no exclamation marks"
    informal = re.compile(r"\b(du|dich|dir|dein\w*)\b", re.IGNORECASE)
    for key, text in messages["de"].items():
        assert not informal.search(text), f"de {key}: address shoppers with Sie"
