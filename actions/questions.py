"""The closed questions forms ask, with buttons in the shopper's language (`action_ask_<slot>`),
and reading the answer back, clicked or typed (bot/choices.py)."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.order_forms import find_order_number, load_order
from actions.dependencies import policies
from bot.choices import Option, buttons, match_choice, synonyms, term_options
from bot.services.delivery_problems import PROBLEMS, inferred_problem
from bot.services.order_changes import change_choices
from bot.services.returns import ALL_ITEMS, order_eligibility
from integrations.errors import BackendError
from integrations.orders.base import ITEM_CONDITIONS, RETURN_REASONS, Order, OrderItem

RESOLUTIONS_BY_PROBLEM = {"lost": ("reship", "refund"), "late": ("reship", "refund")}
ITEM_RESOLUTIONS = ("replace", "refund")
RATINGS = ("5", "4", "3", "2", "1")


async def current_order(tracker: Tracker) -> Optional[Order]:
    number = find_order_number(tracker.get_slot("order_number"))
    if not number:
        return None
    try:
        return await load_order(tracker, number)
    except BackendError:
        return None


def item_title(item: OrderItem) -> str:
    variant = f" ({item.variant})" if item.variant else ""
    return f"{item.name}{variant} × {item.quantity}"


async def item_options(tracker: Tracker) -> List[Option]:
    """The order's items the active flow can be about: returnable ones for a return."""
    order = await current_order(tracker)
    if order is None:
        return []
    if tracker.active_loop_name == "return_form":
        eligibility = order_eligibility(order, policies().for_market(order.market))
        options = [(r.item.sku, item_title(r.item)) for r in eligibility.items]
        if len(options) > 1:
            options += term_options(tracker.get_slot("language"), "choice", [ALL_ITEMS])
        return options
    return [(item.sku, item_title(item)) for item in order.items]


def resolution_codes(problem: Optional[str]) -> tuple[str, ...]:
    return RESOLUTIONS_BY_PROBLEM.get(problem or "", ITEM_RESOLUTIONS)


def chosen_item(order: Optional[Order], tracker: Tracker) -> Optional[OrderItem]:
    """The item the change is about: the one chosen, or the order's only one (not asked)."""
    if order is None:
        return None
    if len(order.items) == 1:
        return order.items[0]
    return next((i for i in order.items if i.sku == tracker.get_slot("order_item")), None)


async def change_options(tracker: Tracker) -> List[Option]:
    item = chosen_item(await current_order(tracker), tracker)
    if item is None:
        return []
    language = tracker.get_slot("language")
    options = []
    for code in change_choices(item):
        if code.startswith("variant:"):
            options.append((code, code.split(":", 1)[1]))
        elif code.startswith("quantity:"):
            title = term_options(language, "choice", ["quantity"])[0][1]
            options.append((code, title.replace("{n}", code.split(":", 1)[1])))
        else:
            options.append(term_options(language, "choice", [code])[0])
    return options


def static_options(tracker: Tracker, slot: str) -> List[Option]:
    language = tracker.get_slot("language")
    if slot == "return_reason":
        return term_options(language, "return_reason", RETURN_REASONS)
    if slot == "return_condition":
        return term_options(language, "item_condition", ITEM_CONDITIONS)
    if slot == "delivery_problem":
        return term_options(language, "delivery_problem", PROBLEMS)
    if slot == "feedback_rating":
        return [(r, "★" * int(r)) for r in RATINGS]
    raise KeyError(slot)


async def resolution_options(tracker: Tracker) -> List[Option]:
    # A lost parcel is sent again or refunded; a damaged or wrong item replaced or refunded.
    problem = tracker.get_slot("delivery_problem")
    if problem is None:
        order = await current_order(tracker)
        problem = inferred_problem(order) if order else None
    return term_options(tracker.get_slot("language"), "claim_resolution", resolution_codes(problem))


async def options_for(tracker: Tracker, slot: str) -> List[Option]:
    if slot == "order_item":
        return await item_options(tracker)
    if slot == "claim_resolution":
        return await resolution_options(tracker)
    if slot == "order_change":
        return await change_options(tracker)
    return static_options(tracker, slot)


