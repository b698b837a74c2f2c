"""The hand-off relay over the running stack: a shopper on the web chat's socket.io channel asks
for a person and is told their place in the queue, the ticket appears through the API, an agent
replies, the shopper receives it, the shopper answers, the agent sees it, the agent resolves,
the shopper is asked for a rating and gives it, the rating is on the ticket, and reopening the
ticket gives the conversation back to the agent. A shopper on the callback channel (a push
channel, as a shop's messaging-app bridge uses) gets the agent's reply pushed as well.

The relay (ticketing/relay.py) runs inside the stack's ticketing process: nothing here calls
it. Another test drives a Relay of its own, first against a Rasa that is not there, then the
running one: the reply waits, nothing is used up, and it arrives.

Every test runs twice (`handoff_stack`): ticket queue on SQLite, and on PostgreSQL."""
from __future__ import annotations

import asyncio
import re
import sqlite3
import time
import uuid

from urllib.parse import urlparse

import aiohttp
import pytest
import requests
import socketio
from aiohttp import web

from tests.conftest import free_port
from tests.postgres import create_database
from ticketing.agents import AgentDirectory
from ticketing.client import HandoffRequest
from ticketing.db import make_engine
from ticketing.relay import Relay, RasaUnreachable
from ticketing.service import TicketService

PASSWORD = "a-long-test-password"
WAIT = 30  # seconds for the relay to do its part (it polls every second)


@pytest.fixture(scope="module")
def agent(handoff_stack):
    settings = handoff_stack.settings
    created = AgentDirectory(make_engine(settings.ticketing_db_url)).create(
        "marta", PASSWORD, role="admin", languages=["en"]
    )
    response = requests.post(f"{settings.ticketing_url}/api/login", json={"username": "marta", "password": PASSWORD}, timeout=10)
    assert response.status_code == 200, response.text
    return created, response.json()["token"]


def api(settings, token, method, path, **kwargs):
    response = requests.request(
        method, f"{settings.ticketing_url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10, **kwargs
    )
    assert response.status_code < 300, response.text
    return response.json()


class WebChatShopper:
    """A shopper in the web chat: a socket.io client, as web/chat.js is (see test_socketio_channel)."""

    def __init__(self, settings):
        self.settings = settings
        self.session_id = uuid.uuid4().hex
        self.client = socketio.AsyncClient()
        self.received: asyncio.Queue = asyncio.Queue()

    async def connect(self):
        confirmed = asyncio.Event()

        @self.client.on("session_confirm")
        async def on_confirm(data):
            confirmed.set()

        @self.client.on("bot_uttered")
        async def on_reply(data):
            await self.received.put(data)

        await self.client.connect(
            f"http://127.0.0.1:{self.settings.rasa_port}", transports=["websocket"], socketio_path="/socket.io"
        )
        await self.client.emit("session_request", {"session_id": self.session_id})
        await asyncio.wait_for(confirmed.wait(), 10)

    async def say(self, text):
        await self.client.emit("user_uttered", {"message": text, "session_id": self.session_id, "metadata": {"locale": "en-GB"}})

    async def next_texts(self, timeout=60.0, quiet=1.5) -> list[str]:
        """The next burst of messages pushed to the shopper."""
        batch = [await asyncio.wait_for(self.received.get(), timeout)]
        while True:
            try:
                batch.append(await asyncio.wait_for(self.received.get(), quiet))
            except asyncio.TimeoutError:
                return [m.get("text") or "" for m in batch]

    async def silence(self, seconds) -> list[str]:
        """What arrived in `seconds` (nothing, while a person owns the conversation)."""
        got = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                got.append((await asyncio.wait_for(self.received.get(), left)).get("text"))
            except asyncio.TimeoutError:
                break
        return got

    async def close(self):
        await self.client.disconnect()


