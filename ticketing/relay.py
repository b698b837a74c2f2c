"""The relay between Rasa and the ticket queue (ARCHITECTURE.md, "Handoff protocol"), run as
background tasks of the ticketing process (`python -m ticketing`).

Each round, in this order:

1. **Inbound** — new `user` events from Rasa's SQL event broker (the `events` table Rasa writes
   for every event of every conversation) are read by id, after the position remembered in
   the `relay_cursors` table. A shopper message belongs to the human side when the
   conversation was paused at that moment (the latest pause/resume/restart/session start
   before it in the broker is a pause), or when its conversation has an active ticket opened
   before the message was sent (a session that expired and restarted unpaused while the ticket
   is still worked). Those are appended with `add_shopper_message(source_id=...)`: Rasa's
   message id, so a round that is repeated after a crash stores nothing twice. The position is
   saved after each batch.
2. **Outbound** — agent replies not yet delivered are appended to the conversation as a `bot`
   event through Rasa's HTTP API (`POST /conversations/{id}/tracker/events` with
   `output_channel=latest&execute_side_effects=true`), which sends them on the shopper's latest
   channel (socket.io pushes them; the REST channel has no push, so there they are only in the
   transcript) and stores them in the tracker. Rasa unreachable (connection refused, timeout,
   502/503/504): the reply stays pending without using up an attempt and is retried with a
   growing pause; any other refusal counts as a failed attempt (the service gives up after
   MAX_DELIVERY_ATTEMPTS, and the agent sees `last_error`).
3. **Hand-back** — a resolved (or closed) ticket whose replies are all delivered resumes its
   conversation (a `resume` event) and, if resolved and unrated, triggers the `feedback` intent
   on the shopper's latest channel: the assistant's own feedback form asks for the 1-5 rating
   in the shopper's language, and `action_save_feedback` puts it on the ticket
   (`TicketService.rate_conversation`). The NLU, the buttons and the validation of ratings stay
   in one place, the assistant; the relay only starts the flow. A `conversation_resumed` audit
   event marks the hand-back as done, so it happens once per resolution.
4. **Taking it back** — a ticket an agent reopens after the hand-back pauses its conversation
   again (a `pause` event; a `conversation_paused` audit event marks it done), so the assistant
   is silent and the shopper's messages reach the ticket once more.

A conversation whose Rasa session expires while its ticket is open stays paused:
`action_session_start` (actions/session.py) pauses the new session.

Delivery is at least once: a crash between Rasa accepting a reply and the relay marking it
delivered sends that reply again after the restart. Only the SQL event broker is read here;
with Kafka or RabbitMQ in production a consumer of that broker replaces `_read_events`.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Optional
from urllib.parse import quote

import aiohttp
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from ticketing.models import RESOLVED, Ticket, TicketMessage
from ticketing.service import TicketError, TicketService

logger = logging.getLogger(__name__)

CURSOR = "rasa_event_broker"
BATCH = 200
# Events that end or start a paused stretch of a conversation (Rasa resets the pause on a
# restart and on a new session).
PAUSE_MARKERS = {"pause": True, "resume": False, "restart": False, "session_started": False}
UNREACHABLE_STATUSES = {502, 503, 504}
MAX_BACKOFF_SECONDS = 30.0


class RasaUnreachable(Exception):
    """Rasa did not answer (down, restarting, network): try again later, nothing is lost."""


class RasaRefused(Exception):
    """Rasa answered with an error: counts as a failed attempt."""


@dataclass
class _Backoff:
    delay: float = 0.0
    until: float = 0.0

    def ready(self) -> bool:
        return time.monotonic() >= self.until

    def failed(self, base: float) -> None:
        self.delay = min(max(self.delay * 2, base), MAX_BACKOFF_SECONDS)
        self.until = time.monotonic() + self.delay

    def succeeded(self) -> None:
        self.delay, self.until = 0.0, 0.0


@dataclass
class Relay:
    service: TicketService
    rasa_url: str
    rasa_token: str
    event_broker_db: str  # the SQLite file of Rasa's SQL event broker, or an SQLAlchemy URL
    interval: float = 1.0
    request_timeout: float = 10.0
    _broker: Optional[Engine] = field(default=None, init=False, repr=False)
    _backoff: _Backoff = field(default_factory=_Backoff, init=False, repr=False)
    _http: Optional[aiohttp.ClientSession] = field(default=None, init=False, repr=False)

    # --- running ------------------------------------------------------------------------------

    async def run_forever(self) -> None:
        logger.info("relay: Rasa at %s, event broker %s", self.rasa_url, self.event_broker_db)
        try:
            while True:
                try:
                    await self.run_once()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    # A database hiccup: log it and try again next round; never stop relaying.
                    logger.exception("relay: round failed")
                await asyncio.sleep(self.interval)
        finally:
            await self.close()

    async def run_once(self) -> None:
        await asyncio.to_thread(self.relay_inbound)
        if self._backoff.ready():
            try:
                await self.deliver_pending()
                await self.hand_back_resolved()
                await self.take_back_reopened()
                self._backoff.succeeded()
            except RasaUnreachable as error:
                self._backoff.failed(self.interval)
                logger.warning("relay: Rasa unreachable (%s); retrying in %.0fs", error, self._backoff.delay)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._broker is not None:
            self._broker.dispose()
            self._broker = None

    # --- 1. inbound: the shopper's messages to the ticket -------------------------------------

    def _broker_engine(self) -> Engine:
        if self._broker is None:
            url = self.event_broker_db if "://" in self.event_broker_db else f"sqlite:///{self.event_broker_db}"
            self._broker = create_engine(url, future=True)
        return self._broker

    def _read_events(self, after: int) -> list[tuple[int, str, dict[str, Any]]]:
        try:
            with self._broker_engine().connect() as connection:
                rows = connection.execute(
                    text("SELECT id, sender_id, data FROM events WHERE id > :after ORDER BY id LIMIT :n"),
                    {"after": after, "n": BATCH},
                ).all()
        except Exception as error:
            # Rasa makes the table when it starts: until then there is nothing to read.
            if "no such table" in str(error):
                return []
            raise
        events = []
        for row_id, sender_id, data in rows:
            try:
                events.append((row_id, sender_id, json.loads(data)))
            except (TypeError, ValueError):
                logger.warning("relay: event %s is not JSON; skipped", row_id)
                events.append((row_id, sender_id, {}))
        return events

    def _paused_at(self, sender_id: str, event_id: int) -> bool:
        """Whether the conversation was paused when event `event_id` happened: the latest
        pause-related event before it says so."""
        with self._broker_engine().connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT data FROM events WHERE sender_id = :sender AND id < :id AND ("
                    + " OR ".join(f"data LIKE '%{name}%'" for name in PAUSE_MARKERS)
                    + ") ORDER BY id DESC"
                ),
                {"sender": sender_id, "id": event_id},
            )
            for (data,) in rows:
                try:
                    kind = json.loads(data).get("event")
                except (TypeError, ValueError):
                    continue
                if kind in PAUSE_MARKERS:  # a user text that merely mentions "pause" is not one
                    return PAUSE_MARKERS[kind]
        return False

    def relay_inbound(self) -> int:
        """Appends the new shopper messages of handed-off conversations to their tickets;
        returns how many were appended."""
        position = self.service.relay_position(CURSOR)
        appended = 0
        while True:
            events = self._read_events(position)
            if not events:
                return appended
            for event_id, sender_id, data in events:
                if data.get("event") == "user" and self._append(event_id, sender_id, data):
                    appended += 1
                position = event_id
            self.service.set_relay_position(CURSOR, position)

    def _append(self, event_id: int, sender_id: str, data: dict[str, Any]) -> bool:
        text_ = (data.get("text") or "").strip()
        if not sender_id or not text_:
            return False  # an intent triggered by the relay itself, a button without text
        if not self._belongs_to_agent(event_id, sender_id, data):
            return False
        parse = data.get("parse_data") or {}
        language = parse.get("language") if isinstance(parse.get("language"), dict) else {}
        try:
            message = self.service.add_shopper_message(
                sender_id,
                text_,
                language=(language or {}).get("code"),
                source_id=data.get("message_id") or f"rasa-event:{event_id}",
            )
        except (TicketError, ValueError) as error:
            logger.warning("relay: message %s of %s not appended: %s", event_id, sender_id, error)
            return False
        return message is not None

    def _belongs_to_agent(self, event_id: int, sender_id: str, data: dict[str, Any]) -> bool:
        if not self.service.has_recent_ticket(sender_id):
            return False  # most conversations: one cheap query, no look through the broker
        if self._paused_at(sender_id, event_id):
            return True
        ticket = self.service.active_ticket(sender_id)
        if ticket is None:
            return False
        # Messages before the hand-off are in the ticket's transcript already.
        sent = data.get("timestamp")
        return isinstance(sent, (int, float)) and datetime.fromtimestamp(sent, timezone.utc) > ticket.created_at

    # --- 2. outbound: agent replies to the shopper -------------------------------------------

    async def deliver_pending(self) -> int:
        delivered = 0
        for message in await asyncio.to_thread(self.service.pending_deliveries):
            ticket = await asyncio.to_thread(self.service.ticket, message.ticket_id)
            try:
                await self._post_events(ticket.conversation_id, [self._bot_event(message, ticket)], side_effects=True)
            except RasaUnreachable as error:
                await asyncio.to_thread(self.service.mark_delivery_deferred, message.id, f"Rasa unreachable: {error}")
                raise  # the rest would fail the same way: wait, then start again from the oldest
            except RasaRefused as error:
                await asyncio.to_thread(self.service.mark_delivery_failed, message.id, str(error))
                logger.warning("relay: reply %s to %s refused: %s", message.id, ticket.reference, error)
                continue
            await asyncio.to_thread(self.service.mark_delivered, message.id)
            delivered += 1
            logger.info("relay: reply %s of %s delivered", message.id, ticket.reference)
        return delivered

    @staticmethod
    def _bot_event(message: TicketMessage, ticket: Ticket) -> dict[str, Any]:
        # The translation into the shopper's language when there is one (the translation issue
        # fills it in); otherwise what the agent wrote.
        in_shoppers_language = message.translation and message.translated_to and message.translated_to == ticket.language
        return {
            "event": "bot",
            "text": message.translation if in_shoppers_language else message.text,
            "timestamp": time.time(),
            "metadata": {"ticket": ticket.reference, "ticket_message_id": message.id, "author": "agent"},
        }

    # --- 3. hand-back: resume and ask for the rating ------------------------------------------

    async def hand_back_resolved(self) -> int:
        count = 0
        for ticket in await asyncio.to_thread(self.service.conversations_to_resume):
            # The action_listen ends the human's turn as Rasa ends its own: the rules and
            # policies then read the next message (or the triggered intent) as a fresh turn.
            now = time.time()
            await self._post_events(
                ticket.conversation_id,
                [{"event": "resume", "timestamp": now}, {"event": "action", "name": "action_listen", "timestamp": now}],
            )
            ask = ticket.status == RESOLVED and ticket.rating is None
            if ask:
                await self._request(
                    f"/conversations/{quote(ticket.conversation_id, safe='')}/trigger_intent",
                    {"name": "feedback"},
                    {"output_channel": "latest"},
                )
            await asyncio.to_thread(self.service.mark_conversation_resumed, ticket.id, rating_requested=ask)
            logger.info("relay: %s handed back to the assistant (rating asked: %s)", ticket.reference, ask)
            count += 1
        return count

    # --- 4. taking it back: a reopened ticket pauses the conversation again ---------------------

    async def take_back_reopened(self) -> int:
        count = 0
        for ticket in await asyncio.to_thread(self.service.conversations_to_pause):
            await self._post_events(ticket.conversation_id, [{"event": "pause", "timestamp": time.time()}])
            await asyncio.to_thread(self.service.mark_conversation_paused, ticket.id)
            logger.info("relay: %s reopened; its conversation is paused again", ticket.reference)
            count += 1
        return count

    # --- Rasa's HTTP API ------------------------------------------------------------------------

    async def _post_events(self, conversation_id: str, events: list[dict[str, Any]], side_effects: bool = False) -> None:
        params = {"output_channel": "latest", "include_events": "NONE"}
        if side_effects:
            params["execute_side_effects"] = "true"
        await self._request(f"/conversations/{quote(conversation_id, safe='')}/tracker/events", events, params)

    async def _request(self, path: str, body: Any, params: dict[str, str]) -> None:
        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.request_timeout))
        url = self.rasa_url.rstrip("/") + path
        try:
            async with self._http.post(url, json=body, params={**params, "token": self.rasa_token}) as response:
                if response.status < 300:
                    return
                detail = (await response.text())[:500]
        except (aiohttp.ClientConnectionError, asyncio.TimeoutError) as error:
            raise RasaUnreachable(str(error) or type(error).__name__) from None
        if response.status in UNREACHABLE_STATUSES:
            raise RasaUnreachable(f"HTTP {response.status}")
        raise RasaRefused(f"HTTP {response.status}: {detail}")
