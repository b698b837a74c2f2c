"""Throwaway databases on this machine's PostgreSQL, for the tests that must pass on it as well
as on SQLite (the ticket queue's unit tests and the running stack's hand-off tests).

PostgreSQL is not optional there: when it cannot be reached those tests fail with a message
that says so, rather than skipping and passing quietly on SQLite alone.
"""
from __future__ import annotations

import os
import secrets
from typing import Callable

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError

# The server's `test` database is only used to create and drop the tests' own databases.
POSTGRES_ADMIN_URL = os.environ.get("TICKETING_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


def admin_engine() -> Engine:
    engine = create_engine(POSTGRES_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return engine
    except OperationalError as error:
        engine.dispose()
        reason = str(error.orig).strip().splitlines()[0]
    pytest.fail(
        f"PostgreSQL is not reachable at {make_url(POSTGRES_ADMIN_URL)!r} ({reason}). The ticketing tests "
        "must pass on PostgreSQL as well as SQLite: start the server (127.0.0.1:5432, trust auth, database "
        "`test`) or point TICKETING_TEST_PG_URL at one.",
        pytrace=False,
    )


def create_database(suffix: str = "") -> tuple[str, Callable[[], None]]:
    """A new, empty database: its URL, and the function that drops it."""
    admin = admin_engine()
    name = f"ticketing_test_{secrets.token_hex(4)}{suffix}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    url = make_url(POSTGRES_ADMIN_URL).set(database=name)
    return url.render_as_string(hide_password=False), drop
