"""Cancelling an order, changing its items and changing its delivery address, before it ships."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.dependencies import order_change_service, policies
from actions.handoff import hand_off
from actions.order_forms import OrderFormValidation, find_order_number, load_order, say, verified_order_or_explain
from actions.questions import TypedChoices, yes_no_buttons
from bot.services.order_changes import format_address, not_modifiable_lines, parse_address
from bot.services.order_status import Line, money
from integrations.errors import BackendError
from integrations.orders.base import Order

logger = logging.getLogger(__name__)


class ValidateModifiableOrderForm(OrderFormValidation):
    """Asks the flow's questions only while the order can still be changed."""

    async def flow_slots(self, order: Order, slots: List[Text], tracker: Tracker) -> List[Text]:
        return slots if order.is_modifiable else []


class ValidateCancelOrderForm(ValidateModifiableOrderForm):
    def name(self) -> Text:
        return "validate_cancel_order_form"


class ValidateChangeAddressForm(ValidateModifiableOrderForm):
    def name(self) -> Text:
        return "validate_change_address_form"

    async def validate_new_address(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict:
        order = await load_order(tracker, find_order_number(tracker.get_slot("order_number")))
        parsed = parse_address(str(value or ""), order, policies().for_market(order.market))
        if parsed.address is None:
            dispatcher.utter_message(response=f"utter_address_{parsed.problem}")
            return {"new_address": None}
        return {"new_address": str(value).strip()}


class ValidateChangeOrderForm(TypedChoices, ValidateModifiableOrderForm):
    def name(self) -> Text:
        return "validate_change_order_form"

    async def flow_slots(self, order: Order, slots: List[Text], tracker: Tracker) -> List[Text]:
        if not order.is_modifiable:
            return []
        return [s for s in slots if s != "order_item"] if len(order.items) == 1 else slots


class AskConfirmation(Action):
    """Repeats what is about to happen and asks yes or no."""

    def name(self) -> Text:
        return "action_ask_confirmation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        order = await load_order(tracker, find_order_number(tracker.get_slot("order_number")))
        if tracker.active_loop_name == "change_address_form":
            parsed = parse_address(tracker.get_slot("new_address"), order, policies().for_market(order.market))
            dispatcher.utter_message(
                response="utter_confirm_address",
                buttons=yes_no_buttons(tracker),
                order_number=order.number,
                address=format_address(parsed.address),
            )
        else:
            dispatcher.utter_message(
                response="utter_confirm_cancel",
                buttons=yes_no_buttons(tracker),
                order_number=order.number,
                total=money(order.total, order.currency),
            )
        return []


async def _order_or_stop(dispatcher: CollectingDispatcher, tracker: Tracker) -> tuple[Optional[Order], List[Dict[Text, Any]]]:
    order, events = await verified_order_or_explain(dispatcher, tracker)
    return order, events + [SlotSet("confirmation", None)]


class ActionCancelOrder(Action):
    def name(self) -> Text:
        return "action_cancel_order"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        order, events = await _order_or_stop(dispatcher, tracker)
        if order is None:
            return events
        policy = policies().for_market(order.market)
        if not order.is_modifiable:
            say(dispatcher, not_modifiable_lines(order, policy, what="cancel"))
        elif tracker.get_slot("confirmation") is not True:
            say(dispatcher, [Line("utter_cancel_kept", {"order_number": order.number})])
        else:
            try:
                say(dispatcher, await order_change_service().cancel(order, policy))
            except BackendError:
                dispatcher.utter_message(response="utter_backend_unavailable")
        return events


class ActionChangeAddress(Action):
    def name(self) -> Text:
        return "action_change_address"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        order, events = await _order_or_stop(dispatcher, tracker)
        # The address is personal data: it leaves the slot once used.
        events.append(SlotSet("new_address", None))
        if order is None:
            return events
        policy = policies().for_market(order.market)
        if not order.is_modifiable:
            say(dispatcher, not_modifiable_lines(order, policy, what="address"))
            return events
        parsed = parse_address(tracker.get_slot("new_address"), order, policy)
        if tracker.get_slot("confirmation") is not True or parsed.address is None:
            say(dispatcher, [Line("utter_address_kept", {"order_number": order.number})])
            return events
        try:
            say(dispatcher, await order_change_service().change_address(order, policy, parsed.address))
        except BackendError:
            dispatcher.utter_message(response="utter_backend_unavailable")
        return events


class ActionChangeOrder(Action):
    def name(self) -> Text:
        return "action_change_order"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        order, events = await verified_order_or_explain(dispatcher, tracker)
        events += [SlotSet("order_item", None), SlotSet("order_change", None)]
        if order is None:
            return events
        policy = policies().for_market(order.market)
        sku = tracker.get_slot("order_item") or (order.items[0].sku if len(order.items) == 1 else "")
        try:
            handled, lines = await order_change_service().change_item(order, policy, sku, tracker.get_slot("order_change") or "other")
        except BackendError:
            dispatcher.utter_message(response="utter_backend_unavailable")
            return events
        say(dispatcher, lines)
        if not handled:
            events = [*events, *await hand_off(dispatcher, tracker, "change_not_possible", order=order, details={"item": sku, "change": tracker.get_slot("order_change")})]
        return events
