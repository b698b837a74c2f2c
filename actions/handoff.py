"""Hands the conversation to the support team."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.dependencies import ticket_client
from ticketing.client import HandoffRequest

TRANSCRIPT_EVENTS = {"user", "bot"}


def transcript(tracker: Tracker) -> List[Dict[Text, Any]]:
    return [
        {"event": e["event"], "text": e.get("text"), "timestamp": e.get("timestamp")}
        for e in tracker.events
        if e.get("event") in TRANSCRIPT_EVENTS and e.get("text")
    ]


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        request = HandoffRequest(
            conversation_id=tracker.sender_id,
            reason="explicit_request" if intent == "human_handoff" else "assistant_offer",
            priority="normal",
            language=tracker.get_slot("language"),
            channel=tracker.get_latest_input_channel(),
            order_number=tracker.get_slot("verified_order"),
            transcript=transcript(tracker),
        )
        ticket = await ticket_client().open_ticket(request)
        dispatcher.utter_message(response="utter_handoff_recorded", reference=ticket.reference, hours="default")
        return []
