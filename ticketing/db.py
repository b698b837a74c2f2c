"""Engine and schema migrations for the ticket database (SQLite by default, PostgreSQL in the
production profile).

The service calls `migrate(url)` at start-up: Alembic brings any database, new or old, to the
latest revision. The scripts live inside the package (no alembic.ini), so it works from any
working directory. A new revision, after changing ticketing/models.py:

    from alembic import command
    from ticketing.db import alembic_config
    command.revision(alembic_config("sqlite:///var/ticketing/tickets.db"), "what changed", autogenerate=True)

then read and tidy the generated file under ticketing/migrations/versions/.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional, Union

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url

SCRIPT_LOCATION = Path(__file__).resolve().parent / "migrations"
# Not Alembic's default "alembic_version": the production PostgreSQL database may be shared
# with other applications that keep their own.
VERSION_TABLE = "ticketing_alembic_version"
# How long an SQLite writer waits for another to finish before giving up, in seconds.
SQLITE_BUSY_TIMEOUT = 30


def make_engine(url: str) -> Engine:
    """A 2.0-style engine. For a SQLite file: its directory is made, writers wait for each
    other instead of failing, readers do not block the writer (WAL) and foreign keys hold."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return create_engine(url, future=True, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        future=True,
        # The service runs its calls on worker threads (asyncio.to_thread).
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT},
    )

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if parsed.database and parsed.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine


def alembic_config(url: Optional[str] = None, connection: Optional[Connection] = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if url is not None:
        # The config file syntax treats % as interpolation (URL-encoded passwords have them).
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrate(target: Union[str, Engine], revision: str = "head") -> None:
    """Upgrades the database (a URL or an engine) to `revision`, making it if it is new."""
    _run_alembic(command.upgrade, target, revision)


def downgrade(target: Union[str, Engine], revision: str) -> None:
    _run_alembic(command.downgrade, target, revision)


def _run_alembic(step: Callable[[Config, str], None], target: Union[str, Engine], revision: str) -> None:
    engine = make_engine(target) if isinstance(target, str) else target
    try:
        with engine.begin() as connection:
            step(alembic_config(connection=connection), revision)
    finally:
        if isinstance(target, str):
            engine.dispose()


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> Optional[str]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()
