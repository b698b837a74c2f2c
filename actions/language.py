"""Keeps the `language` slot in step with the shopper (a custom slot mapping in domain.yml,
run by Rasa after every message)."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.dependencies import settings
from bot.language.conversation import resolve_language

# Answers that carry no evidence of the shopper's language: "10 Downing Street, London SW1A 2AA"
# typed in a Spanish conversation is an address, not a switch to English.
LANGUAGE_NEUTRAL_ANSWERS = {"order_number", "order_contact", "new_address"}


class ActionTrackLanguage(Action):
    def name(self) -> Text:
        return "action_track_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        current = tracker.get_slot("language")
        message = tracker.latest_message or {}
        metadata = message.get("metadata") or {}
        intent = (message.get("intent") or {}).get("name")
        named = [e.get("value") for e in message.get("entities") or [] if e.get("entity") == "language"]
        answering = tracker.active_loop.get("name") and tracker.get_slot("requested_slot") in LANGUAGE_NEUTRAL_ANSWERS
        language = resolve_language(
            requested=named[-1] if intent == "change_language" and named else None,
            current=current,
            detection=None if answering and current else message.get("language"),
            locale=metadata.get("locale") if isinstance(metadata, dict) else None,
            default=settings().default_language,
            supported=settings().native_languages,
        )
        return [] if language == current else [SlotSet("language", language)]
