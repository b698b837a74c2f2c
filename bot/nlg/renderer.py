"""Renders one response for one conversation: picks the language, the variation and the
locale formatting. The authored text in the conversation's language comes first; a
language without a catalog gets English, with a short note saying so."""
from __future__ import annotations

import zlib
from dataclasses import dataclass, replace
from typing import Any, Mapping, Optional

from babel import Locale, UnknownLocaleError

from bot.nlg.catalog import FAQ_PREFIX, Catalog, LanguageCatalog
from bot.nlg.formatting import fill

# A reply made of several catalog responses, one per line: {"response": "composed",
# "parts": [{"response": "utter_...", "arguments": {...}}, ...]}. One message, not one per line.
COMPOSED = "composed"


@dataclass(frozen=True)
class Conversation:
    """What the renderer needs to know of the tracker Rasa sends with every request."""

    sender_id: str
    language: Optional[str]
    market: Optional[str]
    slots: Mapping[str, Any]
    turn: int  # number of events so far: varies the wording from one reply to the next
    first_reply_to_message: bool
    message_was_redacted: bool = False

    @classmethod
    def from_tracker(cls, tracker: Mapping[str, Any]) -> "Conversation":
        slots = tracker.get("slots") or {}
        events = tracker.get("events") or []
        replies_since_user = 0
        for event in reversed(events):
            if event.get("event") == "user":
                break
            if event.get("event") == "bot":
                replies_since_user += 1
        latest_message = tracker.get("latest_message") or {}
        latest = latest_message.get("language") or {}
        metadata = latest_message.get("metadata") or {}
        language = slots.get("language") or (latest.get("code") if latest.get("confident") else None)
        return cls(
            sender_id=str(tracker.get("sender_id") or ""),
            language=language,
            market=slots.get("market"),
            slots=slots,
            turn=len(events),
            first_reply_to_message=replies_since_user == 0,
            message_was_redacted=bool(isinstance(metadata, dict) and metadata.get("redacted")),
        )


class Renderer:
    def __init__(self, catalog: Catalog):
        self._catalog = catalog

    @property
    def languages(self) -> list[str]:
        return sorted(self._catalog.languages)

    def render(self, response: str, arguments: Mapping[str, Any], conversation: Conversation) -> dict:
        if response == COMPOSED:
            return self._render_composed(arguments.get("parts") or [], conversation)
        catalog = self._catalog.get(conversation.language) or self._catalog.fallback
        text, extras = self._text(response, catalog, conversation)
        if text is None and catalog is not self._catalog.fallback:
            catalog = self._catalog.fallback
            text, extras = self._text(response, catalog, conversation)
        if text is None:
            return _message(None)

        values = {**{k: v for k, v in conversation.slots.items() if v is not None}, **arguments}
        fallback_terms = self._catalog.fallback

        def term(table: str, code: str) -> str:
            return catalog.term(table, code) or fallback_terms.term(table, code) or code

        rendered = fill(text, values, catalog.locale, term)
        notes = [self._untranslated_note(catalog, conversation)]
        if conversation.message_was_redacted and conversation.first_reply_to_message:
            notes.append(term("notes", "secret_removed"))
        rendered = "\n".join([n for n in notes if n] + [rendered])
        buttons = [
            {"title": fill(b.get("title", ""), values, catalog.locale, term), "payload": b.get("payload", "")}
            for b in extras.get("buttons") or []
        ]
        return _message(rendered, buttons)

    def _render_composed(self, parts: Any, conversation: Conversation) -> dict:
        texts, buttons = [], []
        for index, part in enumerate(parts if isinstance(parts, list) else []):
            if not isinstance(part, Mapping) or not isinstance(part.get("response"), str):
                continue
            # Notes (untranslated, redacted) belong once, at the top.
            part_conversation = conversation if index == 0 else _without_notes(conversation)
            message = self.render(part["response"], part.get("arguments") or {}, part_conversation)
            if message["text"]:
                texts.append(message["text"])
            buttons.extend(message["buttons"])
        return _message("\n".join(texts) or None, buttons)

    def _text(self, response: str, catalog: LanguageCatalog, conversation: Conversation):
        if response.startswith(FAQ_PREFIX):
            answer = catalog.faq_answer(response[len(FAQ_PREFIX):], conversation.market)
            return answer, {}
        variations = catalog.responses.get(response) or []
        if not variations:
            return None, {}
        # Stable choice per conversation turn: varied wording, yet reproducible in tests.
        index = zlib.crc32(f"{conversation.sender_id}:{conversation.turn}:{response}".encode()) % len(variations)
        chosen = variations[index]
        return chosen.get("text"), chosen

    def _untranslated_note(self, catalog: LanguageCatalog, conversation: Conversation) -> Optional[str]:
        wanted = conversation.language
        if not wanted or wanted == catalog.language or not conversation.first_reply_to_message:
            return None
        try:
            name = Locale.parse(catalog.locale).languages.get(wanted, wanted)
        except (UnknownLocaleError, ValueError):
            name = wanted
        return f"(I can't write in {name} yet, so I'm answering in English.)"


def _without_notes(conversation: Conversation) -> Conversation:
    return replace(conversation, first_reply_to_message=False)


def _message(text: Optional[str], buttons: Optional[list] = None) -> dict:
    return {
        "text": text,
        "buttons": buttons or [],
        "image": None,
        "elements": [],
        "attachments": [],
        "custom": {},
    }
