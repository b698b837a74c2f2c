"""The ticket queue's tables (SQLAlchemy 1.4, 2.0 style). The schema itself is made by the
Alembic revisions in ticketing/migrations/, never by create_all: a test compares the two.

Times are timezone-aware UTC in Python. PostgreSQL stores them as timestamptz; SQLite has no
time zones, so UTCDateTime stores naive UTC there and puts the zone back on read.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    text,
)
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

from ticketing.client import PRIORITIES

ROLES = ("agent", "admin")
AUTHORS = ("shopper", "agent", "bot", "system")

NEW, OPEN, WAITING, RESOLVED, CLOSED = "new", "open", "waiting_on_customer", "resolved", "closed"
STATUSES = (NEW, OPEN, WAITING, RESOLVED, CLOSED)
# A ticket in one of these is "open" in the sense: at most one per conversation.
ACTIVE_STATUSES = (NEW, OPEN, WAITING)
# The same condition as SQL, for the partial unique index (and the migration that makes it).
ACTIVE_CONDITION = "status NOT IN ('resolved', 'closed')"

# Explicit constraint names: Alembic needs them to alter or drop a constraint later, and
# SQLite's batch mode rebuilds tables by name.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend; a naive datetime is refused, not guessed at."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: ticketing stores aware UTC times only")
        value = value.astimezone(timezone.utc)
        # SQLite would write the wall time and drop the offset: give it UTC without one.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Optional[datetime], dialect) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Agent(Base):
    __tablename__ = "agents"
    __table_args__ = (CheckConstraint(_one_of("role", ROLES), name="role"),)

    id = Column(Integer, primary_key=True)
    username = Column(String(50), nullable=False, unique=True)
    display_name = Column(String(100), nullable=False)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(10), nullable=False, default="agent")
    languages = Column(JSON, nullable=False, default=list)  # ISO 639-1 codes the agent works in
    on_duty = Column(Boolean, nullable=False, default=False)
    # Round-robin hands the next ticket to whoever was assigned one longest ago.
    last_assigned_at = Column(UTCDateTime)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        # One open ticket per conversation. A partial unique index rather than a check in code:
        # it also holds when two processes open a ticket at the same moment.
        Index(
            "uq_tickets_active_conversation",
            "conversation_id",
            unique=True,
            sqlite_where=text(ACTIVE_CONDITION),
            postgresql_where=text(ACTIVE_CONDITION),
        ),
        Index("ix_tickets_status_priority", "status", "priority"),
        CheckConstraint(_one_of("status", STATUSES), name="status"),
        CheckConstraint(_one_of("priority", PRIORITIES), name="priority"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating"),
    )

    id = Column(Integer, primary_key=True)
    # "T-000123", from the id; written in the same transaction that inserts the row.
    reference = Column(String(20), unique=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(50))
    language = Column(String(10))
    market = Column(String(2))
    order_number = Column(String(50))
    reason = Column(String(50), nullable=False)
    priority = Column(String(10), nullable=False)
    status = Column(String(24), nullable=False, default=NEW)
    assignee_id = Column(Integer, ForeignKey("agents.id"), index=True)
    details = Column(JSON, nullable=False, default=dict)
    transcript = Column(JSON, nullable=False, default=list)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)
    first_response_due = Column(UTCDateTime, nullable=False)
    resolution_due = Column(UTCDateTime, nullable=False)
    first_response_at = Column(UTCDateTime)
    # While the ticket waits on the shopper the resolution timer stops; this is when it stopped.
    waiting_since = Column(UTCDateTime)
    resolved_at = Column(UTCDateTime)
    closed_at = Column(UTCDateTime)
    # Set once a timer is missed, so that reports still show the breach after the ticket closes.
    first_response_breached = Column(Boolean, nullable=False, default=False)
    resolution_breached = Column(Boolean, nullable=False, default=False)
    rating = Column(Integer)

    def overdue_timers(self, now: datetime) -> tuple[str, ...]:
        """The SLA timers this ticket has missed at `now` ("first_response", "resolution")."""
        if self.status not in ACTIVE_STATUSES:
            return ()
        missed = []
        if self.first_response_at is None and self.first_response_due < now:
            missed.append("first_response")
        if self.status != WAITING and self.resolution_due < now:
            missed.append("resolution")
        return tuple(missed)

    def is_overdue(self, now: datetime) -> bool:
        return bool(self.overdue_timers(now))


class TicketMessage(Base):
    __tablename__ = "ticket_messages"
    __table_args__ = (
        CheckConstraint(_one_of("author", AUTHORS), name="author"),
        # The relay's work list: agent replies not yet delivered.
        Index("ix_ticket_messages_undelivered", "author", "delivered_at"),
    )

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), nullable=False, index=True)
    author = Column(String(10), nullable=False)
    agent_id = Column(Integer, ForeignKey("agents.id"))
    # The message's id at its source (Rasa's message_id), so a redelivered event is stored once.
    source_id = Column(String(255), unique=True)
    text = Column(Text, nullable=False)  # redacted before it is written
    language = Column(String(10))
    translation = Column(Text)  # redacted too
    translated_to = Column(String(10))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    # Agent replies are relayed to the shopper through Rasa, with retries.
    delivered_at = Column(UTCDateTime)
    delivery_attempts = Column(Integer, nullable=False, default=0)
    last_error = Column(Text)


class TicketEvent(Base):
    """The audit trail: one row per change to a ticket, with what it was and what it became."""

    __tablename__ = "ticket_events"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), nullable=False, index=True)
    actor = Column(String(100), nullable=False)  # "agent:alice", "shopper", "bot", "system"
    kind = Column(String(40), nullable=False)
    before = Column(JSON)
    after = Column(JSON)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class RelayCursor(Base):
    """How far a relay has read a source it polls (ticketing/relay.py: Rasa's event broker
    table, by its id), so that a restart neither loses nor repeats messages."""

    __tablename__ = "relay_cursors"

    name = Column(String(50), primary_key=True)
    position = Column(Integer, nullable=False, default=0)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)


class Feedback(Base):
    """A rating and comment a shopper left through the feedback form (ticketing/feedback.py).
    Kept with the tickets so the support team reads both from one database."""

    __tablename__ = "feedback"
    __table_args__ = (CheckConstraint("rating >= 1 AND rating <= 5", name="rating"),)

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    rating = Column(Integer, nullable=False)
    comment = Column(Text)  # redacted, at most 1000 characters (the store cuts it)
    language = Column(String(10))
    order_number = Column(String(50))
    # The resolved ticket the feedback rates, when it came after a hand-off. Feedback outlives
    # the ticket: deleting one leaves the rating without its link.
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="SET NULL"), index=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
