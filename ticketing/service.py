"""The ticket queue's rules: opening (once per conversation), messages, assignment, statuses,
SLA timers and the audit trail. Every method is one short transaction; every change to a
ticket writes a TicketEvent in that same transaction, so the trail cannot miss one.

Calls are synchronous (the REST API and the broker consumer run them on worker threads);
`open_ticket` is the async TicketClient the action server calls.

Concurrency: on PostgreSQL a change locks the ticket's row (SELECT ... FOR UPDATE); SQLite has
no row locks, so a change takes the database's write lock first (BEGIN IMMEDIATE). Either way a
read-then-write cannot interleave with another process's. Opening relies on the partial unique
index: of two simultaneous first hand-offs, one inserts and the other re-reads.
"""
from __future__ import annotations

import asyncio
import json
import logging
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Union

from sqlalchemy import and_, case, func, not_, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.policies import SlaTarget, SupportHours, get_policies
from bot.redaction import redact
from ticketing import sla
from ticketing.client import PRIORITIES, HandoffRequest, TicketRef, WaitEstimate
from ticketing.db import make_engine, migrate
from ticketing.models import (
    ACTIVE_STATUSES,
    CLOSED,
    NEW,
    OPEN,
    RESOLVED,
    STATUSES,
    WAITING,
    Agent,
    RelayCursor,
    Ticket,
    TicketEvent,
    TicketMessage,
    utcnow,
)

logger = logging.getLogger(__name__)

TicketKey = Union[int, str]  # a ticket's id, or its reference ("T-000123")
# A shopper who writes again this soon after resolution reopens the ticket; later, the
# assistant treats it as a new conversation (and a new hand-off if one is needed).
REOPEN_WITHIN = timedelta(days=7)
MAX_PER_PAGE = 100
# The relay stops retrying a reply after this many failures; the agent sees last_error.
MAX_DELIVERY_ATTEMPTS = 5
MAX_ERROR_CHARS = 1000

TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({OPEN, WAITING, RESOLVED, CLOSED}),
    OPEN: frozenset({WAITING, RESOLVED, CLOSED}),
    WAITING: frozenset({OPEN, RESOLVED, CLOSED}),
    RESOLVED: frozenset({OPEN, CLOSED}),  # to open: reopened
    CLOSED: frozenset(),  # final: a new problem is a new ticket
}


class TicketError(Exception):
    """A request the queue refuses; the message says why, for the agent or the API client."""


class TicketNotFound(TicketError, LookupError):
    pass


class AgentNotFound(TicketError, LookupError):
    pass


class InvalidTransition(TicketError, ValueError):
    pass


class AlreadyAssigned(TicketError):
    pass


def reference_for(ticket_id: int) -> str:
    return f"T-{ticket_id:06d}"


def agent_actor(agent: Agent) -> str:
    return f"agent:{agent.username}"


def _policy_hours(market: Optional[str]) -> SupportHours:
    return get_policies().for_market(market).support


def _policy_sla(market: Optional[str]) -> Mapping[str, SlaTarget]:
    return get_policies().for_market(market).sla


def _plain(value: Any) -> Any:
    """JSON-safe (datetimes and the like become text), as JSON columns and events need."""
    return json.loads(json.dumps(value, default=str))


