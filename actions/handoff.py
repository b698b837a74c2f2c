"""Hands the conversation to the support team, with the priority its reason and order call for."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.dependencies import order_status_service, policies, ticket_client
from bot.services.handoff_priority import handoff_priority
from integrations.errors import BackendError
from integrations.orders.base import Order
from ticketing.client import HandoffRequest

logger = logging.getLogger(__name__)
TRANSCRIPT_EVENTS = {"user", "bot"}
# What the latest intent says about why a person is needed.
INTENT_REASONS = {"human_handoff": "explicit_request", "complaint": "complaint"}


def transcript(tracker: Tracker) -> List[Dict[Text, Any]]:
    return [
        {"event": e["event"], "text": e.get("text"), "timestamp": e.get("timestamp")}
        for e in tracker.events
        if e.get("event") in TRANSCRIPT_EVENTS and e.get("text")
    ]


async def _verified_order(tracker: Tracker) -> Optional[Order]:
    number = tracker.get_slot("verified_order")
    if not number:
        return None
    try:
        return await order_status_service().find(number)
    except BackendError:
        return None


async def hand_off(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    reason: str,
    *,
    order: Optional[Order] = None,
    details: Optional[Dict[Text, Any]] = None,
) -> List[Dict[Text, Any]]:
    """Opens (or finds) the conversation's ticket, tells the shopper its reference, and gives
    the events that pause the conversation (ARCHITECTURE.md, "Handoff protocol"): while a
    person owns it Rasa stays silent, yet still stores and publishes every shopper message,
    which ticketing/relay.py appends to the ticket. Resolving the ticket resumes it. The
    caller returns these events with its own."""
    order = order or await _verified_order(tracker)
    policy = policies().for_market(order.market if order else tracker.get_slot("market"))
    priority = handoff_priority(reason, order, policy)
    request = HandoffRequest(
        conversation_id=tracker.sender_id,
        reason=reason,
        priority=priority,
        language=tracker.get_slot("language"),
        channel=tracker.get_latest_input_channel(),
        order_number=order.number if order else tracker.get_slot("verified_order"),
        market=order.market if order else tracker.get_slot("market"),
        transcript=transcript(tracker),
        details=details or {},
    )
    ticket = await ticket_client().open_ticket(request)
    logger.info("Hand-off %s (%s, %s)", ticket.reference, reason, priority)
    dispatcher.utter_message(response="utter_handoff_recorded", reference=ticket.reference, hours="default")
    return [ConversationPaused()]


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        paused = await hand_off(dispatcher, tracker, INTENT_REASONS.get(intent, "assistant_offer"))
        return [SlotSet("person_offered", False), *paused]


class ActionDeclinePerson(Action):
    """The shopper said no to the person offered: acknowledge, and forget the offer."""

    def name(self) -> Text:
        return "action_decline_person"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_acknowledge")
        return [SlotSet("person_offered", False)]

