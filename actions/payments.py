"""Payment problems and invoices of a verified order."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.dependencies import invoice_service, policies
from actions.handoff import hand_off
from actions.order_forms import OrderFormValidation, say, verified_order_or_explain
from bot.services.payments import assess_payment
from integrations.errors import BackendError

logger = logging.getLogger(__name__)


class ValidatePaymentIssueForm(OrderFormValidation):
    def name(self) -> Text:
        return "validate_payment_issue_form"


class ActionPaymentIssue(Action):
    def name(self) -> Text:
        return "action_payment_issue"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        order, events = await verified_order_or_explain(dispatcher, tracker)
        if order is None:
            return events
        outcome = assess_payment(order, policies().for_market(order.market))
        say(dispatcher, outcome.lines)
        if outcome.handoff_reason:
            events = [*events, *await hand_off(dispatcher, tracker, outcome.handoff_reason, order=order, details={"payment_status": order.payment_status})]
        return events


class ValidateInvoiceForm(OrderFormValidation):
    def name(self) -> Text:
        return "validate_invoice_form"


class ActionGetInvoice(Action):
    def name(self) -> Text:
        return "action_get_invoice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        order, events = await verified_order_or_explain(dispatcher, tracker)
        if order is None:
            return events
        try:
            say(dispatcher, await invoice_service().invoice_lines(order))
        except BackendError:
            logger.warning("Order backend unavailable while fetching the invoice of %s", order.number)
            dispatcher.utter_message(response="utter_backend_unavailable")
        return events