def _redacted(value: Any) -> Any:
    """Every string in a JSON structure redacted: transcripts and slots hold what shoppers typed."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redacted(item) for item in value]
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    return value


def _audit_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


class TicketService:
    def __init__(
        self,
        engine: Engine,
        clock: Callable[[], datetime] = utcnow,
        *,
        support_hours: Callable[[Optional[str]], SupportHours] = _policy_hours,
        sla_targets: Callable[[Optional[str]], Mapping[str, SlaTarget]] = _policy_sla,
        auto_assign: bool = True,
    ):
        """`support_hours(market)` and `sla_targets(market)` give a market's hours and its
        targets per priority (default: the policy file); `auto_assign` hands each new ticket
        round-robin to an agent on duty, if any."""
        self._engine = engine
        self._clock = clock
        self._support_hours = support_hours
        self._sla_targets = sla_targets
        self._auto_assign = auto_assign

    @classmethod
    def start(cls, url: str, **kwargs: Any) -> "TicketService":
        """The service on the database at `url`, migrated to the latest schema first."""
        migrate(url)
        return cls(make_engine(url), **kwargs)

    @property
    def engine(self) -> Engine:
        return self._engine

    # --- sessions ---------------------------------------------------------------------------

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the clock must return timezone-aware datetimes")
        return now.astimezone(timezone.utc)

    def _read(self) -> Session:
        return Session(self._engine, expire_on_commit=False)

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with Session(self._engine, expire_on_commit=False) as session, session.begin():
            if self._engine.dialect.name == "sqlite":
                # SQLite's write lock up front: SQLite ignores FOR UPDATE, and a read followed by
                # a write must not interleave with another writer's.
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield session

    # --- the TicketClient protocol (action server) -------------------------------------------

    async def open_ticket(self, request: HandoffRequest) -> TicketRef:
        # Database calls block; a thread keeps the action server's event loop free.
        return await asyncio.to_thread(self.open, request)

    async def rate_resolved(self, conversation_id: str, rating: int) -> Optional[str]:
        return await asyncio.to_thread(self.rate_conversation, conversation_id, rating)

    # --- opening ------------------------------------------------------------------------------

    def open(self, request: HandoffRequest) -> TicketRef:
        """Opens a ticket for the conversation, or returns its open one. A later hand-off with
        a higher priority raises the open ticket's priority (never lowers it)."""
        if not request.conversation_id:
            raise ValueError("a hand-off needs a conversation id")
        if request.priority not in PRIORITIES:
            raise ValueError(f"priority {request.priority!r} is not one of {', '.join(PRIORITIES)}")
        for attempt in range(2):
            try:
                with self._write() as session:
                    now = self._now()
                    existing = self._active(session, request.conversation_id, lock=True)
                    if existing is not None:
                        if PRIORITIES.index(request.priority) > PRIORITIES.index(existing.priority):
                            self._reprioritize(session, existing, request.priority, "bot", now)
                        return TicketRef(existing.reference, created=False, wait=self._wait(session, existing, now))
                    ticket = self._create(session, request, now)
                    ref = TicketRef(ticket.reference, created=True, wait=self._wait(session, ticket, now))
                logger.info("Ticket %s opened for %s (%s)", ref.reference, request.conversation_id, request.priority)
                return ref
            except IntegrityError:
                # Another process opened one between our read and our insert; the unique index
                # kept it to one. The second pass finds it (and applies a higher priority).
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def _create(self, session: Session, request: HandoffRequest, now: datetime) -> Ticket:
        market = request.market or request.details.get("market")
        market = str(market).upper() if market else None
        first_response_due, resolution_due = sla.due_times(
            self._target(market, request.priority), now, self._support_hours(market)
        )
        ticket = Ticket(
            conversation_id=request.conversation_id,
            channel=request.channel,
            language=request.language,
            market=market,
            order_number=request.order_number,
            reason=request.reason,
            priority=request.priority,
            status=NEW,
            details=_redacted(_plain(request.details)),
            transcript=_redacted(_plain(request.transcript)),
            created_at=now,
            updated_at=now,
            first_response_due=first_response_due,
            resolution_due=resolution_due,
            first_response_breached=False,
            resolution_breached=False,
        )
        session.add(ticket)
        session.flush()  # the id, for the reference
        ticket.reference = reference_for(ticket.id)
        session.flush()
        summary = {
            "reference": ticket.reference,
            "reason": ticket.reason,
            "priority": ticket.priority,
            "language": ticket.language,
            "market": ticket.market,
            "first_response_due": first_response_due.isoformat(),
            "resolution_due": resolution_due.isoformat(),
        }
        self._record(session, ticket, "bot", "created", None, summary, now)
        if self._auto_assign:
            self._round_robin(session, ticket, "system", now)
        return ticket

    def _wait(self, session: Session, ticket: Ticket, now: datetime) -> WaitEstimate:
        hours = self._hours(ticket)
        back_at = sla.next_opening(now, hours)
        return WaitEstimate(
            position=self._position(session, ticket),
            open_now=back_at == now,
            back_at=back_at,
            reply_by=ticket.first_response_due,
            hours=hours,
        )

    def _position(self, session: Session, ticket: Ticket) -> int:
        """The ticket's place among those waiting for a person's first reply, in the order the
        agents' queue lists them (_queue_order): a higher priority first, then the earlier
        first-response deadline (a market whose team opens sooner), then the earlier ticket."""
        if ticket.first_response_at is not None:
            return 1  # a person is already on it
        rank = PRIORITIES.index(ticket.priority)
        due = ticket.first_response_due
        ahead = session.scalar(
            select(func.count()).select_from(Ticket).where(
                Ticket.status.in_((NEW, OPEN)),
                Ticket.first_response_at.is_(None),
                Ticket.id != ticket.id,
                or_(
                    Ticket.priority.in_(PRIORITIES[rank + 1:]),
                    and_(
                        Ticket.priority == ticket.priority,
                        or_(
                            Ticket.first_response_due < due,
                            and_(Ticket.first_response_due == due, Ticket.id < ticket.id),
                        ),
                    ),
                ),
            )
        )
        return ahead + 1

    # --- reading ------------------------------------------------------------------------------

    def ticket(self, key: TicketKey) -> Ticket:
        with self._read() as session:
            return self._load(session, key)

    def active_ticket(self, conversation_id: str) -> Optional[Ticket]:
        """The conversation's open ticket (new, open or waiting on the customer), if any."""
        with self._read() as session:
            return self._active(session, conversation_id)

    def has_recent_ticket(self, conversation_id: str) -> bool:
        """Whether the conversation has an open ticket, or one resolved within REOPEN_WITHIN."""
        with self._read() as session:
            return session.scalar(
                select(func.count()).select_from(Ticket).where(
                    Ticket.conversation_id == conversation_id,
                    or_(
                        Ticket.status.in_(ACTIVE_STATUSES),
                        and_(Ticket.status == RESOLVED, Ticket.resolved_at >= self._now() - REOPEN_WITHIN),
                    ),
                )
            ) > 0

    def messages(self, key: TicketKey) -> list[TicketMessage]:
        with self._read() as session:
            ticket = self._load(session, key)
            return list(
                session.scalars(select(TicketMessage).where(TicketMessage.ticket_id == ticket.id).order_by(TicketMessage.id))
            )

    def events(self, key: TicketKey) -> list[TicketEvent]:
        with self._read() as session:
            ticket = self._load(session, key)
            return list(session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)))

    def queue(
        self,
        *,
        status: Union[str, Iterable[str], None] = None,
        priority: Union[str, Iterable[str], None] = None,
        language: Optional[str] = None,
        overdue: Optional[bool] = None,
        assignee: Optional[int] = None,
        unassigned: bool = False,
        page: int = 1,
        per_page: int = 25,
        now: Optional[datetime] = None,
    ) -> tuple[list[Ticket], int]:
        """One page of tickets, most urgent first (priority, then the next due time), and how
        many match in all. Without `status`: the tickets still open."""
        if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
            raise ValueError(f"page is 1 or more; per_page is 1 to {MAX_PER_PAGE}")
        statuses = _names(status, STATUSES, "status") or ACTIVE_STATUSES
        conditions = [Ticket.status.in_(statuses)]
        priorities = _names(priority, PRIORITIES, "priority")
        if priorities:
            conditions.append(Ticket.priority.in_(priorities))
        if language:
            conditions.append(Ticket.language == language)
        if assignee is not None:
            conditions.append(Ticket.assignee_id == assignee)
        if unassigned:
            conditions.append(Ticket.assignee_id.is_(None))
        if overdue is not None:
            late = _overdue_condition(now or self._now())
            conditions.append(late if overdue else not_(late))
        with self._read() as session:
            total = session.scalar(select(func.count()).select_from(Ticket).where(*conditions))
            items = session.scalars(
                select(Ticket).where(*conditions).order_by(*_queue_order()).offset((page - 1) * per_page).limit(per_page)
            )
            return list(items), total

    def overdue(self, now: Optional[datetime] = None) -> list[Ticket]:
        """Open tickets that have missed a timer at `now`, most urgent first."""
        with self._read() as session:
            return list(session.scalars(select(Ticket).where(_overdue_condition(now or self._now())).order_by(*_queue_order())))

    def flag_overdue(self, now: Optional[datetime] = None) -> list[Ticket]:
        """Marks each newly missed timer on its ticket (with an audit event) and returns the
        tickets flagged this time: a periodic job calls this to alert people once per breach."""
        flagged = []
        with self._write() as session:
            now = now or self._now()
            tickets = session.scalars(select(Ticket).where(_overdue_condition(now)).order_by(Ticket.id).with_for_update())
            for ticket in list(tickets):
                changes = {
                    f"{timer}_breached": True
                    for timer in ticket.overdue_timers(now)
                    if not getattr(ticket, f"{timer}_breached")
                }
                if changes:
                    self._change(session, ticket, "system", "sla_breached", now, **changes)
                    flagged.append(ticket)
        return flagged

    # --- messages -----------------------------------------------------------------------------

    def add_shopper_message(
        self,
        conversation_id: str,
        text: str,
        *,
        language: Optional[str] = None,
        translation: Optional[str] = None,
        translated_to: Optional[str] = None,
        source_id: Optional[str] = None,
    ) -> Optional[TicketMessage]:
        """Appends what the shopper wrote to the conversation's open ticket. A reply to a ticket
        waiting on the customer opens it again; one within REOPEN_WITHIN of resolution reopens
        it. None when the conversation has no such ticket. With `source_id` (Rasa's message id)
        a message delivered twice is stored once."""
        for attempt in range(2):
            try:
                with self._write() as session:
                    if source_id is not None:
                        existing = session.scalars(select(TicketMessage).where(TicketMessage.source_id == source_id)).first()
                        if existing is not None:
                            return existing
                    now = self._now()
                    ticket = self._active(session, conversation_id, lock=True)
                    if ticket is None:
                        ticket = self._recently_resolved(session, conversation_id, now)
                        if ticket is None:
                            return None
                    if ticket.status in (WAITING, RESOLVED):
                        self._set_status(session, ticket, OPEN, "shopper", now)
                    return self._message(
                        session, ticket, "shopper", text, now,
                        language=language, translation=translation, translated_to=translated_to, source_id=source_id,
                    )
            except IntegrityError:
                # The same source message stored by a concurrent call: the retry returns it.
                if attempt == 1 or source_id is None:
                    raise
        raise AssertionError("unreachable")

    def add_agent_reply(
        self,
        key: TicketKey,
        agent_id: int,
        text: str,
        *,
        language: Optional[str] = None,
        translation: Optional[str] = None,
        translated_to: Optional[str] = None,
        wait_for_customer: bool = True,
    ) -> TicketMessage:
        """An agent's reply, to be relayed to the shopper (delivered_at stays empty until the
        relay delivers it). The first reply stops the first-response timer; an unassigned
        ticket becomes the replying agent's. The ticket then waits on the customer, unless
        `wait_for_customer` is False (the agent has more to do)."""
        with self._write() as session:
            now = self._now()
            ticket = self._load(session, key, lock=True)
            if ticket.status not in ACTIVE_STATUSES:
                raise InvalidTransition(f"{ticket.reference} is {ticket.status}: reopen it to reply")
            agent = self._agent(session, agent_id)
            actor = agent_actor(agent)
            if ticket.assignee_id is None:
                self._assign(session, ticket, agent, actor, now)
            message = self._message(
                session, ticket, "agent", text, now,
                agent_id=agent.id, language=language, translation=translation, translated_to=translated_to,
            )
            if ticket.first_response_at is None:
                self._change(session, ticket, actor, "first_response", now, first_response_at=now)
            self._set_status(session, ticket, WAITING if wait_for_customer else OPEN, actor, now)
            return message

    def pending_deliveries(self, limit: int = 50) -> list[TicketMessage]:
        """Agent replies the relay has yet to deliver, oldest first."""
        with self._read() as session:
            return list(
                session.scalars(
                    select(TicketMessage)
                    .where(
                        TicketMessage.author == "agent",
                        TicketMessage.delivered_at.is_(None),
                        TicketMessage.delivery_attempts < MAX_DELIVERY_ATTEMPTS,
                    )
                    .order_by(TicketMessage.id)
                    .limit(limit)
                )
            )

    def mark_delivered(self, message_id: int) -> TicketMessage:
        with self._write() as session:
            now = self._now()
            message = self._message_by_id(session, message_id)
            if message.delivered_at is None:
                message.delivered_at = now
                message.delivery_attempts += 1
                message.last_error = None
                ticket = self._load(session, message.ticket_id)
                self._record(session, ticket, "system", "delivered", None, {"message_id": message.id}, now)
            return message

    def mark_delivery_failed(self, message_id: int, error: str) -> TicketMessage:
        with self._write() as session:
            now = self._now()
            message = self._message_by_id(session, message_id)
            message.delivery_attempts += 1
            message.last_error = error[:MAX_ERROR_CHARS]
            ticket = self._load(session, message.ticket_id)
            after = {"message_id": message.id, "attempts": message.delivery_attempts, "error": message.last_error}
            self._record(session, ticket, "system", "delivery_failed", None, after, now)
            return message

    def mark_delivery_deferred(self, message_id: int, error: str) -> TicketMessage:
        """Rasa could not be reached: the reply stays pending without using up an attempt (an
        outage must not make the relay give up), and the agent sees why. The audit trail gets
        one event per distinct error, not one per retry."""
        with self._write() as session:
            now = self._now()
            message = self._message_by_id(session, message_id)
            error = error[:MAX_ERROR_CHARS]
            if message.delivered_at is None and message.last_error != error:
                message.last_error = error
                ticket = self._load(session, message.ticket_id)
                after = {"message_id": message.id, "attempts": message.delivery_attempts, "error": error}
                self._record(session, ticket, "system", "delivery_deferred", None, after, now)
            return message

    # --- handing the conversation back (ticketing/relay.py) -----------------------------------

    def conversations_to_resume(self, since: Optional[datetime] = None, limit: int = 50) -> list[Ticket]:
        """Tickets resolved or closed (after `since`, default REOPEN_WITHIN ago) whose
        conversation the relay has not yet handed back to the assistant since, and whose agent
        replies are all delivered (or given up on): the last reply reaches the shopper before
        the assistant speaks again."""
        now = self._now()
        since = since or now - REOPEN_WITHIN
        ended_at = func.coalesce(Ticket.resolved_at, Ticket.closed_at)
        resumed = (
            select(TicketEvent.id)
            .where(TicketEvent.ticket_id == Ticket.id, TicketEvent.kind == "conversation_resumed", TicketEvent.created_at >= ended_at)
            .exists()
        )
        pending = (
            select(TicketMessage.id)
            .where(
                TicketMessage.ticket_id == Ticket.id,
                TicketMessage.author == "agent",
                TicketMessage.delivered_at.is_(None),
                TicketMessage.delivery_attempts < MAX_DELIVERY_ATTEMPTS,
            )
            .exists()
        )
        with self._read() as session:
            return list(
                session.scalars(
                    select(Ticket)
                    .where(Ticket.status.in_((RESOLVED, CLOSED)), ended_at >= since, not_(resumed), not_(pending))
                    .order_by(Ticket.id)
                    .limit(limit)
                )
            )

    def conversations_to_pause(self, limit: int = 50) -> list[Ticket]:
        """Active tickets reopened since the relay last paused their conversation: the
        conversation was handed back at resolution, and a person owns it again."""
        reopened, paused = _latest_event_id("reopened"), _latest_event_id("conversation_paused")
        with self._read() as session:
            return list(
                session.scalars(
                    select(Ticket)
                    .where(Ticket.status.in_(ACTIVE_STATUSES), reopened.is_not(None), or_(paused.is_(None), paused < reopened))
                    .order_by(Ticket.id)
                    .limit(limit)
                )
            )

    def mark_conversation_paused(self, key: TicketKey) -> Ticket:
        with self._write() as session:
            ticket = self._load(session, key, lock=True)
            self._record(session, ticket, "system", "conversation_paused", None, {"conversation_id": ticket.conversation_id}, self._now())
            return ticket

    async def owns_conversation(self, conversation_id: str) -> bool:
        return await asyncio.to_thread(lambda: self.active_ticket(conversation_id) is not None)

    def mark_conversation_resumed(self, key: TicketKey, *, rating_requested: bool) -> Ticket:
        with self._write() as session:
            ticket = self._load(session, key, lock=True)
            after = {"conversation_id": ticket.conversation_id, "rating_requested": rating_requested}
            self._record(session, ticket, "system", "conversation_resumed", None, after, self._now())
            return ticket

    def rate_conversation(self, conversation_id: str, rating: int) -> Optional[str]:
        """Rates the conversation's most recently resolved ticket that has no rating yet (the
        assistant asks for one when the relay hands the conversation back). Returns its
        reference, or None when there is no such ticket (feedback outside a hand-off)."""
        with self._read() as session:
            reference = session.scalars(
                select(Ticket.reference)
                .where(
                    Ticket.conversation_id == conversation_id,
                    Ticket.status.in_((RESOLVED, CLOSED)),
                    Ticket.resolved_at >= self._now() - REOPEN_WITHIN,
                    Ticket.rating.is_(None),
                )
                .order_by(Ticket.resolved_at.desc())
            ).first()
        if reference is None:
            return None
        self.rate(reference, rating, actor="shopper")
        return reference

    def relay_position(self, name: str) -> int:
        with self._read() as session:
            cursor = session.get(RelayCursor, name)
            return cursor.position if cursor is not None else 0

    def set_relay_position(self, name: str, position: int) -> None:
        with self._write() as session:
            cursor = session.get(RelayCursor, name)
            if cursor is None:
                session.add(RelayCursor(name=name, position=position, updated_at=self._now()))
            else:
                cursor.position = position
                cursor.updated_at = self._now()

    # --- assignment ---------------------------------------------------------------------------

    def claim(self, key: TicketKey, agent_id: int) -> Ticket:
        """The agent takes the ticket; refused when another agent has it (see `assign`)."""
        with self._write() as session:
            now = self._now()
            ticket = self._load(session, key, lock=True)
            if ticket.status not in ACTIVE_STATUSES:
                raise InvalidTransition(f"{ticket.reference} is {ticket.status}")
            agent = self._agent(session, agent_id)
            if ticket.assignee_id not in (None, agent.id):
                raise AlreadyAssigned(f"{ticket.reference} is assigned to another agent")
            if ticket.assignee_id is None:
                self._assign(session, ticket, agent, agent_actor(agent), now, kind="claimed")
            return ticket

    def assign(self, key: TicketKey, agent_id: Optional[int], *, actor: str) -> Ticket:
        """Gives the ticket to an agent (or to nobody), whoever had it: for admins."""
        with self._write() as session:
            now = self._now()
            ticket = self._load(session, key, lock=True)
            if ticket.status not in ACTIVE_STATUSES:
                raise InvalidTransition(f"{ticket.reference} is {ticket.status}")
            agent = self._agent(session, agent_id) if agent_id is not None else None
            self._assign(session, ticket, agent, actor, now)
            return ticket

    def assign_round_robin(self, key: TicketKey) -> Optional[Agent]:
        """Assigns an unassigned ticket to the on-duty agent assigned least recently, preferring
        those who speak the ticket's language. None when nobody is on duty; an assigned
        ticket keeps its agent."""
        with self._write() as session:
            now = self._now()
            ticket = self._load(session, key, lock=True)
            if ticket.status not in ACTIVE_STATUSES:
                raise InvalidTransition(f"{ticket.reference} is {ticket.status}")
            if ticket.assignee_id is not None:
                return session.get(Agent, ticket.assignee_id)
            return self._round_robin(session, ticket, "system", now)

    def assign_unassigned(self) -> int:
        """Round-robins every unassigned open ticket, most urgent first (when agents come on
        duty); returns how many got an agent."""
        count = 0
        with self._write() as session:
            now = self._now()
            tickets = session.scalars(
                select(Ticket)
                .where(Ticket.status.in_(ACTIVE_STATUSES), Ticket.assignee_id.is_(None))
                .order_by(*_queue_order())
                .with_for_update()
            )
            for ticket in list(tickets):
                if self._round_robin(session, ticket, "system", now) is None:
                    break
                count += 1
        return count

    # --- status, priority, rating -------------------------------------------------------------

    def set_status(self, key: TicketKey, status: str, *, actor: str) -> Ticket:
        if status not in STATUSES:
            raise InvalidTransition(f"status {status!r} is not one of {', '.join(STATUSES)}")
        try:
            with self._write() as session:
                ticket = self._load(session, key, lock=True)
                self._set_status(session, ticket, status, actor, self._now())
                session.flush()
                return ticket
        except IntegrityError:
            # Reopening while the conversation has another open ticket: the unique index says no.
            raise InvalidTransition(f"the conversation of {key} already has an open ticket") from None

    def resolve(self, key: TicketKey, *, actor: str) -> Ticket:
        return self.set_status(key, RESOLVED, actor=actor)

    def close(self, key: TicketKey, *, actor: str) -> Ticket:
        return self.set_status(key, CLOSED, actor=actor)

    def close_resolved(self, now: Optional[datetime] = None) -> int:
        """Closes tickets resolved longer ago than a shopper may reopen them; returns how many."""
        with self._write() as session:
            now = now or self._now()
            tickets = session.scalars(
                select(Ticket)
                .where(Ticket.status == RESOLVED, Ticket.resolved_at < now - REOPEN_WITHIN)
                .with_for_update()
            )
            count = 0
            for ticket in list(tickets):
                self._set_status(session, ticket, CLOSED, "system", now)
                count += 1
            return count

    def set_priority(self, key: TicketKey, priority: str, *, actor: str) -> Ticket:
        if priority not in PRIORITIES:
            raise ValueError(f"priority {priority!r} is not one of {', '.join(PRIORITIES)}")
        with self._write() as session:
            ticket = self._load(session, key, lock=True)
            if ticket.priority != priority:
                self._reprioritize(session, ticket, priority, actor, self._now())
            return ticket

    def rate(self, key: TicketKey, rating: int, *, actor: str = "shopper") -> Ticket:
        """The shopper's rating, 1 to 5, of a resolved (or closed) ticket."""
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise ValueError(f"a rating is a whole number from 1 to 5, not {rating!r}")
        with self._write() as session:
            ticket = self._load(session, key, lock=True)
            if ticket.status not in (RESOLVED, CLOSED):
                raise InvalidTransition(f"{ticket.reference} is {ticket.status}: only a resolved ticket is rated")
            self._change(session, ticket, actor, "rated", self._now(), rating=rating)
            return ticket

    # --- internals ----------------------------------------------------------------------------

    def _load(self, session: Session, key: TicketKey, lock: bool = False) -> Ticket:
        condition = Ticket.id == key if isinstance(key, int) else Ticket.reference == str(key).strip().upper()
        statement = select(Ticket).where(condition)
        if lock:
            statement = statement.with_for_update()
        ticket = session.scalars(statement).first()
        if ticket is None:
            raise TicketNotFound(f"no ticket {key}")
        return ticket

    def _active(self, session: Session, conversation_id: str, lock: bool = False) -> Optional[Ticket]:
        statement = select(Ticket).where(Ticket.conversation_id == conversation_id, Ticket.status.in_(ACTIVE_STATUSES))
        if lock:
            statement = statement.with_for_update()
        return session.scalars(statement).first()

    def _recently_resolved(self, session: Session, conversation_id: str, now: datetime) -> Optional[Ticket]:
        return session.scalars(
            select(Ticket)
            .where(
                Ticket.conversation_id == conversation_id,
                Ticket.status == RESOLVED,
                Ticket.resolved_at >= now - REOPEN_WITHIN,
            )
            .order_by(Ticket.resolved_at.desc())
            .with_for_update()
        ).first()

    def _agent(self, session: Session, agent_id: int) -> Agent:
        agent = session.get(Agent, agent_id)
        if agent is None:
            raise AgentNotFound(f"no agent with id {agent_id}")
        return agent

    def _message_by_id(self, session: Session, message_id: int) -> TicketMessage:
        message = session.get(TicketMessage, message_id, with_for_update=True)
        if message is None:
            raise TicketNotFound(f"no message {message_id}")
        return message

    def _hours(self, ticket: Ticket) -> SupportHours:
        return self._support_hours(ticket.market)

    def _target(self, market: Optional[str], priority: str) -> SlaTarget:
        return self._sla_targets(market)[priority]

    def _record(
        self, session: Session, ticket: Ticket, actor: str, kind: str,
        before: Optional[dict], after: Optional[dict], now: datetime,
    ) -> None:
        session.add(
            TicketEvent(
                ticket_id=ticket.id, actor=actor, kind=kind,
                before=_plain(before) if before is not None else None,
                after=_plain(after) if after is not None else None,
                created_at=now,
            )
        )

    def _change(self, session: Session, ticket: Ticket, actor: str, kind: str, now: datetime, **values: Any) -> None:
        """Sets fields on the ticket and records what they were and became."""
        before = {name: _audit_value(getattr(ticket, name)) for name in values}
        for name, value in values.items():
            setattr(ticket, name, value)
        ticket.updated_at = now
        self._record(session, ticket, actor, kind, before, {name: _audit_value(v) for name, v in values.items()}, now)

    def _message(
        self, session: Session, ticket: Ticket, author: str, text: str, now: datetime, *,
        agent_id: Optional[int] = None, language: Optional[str] = None, translation: Optional[str] = None,
        translated_to: Optional[str] = None, source_id: Optional[str] = None,
    ) -> TicketMessage:
        text = (text or "").strip()
        if not text:
            raise ValueError("a message needs text")
        message = TicketMessage(
            ticket_id=ticket.id,
            author=author,
            agent_id=agent_id,
            source_id=source_id,
            text=redact(text),
            language=language,
            translation=redact(translation) if translation else None,
            translated_to=translated_to if translation else None,
            created_at=now,
            delivery_attempts=0,
        )
        session.add(message)
        session.flush()
        ticket.updated_at = now
        actor = agent_actor(session.get(Agent, agent_id)) if agent_id is not None else author
        self._record(session, ticket, actor, "message_added", None, {"message_id": message.id, "author": author}, now)
        return message

    def _assign(
        self, session: Session, ticket: Ticket, agent: Optional[Agent], actor: str, now: datetime, kind: str = "assigned"
    ) -> None:
        if ticket.assignee_id == (agent.id if agent else None):
            return
        self._change(session, ticket, actor, kind, now, assignee_id=agent.id if agent else None)
        if agent is not None:
            agent.last_assigned_at = now

    def _round_robin(self, session: Session, ticket: Ticket, actor: str, now: datetime) -> Optional[Agent]:
        # Locking the on-duty agents serializes concurrent round-robins on PostgreSQL, so two
        # tickets opened at once do not both go to the same "least recent" agent.
        agents = list(
            session.scalars(select(Agent).where(Agent.on_duty.is_(True)).order_by(Agent.id).with_for_update())
        )
        if not agents:
            return None
        speakers = [a for a in agents if ticket.language and ticket.language in (a.languages or [])]
        never = datetime.min.replace(tzinfo=timezone.utc)
        agent = min(speakers or agents, key=lambda a: (a.last_assigned_at or never, a.id))
        self._assign(session, ticket, agent, actor, now)
        return agent

    def _set_status(self, session: Session, ticket: Ticket, status: str, actor: str, now: datetime) -> None:
        old = ticket.status
        if status == old:
            return
        if status not in TRANSITIONS[old]:
            raise InvalidTransition(f"{ticket.reference}: {old} -> {status} is not allowed")
        hours = self._hours(ticket)
        changes: dict[str, Any] = {"status": status}
        kind = "status_changed"
        if old == WAITING and ticket.waiting_since is not None:
            # The resolution timer stood still while the shopper had the ball: what was left of
            # it when the wait began is what is left now.
            left = sla.business_minutes_between(ticket.waiting_since, ticket.resolution_due, hours)
            if left > 0:
                changes["resolution_due"] = sla.add_business_minutes(now, left, hours)
            changes["waiting_since"] = None
        if status == WAITING:
            changes["waiting_since"] = now
        if status == RESOLVED:
            changes["resolved_at"] = now
        if status == CLOSED:
            changes["closed_at"] = now
        if old == RESOLVED and status == OPEN:
            # Reopened: the problem is back, with a fresh resolution target from now.
            kind = "reopened"
            changes.update(
                resolved_at=None,
                resolution_due=sla.resolution_due(self._target(ticket.market, ticket.priority), now, hours),
                resolution_breached=False,
            )
        self._change(session, ticket, actor, kind, now, **changes)

    def _reprioritize(self, session: Session, ticket: Ticket, priority: str, actor: str, now: datetime) -> None:
        # The targets of the new priority, counted from when the ticket was opened (time spent
        # waiting on the customer is not credited back here).
        target = self._target(ticket.market, priority)
        first_response_due, resolution_due = sla.due_times(target, ticket.created_at, self._hours(ticket))
        changes: dict[str, Any] = {"priority": priority, "first_response_due": first_response_due}
        if ticket.resolved_at is None:
            changes["resolution_due"] = resolution_due
        self._change(session, ticket, actor, "priority_changed", now, **changes)


