"""The relay's rules, against an event-broker table of our own and a stand-in for Rasa's HTTP API
(tests/e2e/test_handoff_relay.py drives the real ones)."""
from __future__ import annotations

import json

import pytest
from aiohttp import web
from sqlalchemy import create_engine, text

from tests.ticketing.conftest import handoff
from ticketing.relay import CURSOR, RasaUnreachable, Relay


class Broker:
    """Rasa's SQL event broker table: id, sender_id, data (the event as JSON)."""

    def __init__(self, path):
        self.path = str(path)
        self.engine = create_engine(f"sqlite:///{path}", future=True)
        with self.engine.begin() as connection:
            connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), data TEXT)"))

    def publish(self, sender, event):
        with self.engine.begin() as connection:
            connection.execute(text("INSERT INTO events (sender_id, data) VALUES (:s, :d)"), {"s": sender, "d": json.dumps(event)})

    def user(self, sender, text_, when, message_id):
        self.publish(sender, {"event": "user", "text": text_, "timestamp": when.timestamp(), "message_id": message_id,
                              "parse_data": {"language": {"code": "en"}}})


@pytest.fixture
def broker(tmp_path):
    broker = Broker(tmp_path / "events.db")
    yield broker
    broker.engine.dispose()


class FakeRasa:
    def __init__(self):
        self.calls: list[tuple[str, dict, object]] = []
        self.status = 200

    async def handle(self, request: web.Request) -> web.Response:
        self.calls.append((request.path, dict(request.query), await request.json()))
        return web.json_response({}, status=self.status)


@pytest.fixture
async def rasa(aiohttp_server):
    fake = FakeRasa()
    app = web.Application()
    app.router.add_post("/conversations/{id}/tracker/events", fake.handle)
    app.router.add_post("/conversations/{id}/trigger_intent", fake.handle)
    server = await aiohttp_server(app)
    fake.url = str(server.make_url(""))
    return fake


def test_only_what_the_shopper_writes_after_the_hand_off_reaches_the_ticket(service, clock, broker):
    relay = Relay(service, "http://127.0.0.1:9", "token", broker.path)
    broker.user("c1", "I want a person", clock(), "m1")  # before the hand-off: in the transcript
    ref = service.open(handoff("c1"))
    broker.publish("c1", {"event": "pause"})
    broker.user("c1", "are you there?", clock.advance(minutes=1), "m2")
    broker.user("other", "hello bot", clock(), "m3")  # no ticket: the assistant's alone
    broker.publish("c1", {"event": "user", "text": "", "timestamp": clock().timestamp()})  # a triggered intent

    assert relay.relay_inbound() == 1
    assert [(m.author, m.text, m.language, m.source_id) for m in service.messages(ref.reference)] == [
        ("shopper", "are you there?", "en", "m2")
    ]
    assert service.relay_position(CURSOR) == 5
    # A second round reads from the saved position: nothing twice, even from a fresh relay.
    assert Relay(service, "http://127.0.0.1:9", "token", broker.path).relay_inbound() == 0

    # Handed back: the next message is the assistant's (a rating, say), not the agent's.
    service.resolve(ref.reference, actor="system")
    broker.publish("c1", {"event": "resume"})
    broker.user("c1", "5 pause", clock.advance(minutes=1), "m4")
    assert relay.relay_inbound() == 0
    assert service.ticket(ref.reference).status == "resolved"


def test_a_message_sent_while_paused_reaches_the_ticket_even_if_read_after_resolution(service, clock, broker):
    ref = service.open(handoff("c2"))
    broker.publish("c2", {"event": "pause"})
    broker.user("c2", "one more thing", clock.advance(minutes=1), "m1")
    service.resolve(ref.reference, actor="system")
    assert Relay(service, "http://127.0.0.1:9", "token", broker.path).relay_inbound() == 1
    # The agent has not seen it: the ticket is open again, and the conversation stays paused.
    assert service.ticket(ref.reference).status == "open"
    assert service.conversations_to_resume() == []


async def test_replies_are_delivered_then_the_resolved_conversation_is_handed_back(service, agents, broker, rasa):
    agent = agents.create("ana", "a-long-password")
    ref = service.open(handoff("c3"))
    service.add_agent_reply(ref.reference, agent.id, "Hello, I'm Ana")
    service.resolve(ref.reference, actor="agent:ana")
    relay = Relay(service, rasa.url, "secret", broker.path)
    try:
        await relay.run_once()
        await relay.run_once()  # nothing more: each step happens once
    finally:
        await relay.close()
    paths = [path for path, _, _ in rasa.calls]
    assert paths == ["/conversations/c3/tracker/events", "/conversations/c3/tracker/events", "/conversations/c3/trigger_intent"]
    (_, delivery, [bot]), (_, _, resume), (_, trigger, intent) = rasa.calls
    assert delivery["output_channel"] == "latest" and delivery["execute_side_effects"] == "true" and delivery["token"] == "secret"
    assert bot["event"] == "bot" and bot["text"] == "Hello, I'm Ana"
    assert [e["event"] for e in resume] == ["resume", "action"]
    assert trigger["output_channel"] == "latest" and intent == {"name": "feedback"}
    assert service.messages(ref.reference)[0].delivered_at is not None
    assert "conversation_resumed" in [e.kind for e in service.events(ref.reference)]


async def test_a_rasa_that_is_down_costs_no_attempt_and_a_refusal_does(service, agents, broker, rasa):
    agent = agents.create("ana", "a-long-password")
    ref = service.open(handoff("c4"))
    reply = service.add_agent_reply(ref.reference, agent.id, "Hello")
    relay = Relay(service, rasa.url, "secret", broker.path)
    try:
        rasa.status = 503
        for _ in range(3):
            with pytest.raises(RasaUnreachable):
                await relay.deliver_pending()
        kept = service.messages(ref.reference)[0]
        assert kept.delivery_attempts == 0 and kept.delivered_at is None and "503" in kept.last_error
        # One audit event for the outage, not one per retry.
        assert [e.kind for e in service.events(ref.reference)].count("delivery_deferred") == 1

        rasa.status = 400
        assert await relay.deliver_pending() == 0
        assert service.messages(ref.reference)[0].delivery_attempts == 1

        rasa.status = 200
        assert await relay.deliver_pending() == 1
        assert service.pending_deliveries() == [] and service.messages(ref.reference)[0].id == reply.id
    finally:
        await relay.close()


def test_the_rating_goes_on_the_latest_resolved_unrated_ticket(service):
    assert service.rate_conversation("c5", 4) is None  # feedback without a hand-off
    ref = service.open(handoff("c5"))
    assert service.rate_conversation("c5", 4) is None  # still open
    service.resolve(ref.reference, actor="system")
    assert service.rate_conversation("c5", 4) == ref.reference
    assert service.ticket(ref.reference).rating == 4
    assert service.rate_conversation("c5", 2) is None  # rated once
