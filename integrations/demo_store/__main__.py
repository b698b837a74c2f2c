"""Command line for the demo store.

    python -m integrations.demo_store serve [--host H] [--port P]   seeds an empty database first
    python -m integrations.demo_store seed [--reset]

Both use DEMO_STORE_DB_URL; `serve` listens on DEMO_STORE_PORT, on the host of DEMO_STORE_URL.
"""
from __future__ import annotations

import argparse
import logging
import sys
from typing import Optional, Sequence
from urllib.parse import urlparse

from bot.settings import Settings, get_settings
from integrations.demo_store.db import make_engine
from integrations.demo_store.seed import seed_database

logger = logging.getLogger("integrations.demo_store")


def _default_host(settings: Settings) -> str:
    return urlparse(settings.demo_store_url).hostname or "127.0.0.1"


def _seed(settings: Settings, reset: bool) -> int:
    engine = make_engine(settings.demo_store_db_url)
    try:
        return seed_database(engine, reset=reset)
    finally:
        engine.dispose()


def cmd_seed(settings: Settings, args: argparse.Namespace) -> int:
    created = _seed(settings, reset=args.reset)
    if created:
        print(f"demo store seeded with {created} orders")
    else:
        print("demo store already has orders; use --reset to start over")
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from aiohttp import web

    from integrations.demo_store.api import PathOnlyAccessLogger, create_app

    created = _seed(settings, reset=False)
    if created:
        logger.info("seeded an empty demo store with %d orders", created)
    app = create_app(
        settings.demo_store_db_url,
        settings.demo_store_api_key,
        link_secret=settings.demo_store_link_secret,
        public_url=settings.demo_store_public_url,
    )
    web.run_app(
        app,
        host=args.host or _default_host(settings),
        port=args.port or settings.demo_store_port,
        access_log_class=PathOnlyAccessLogger,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m integrations.demo_store", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the demo store's HTTP API")
    serve.add_argument("--host", help="listen address (default: host of DEMO_STORE_URL)")
    serve.add_argument("--port", type=int, help="listen port (default: DEMO_STORE_PORT)")
    serve.set_defaults(handler=cmd_serve)

    seed = commands.add_parser("seed", help="fill the database with the demo orders")
    seed.add_argument("--reset", action="store_true", help="drop all demo data first")
    seed.set_defaults(handler=cmd_seed)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return args.handler(get_settings(), args)


if __name__ == "__main__":
    sys.exit(main())
