"""What every order flow shares: the order number, proof of ownership, and the order itself.

Each flow's form asks `order_number` and `order_contact` first (the contact is skipped once
this order was proven to be the shopper's); its own questions come after, and only those the
order still calls for. The submit actions start from `verified_order_or_explain`.
"""
from __future__ import annotations

import logging
from abc import abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.dependencies import order_status_service, settings
from bot.nlg.renderer import COMPOSED
from bot.patterns import ORDER_NUMBER, fold_width
from bot.services.order_status import Line
from bot.services.ownership import contact_matches, parse_contact
from integrations.errors import BackendError
from integrations.orders.base import Order

logger = logging.getLogger(__name__)

VERIFICATION_SLOTS = ["order_number", "order_contact"]
_REQUEST_CACHE = "_fetched_this_request"


def find_order_number(value: Any) -> Optional[str]:
    match = ORDER_NUMBER.search(fold_width(str(value or "")))
    return match.group(1) if match else None


def shorten(value: Any, limit: int = 40) -> str:
    text = str(value or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def once_per_request(tracker: Tracker, key: str, fetch):
    """`fetch()`'s result, computed once per action call: a form asks for its required slots
    several times per message. Kept on the request's tracker, so nothing outlives the request
    (orders hold personal data)."""
    cache = tracker.__dict__.setdefault(_REQUEST_CACHE, {})
    if key not in cache:
        cache[key] = await fetch()
    return cache[key]


async def load_order(tracker: Tracker, number: str) -> Optional[Order]:
    return await once_per_request(tracker, f"order:{number}", lambda: order_status_service().find(number))


def is_verified(tracker: Tracker) -> bool:
    number = find_order_number(tracker.get_slot("order_number"))
    return bool(number) and number == tracker.get_slot("verified_order")


def say(dispatcher: CollectingDispatcher, lines: List[Line]) -> None:
    """Several lines as one message: on messaging apps five bubbles read as spam."""
    if len(lines) == 1:
        dispatcher.utter_message(response=lines[0].response, **lines[0].arguments)
    elif lines:
        dispatcher.utter_message(
            response=COMPOSED, parts=[{"response": line.response, "arguments": line.arguments} for line in lines]
        )


class OrderFormValidation(FormValidationAction):
    """Validation shared by every form that starts from a verified order."""

    @abstractmethod
    def name(self) -> Text:
        """validate_<form name>"""

    async def flow_slots(self, order: Order, slots: List[Text], tracker: Tracker) -> List[Text]:
        """The flow's own slots this order still calls for; all of them by default."""
        return slots

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        flow = [slot for slot in domain_slots if slot not in VERIFICATION_SLOTS]
        if is_verified(tracker):
            number = find_order_number(tracker.get_slot("order_number"))
            try:
                order = await load_order(tracker, number)
            except BackendError:
                # The submit action apologises and offers a person.
                return ["order_number"]
            if order is None:
                return ["order_number"]
            return ["order_number"] + await self.flow_slots(order, flow, tracker)
        if tracker.get_slot("order_contact"):
            # Ownership was not proven: ask nothing more; the submit action refuses.
            return VERIFICATION_SLOTS
        return VERIFICATION_SLOTS + flow

    async def validate_order_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> Dict[Text, Any]:
        number = find_order_number(value)
        if number is None:
            dispatcher.utter_message(response="utter_invalid_order_number", value=shorten(value))
            return {"order_number": None}
        try:
            order = await load_order(tracker, number)
        except BackendError:
            # Keep the number: the submit step apologises and offers a person.
            return {"order_number": number}
        if order is None:
            dispatcher.utter_message(response="utter_order_not_found", order_number=number)
            return {"order_number": None}
        return {"order_number": number}

    async def validate_order_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> Dict[Text, Any]:
        number = tracker.get_slot("order_number")
        if not number:
            return {"order_contact": None}
        contact = parse_contact(str(value or ""))
        if contact is None:
            dispatcher.utter_message(response="utter_invalid_contact")
            return {"order_contact": None}
        try:
            order = await load_order(tracker, number)
        except BackendError:
            return {"order_contact": contact}
        if order is not None and contact_matches(order, contact):
            return {"order_contact": contact, "verified_order": number, "verification_attempts": 0, "market": order.market}

        attempts = int(tracker.get_slot("verification_attempts") or 0) + 1
        if attempts >= settings().max_verification_attempts:
            # Completing the form unverified lets the submit step refuse and offer a person.
            logger.info("Ownership of order %s not proven after %d attempts", number, attempts)
            return {"order_contact": contact, "verification_attempts": attempts}
        dispatcher.utter_message(response="utter_contact_mismatch", order_number=number)
        return {"order_contact": None, "verification_attempts": attempts}


async def verified_order_or_explain(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> tuple[Optional[Order], List[Dict[Text, Any]]]:
    """The verified order, or None after telling the shopper why not. The events clear the
    contact (it has done its job; personal data does not stay in a slot)."""
    number = tracker.get_slot("order_number")
    events: List[Dict[Text, Any]] = [SlotSet("order_contact", None)]
    if not number or number != tracker.get_slot("verified_order"):
        dispatcher.utter_message(response="utter_verification_failed", order_number=number or "")
        dispatcher.utter_message(response="utter_offer_human")
        return None, events + [SlotSet("verification_attempts", 0), SlotSet("person_offered", True)]
    try:
        order = await load_order(tracker, number)
    except BackendError:
        logger.warning("Order backend unavailable for order %s", number)
        dispatcher.utter_message(response="utter_backend_unavailable")
        return None, events
    if order is None:
        dispatcher.utter_message(response="utter_order_not_found", order_number=number)
        return None, events
    return order, events
