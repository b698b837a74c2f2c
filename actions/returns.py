"""Returns and refunds: the return form (order, item, reason, condition) and its submission,
and where a refund is."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.dependencies import policies, return_service
from actions.handoff import hand_off
from actions.order_forms import OrderFormValidation, say, verified_order_or_explain
from actions.questions import TypedChoices
from bot.services.order_status import Line
from bot.services.returns import ALL_ITEMS, OVERDUE_REFUND, order_eligibility, order_refusal_line, refund_status_lines
from integrations.errors import BackendError, OrderNotModifiable
from integrations.orders.base import Order

logger = logging.getLogger(__name__)
RETURN_SLOTS = ("order_item", "return_reason", "return_condition")


class ValidateReturnForm(TypedChoices, OrderFormValidation):
    def name(self) -> Text:
        return "validate_return_form"

    async def flow_slots(self, order: Order, slots: List[Text], tracker: Tracker) -> List[Text]:
        eligibility = order_eligibility(order, policies().for_market(order.market))
        if not eligibility.allowed:
            return []  # nothing to ask: the submit action explains why
        if len(eligibility.items) == 1:
            return [s for s in slots if s != "order_item"]
        return slots


class ActionRequestReturn(Action):
    def name(self) -> Text:
        return "action_request_return"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        order, events = await verified_order_or_explain(dispatcher, tracker)
        events += [SlotSet(slot, None) for slot in RETURN_SLOTS]
        if order is None:
            return events
        policy = policies().for_market(order.market)
        eligibility = order_eligibility(order, policy)
        if not eligibility.allowed:
            say(dispatcher, [order_refusal_line(order, eligibility, policy)])
            return events
        sku = tracker.get_slot("order_item") or (eligibility.items[0].item.sku if len(eligibility.items) == 1 else ALL_ITEMS)
        reason = tracker.get_slot("return_reason") or "other"
        condition = tracker.get_slot("return_condition") or "unused"
        try:
            _, lines = await return_service().open_return(order, policy, sku, reason, condition)
        except OrderNotModifiable as refusal:
            lines = [Line("utter_return_refused_by_store", {"order_number": order.number, "detail": refusal.detail})]
        except BackendError:
            logger.warning("Order backend unavailable while opening a return for %s", order.number)
            lines = [Line("utter_backend_unavailable")]
        say(dispatcher, lines)
        return events


class ValidateRefundStatusForm(OrderFormValidation):
    def name(self) -> Text:
        return "validate_refund_status_form"


class ActionRefundStatus(Action):
    def name(self) -> Text:
        return "action_refund_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        order, events = await verified_order_or_explain(dispatcher, tracker)
        if order is None:
            return events
        lines = refund_status_lines(order, policies().for_market(order.market))
        say(dispatcher, lines)
        if any(line.response == OVERDUE_REFUND for line in lines):
            events = [*events, *await hand_off(dispatcher, tracker, "money_at_stake", order=order, details={"refund": "overdue"})]
        return events
