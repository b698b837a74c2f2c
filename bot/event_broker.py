"""Rasa's SQL event broker, with its SQLite file kept open (endpoints.yml, `event_broker`).

Rasa publishes every event of every message on its own commit. With SQLAlchemy 1.4, whose
default for a SQLite file is to open and close a connection per use, each event cost a new
connection and a close; together they were about a third of the Rasa server's time per message
in a profile of `make bench`. This broker keeps one pooled connection, with write-ahead logging
(`synchronous=NORMAL`, as SQLite recommends for it): a commit survives the process crashing,
not a power cut (which the production profile's server database is for), and the relay's reads
of the events table (ticketing/relay.py) never wait for Rasa's writes. The table, its rows and
the per-event commits are Rasa's own; other dialects are left as Rasa makes them.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy
from rasa.core.brokers.sql import SQLEventBroker
from sqlalchemy import event
from sqlalchemy.pool import QueuePool


def _write_ahead_log(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class SQLiteEventBroker(SQLEventBroker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        if url.get_backend_name() != "sqlite":
            return
        self.engine.dispose()
        # One connection, reused: Rasa publishes from its event loop, one event at a time.
        self.engine = sqlalchemy.create_engine(
            url, poolclass=QueuePool, pool_size=1, max_overflow=4, connect_args={"check_same_thread": False}
        )
        event.listen(self.engine, "connect", _write_ahead_log)
        self.sessionmaker = sqlalchemy.orm.sessionmaker(bind=self.engine)
