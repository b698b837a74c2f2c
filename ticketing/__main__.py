"""Command line for the ticket queue.

    python -m ticketing [serve] [--host H] [--port P] [--no-relay]
                                                migrates the database, then serves the API, runs
                                                the relay to and from Rasa (ticketing/relay.py)
                                                and the queue's chores (ticketing/housekeeping.py)
    python -m ticketing create-agent USERNAME [--role admin] [--display-name N] [--languages en,es]

Both use TICKETING_DB_URL. `serve` listens on TICKETING_PORT, on the host of TICKETING_URL, and
signs tokens with TICKETING_TOKEN_SECRET. `create-agent` makes the first admin (nobody can log in
before one exists); it reads the password from TICKETING_AGENT_PASSWORD or asks for it.
"""
from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from typing import Optional, Sequence
from urllib.parse import urlparse

from bot.settings import Settings, get_settings, load_dotenv
from ticketing.models import ROLES

logger = logging.getLogger("ticketing")


def _default_host(settings: Settings) -> str:
    return urlparse(settings.ticketing_url).hostname or "127.0.0.1"


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from aiohttp import web

    from ticketing.api import create_app
    from ticketing.service import TicketService

    # Alembic brings the database to the latest schema before the first request.
    service = TicketService.start(settings.ticketing_db_url)
    app = create_app(
        service,
        token_secret=settings.ticketing_token_secret,
        token_ttl_seconds=settings.ticketing_token_ttl_seconds,
        assign_when_on_duty=True,
    )

    async def dispose_engine(_: web.Application) -> None:
        service.engine.dispose()

    app.on_cleanup.append(dispose_engine)
    app.cleanup_ctx.append(_background("ticketing-housekeeping", lambda: _housekeeping(service, settings)))
    if not args.no_relay:
        app.cleanup_ctx.append(_background("ticketing-relay", lambda: _relay(service, settings)))
    host, port = args.host or _default_host(settings), args.port or settings.ticketing_port
    logger.info("ticket queue API on http://%s:%d/api (OpenAPI: /api/openapi.json)", host, port)
    web.run_app(app, host=host, port=port, print=None)
    return 0


def _background(name: str, make_job):
    """A job's run_forever() as a background task of the server: started with it, cancelled
    when it stops."""
    import asyncio
    import contextlib

    async def context(_app):
        task = asyncio.create_task(make_job().run_forever(), name=name)
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return context


def _relay(service, settings: Settings):
    from ticketing.relay import Relay

    return Relay(service, settings.rasa_url, settings.rasa_api_token, settings.event_broker_db)


def _housekeeping(service, settings: Settings):
    from ticketing.housekeeping import Housekeeping

    return Housekeeping(service, settings.ticketing_housekeeping_seconds)


def _password() -> str:
    password = os.environ.get("TICKETING_AGENT_PASSWORD")
    if password:
        return password
    if not sys.stdin.isatty():
        # A pipe: the first line is the password (no echo to worry about).
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise SystemExit("the two passwords differ")
    return first


def cmd_create_agent(settings: Settings, args: argparse.Namespace) -> int:
    from ticketing.agents import AgentDirectory, AgentError
    from ticketing.db import make_engine, migrate

    migrate(settings.ticketing_db_url)
    engine = make_engine(settings.ticketing_db_url)
    try:
        languages = [code for code in (args.languages or "").split(",") if code.strip()]
        agent = AgentDirectory(engine).create(
            args.username, _password(), display_name=args.display_name, role=args.role, languages=languages
        )
    except AgentError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"created {agent.role} {agent.username} (id {agent.id})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ticketing", description=__doc__.splitlines()[0])
    parser.set_defaults(handler=cmd_serve, host=None, port=None, no_relay=False)
    commands = parser.add_subparsers(dest="command")

    serve = commands.add_parser("serve", help="run the REST API (the default)")
    serve.add_argument("--host", help="listen address (default: host of TICKETING_URL)")
    serve.add_argument("--port", type=int, help="listen port (default: TICKETING_PORT)")
    serve.add_argument("--no-relay", action="store_true", help="serve the API only, without the relay to Rasa")
    serve.set_defaults(handler=cmd_serve)

    create = commands.add_parser("create-agent", help="create an agent or admin account")
    create.add_argument("username")
    create.add_argument("--role", choices=ROLES, default=ROLES[0])
    create.add_argument("--display-name")
    create.add_argument("--languages", help="comma-separated language codes, most preferred first (the console's), e.g. es,en")
    create.set_defaults(handler=cmd_create_agent)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # a line per plugin otherwise
    load_dotenv()
    args = build_parser().parse_args(argv)
    return args.handler(get_settings(), args)


if __name__ == "__main__":
    sys.exit(main())
