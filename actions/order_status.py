"""Order status: the form that collects the order number and proof of ownership, and the
action that reports the order once the shopper has proven it is theirs."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.dependencies import order_status_service, policies
from actions.order_forms import OrderFormValidation, say, verified_order_or_explain
from integrations.errors import BackendError

logger = logging.getLogger(__name__)


class ValidateOrderStatusForm(OrderFormValidation):
    def name(self) -> Text:
        return "validate_order_status_form"


class ActionOrderStatus(Action):
    def name(self) -> Text:
        return "action_order_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        order, events = await verified_order_or_explain(dispatcher, tracker)
        if order is None:
            return events
        try:
            lines = await order_status_service().report(order, policies().for_market(order.market))
        except BackendError:
            logger.warning("Order backend unavailable while reporting order %s", order.number)
            dispatcher.utter_message(response="utter_backend_unavailable")
            return events
        say(dispatcher, lines)
        return events
