"""The hand-off as agents see it, over the running stack: a shopper asks for a person on the
REST channel, and the ticket is in the queue of the ticketing API `make run` starts, with the
conversation so far; an agent logs in, claims it, replies and resolves it."""
from __future__ import annotations

import re

import pytest
import requests

from tests.e2e.shopper import Shopper
from ticketing.agents import AgentDirectory
from ticketing.db import make_engine


@pytest.fixture(scope="module")
def agent_token(handoff_stack):
    settings = handoff_stack.settings
    AgentDirectory(make_engine(settings.ticketing_db_url)).create(
        "lucia", "a-long-test-password", role="agent", languages=["es", "en"], on_duty=True
    )
    response = requests.post(
        f"{settings.ticketing_url}/api/login", json={"username": "lucia", "password": "a-long-test-password"}, timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


def api(settings, token, method, path, **kwargs):
    return requests.request(
        method, f"{settings.ticketing_url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10, **kwargs
    )


def test_a_shopper_asking_for_a_person_reaches_the_agents_queue(handoff_stack, agent_token):
    settings = handoff_stack.settings
    shopper = Shopper(settings)
    shopper.say("hola, tengo un problema")
    reply = "\n".join(shopper.say("quiero hablar con una persona, por favor"))
    reference = re.search(r"T-\d{6}", reply).group(0)

    queue = api(settings, agent_token, "GET", "/api/tickets", params={"language": "es"})
    assert queue.status_code == 200
    listed = {t["reference"]: t for t in queue.json()["items"]}
    assert listed[reference]["reason"] == "explicit_request"
    assert listed[reference]["priority"] == "normal"

    ticket = api(settings, agent_token, "GET", f"/api/tickets/{reference}").json()
    said = [entry.get("text") for entry in ticket["transcript"]]
    assert "quiero hablar con una persona, por favor" in said

    assert api(settings, agent_token, "POST", f"/api/tickets/{reference}/claim").status_code == 200
    answered = api(settings, agent_token, "POST", f"/api/tickets/{reference}/reply", json={"text": "Hola, soy Lucía. ¿En qué te ayudo?"})
    assert answered.status_code == 201
    resolved = api(settings, agent_token, "POST", f"/api/tickets/{reference}/resolve")
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"


def test_the_queue_refuses_anyone_without_a_login(handoff_stack):
    response = requests.get(f"{handoff_stack.settings.ticketing_url}/api/tickets", timeout=10)
    assert response.status_code == 401