class AskWithButtons(Action, ABC):
    """Asks `utter_ask_<slot>` with one button per option."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot asked for; subclasses set it as a class attribute."""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        options = await options_for(tracker, self.slot)
        dispatcher.utter_message(response=f"utter_ask_{self.slot}", buttons=buttons(self.slot, options))
        return []


class AskOrderItem(AskWithButtons):
    slot = "order_item"


class AskReturnReason(AskWithButtons):
    slot = "return_reason"


class AskReturnCondition(AskWithButtons):
    slot = "return_condition"


class AskDeliveryProblem(AskWithButtons):
    slot = "delivery_problem"


class AskClaimResolution(AskWithButtons):
    slot = "claim_resolution"


class AskOrderChange(AskWithButtons):
    slot = "order_change"


class AskFeedbackRating(AskWithButtons):
    slot = "feedback_rating"


def yes_no_buttons(tracker: Tracker) -> List[Dict[Text, Any]]:
    titles = dict(term_options(tracker.get_slot("language"), "choice", ["yes", "no"]))
    return [{"title": titles["yes"], "payload": "/affirm"}, {"title": titles["no"], "payload": "/deny"}]


# The terms table of each closed question's options, whose `<table>_words` lists other words.
TERMS_TABLE = {
    "return_reason": "return_reason",
    "return_condition": "item_condition",
    "delivery_problem": "delivery_problem",
    "claim_resolution": "claim_resolution",
    "order_change": "choice",
}


async def read_choice(tracker: Tracker, slot: str, value: Any) -> Optional[str]:
    """The option code the shopper clicked or typed for this slot, or None."""
    table = TERMS_TABLE.get(slot)
    words = synonyms(tracker.get_slot("language"), table) if table else None
    return match_choice(value, await options_for(tracker, slot), words)


def looks_like_a_question(message: Dict[Text, Any]) -> bool:
    """Whether a message that answers none of the options is a question of its own (answered,
    then the form goes on) rather than an answer the assistant did not understand (asked again).
    A short "sin abrir" must not get the FAQ on creating an account."""
    text = message.get("text") or ""
    confidence = (message.get("intent") or {}).get("confidence") or 0.0
    unspaced = sum(1 for c in text if "\u3040" <= c <= "\u9fff") >= 12  # a long CJK sentence
    return "?" in text or "？" in text or len(text.split()) >= 6 or unspaced or confidence >= 0.9


async def extract_typed_choice(tracker: Tracker, slot: str) -> Dict[Text, Any]:
    """The option a typed answer names, whatever intent the NLU saw in it: "sin abrir" may look
    like an FAQ to the model, but as an answer to the question asked it is clear. Clicked
    buttons arrive as entities and need nothing here."""
    if tracker.get_slot("requested_slot") != slot:
        return {}
    text = (tracker.latest_message.get("text") or "").strip()
    if not text or text.startswith("/"):
        return {}
    if slot == "order_change" and text.isdigit():
        return {slot: f"quantity:{int(text)}"}
    code = await read_choice(tracker, slot, text)
    if code:
        return {slot: code}
    if looks_like_a_question(tracker.latest_message):
        return {}
    # Kept as typed: validation says it was not understood and asks again.
    return {slot: text}


CHOICE_SLOTS = ("order_item", "return_reason", "return_condition", "delivery_problem", "claim_resolution", "order_change")


async def validate_choice(slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
    """The option's code, or None (asked again) after saying the answer was not understood."""
    choice = await read_choice(tracker, slot, value)
    if choice is None:
        dispatcher.utter_message(response="utter_choice_not_understood")
    return {slot: choice}


def _extractor(slot: str):
    async def extract(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict:
        return await extract_typed_choice(tracker, slot)

    return extract


def _validator(slot: str):
    async def validate(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict:
        return await validate_choice(slot, value, dispatcher, tracker)

    return validate


class TypedChoices:
    """Mixed into a form's validation: reads the answers to its closed questions, clicked or
    typed (rasa-sdk finds `extract_<slot>` and `validate_<slot>` by name)."""


for _slot in CHOICE_SLOTS:
    setattr(TypedChoices, f"extract_{_slot}", _extractor(_slot))
    setattr(TypedChoices, f"validate_{_slot}", _validator(_slot))