def _names(value: Union[str, Iterable[str], None], allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    names = (value,) if isinstance(value, str) else tuple(value)
    unknown = set(names) - set(allowed)
    if unknown:
        raise ValueError(f"unknown {what} {sorted(unknown)}: one of {', '.join(allowed)}")
    return names


def _overdue_condition(now: datetime):
    """SQL for Ticket.overdue_timers(now) being non-empty (the two must agree)."""
    return and_(
        Ticket.status.in_(ACTIVE_STATUSES),
        or_(
            and_(Ticket.first_response_at.is_(None), Ticket.first_response_due < now),
            and_(Ticket.status != WAITING, Ticket.resolution_due < now),
        ),
    )


def _latest_event_id(kind: str):
    """SQL for the id of a ticket's newest audit event of `kind` (NULL when it has none)."""
    return (
        select(func.max(TicketEvent.id))
        .where(TicketEvent.ticket_id == Ticket.id, TicketEvent.kind == kind)
        .scalar_subquery()
    )


def _queue_order():
    rank = case({priority: rank for rank, priority in enumerate(reversed(PRIORITIES))}, value=Ticket.priority)
    next_due = case((Ticket.first_response_at.is_(None), Ticket.first_response_due), else_=Ticket.resolution_due)
    return rank, next_due, Ticket.id
