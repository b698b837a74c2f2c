"""Delivery problems: the form works out which problem it is (from the order's state when it
can), which item and what the shopper wants, then the service acts or hands off."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.dependencies import delivery_problem_service, policies
from actions.handoff import hand_off
from actions.order_forms import OrderFormValidation, once_per_request, say, verified_order_or_explain
from actions.questions import TypedChoices
from bot.services.delivery_problems import inferred_problem, needs_item, needs_resolution
from integrations.errors import BackendError
from integrations.orders.base import Order

logger = logging.getLogger(__name__)
PROBLEM_SLOTS = ("delivery_problem", "order_item", "claim_resolution")


class ValidateDeliveryProblemForm(TypedChoices, OrderFormValidation):
    def name(self) -> Text:
        return "validate_delivery_problem_form"

    async def flow_slots(self, order: Order, slots: List[Text], tracker: Tracker) -> List[Text]:
        if order.is_modifiable:
            return []  # not shipped yet: the submit action says so
        problem = tracker.get_slot("delivery_problem") or inferred_problem(order)
        wanted = [] if inferred_problem(order) else ["delivery_problem"]
        if problem is None:
            return wanted
        if needs_item(problem):
            wanted.append("order_item")
        view = await once_per_request(
            tracker, f"shipment:{order.number}", lambda: delivery_problem_service().shipment_view(order, policies().for_market(order.market))
        )
        if needs_resolution(problem, view, order):
            wanted.append("claim_resolution")
        return wanted


class ActionDeliveryProblem(Action):
    def name(self) -> Text:
        return "action_delivery_problem"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        order, events = await verified_order_or_explain(dispatcher, tracker)
        events += [SlotSet(slot, None) for slot in PROBLEM_SLOTS]
        if order is None:
            return events
        policy = policies().for_market(order.market)
        problem = tracker.get_slot("delivery_problem") or inferred_problem(order) or "late"
        service = delivery_problem_service()
        try:
            view = await service.shipment_view(order, policy)
            outcome = await service.resolve(
                order, policy, problem, view=view, sku=tracker.get_slot("order_item"), resolution=tracker.get_slot("claim_resolution")
            )
        except BackendError:
            logger.warning("Backend unavailable while handling a delivery problem on %s", order.number)
            dispatcher.utter_message(response="utter_backend_unavailable")
            return events
        say(dispatcher, outcome.lines)
        if outcome.handoff_reason:
            events = [*events, *await hand_off(dispatcher, tracker, outcome.handoff_reason, order=order, details={"problem": problem, "item": tracker.get_slot("order_item")})]
        return events
