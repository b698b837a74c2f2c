"""Starts each conversation session as Rasa does, and keeps a handed-off conversation paused.

Rasa starts a new session after an hour of silence (domain.yml, session_config), and a new
session is not paused. A ticket still open means a person owns the conversation: the new
session is paused again, so the assistant stays silent and the relay (ticketing/relay.py)
brings the shopper's messages to the ticket.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.dependencies import ticket_client


class ActionSessionStart(Action):
    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        events: List[EventType] = [SessionStarted()]
        if (domain.get("session_config") or {}).get("carry_over_slots_to_new_session", True):
            # What the shopper told us (language, verified order) carries over, as in Rasa's own.
            events += [SlotSet(name, value) for name, value in tracker.slots.items() if value is not None]
        if await ticket_client().owns_conversation(tracker.sender_id):
            events.append(ConversationPaused())
        events.append(ActionExecuted("action_listen"))
        return events
