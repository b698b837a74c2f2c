"""The NLG endpoint Rasa calls for every response (endpoints.yml, `nlg:`).

POST /nlg with Rasa's request ({"response", "arguments", "tracker", "channel"}) answers
with the rendered message; GET /health says whether the catalogs loaded.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

import yaml
from aiohttp import web

from bot.nlg.catalog import Catalog
from bot.nlg.renderer import Conversation, Renderer
from bot.settings import PROJECT_ROOT, Settings, get_settings

logger = logging.getLogger(__name__)
RENDERER_KEY = web.AppKey("renderer", Renderer)


def domain_response_names(domain_path: Path = PROJECT_ROOT / "domain.yml") -> list[str]:
    domain = yaml.safe_load(domain_path.read_text(encoding="utf-8"))
    return [a for a in domain.get("actions", []) if isinstance(a, str) and a.startswith("utter_") and a != "utter_faq"]


def faq_keys(nlu_dir: Path = PROJECT_ROOT / "data" / "nlu") -> list[str]:
    keys = set()
    for path in nlu_dir.glob("*/*.yml"):
        keys.update(re.findall(r"intent:\s*faq/(\w+)", path.read_text(encoding="utf-8")))
    return sorted(keys)


def load_checked_catalog() -> Catalog:
    catalog = Catalog.load()
    catalog.check(domain_response_names(), faq_keys())
    return catalog


async def handle_nlg(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except ValueError:
        return web.json_response({"error": "invalid JSON"}, status=400)
    if not isinstance(body, dict):
        return web.json_response({"error": "expected a JSON object"}, status=400)
    response = body.get("response") or body.get("template")
    if not isinstance(response, str):
        return web.json_response({"error": "missing 'response'"}, status=400)
    arguments = body.get("arguments") if isinstance(body.get("arguments"), dict) else {}
    tracker = body.get("tracker") if isinstance(body.get("tracker"), dict) else {}
    conversation = Conversation.from_tracker(tracker)
    message = request.app[RENDERER_KEY].render(response, arguments, conversation)
    if message["text"] is None:
        logger.error("No text for response %s in any catalog", response)
    return web.json_response(message)


async def handle_health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "languages": request.app[RENDERER_KEY].languages})


def create_app(catalog: Catalog | None = None) -> web.Application:
    app = web.Application(client_max_size=4 * 1024 * 1024)
    app[RENDERER_KEY] = Renderer(catalog or load_checked_catalog())
    app.router.add_post("/nlg", handle_nlg)
    app.router.add_get("/health", handle_health)
    return app


def main(settings: Settings | None = None) -> None:
    settings = settings or get_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    web.run_app(create_app(), host="127.0.0.1", port=settings.nlg_port, print=None)


if __name__ == "__main__":
    main()