async def until(check, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while True:
        value = await asyncio.to_thread(check)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s: {check.__doc__ or check}")
        await asyncio.sleep(0.5)


async def test_a_handed_off_conversation_goes_to_the_agent_and_back(handoff_stack, agent):
    settings = handoff_stack.settings
    _, token = agent
    shopper = WebChatShopper(settings)
    await shopper.connect()
    try:
        # The shopper asks for a person: the assistant says so, with the ticket's reference.
        await shopper.say("I want to talk to a person")
        handed = " ".join(await shopper.next_texts())
        reference = re.search(r"T-\d{6}", handed).group(0)
        # With an honest wait: the place in the queue, and the hours of the team of the market
        # the browser's locale names (en-GB: the United Kingdom's; no order is verified).
        assert re.search(r"place in the queue(:| is) \d+", handed)
        assert "Mon–Fri, 09:00–17:00 (United Kingdom Time)" in handed

        # The ticket is in the queue, through the API, for this conversation.
        ticket = api(settings, token, "GET", f"/api/tickets/{reference}")
        assert ticket["conversation_id"] == shopper.session_id
        assert ticket["status"] in ("new", "open")

        # The agent (an admin: whoever round-robin gave the ticket to) replies; the relay pushes it to the shopper's web chat.
        api(settings, token, "POST", f"/api/tickets/{reference}/reply", json={"text": "Hello, this is Marta. How can I help?"})
        assert await shopper.next_texts(timeout=WAIT) == ["Hello, this is Marta. How can I help?"]

        def delivered():
            """the reply is marked delivered"""
            messages = api(settings, token, "GET", f"/api/tickets/{reference}")["messages"]["items"]
            return [m for m in messages if m["author"] == "agent" and m["delivered_at"]]

        await until(delivered)

        # The shopper answers: the assistant stays silent, and the agent sees the message.
        await shopper.say("The parcel arrived with a broken lid")
        assert await shopper.silence(4) == []

        def shopper_message():
            """the shopper's answer is on the ticket"""
            detail = api(settings, token, "GET", f"/api/tickets/{reference}")
            said = [m["text"] for m in detail["messages"]["items"] if m["author"] == "shopper"]
            return detail if said == ["The parcel arrived with a broken lid"] else None

        detail = await until(shopper_message)
        assert detail["status"] == "open"  # the shopper's reply took it off "waiting on customer"

        # The agent resolves; the assistant takes over and asks for a rating.
        api(settings, token, "POST", f"/api/tickets/{reference}/resolve")
        asked = " ".join(await shopper.next_texts(timeout=WAIT))
        assert "1 to 5" in asked

        await shopper.say("5")
        assert "comment" in " ".join(await shopper.next_texts())
        await shopper.say("/deny")
        assert "Thank you for your feedback" in " ".join(await shopper.next_texts())

        def rated():
            """the rating is on the ticket"""
            return api(settings, token, "GET", f"/api/tickets/{reference}")["rating"] == 5

        await until(rated, timeout=10)
        kinds = [e["kind"] for e in api(settings, token, "GET", f"/api/tickets/{reference}")["events"]["items"]]
        assert "conversation_resumed" in kinds and "rated" in kinds
        # Resolved and rated: the shopper's rating did not reopen it.
        assert api(settings, token, "GET", f"/api/tickets/{reference}")["status"] == "resolved"

        # The agent reopens it: a person owns the conversation again, the assistant is silent,
        # and what the shopper writes goes to the ticket.
        api(settings, token, "POST", f"/api/tickets/{reference}/status", json={"status": "open"})

        def paused_again():
            """the relay paused the conversation again"""
            events = api(settings, token, "GET", f"/api/tickets/{reference}")["events"]["items"]
            return "conversation_paused" in [e["kind"] for e in events]

        await until(paused_again)
        await shopper.say("Thanks! One more thing: is the lid sold separately?")
        assert await shopper.silence(4) == []

        def second_message():
            """the shopper's new message is on the reopened ticket"""
            detail = api(settings, token, "GET", f"/api/tickets/{reference}")
            return "Thanks! One more thing: is the lid sold separately?" in [m["text"] for m in detail["messages"]["items"]]

        await until(second_message)
    finally:
        await shopper.close()


async def test_an_agent_reply_is_pushed_to_a_shopper_on_the_callback_channel(handoff_stack, agent):
    """Any push channel gets agent replies as it gets the assistant's: here Rasa's callback
    channel, as a shop's bridge to a messaging app uses it (a local receiver stands for the bridge)."""
    settings = handoff_stack.settings
    _, token = agent
    bearer = {"Authorization": f"Bearer {settings.callback_token}"}
    pushed: asyncio.Queue = asyncio.Queue()

    async def receive(request):
        if request.headers.get("Authorization") != bearer["Authorization"]:
            return web.Response(status=401)
        await pushed.put(await request.json())
        return web.Response(text="ok")

    receiver = web.Application()
    receiver.router.add_post(urlparse(settings.callback_url).path, receive)
    runner = web.AppRunner(receiver)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", urlparse(settings.callback_url).port).start()

    async def next_texts(timeout=WAIT):
        texts = [(await asyncio.wait_for(pushed.get(), timeout)).get("text")]
        while not pushed.empty():
            texts.append((await pushed.get()).get("text"))
        return texts

    sender = f"bridge-{uuid.uuid4().hex[:10]}"
    webhook = f"{settings.rasa_url}/webhooks/callback/webhook"
    try:
        async with aiohttp.ClientSession() as http:
            message = {"sender": sender, "message": "I want to talk to a person"}
            async with http.post(webhook, json=message) as refused:
                assert refused.status == 401  # the bridge's token is required
            async with http.post(webhook, json=message, headers=bearer) as accepted:
                assert accepted.status == 200
        reference = re.search(r"T-\d{6}", " ".join(await next_texts())).group(0)

        api(settings, token, "POST", f"/api/tickets/{reference}/reply", json={"text": "Hi, Marta here, on your messaging app."})
        assert await next_texts() == ["Hi, Marta here, on your messaging app."]
    finally:
        await runner.cleanup()


async def test_a_new_session_after_an_hour_of_silence_stays_with_the_agent(handoff_stack, agent):
    """Rasa starts a new, unpaused session after 60 quiet minutes; while the ticket is open the
    assistant's session start pauses it again. The hour is made by moving the conversation's
    stored events two hours back in Rasa's tracker store, not by waiting."""
    settings = handoff_stack.settings
    _, token = agent
    sender = f"quiet-{uuid.uuid4().hex[:10]}"
    rasa = {"token": settings.rasa_api_token}

    def say(text):
        response = requests.post(
            f"{settings.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
        )
        assert response.status_code == 200
        return [m.get("text") for m in response.json()]

    reference = re.search(r"T-\d{6}", " ".join(say("I want to talk to a person"))).group(0)
    tracker_url = f"{settings.rasa_url}/conversations/{sender}/tracker"
    with sqlite3.connect(settings.tracker_store_db) as store:
        moved = store.execute(
            "UPDATE events SET timestamp = timestamp - 7200,"
            " data = json_set(data, '$.timestamp', json_extract(data, '$.timestamp') - 7200) WHERE sender_id = ?",
            (sender,),
        ).rowcount
    assert moved > 3

    assert say("Hello? Is anyone there?") == []  # a new session, and still the agent's
    kinds = [e["event"] for e in requests.get(tracker_url, params=rasa, timeout=30).json()["events"]]
    assert kinds.count("session_started") == 2
    assert "pause" in kinds[len(kinds) - kinds[::-1].index("session_started"):]

    def on_the_ticket():
        """the message of the new session is on the ticket"""
        detail = api(settings, token, "GET", f"/api/tickets/{reference}")
        return "Hello? Is anyone there?" in [m["text"] for m in detail["messages"]["items"]]

    await until(on_the_ticket)


@pytest.fixture
def own_ticket_database(handoff_stack, tmp_path):
    """An empty ticket database on the stack's backend, for a relay of the test's own."""
    if handoff_stack.settings.ticketing_db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'tickets.db'}"
        return
    url, drop = create_database("_relay")
    try:
        yield url
    finally:
        drop()


