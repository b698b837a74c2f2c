"""The hand-off relay over the running stack (issue 5, "How it is judged"): a shopper on the web
chat's socket.io channel asks for a person, the ticket appears through the API, an agent
replies, the shopper receives it, the shopper answers, the agent sees it, the agent resolves,
the shopper is asked for a rating and gives it, and the rating is on the ticket.

The relay (ticketing/relay.py) runs inside the stack's ticketing process: nothing here calls
it. A second test drives a Relay of its own, first against a Rasa that is not there, then the
running one: the reply waits, nothing is used up, and it arrives."""
from __future__ import annotations

import asyncio
import re
import time
import uuid

import pytest
import requests
import socketio

from tests.conftest import free_port
from ticketing.agents import AgentDirectory
from ticketing.client import HandoffRequest
from ticketing.db import make_engine
from ticketing.relay import Relay, RasaUnreachable
from ticketing.service import TicketService

PASSWORD = "a-long-test-password"
WAIT = 30  # seconds for the relay to do its part (it polls every second)


@pytest.fixture(scope="module")
def agent(running_stack):
    settings = running_stack.settings
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


async def test_a_handed_off_conversation_goes_to_the_agent_and_back(running_stack, agent):
    settings = running_stack.settings
    _, token = agent
    shopper = WebChatShopper(settings)
    await shopper.connect()
    try:
        # The shopper asks for a person: the assistant says so, with the ticket's reference.
        await shopper.say("I want to talk to a person")
        handed = " ".join(await shopper.next_texts())
        reference = re.search(r"T-\d{6}", handed).group(0)

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
    finally:
        await shopper.close()


async def test_a_reply_made_while_rasa_is_unreachable_is_kept_and_delivered_later(running_stack, tmp_path, agent):
    """A relay of its own, on its own ticket database: first Rasa is not there (a closed port),
    then it is the running one."""
    settings = running_stack.settings
    service = TicketService.start(f"sqlite:///{tmp_path / 'tickets.db'}", auto_assign=False)
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
