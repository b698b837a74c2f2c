"""Actions run in the real action server, against the real demo store, over HTTP, with
tracker payloads in Rasa's own format (what Rasa POSTs to /webhook)."""
from __future__ import annotations

import time
import uuid
from typing import Any, Optional

import pytest
import requests
from rasa.shared.core.domain import Domain

from bot.settings import PROJECT_ROOT


@pytest.fixture(scope="session")
def domain_dict() -> dict:
    return Domain.load(str(PROJECT_ROOT / "domain.yml")).as_dict()


def make_tracker(
    slots: Optional[dict] = None,
    text: str = "",
    intent: str = "order_status",
    entities: Optional[list] = None,
    active_loop: Optional[str] = None,
    language: Optional[dict] = None,
    metadata: Optional[dict] = None,
    events: Optional[list] = None,
) -> dict[str, Any]:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "entities": entities or [],
        "metadata": metadata or {},
    }
    if language is not None:
        latest["language"] = language
    base_slots = {"language": None, "verification_attempts": 0, "requested_slot": None}
    return {
        "sender_id": f"test-{uuid.uuid4().hex[:8]}",
        "slots": {**base_slots, **(slots or {})},
        "latest_message": latest,
        "events": events if events is not None else [{"event": "user", "text": text, "parse_data": latest, "timestamp": time.time()}],
        "paused": False,
        "followup_action": None,
        "active_loop": {"name": active_loop} if active_loop else {},
        "latest_action_name": "action_listen",
    }


class ActionServer:
    def __init__(self, url: str, domain: dict):
        self.url = url
        self.domain = domain

    def run(self, action: str, tracker: dict) -> dict:
        response = requests.post(
            self.url,
            json={"next_action": action, "sender_id": tracker["sender_id"], "tracker": tracker, "domain": self.domain, "version": "3.6.2"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return response.json()


def responses(result: dict) -> list[str]:
    return [r.get("response") for r in result["responses"]]


def report_parts(result: dict) -> list[dict]:
    """The lines of a reply that is one message: several responses composed, or a single one."""
    [message] = result["responses"]
    if message.get("response") != "composed":
        arguments = {k: v for k, v in message.items() if k not in ("response", "buttons", "template", "text")}
        return [{"response": message["response"], **arguments}]
    return [{"response": p["response"], **p["arguments"]} for p in message["parts"]]


def slots_set(result: dict) -> dict:
    return {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}


@pytest.fixture(scope="session")
def action_server(running_stack, domain_dict) -> ActionServer:
    return ActionServer(running_stack.settings.action_server_url, domain_dict)
