"""The agents' REST API, served for real over the ticket service, on SQLite and PostgreSQL.

Every answer the tests get is checked against the OpenAPI document (api_fixtures.Api), so the
document is tested by every test here, not only by the ones about it.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
import pytest_asyncio
from sqlalchemy import update

from bot.settings import PROJECT_ROOT
from tests.conftest import free_port
from tests.ticketing.api_fixtures import METHODS, TOKEN_SECRET, api, make_api  # noqa: F401 (fixtures)
from tests.ticketing.conftest import PASSWORD, Clock, handoff
from ticketing import __main__ as cli
from ticketing import api as api_module
from ticketing.agents import hash_password
from ticketing.auth import LoginThrottle, TokenSigner
from ticketing.db import current_revision, head_revision, make_engine
from ticketing.models import Agent
from ticketing.openapi import document


@dataclass
class Team:
    boss: Agent  # admin
    ana: Agent
    ben: Agent
    tokens: dict[str, str]


@pytest_asyncio.fixture
async def team(api, make_agent) -> Team:
    people = {
        "boss": make_agent("boss", role="admin", on_duty=False),
        "ana": make_agent("ana", languages=("en", "es")),
        "ben": make_agent("ben"),
    }
    tokens = {name: await api.login(name) for name in people}
    return Team(**people, tokens=tokens)


def refs(page: dict) -> list[str]:
    return [item["reference"] for item in page["items"]]


# -- login and tokens --------------------------------------------------------------------------


async def test_health_and_the_document_need_no_token(api):
    assert await api.call("GET", "/api/health") == {"status": "ok"}
    assert await api.call("GET", "/api/health?probe=1") == {"status": "ok"}
    assert await api.call("GET", "/api/openapi.json") == document()
    assert api.last.headers["Cache-Control"] == "no-store"


async def test_health_says_when_the_database_does_not_answer(api, monkeypatch):
    def broken(service):
        raise OSError("connection refused")

    monkeypatch.setattr(api_module, "_database_answers", broken)
    assert (await api.call("GET", "/api/health", expect=503))["error"] == "database_unavailable"


async def test_login_gives_a_token_for_the_right_password_only(api, make_agent, clock):
    ana = make_agent("ana", languages=("es", "en"))
    body = await api.call("POST", "/api/login", json={"username": " Ana ", "password": PASSWORD})
    assert body["token_type"] == "Bearer"
    assert body["agent"]["id"] == ana.id and body["agent"]["languages"] == ["es", "en"]  # as preferred
    assert "password_hash" not in body["agent"]
    assert datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00")) == clock.now + timedelta(hours=12)
    me = await api.call("GET", "/api/agents/me", token=body["token"])
    assert me["username"] == "ana"

    wrong = await api.call("POST", "/api/login", json={"username": "ana", "password": PASSWORD + "!"}, expect=401)
    unknown = await api.call("POST", "/api/login", json={"username": "nobody", "password": PASSWORD}, expect=401)
    assert wrong == unknown == {"error": "invalid_credentials"}  # which usernames exist is not told

    for bad in ({"username": "ana"}, {"password": PASSWORD}, {"username": 7, "password": PASSWORD},
                {"username": "ana", "password": ""}, {"username": "", "password": PASSWORD}):
        await api.call("POST", "/api/login", json=bad, expect=400)
    extra = await api.call("POST", "/api/login", json={"username": "ana", "password": PASSWORD, "role": "admin"}, expect=400)
    assert extra["error"] == "unknown_fields" and extra["fields"] == ["role"]
    assert (await api.call("POST", "/api/login", data="{not json", expect=400))["error"] == "invalid_json"
    assert (await api.call("POST", "/api/login", json=["ana", PASSWORD], expect=400))["error"] == "invalid_body"


async def test_repeated_failures_are_refused_for_a_while(api, make_agent, clock):
    make_agent("ana")
    for _ in range(5):
        await api.call("POST", "/api/login", json={"username": "ana", "password": "not the password"}, expect=401)
    # Now even the right password waits: the brake does not tell the guesser when they hit it.
    body = await api.call("POST", "/api/login", json={"username": "ana", "password": PASSWORD}, expect=429)
    assert body["error"] == "too_many_attempts" and 0 < body["retry_after_seconds"] <= 15 * 60
    assert api.last.headers["Retry-After"] == str(body["retry_after_seconds"])
    clock.advance(minutes=15)
    assert await api.login("ana")


async def test_every_route_but_the_public_ones_needs_a_valid_token(api, team, agents, engine, clock):
    app = api.client.server.app
    guarded = [
        (route.method, route.resource.canonical.replace("{reference}", "T-000001"))
        for route in app.router.routes()
        if getattr(route.handler, "access", None) != api_module.PUBLIC
    ]
    assert len(guarded) == 10
    token = team.tokens["ana"]
    payload, signature = token.rsplit(".", 1)
    forged = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + signature
    other_secret = TokenSigner("another-secret-of-at-least-32-characters!!", clock=clock).issue(team.ana).token
    for method, path in guarded:
        body = await api.call(method, path, expect=401)
        assert body == {"error": "unauthorized"}
        assert api.last.headers["WWW-Authenticate"].startswith("Bearer")
        for bad in ("garbage", forged, other_secret, token + "x", "v1." + "A" * 600):
            assert (await api.call(method, path, token=bad, expect=401))["error"] == "invalid_token"
        await api.call(method, path, headers={"Authorization": f"Basic {token}"}, expect=401)

    # Unknown routes answer 401 without a token, 404 with one.
    await api.call("GET", "/api/nothing-here", expect=401, check=False)
    assert (await api.call("GET", "/api/nothing-here", token=token, expect=404, check=False)) == {"error": "not_found"}

    # A new password voids the tokens issued before it; a new login works.
    agents.set_password(team.ana.id, "a brand new password")
    await api.call("GET", "/api/agents/me", token=token, expect=401)
    token = await api.login("ana", "a brand new password")
    await api.call("GET", "/api/agents/me", token=token)

    # Tokens expire.
    clock.advance(hours=12)
    assert (await api.call("GET", "/api/agents/me", token=token, expect=401))["error"] == "invalid_token"


def test_tokens_are_signed_and_checked_strictly():
    ana = Agent(id=7, username="ana", password_hash=hash_password(PASSWORD))
    clock = Clock()
    signer = TokenSigner(TOKEN_SECRET, 3600, clock)
    issued = signer.issue(ana)
    claims = signer.verify(issued.token)
    assert claims.agent_id == ana.id and claims.expires_at == clock.now + timedelta(hours=1)
    assert signer.matches(claims, ana)
    assert signer.issue(ana).token != issued.token  # a random id in each
    assert len(issued.token) < 300
    version, payload, signature = issued.token.split(".")
    for bad in ("", "v2." + payload + "." + signature, payload + "." + signature, issued.token + ".x",
                f"{version}.{payload}.{signature[:-1]}", f"{version}.{payload}=.{signature}", "ü" * 10, None, 42):
        assert signer.verify(bad) is None, bad
    assert TokenSigner(TOKEN_SECRET + "x", 3600, clock).verify(issued.token) is None
    clock.advance(minutes=59)
    assert signer.verify(issued.token) is not None
    clock.advance(minutes=1)
    assert signer.verify(issued.token) is None
    ana.password_hash = hash_password("a brand new password")
    assert not signer.matches(signer.verify(signer.issue(Agent(id=7, password_hash="old")).token), ana)
    with pytest.raises(ValueError, match="32"):
        TokenSigner("short")


def test_the_login_brake_counts_per_address_and_username():
    clock = Clock()
    throttle = LoginThrottle(max_failures=3, window=timedelta(minutes=10), clock=clock)
    for _ in range(3):
        assert throttle.retry_after("10.0.0.1", "ana") == 0
        throttle.failed("10.0.0.1", "ana")
    assert throttle.retry_after("10.0.0.1", "ana") == 600
    assert throttle.retry_after("10.0.0.2", "ana") == 0  # ana herself, from her own machine
    assert throttle.retry_after("10.0.0.1", "ben") == 0
    clock.advance(minutes=4)
    assert throttle.retry_after("10.0.0.1", "ana") == 360
    clock.advance(minutes=6)
    assert throttle.retry_after("10.0.0.1", "ana") == 0
    throttle.failed("10.0.0.1", "ana")
    throttle.succeeded("10.0.0.1", "ana")
    assert throttle.retry_after("10.0.0.1", "ana") == 0


# -- roles ---------------------------------------------------------------------------------------


async def test_admins_manage_agents_and_agents_may_not(api, team, engine):
    boss, ana = team.tokens["boss"], team.tokens["ana"]
    listed = await api.call("GET", "/api/agents", token=boss)
    assert [a["username"] for a in listed["items"]] == ["ana", "ben", "boss"] and listed["total"] == 3
    assert (await api.call("GET", "/api/agents", token=ana, expect=403))["error"] == "forbidden"
    new = {"username": "Carla", "password": "carla's long password", "display_name": "Carla Rossi",
           "languages": ["it", "EN"], "role": "agent", "on_duty": True}
    await api.call("POST", "/api/agents", token=ana, json=new, expect=403)
    created = await api.call("POST", "/api/agents", token=boss, json=new, expect=201)
    assert (created["username"], created["display_name"], created["languages"], created["on_duty"]) == (
        "carla", "Carla Rossi", ["it", "en"], True)
    assert await api.login("carla", "carla's long password")
    taken = await api.call("POST", "/api/agents", token=boss, json={**new, "username": "carla"}, expect=409)
    assert taken == {"error": "username_taken", "username": "carla"}
    minimal = await api.call("POST", "/api/agents", token=boss, json={"username": "dan", "password": "x" * 10}, expect=201)
    assert (minimal["role"], minimal["display_name"], minimal["languages"], minimal["on_duty"]) == ("agent", "dan", [], False)

    # The role is read on every request, not kept in the token: a demotion applies at once.
    with engine.begin() as connection:
        connection.execute(update(Agent).where(Agent.id == team.boss.id).values(role="agent"))
    await api.call("GET", "/api/agents", token=boss, expect=403)


async def test_agents_work_tickets_that_are_unassigned_or_theirs(api, team, service):
    ana, ben, boss = team.tokens["ana"], team.tokens["ben"], team.tokens["boss"]
    free = service.open(handoff("conv-free")).reference
    bens = service.open(handoff("conv-ben")).reference
    service.claim(bens, team.ben.id)

    await api.call("GET", f"/api/tickets/{free}", token=ana)
    denied = await api.call("GET", f"/api/tickets/{bens}", token=ana, expect=403)
    assert denied == {"error": "not_your_ticket", "reference": bens}
    for action, body in (("reply", {"text": "Hello"}), ("status", {"status": "waiting_on_customer"}), ("resolve", None)):
        await api.call("POST", f"/api/tickets/{bens}/{action}", token=ana, json=body, expect=403)
    # Claiming it is the service's to refuse: a conflict that says who has it.
    conflict = await api.call("POST", f"/api/tickets/{bens}/claim", token=ana, expect=409)
    assert conflict["error"] == "already_assigned" and conflict["assignee"]["username"] == "ben"
    assert conflict["status"] == "new"
    # Only an admin lists another agent's tickets.
    await api.call("GET", f"/api/tickets?assignee={team.ben.id}", token=ana, expect=403)
    assert refs(await api.call("GET", f"/api/tickets?assignee={team.ana.id}", token=ana)) == []
    assert refs(await api.call("GET", f"/api/tickets?assignee={team.ben.id}", token=boss)) == [bens]

    # The admin sees and works every ticket.
    await api.call("GET", f"/api/tickets/{bens}", token=boss)
    reply = await api.call("POST", f"/api/tickets/{bens}/reply", token=boss, json={"text": "Ben is away; I am on it."}, expect=201)
    assert reply["message"]["agent"]["username"] == "boss" and reply["ticket"]["assignee"]["username"] == "ben"
    await api.call("POST", f"/api/tickets/{bens}/resolve", token=ben)


# -- the queue -----------------------------------------------------------------------------------


async def test_the_queue_pages(api, team, service):
    boss = team.tokens["boss"]
    priorities = ["low", "urgent", "normal", "high", "normal", "urgent", "low"]
    for number, priority in enumerate(priorities):
        service.open(handoff(f"conv-{number}", priority=priority))
    everything = await api.call("GET", "/api/tickets?per_page=100", token=boss)
    assert everything["total"] == 7 and everything["per_page"] == 100 and everything["page"] == 1
    assert [t["priority"] for t in everything["items"]] == ["urgent", "urgent", "high", "normal", "normal", "low", "low"]
    default = await api.call("GET", "/api/tickets", token=boss)
    assert default["per_page"] == 25 and refs(default) == refs(everything)

    pages = [await api.call("GET", f"/api/tickets?page={page}&per_page=3", token=boss) for page in (1, 2, 3, 4)]
    assert [len(p["items"]) for p in pages] == [3, 3, 1, 0]
    assert {p["total"] for p in pages} == {7} and [p["page"] for p in pages] == [1, 2, 3, 4]
    assert sum((refs(p) for p in pages), []) == refs(everything)

    for query in ("per_page=101", "per_page=0", "page=0", "page=-1", "page=x", "per_page=1.5", "page=+2",
                  "page=1&page=2", "page=%D9%A7", "page=9999999999"):
        body = await api.call("GET", f"/api/tickets?{query}", token=boss, expect=400)
        assert body["error"] in ("invalid_page", "invalid_per_page"), query


async def test_the_queue_filters(api, team, service, clock):
    boss = team.tokens["boss"]
    urgent = service.open(handoff("conv-urgent", priority="urgent", language="es")).reference
    low = service.open(handoff("conv-low", priority="low", language="ja")).reference
    done = service.open(handoff("conv-done", priority="normal", language="es")).reference
    service.resolve(done, actor="system")
    clock.advance(hours=1)  # the urgent ticket's first response was due in 30 minutes

    async def listed(query: str) -> list[str]:
        return refs(await api.call("GET", f"/api/tickets?{query}", token=boss))

    assert await listed("") == [urgent, low]  # without status: the tickets still open
    assert await listed("status=resolved") == [done]
    assert await listed("status=new,resolved") == [urgent, done, low]
    assert await listed("priority=low") == [low]
    assert await listed("priority=urgent,low,urgent") == [urgent, low]
    assert await listed("language=es") == [urgent]
    assert await listed("language=es&status=new,resolved") == [urgent, done]
    assert await listed("overdue=true") == [urgent]
    assert await listed("overdue=false") == [low]
    assert await listed("overdue=1&priority=low") == []
    page = await api.call("GET", "/api/tickets?overdue=true", token=boss)
    assert page["items"][0]["overdue"] == ["first_response"]
    assert await listed("assignee=none") == [urgent, low]
    service.claim(low, team.ana.id)
    assert await listed(f"assignee={team.ana.id}") == [low]
    assert await listed("assignee=none") == [urgent]
    assert await listed("assignee=me") == []

    for query, error in (
        ("status=bogus", "invalid_status"), ("status=new,,open", "invalid_status"), ("status=", "invalid_status"),
        ("priority=HIGH", "invalid_priority"), ("language=e", "invalid_language"), ("language=english!", "invalid_language"),
        ("overdue=maybe", "invalid_overdue"), ("assignee=someone", "invalid_assignee"), ("assignee=-1", "invalid_assignee"),
        ("status=new&status=open", "invalid_status"), ("sort=priority", "unknown_parameters"),
    ):
        assert (await api.call("GET", f"/api/tickets?{query}", token=boss, expect=400))["error"] == error, query


async def test_an_agent_sees_the_unassigned_and_their_own_in_the_queues_order(api, team, service, clock):
    ana, boss = team.tokens["ana"], team.tokens["boss"]
    tickets = {}
    for name, priority in (("a", "low"), ("b", "urgent"), ("c", "high"), ("d", "normal"), ("e", "urgent"), ("f", "high")):
        tickets[name] = service.open(handoff(f"conv-{name}", priority=priority)).reference
    service.claim(tickets["b"], team.ana.id)
    service.claim(tickets["c"], team.ben.id)
    service.claim(tickets["d"], team.ana.id)
    service.resolve(tickets["f"], actor="system")
    clock.advance(hours=1)

    everything = refs(await api.call("GET", "/api/tickets?status=new,resolved", token=boss))
    visible = [ref for ref in everything if ref != tickets["c"]]
    assert refs(await api.call("GET", "/api/tickets?status=new,resolved", token=ana)) == visible
    assert refs(await api.call("GET", "/api/tickets", token=ana)) == [tickets[n] for n in ("b", "e", "d", "a")]
    assert refs(await api.call("GET", "/api/tickets?priority=urgent", token=ana)) == [tickets["b"], tickets["e"]]
    assert refs(await api.call("GET", "/api/tickets?overdue=true", token=ana)) == [tickets["b"], tickets["e"]]
    assert refs(await api.call("GET", "/api/tickets?overdue=false&language=en", token=ana)) == [tickets["d"], tickets["a"]]
    assert refs(await api.call("GET", "/api/tickets?assignee=me", token=ana)) == [tickets["b"], tickets["d"]]
    assert refs(await api.call("GET", "/api/tickets?assignee=none", token=ana)) == [tickets["e"], tickets["a"]]
    paged = [await api.call("GET", f"/api/tickets?per_page=3&page={p}", token=ana) for p in (1, 2)]
    assert [p["total"] for p in paged] == [4, 4] and sum((refs(p) for p in paged), []) == refs(
        await api.call("GET", "/api/tickets", token=ana))


# -- the agent's path ----------------------------------------------------------------------------


async def test_the_whole_agent_path(api, team, service, clock):
    ana = team.tokens["ana"]
    opened = service.open(handoff(
        "conv-path", priority="high", language="es", market="DE", order_number="100245",
        transcript=[{"author": "shopper", "text": "Mi pedido llegó roto"}], details={"problem": "damaged"},
    ))
    ref = opened.reference
    service.add_shopper_message(
        "conv-path", "Pagué con 4111 1111 1111 1111", language="es",
        translation="I paid with 4111 1111 1111 1111", translated_to="en", source_id="rasa-1",
    )

    # It appears in the queue, unassigned.
    queue = await api.call("GET", "/api/tickets?assignee=none", token=ana)
    assert refs(queue) == [ref]
    item = queue["items"][0]
    assert (item["status"], item["priority"], item["language"], item["market"], item["assignee"]) == ("new", "high", "es", "DE", None)
    assert item["first_response_at"] is None and item["overdue"] == []

    claimed = await api.call("POST", f"/api/tickets/{ref}/claim", token=ana)
    assert claimed["assignee"] == {"id": team.ana.id, "username": "ana", "display_name": "ana"}
    assert refs(await api.call("GET", "/api/tickets?assignee=me", token=ana)) == [ref]
    again = await api.call("POST", f"/api/tickets/{ref}/claim", token=ana, json={})  # claiming one's own: no change
    assert again["assignee"]["username"] == "ana"

    clock.advance(minutes=10)
    reply = await api.call(
        "POST", f"/api/tickets/{ref}/reply", token=ana,
        json={"text": "  Lo siento mucho. ¿Puede enviarnos una foto?  ", "language": "es"}, expect=201,
    )
    message, ticket = reply["message"], reply["ticket"]
    assert (message["author"], message["text"], message["language"]) == ("agent", "Lo siento mucho. ¿Puede enviarnos una foto?", "es")
    assert message["agent"]["username"] == "ana"
    assert message["delivered_at"] is None and message["delivery_attempts"] == 0  # the relay's to deliver
    assert ticket["status"] == "waiting_on_customer"
    assert ticket["first_response_at"] == clock.now.isoformat().replace("+00:00", "Z")
    assert [m.id for m in service.pending_deliveries()] == [message["id"]]

    # The shopper answers: the ticket is open again. More to do: the agent keeps it open.
    clock.advance(minutes=5)
    service.add_shopper_message("conv-path", "Aquí está la foto", language="es", source_id="rasa-2")
    follow_up = await api.call(
        "POST", f"/api/tickets/{ref}/reply", token=ana,
        json={"text": "Gracias, le enviamos uno nuevo.", "wait_for_customer": False}, expect=201,
    )
    assert follow_up["ticket"]["status"] == "open" and follow_up["message"]["language"] is None

    resolved = await api.call("POST", f"/api/tickets/{ref}/resolve", token=ana)
    assert resolved["status"] == "resolved" and resolved["resolved_at"] is not None
    assert refs(await api.call("GET", "/api/tickets", token=ana)) == []
    assert refs(await api.call("GET", "/api/tickets?status=resolved", token=ana)) == [ref]

    detail = await api.call("GET", f"/api/tickets/{ref}", token=ana)
    assert detail["reference"] == ref and detail["status"] == "resolved" and detail["order_number"] == "100245"
    assert detail["details"] == {"problem": "damaged"}
    assert detail["transcript"] == [{"author": "shopper", "text": "Mi pedido llegó roto"}]
    messages = detail["messages"]["items"]
    assert [m["author"] for m in messages] == ["shopper", "agent", "shopper", "agent"]
    assert "4111" not in messages[0]["text"] and "4111" not in messages[0]["translation"]  # redacted
    assert messages[0]["translated_to"] == "en" and messages[0]["agent"] is None
    assert detail["messages"]["total"] == 4

    events = detail["events"]["items"]
    assert detail["events"]["total"] == len(events)
    trail = [(e["actor"], e["kind"]) for e in events]
    actor = "agent:ana"
    for step in [("bot", "created"), ("shopper", "message_added"), (actor, "claimed"), (actor, "message_added"),
                 (actor, "first_response"), ("shopper", "message_added")]:
        assert step in trail, step
    assert trail.index(("bot", "created")) < trail.index((actor, "claimed")) < trail.index((actor, "first_response"))
    claimed_event = next(e for e in events if e["kind"] == "claimed")
    assert claimed_event["before"] == {"assignee_id": None} and claimed_event["after"] == {"assignee_id": team.ana.id}
    statuses = [(e["actor"], e["before"]["status"], e["after"]["status"]) for e in events if e["kind"] == "status_changed"]
    assert statuses == [
        (actor, "new", "waiting_on_customer"),
        ("shopper", "waiting_on_customer", "open"),
        (actor, "open", "resolved"),
    ]

    # A resolved ticket takes no reply; the conflict says where the ticket stands.
    refused = await api.call("POST", f"/api/tickets/{ref}/reply", token=ana, json={"text": "One more thing"}, expect=409)
    assert refused["error"] == "invalid_transition" and refused["status"] == "resolved"
    assert refused["assignee"]["username"] == "ana"
    closed = await api.call("POST", f"/api/tickets/{ref}/status", token=ana, json={"status": "closed"})
    assert closed["status"] == "closed" and closed["closed_at"] is not None
    for status in ("open", "new"):
        refused = await api.call("POST", f"/api/tickets/{ref}/status", token=ana, json={"status": status}, expect=409)
        assert refused["error"] == "invalid_transition" and refused["status"] == "closed"
    await api.call("POST", f"/api/tickets/{ref}/claim", token=ana, expect=409)


async def test_status_changes_follow_the_services_rules(api, team, service):
    ana = team.tokens["ana"]
    ref = service.open(handoff("conv-status")).reference
    for status in ("open", "waiting_on_customer", "open", "resolved", "open"):
        body = await api.call("POST", f"/api/tickets/{ref}/status", token=ana, json={"status": status})
        assert body["status"] == status
    kinds = [e.kind for e in service.events(ref)]
    assert kinds[-1] == "reopened"
    assert [e.actor for e in service.events(ref)][1:] == ["agent:ana"] * 5
    # Reopening while the conversation has another open ticket: the service says no.
    await api.call("POST", f"/api/tickets/{ref}/resolve", token=ana)
    service.open(handoff("conv-status"))
    refused = await api.call("POST", f"/api/tickets/{ref}/status", token=ana, json={"status": "open"}, expect=409)
    assert refused["error"] == "invalid_transition" and refused["status"] == "resolved"


async def test_a_long_ticket_comes_in_pages_of_messages_and_events(api, team, service):
    ana = team.tokens["ana"]
    ref = service.open(handoff("conv-long")).reference
    for number in range(7):
        service.add_shopper_message("conv-long", f"message {number}")
    first = await api.call("GET", f"/api/tickets/{ref}?messages_per_page=3", token=ana)
    assert [m["text"] for m in first["messages"]["items"]] == ["message 0", "message 1", "message 2"]
    assert (first["messages"]["total"], first["messages"]["page"], first["messages"]["per_page"]) == (7, 1, 3)
    assert first["events"]["per_page"] == 50 and first["events"]["total"] == 8
    last = await api.call("GET", f"/api/tickets/{ref}?messages_per_page=3&messages_page=3&events_page=2&events_per_page=5", token=ana)
    assert [m["text"] for m in last["messages"]["items"]] == ["message 6"]
    assert [e["kind"] for e in last["events"]["items"]] == ["message_added"] * 3
    for query in ("messages_page=0", "messages_per_page=101", "events_per_page=x", "page=2", "messages_page=1&messages_page=2"):
        await api.call("GET", f"/api/tickets/{ref}?{query}", token=ana, expect=400)


# -- input ---------------------------------------------------------------------------------------


async def test_bad_input_is_refused_with_a_code(api, team, service):
    ana, boss = team.tokens["ana"], team.tokens["boss"]
    ref = service.open(handoff("conv-input")).reference
    cases = [
        ("GET", "/api/tickets/12345", None, 400, "invalid_reference"),
        ("GET", "/api/tickets/T-12", None, 400, "invalid_reference"),
        ("GET", "/api/tickets/T-999999", None, 404, "not_found"),
        ("POST", "/api/tickets/T-999999/claim", None, 404, "not_found"),
        ("POST", "/api/tickets/T-999999/reply", {"text": "Hello"}, 404, "not_found"),
        ("POST", "/api/tickets/T-999999/resolve", None, 404, "not_found"),
        ("POST", f"/api/tickets/{ref}/reply", {}, 400, "invalid_text"),
        ("POST", f"/api/tickets/{ref}/reply", {"text": "   "}, 400, "invalid_text"),
        ("POST", f"/api/tickets/{ref}/reply", {"text": 42}, 400, "invalid_text"),
        ("POST", f"/api/tickets/{ref}/reply", {"text": "x" * 4001}, 400, "invalid_text"),
        ("POST", f"/api/tickets/{ref}/reply", {"text": "Hi", "language": "Spanish!"}, 400, "invalid_language"),
        ("POST", f"/api/tickets/{ref}/reply", {"text": "Hi", "wait_for_customer": "yes"}, 400, "invalid_wait_for_customer"),
        ("POST", f"/api/tickets/{ref}/reply", {"text": "Hi", "author": "bot"}, 400, "unknown_fields"),
        ("POST", f"/api/tickets/{ref}/status", {}, 400, "invalid_status"),
        ("POST", f"/api/tickets/{ref}/status", {"status": "done"}, 400, "invalid_status"),
        ("POST", f"/api/tickets/{ref}/status", {"status": ["open"]}, 400, "invalid_status"),
        ("POST", f"/api/tickets/{ref}/claim", {"agent_id": 1}, 400, "unknown_fields"),
        ("POST", f"/api/tickets/{ref}/resolve", {"note": "x"}, 400, "unknown_fields"),
        ("POST", f"/api/tickets/{ref}/claim?as=boss", None, 400, "unknown_parameters"),
        ("PATCH", "/api/agents/me", {}, 400, "invalid_on_duty"),
        ("PATCH", "/api/agents/me", {"on_duty": "true"}, 400, "invalid_on_duty"),
        ("PATCH", "/api/agents/me", {"on_duty": True, "role": "admin"}, 400, "unknown_fields"),
    ]
    for method, path, body, status, error in cases:
        answer = await api.call(method, path, token=ana, json=body, expect=status)
        assert answer["error"] == error, (method, path, body, answer)
    for raw in ("{", "[1, 2]", '"text"', "\xff"):
        answer = await api.call("POST", f"/api/tickets/{ref}/reply", token=ana, data=raw.encode("latin-1"), expect=400)
        assert answer["error"] in ("invalid_json", "invalid_body")
    huge = await api.call("POST", f"/api/tickets/{ref}/reply", token=ana, data=b"x" * (65 * 1024), expect=413)
    assert huge["error"] == "body_too_large"
    # Nothing of that reached the ticket.
    assert service.messages(ref) == [] and service.ticket(ref).status == "new"

    agent_cases = [
        ({"password": "long enough pw"}, "invalid_username"),
        ({"username": "a b", "password": "long enough pw"}, "invalid_username"),
        ({"username": "x", "password": "long enough pw"}, "invalid_username"),
        ({"username": "carla"}, "invalid_password"),
        ({"username": "carla", "password": "short"}, "invalid_password"),
        ({"username": "carla", "password": "long enough pw", "role": "superuser"}, "invalid_role"),
        ({"username": "carla", "password": "long enough pw", "languages": "en"}, "invalid_languages"),
        ({"username": "carla", "password": "long enough pw", "languages": ["en", "english"]}, "invalid_languages"),
        ({"username": "carla", "password": "long enough pw", "languages": ["en"] * 21}, "invalid_languages"),
        ({"username": "carla", "password": "long enough pw", "display_name": ""}, "invalid_display_name"),
        ({"username": "carla", "password": "long enough pw", "on_duty": 1}, "invalid_on_duty"),
        ({"username": "carla", "password": "long enough pw", "admin": True}, "unknown_fields"),
    ]
    for body, error in agent_cases:
        assert (await api.call("POST", "/api/agents", token=boss, json=body, expect=400))["error"] == error, body
    assert (await api.call("GET", "/api/agents", token=boss))["total"] == 3  # none was made

    # The router's own refusals are JSON too.
    answer = await api.call("DELETE", f"/api/tickets/{ref}", token=ana, expect=405, check=False)
    assert answer == {"error": "method_not_allowed"} and "GET" in api.last.headers["Allow"]


async def test_an_unexpected_failure_is_a_json_500_without_a_traceback(api, team, service, monkeypatch):
    def broken(**_):
        raise RuntimeError("database exploded: secret detail")

    monkeypatch.setattr(service, "queue", broken)
    body = await api.call("GET", "/api/tickets", token=team.tokens["boss"], expect=500, check=False)
    assert body == {"error": "internal_error"}


# -- agents on duty --------------------------------------------------------------------------------


async def test_agents_go_on_and_off_duty(api, team, agents):
    ben = team.tokens["ben"]
    off = await api.call("PATCH", "/api/agents/me", token=ben, json={"on_duty": False})
    assert off["on_duty"] is False and agents.get(team.ben.id).on_duty is False
    on = await api.call("PATCH", "/api/agents/me", token=ben, json={"on_duty": True})
    assert on["on_duty"] is True and on["username"] == "ben"


async def test_coming_on_duty_hands_out_waiting_tickets_when_the_server_assigns(make_api, make_agent, service):
    api = await make_api(assign_when_on_duty=True)
    make_agent("ana", on_duty=False)
    waiting = [service.open(handoff(f"conv-{n}")).reference for n in range(2)]
    token = await api.login("ana")
    me = await api.call("PATCH", "/api/agents/me", token=token, json={"on_duty": True})
    assert me["last_assigned_at"] is not None
    assert refs(await api.call("GET", "/api/tickets?assignee=me", token=token)) == waiting

    plain = await make_api()  # the tests' default: nobody assigns on its own
    make_agent("ben", on_duty=False)
    service.open(handoff("conv-later"))
    token = await plain.login("ben")
    await plain.call("PATCH", "/api/agents/me", token=token, json={"on_duty": True})
    assert refs(await plain.call("GET", "/api/tickets?assignee=me", token=token)) == []


# -- the document ------------------------------------------------------------------------------------


def _walk(node, found):
    if isinstance(node, dict):
        if "$ref" in node:
            found.append(node["$ref"])
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, list):
        for value in node:
            _walk(value, found)
    return found


async def test_the_document_describes_every_route_and_nothing_else(api):
    doc = document()
    app = api.client.server.app
    routes = {(route.method.lower(), route.resource.canonical): route.handler for route in app.router.routes()}
    described = {(method, path) for path, item in doc["paths"].items() for method in item if method in METHODS}
    assert set(routes) == described

    for (method, path), handler in routes.items():
        item = doc["paths"][path]
        operation = item[method]
        parameters = item.get("parameters", []) + operation.get("parameters", [])
        in_path = {p["name"] for p in parameters if p["in"] == "path"}
        assert in_path == set(re.findall(r"{(\w+)}", path)), (method, path)
        assert all(p["required"] for p in parameters if p["in"] == "path")
        in_query = {p["name"] for p in parameters if p["in"] == "query"}
        assert in_query == handler.params, (method, path)
        public = handler.access == api_module.PUBLIC
        assert (operation.get("security") == []) == public, (method, path)
        if not public:
            assert {"401", "403"} <= set(operation["responses"]), (method, path)
            assert handler.access <= {"agent", "admin"}
        if "requestBody" in operation:
            assert "400" in operation["responses"] and "413" in operation["responses"], (method, path)
        assert any(code.startswith("2") for code in operation["responses"]), (method, path)
        assert operation["operationId"] and operation["summary"]

    ids = [op["operationId"] for item in doc["paths"].values() for m, op in item.items() if m in METHODS]
    assert len(ids) == len(set(ids))
    for ref in _walk(doc, []):
        node = doc
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]  # every reference resolves
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "HMAC-signed token", "description": "from POST /api/login"}
    assert doc["security"] == [{"bearerAuth": []}]
    assert doc["openapi"].startswith("3.0")


# -- the command line ------------------------------------------------------------------------------


def test_the_command_line_creates_the_first_admin(monkeypatch, tmp_path, database_url, engine, agents):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("TICKETING_DB_URL", database_url)
    monkeypatch.setenv("TICKETING_AGENT_PASSWORD", PASSWORD)
    assert cli.main(["create-agent", "Root", "--role", "admin", "--languages", "en,de"]) == 0
    root = agents.by_username("root")
    assert (root.role, root.languages) == ("admin", ["en", "de"])
    assert cli.main(["create-agent", "root"]) == 1  # taken


def test_python_m_ticketing_migrates_and_serves(tmp_path, fresh_database_url):
    port = free_port()
    env = {
        **os.environ, "VAR_DIR": str(tmp_path), "TICKETING_DB_URL": fresh_database_url,
        "TICKETING_PORT": str(port), "TICKETING_URL": f"http://127.0.0.1:{port}",
    }
    env.pop("TICKETING_TOKEN_SECRET", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "ticketing"], cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"the server did not come up: {server.stderr.read().decode()[-2000:]}")
                time.sleep(0.2)
        engine = make_engine(fresh_database_url)
        try:
            assert current_revision(engine) == head_revision()
        finally:
            engine.dispose()
        secret = tmp_path / "secrets" / "ticketing_token_secret"
        assert len(secret.read_text()) >= 32 and secret.stat().st_mode & 0o077 == 0
    finally:
        server.terminate()
        server.wait(timeout=30)
