"""Engine and sessions for the demo store's database (SQLAlchemy 1.4, 2.0 style)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from integrations.demo_store.models import Base, Order


def sqlite_file(db_url: str) -> Optional[Path]:
    """The database file of a file-based SQLite URL, else None."""
    url = make_url(db_url)
    if not url.drivername.startswith("sqlite"):
        return None
    if url.database in (None, "", ":memory:") or url.database.startswith("file:"):
        return None
    return Path(url.database)


def make_engine(db_url: str) -> Engine:
    """A 2.0-style engine; the SQLite file's directory is created when missing."""
    connect_args: dict = {}
    path = sqlite_file(db_url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    if make_url(db_url).drivername.startswith("sqlite"):
        # The web app queries from a thread pool so as not to block the event loop.
        connect_args["check_same_thread"] = False
    return create_engine(db_url, future=True, connect_args=connect_args)


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


def create_tables(engine: Engine) -> None:
    Base.metadata.create_all(engine)


def drop_tables(engine: Engine) -> None:
    Base.metadata.drop_all(engine)


def schema_is_outdated(engine: Engine) -> bool:
    """True when some table exists without a column the models now have (a database made by an
    older version of the demo store). Missing tables are not outdated: create_tables adds them."""
    inspector = inspect(engine)
    existing = set(inspector.get_table_names())
    for table in Base.metadata.sorted_tables:
        if table.name in existing:
            columns = {column["name"] for column in inspector.get_columns(table.name)}
            if not {column.name for column in table.columns} <= columns:
                return True
    return False


def count_orders(session: Session) -> int:
    return session.execute(select(func.count(Order.id))).scalar_one()
