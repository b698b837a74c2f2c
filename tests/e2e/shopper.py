"""A shopper on the REST channel, and what the catalog lets a reply be."""
from __future__ import annotations

import uuid

import requests


class Shopper:
    def __init__(self, settings):
        self.settings = settings
        self.sender = f"shopper-{uuid.uuid4().hex[:10]}"

    def messages(self, text, metadata=None) -> list[dict]:
        """Every message of the reply, with its buttons."""
        body = {"sender": self.sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        response = requests.post(f"{self.settings.rasa_url}/webhooks/rest/webhook", json=body, timeout=60)
        assert response.status_code == 200, response.text
        messages = response.json()
        assert messages, f"no reply to {text!r}"
        return messages

    def say(self, text, metadata=None) -> list[str]:
        return [m.get("text") or "" for m in self.messages(text, metadata)]

    def tracker(self) -> dict:
        response = requests.get(
            f"{self.settings.rasa_url}/conversations/{self.sender}/tracker",
            params={"token": self.settings.rasa_api_token},
            timeout=30,
        )
        assert response.status_code == 200
        return response.json()


def variations(catalog, language, name, **values) -> set[str]:
    texts = set()
    for variation in catalog.get(language).responses[name]:
        text = variation["text"]
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
        texts.add(text)
    return texts


def rendered(catalog, language, name, reply: str) -> bool:
    """Whether `reply` contains the response `name` in `language`, whatever its placeholders
    became (dates, amounts, references)."""
    import re

    for variation in catalog.get(language).responses[name]:
        literal_parts = re.split(r"\{[^{}]*\}", variation["text"])
        pattern = ".+?".join(re.escape(part) for part in literal_parts)
        if re.search(pattern, reply, re.S):
            return True
    return False


def button_payloads(messages: list[dict]) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]
