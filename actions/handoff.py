"""Hands the conversation to the support team, with the priority its reason and order call for."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.dependencies import order_status_service, policies, ticket_client
from bot.services.handoff_priority import handoff_priority, handoff_reason
from integrations.errors import BackendError
from integrations.orders.base import Order
from ticketing.client import HandoffRequest, WaitEstimate

logger = logging.getLogger(__name__)
TRANSCRIPT_EVENTS = {"user", "bot"}


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


def shoppers_market(tracker: Tracker) -> Optional[str]:
    """Whose support team answers when no order is verified: the market the conversation knows,
    else the one the channel's locale names (the latest message that carries a locale)."""
    if tracker.get_slot("market"):
        return tracker.get_slot("market")
    messages = [tracker.latest_message or {}, *(e for e in reversed(tracker.events) if e.get("event") == "user")]
    for message in messages:
        metadata = message.get("metadata") or (message.get("parse_data") or {}).get("metadata")
        locale = metadata.get("locale") if isinstance(metadata, dict) else None
        if isinstance(locale, str) and locale:
            return policies().market_of_locale(locale)
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
    market = order.market if order else shoppers_market(tracker)
    policy = policies().for_market(market)
    priority = handoff_priority(reason, order, policy)
    request = HandoffRequest(
        conversation_id=tracker.sender_id,
        reason=reason,
        priority=priority,
        language=tracker.get_slot("language"),
        channel=tracker.get_latest_input_channel(),
        order_number=order.number if order else tracker.get_slot("verified_order"),
        market=market,
        transcript=transcript(tracker),
        details=details or {},
    )
    ticket = await ticket_client().open_ticket(request)
    logger.info("Hand-off %s (%s, %s)", ticket.reference, reason, priority)
    response, wait = wait_notice(ticket.wait)
    dispatcher.utter_message(response=response, reference=ticket.reference, **wait)
    return [ConversationPaused()]


def wait_notice(wait: WaitEstimate) -> tuple[str, Dict[Text, Any]]:
    """The reply that tells the shopper what happens next, and its arguments: the place in the
    queue, the team's hours, and by when a person answers (in hours) or when the team is back
    (out of hours), in the support team's time zone."""
    hours = wait.hours
    arguments = {
        "position": wait.position,
        "hours": {
            "days": list(hours.days),
            "opens": hours.opens.strftime("%H:%M"),
            "closes": hours.closes.strftime("%H:%M"),
            "zone": hours.timezone.key,
        },
        "reply_by": hours.local_time(wait.reply_by),
        "back_at": hours.local_time(wait.back_at),
    }
    return ("utter_handoff_recorded" if wait.open_now else "utter_handoff_out_of_hours"), arguments


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        reason = handoff_reason(intent, _action_before_latest_message(tracker))
        paused = await hand_off(dispatcher, tracker, reason)
        return [SlotSet("person_offered", False), *paused]


def _action_before_latest_message(tracker: Tracker) -> Optional[str]:
    seen_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_message:
                return None
            seen_message = True
        elif seen_message and event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name")
    return None


class ActionDeclinePerson(Action):
    """The shopper said no to the person offered: acknowledge, and forget the offer."""

    def name(self) -> Text:
        return "action_decline_person"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_acknowledge")
        return [SlotSet("person_offered", False)]