async def test_a_reply_made_while_rasa_is_unreachable_is_kept_and_delivered_later(handoff_stack, own_ticket_database, agent):
    """A relay of its own, on its own ticket database: first Rasa is not there (a closed port),
    then it is the running one."""
    settings = handoff_stack.settings
    service = TicketService.start(own_ticket_database, auto_assign=False)
    helper = AgentDirectory(service.engine).create("relay-test", PASSWORD, languages=["en"])
    conversation = f"relay-{uuid.uuid4().hex[:10]}"
    # The conversation exists in Rasa (a REST message), then the hand-off is recorded.
    response = requests.post(
        f"{settings.rasa_url}/webhooks/rest/webhook", json={"sender": conversation, "message": "hello"}, timeout=60
    )
    assert response.status_code == 200
    ref = service.open(HandoffRequest(conversation_id=conversation, reason="explicit_request", priority="normal", language="en", channel="rest"))
    reply = service.add_agent_reply(ref.reference, helper.id, "Your refund is on its way.")

    down = Relay(service, f"http://127.0.0.1:{free_port()}", settings.rasa_api_token, settings.event_broker_db)
    for _ in range(3):
        with pytest.raises(RasaUnreachable):
            await down.deliver_pending()
    await down.close()
    kept = service.messages(ref.reference)[-1]
    assert kept.id == reply.id and kept.delivered_at is None
    assert kept.delivery_attempts == 0  # an outage uses up no attempt: the relay never gives up on it
    assert "unreachable" in kept.last_error
    assert [m.id for m in service.pending_deliveries()] == [reply.id]

    up = Relay(service, settings.rasa_url, settings.rasa_api_token, settings.event_broker_db)
    try:
        assert await up.deliver_pending() == 1
    finally:
        await up.close()
    assert service.messages(ref.reference)[-1].delivered_at is not None
    assert service.pending_deliveries() == []
    tracker = requests.get(
        f"{settings.rasa_url}/conversations/{conversation}/tracker", params={"token": settings.rasa_api_token}, timeout=30
    ).json()
    assert [e["text"] for e in tracker["events"] if e["event"] == "bot"][-1] == "Your refund is on its way."
    service.engine.dispose()
