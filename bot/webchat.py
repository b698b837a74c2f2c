"""Serves the shoppers' chat page (web/) and the little it needs from this side.

The page talks to Rasa's socket.io channel directly; this server only hands out the
static files, the one vendored socket.io client build, and /config.json telling the
page where the Rasa socket lives.

Run with `python -m bot.webchat` (binds CHAT_HOST, default 127.0.0.1, on CHAT_PORT).
"""
from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path

from aiohttp import web

from bot.settings import PROJECT_ROOT, Settings, get_settings

logger = logging.getLogger(__name__)

WEB_DIR = PROJECT_ROOT / "web"
VENDOR_RELATIVE_PATH = Path("node_modules/socket.io-client/dist/socket.io.min.js")
SOCKET_PATH = "/socket.io"

# Only these file types are ever served from web/; everything else (package.json,
# lock files, dot files) stays private even though it lives in the same folder.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
}
PRIVATE_DIRS = {"node_modules"}

# Host names we are willing to echo into the CSP header; anything else (IPv6
# literals, odd Host headers) falls back to a port-only wildcard.
_SAFE_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})$")

# Kept here rather than as a file so the page has an icon without a binary asset.
FAVICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="8" fill="#3457d5"/>'
    '<path fill="#fff" d="M8 9h16a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2h-9l-5 4v-4H8'
    'a2 2 0 0 1-2-2v-8a2 2 0 0 1 2-2Z"/></svg>'
)

SETTINGS_KEY = web.AppKey("settings", Settings)
WEB_DIR_KEY = web.AppKey("web_dir", Path)
VENDOR_FILE_KEY = web.AppKey("vendor_file", Path)


class FrontendNotInstalledError(RuntimeError):
    """The page's npm dependencies are missing, so the page could not work."""


def create_app(settings: Settings, web_dir: Path = WEB_DIR) -> web.Application:
    """Build the chat page server; fails early if the front-end is not installed."""
    web_dir = web_dir.resolve()
    vendor_file = web_dir / VENDOR_RELATIVE_PATH
    if not vendor_file.is_file():
        raise FrontendNotInstalledError(
            f"The chat page's socket.io client is missing ({vendor_file}). "
            "Run `make setup` (or `npm ci` in web/) and start again."
        )

    app = web.Application()
    app[SETTINGS_KEY] = settings
    app[WEB_DIR_KEY] = web_dir
    app[VENDOR_FILE_KEY] = vendor_file
    app.router.add_get("/health", health)
    app.router.add_get("/config.json", page_config)
    app.router.add_get("/vendor/socket.io.min.js", vendor_socketio)
    app.router.add_get("/favicon.svg", favicon)
    app.router.add_get("/{path:.*}", static_file)
    # A signal rather than a middleware so error pages (404s) get the headers too.
    app.on_response_prepare.append(_add_security_headers)
    return app


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def page_config(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS_KEY]
    body = {
        "socket_port": settings.rasa_port,
        "socket_path": SOCKET_PATH,
        "max_message_chars": settings.max_message_chars,
    }
    # Ports change with the environment: never let a browser keep an old answer.
    return web.json_response(body, headers={"Cache-Control": "no-store"})


async def vendor_socketio(request: web.Request) -> web.FileResponse:
    return _file_response(request.app[VENDOR_FILE_KEY])


async def favicon(request: web.Request) -> web.Response:
    return web.Response(text=FAVICON_SVG, content_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


async def static_file(request: web.Request) -> web.FileResponse:
    web_dir = request.app[WEB_DIR_KEY]
    relative = request.match_info["path"] or "index.html"
    target = _resolve_public_file(web_dir, relative)
    if target is None:
        raise web.HTTPNotFound()
    return _file_response(target)


def _resolve_public_file(web_dir: Path, relative: str) -> Path | None:
    """The file under web_dir that `relative` names, or None if it is not public."""
    parts = Path(relative).parts
    if any(part in ("..", "") or part.startswith(".") for part in parts):
        return None
    try:
        target = (web_dir / relative).resolve()
        inside = target.relative_to(web_dir)
    except (ValueError, OSError):
        # Escapes web_dir (also through symlinks) or is not a valid path at all.
        return None
    if inside.parts and inside.parts[0] in PRIVATE_DIRS:
        return None
    if target.suffix.lower() not in CONTENT_TYPES or not target.is_file():
        return None
    return target


def _file_response(path: Path) -> web.FileResponse:
    headers = {
        "Content-Type": CONTENT_TYPES[path.suffix.lower()],
        # Revalidate on each load so a deploy never leaves a stale page half-updated.
        "Cache-Control": "no-cache",
    }
    return web.FileResponse(path, headers=headers)


async def _add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    settings = request.app[SETTINGS_KEY]
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(_host_name(request.host), settings.rasa_port)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"


def _host_name(host_header: str | None) -> str | None:
    """The host part of a Host header ("shop.example:8080" -> "shop.example")."""
    if not host_header or host_header.startswith("["):
        return None  # Missing, or an IPv6 literal, which CSP host sources cannot name.
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def content_security_policy(host: str | None, socket_port: int) -> str:
    """Everything from this origin only, plus the websocket to Rasa on the page's host."""
    socket_host = host if host and _SAFE_HOST.match(host) else "*"
    sockets = f"ws://{socket_host}:{socket_port} wss://{socket_host}:{socket_port}"
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "font-src 'self'",
            f"connect-src 'self' {sockets}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    host = os.environ.get("CHAT_HOST") or "127.0.0.1"
    try:
        app = create_app(settings)
    except FrontendNotInstalledError as error:
        print(f"bot.webchat: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    logger.info("Chat page on http://%s:%s/ (Rasa socket on port %s)", host, settings.chat_port, settings.rasa_port)
    # The access log leaves out client addresses: they are personal data.
    web.run_app(
        app,
        host=host,
        port=settings.chat_port,
        print=None,
        access_log_format='"%r" %s %b %Tfs',
    )


if __name__ == "__main__":
    main()
