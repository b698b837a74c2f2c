"""Every ticketing test runs twice: on SQLite (a temporary file) and on this machine's
PostgreSQL (a database made for the test session and dropped after it).

PostgreSQL is not optional here: when it cannot be reached the PostgreSQL variants fail with
a message that says so, rather than skipping and passing quietly on SQLite alone.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from typing import Callable, Iterator, Optional
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete
from sqlalchemy.engine import Engine

from bot.policies import SlaTarget, Span, SupportHours
from tests.postgres import create_database
from ticketing.agents import AgentDirectory
from ticketing.client import HandoffRequest
from ticketing.db import make_engine, migrate
from ticketing.models import Agent, RelayCursor, Ticket, TicketEvent, TicketMessage
from ticketing.service import TicketService

BACKENDS = ("sqlite", "postgresql")

# Support hours of a few markets, written out so the tests do not follow edits to the policy file.
HOURS = {
    "SA": SupportHours(ZoneInfo("Asia/Riyadh"), (0, 1, 2, 3, 6), time(9), time(17)),  # Sunday to Thursday
    "JP": SupportHours(ZoneInfo("Asia/Tokyo"), (0, 1, 2, 3, 4), time(9), time(18)),
    "DE": SupportHours(ZoneInfo("Europe/Berlin"), (0, 1, 2, 3, 4), time(9), time(17)),
}
DEFAULT_HOURS = SupportHours(ZoneInfo("UTC"), (0, 1, 2, 3, 4), time(9), time(17))
# SLA targets per priority, the same for every market (written out, as the hours are).
TARGETS = {
    "urgent": SlaTarget(first_response=Span(minutes=30), resolution=Span(minutes=4 * 60)),
    "high": SlaTarget(first_response=Span(minutes=2 * 60), resolution=Span(days=1)),
    "normal": SlaTarget(first_response=Span(minutes=8 * 60), resolution=Span(days=3)),
    "low": SlaTarget(first_response=Span(days=2), resolution=Span(days=5)),
}
PASSWORD = "correct horse battery"


def hours_for(market: Optional[str]) -> SupportHours:
    return HOURS.get((market or "").upper(), DEFAULT_HOURS)


def targets_for(market: Optional[str]) -> dict[str, SlaTarget]:
    return TARGETS


class Clock:
    """A clock the test moves by hand. Starts on Monday 2025-03-03, 10:00 UTC (business hours)."""

    def __init__(self, now: datetime = datetime(2025, 3, 3, 10, 0, tzinfo=timezone.utc)):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """A migrated database per backend, shared by the session's tests (emptied before each)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('ticketing') / 'tickets.db'}"
        migrate(url)
        yield url
        return
    url, drop = create_database()
    try:
        migrate(url)
        yield url
    finally:
        drop()


@pytest.fixture
def fresh_database_url(database_url, tmp_path) -> Iterator[str]:
    """An empty database, never migrated, on the same backend as `database_url`."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    url, drop = create_database("_fresh")
    try:
        yield url
    finally:
        drop()


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    engine = make_engine(database_url)
    with engine.begin() as connection:
        for table in (RelayCursor, TicketEvent, TicketMessage, Ticket, Agent):
            connection.execute(delete(table))
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(engine, clock) -> TicketService:
    """Without automatic assignment, so each test decides who is on duty and when."""
    return TicketService(engine, clock, support_hours=hours_for, sla_targets=targets_for, auto_assign=False)


@pytest.fixture
def agents(engine, clock) -> AgentDirectory:
    return AgentDirectory(engine, clock)


@pytest.fixture
def make_agent(agents) -> Callable[..., Agent]:
    def make(username: str, *, languages=("en",), on_duty: bool = True, role: str = "agent") -> Agent:
        return agents.create(username, PASSWORD, languages=languages, on_duty=on_duty, role=role)

    return make


def handoff(conversation_id: str = "conv-1", **values) -> HandoffRequest:
    fields = {"reason": "explicit_request", "priority": "normal", "language": "en", "channel": "rest"}
    fields.update(values)
    return HandoffRequest(conversation_id=conversation_id, **fields)
