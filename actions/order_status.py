"""Order status: the form that collects the order number and proof of ownership, and the
action that reports the order once the shopper has proven it is theirs."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.dependencies import order_status_service, settings
from bot.nlg.renderer import COMPOSED
from bot.patterns import ORDER_NUMBER, fold_width
from bot.services.ownership import contact_matches, parse_contact
from integrations.errors import BackendError

logger = logging.getLogger(__name__)


def _find_order_number(value: Any) -> Optional[str]:
    match = ORDER_NUMBER.search(fold_width(str(value or "")))
    return match.group(1) if match else None


def _shorten(value: Any, limit: int = 40) -> str:
    text = str(value or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ValidateOrderStatusForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_order_status_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        # A shopper who already proved this order is theirs is not asked again.
        number = _find_order_number(tracker.get_slot("order_number"))
        if number and number == tracker.get_slot("verified_order"):
            return ["order_number"]
        return domain_slots

    async def validate_order_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> Dict[Text, Any]:
        number = _find_order_number(value)
        if number is None:
            dispatcher.utter_message(response="utter_invalid_order_number", value=_shorten(value))
            return {"order_number": None}
        try:
            order = await order_status_service().find(number)
        except BackendError:
            # Keep the number: the report step apologises and offers a person.
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
            order = await order_status_service().find(number)
        except BackendError:
            return {"order_contact": contact}
        if order is not None and contact_matches(order, contact):
            return {"order_contact": contact, "verified_order": number, "verification_attempts": 0, "market": order.market}

        attempts = int(tracker.get_slot("verification_attempts") or 0) + 1
        if attempts >= settings().max_verification_attempts:
            # Completing the form unverified lets the report step refuse and offer a person.
            logger.info("Ownership of order %s not proven after %d attempts", number, attempts)
            return {"order_contact": contact, "verification_attempts": attempts}
        dispatcher.utter_message(response="utter_contact_mismatch", order_number=number)
        return {"order_contact": None, "verification_attempts": attempts}


class ActionOrderStatus(Action):
    def name(self) -> Text:
        return "action_order_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        number = tracker.get_slot("order_number")
        # The contact has done its job; do not keep personal data in the slot.
        events: List[Dict[Text, Any]] = [SlotSet("order_contact", None)]
        if not number or number != tracker.get_slot("verified_order"):
            dispatcher.utter_message(response="utter_verification_failed", order_number=number or "")
            dispatcher.utter_message(response="utter_offer_human")
            return events + [SlotSet("verification_attempts", 0)]
        try:
            order = await order_status_service().find(number)
            lines = await order_status_service().report(order) if order else []
        except BackendError:
            logger.warning("Order backend unavailable while reporting order %s", number)
            dispatcher.utter_message(response="utter_backend_unavailable")
            return events
        if not lines:
            dispatcher.utter_message(response="utter_order_not_found", order_number=number)
            return events
        # One message for the whole report: on messaging apps five bubbles read as spam.
        dispatcher.utter_message(
            response=COMPOSED,
            parts=[{"response": line.response, "arguments": line.arguments} for line in lines],
        )
        return events
