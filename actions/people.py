"""Complaints go to a person with a high priority, with the shopper's own words; feedback is a
1–5 rating and an optional comment, stored for the support team."""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.dependencies import feedback_store, ticket_client
from actions.handoff import hand_off
from bot.patterns import fold_width
from ticketing.feedback import Feedback

logger = logging.getLogger(__name__)
MAX_TEXT = 1000
LOW_RATING = 2
SKIPPED = "-"


class ValidateComplaintForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_complaint_form"

    async def validate_complaint_text(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict:
        text = " ".join(str(value or "").split())[:MAX_TEXT]
        return {"complaint_text": text or None}


class ActionFileComplaint(Action):
    def name(self) -> Text:
        return "action_file_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_complaint_received")
        paused = await hand_off(dispatcher, tracker, "complaint", details={"complaint": tracker.get_slot("complaint_text")})
        return [SlotSet("complaint_text", None), *paused]


def read_rating(value: Any) -> int | None:
    text = fold_width(str(value or ""))
    stars = text.count("★")
    if 1 <= stars <= 5:
        return stars
    digits = re.findall(r"(?<!\d)[1-5](?!\d)", text)
    return int(digits[0]) if len(digits) == 1 else None


class ValidateFeedbackForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_feedback_form"

    async def extract_feedback_rating(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict:
        # "4" or "★★★★" is an answer, whatever intent the model sees in it.
        if tracker.get_slot("requested_slot") != "feedback_rating":
            return {}
        rating = read_rating(tracker.latest_message.get("text"))
        return {} if rating is None else {"feedback_rating": str(rating)}

    async def validate_feedback_rating(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict:
        rating = read_rating(value)
        if rating is None:
            dispatcher.utter_message(response="utter_rating_not_understood")
        return {"feedback_rating": None if rating is None else str(rating)}

    async def validate_feedback_comment(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict:
        text = " ".join(str(value or "").split())[:MAX_TEXT]
        return {"feedback_comment": text or SKIPPED}


class ActionSaveFeedback(Action):
    def name(self) -> Text:
        return "action_save_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        events = [SlotSet("feedback_rating", None), SlotSet("feedback_comment", None)]
        rating = read_rating(tracker.get_slot("feedback_rating"))
        if rating is None:
            return events
        reference = None
        try:
            # After a hand-off the relay resumes the conversation and asks for this rating: it
            # belongs on the ticket the shopper's conversation just had resolved.
            reference = await ticket_client().rate_resolved(tracker.sender_id, rating)
            if reference:
                logger.info("Rating %d stored on %s", rating, reference)
        except Exception:
            # The feedback is still saved below, without its link to the ticket.
            logger.exception("Could not put the rating on the ticket of %s", tracker.sender_id)
        comment = tracker.get_slot("feedback_comment")
        await feedback_store().save(
            Feedback(
                conversation_id=tracker.sender_id,
                rating=rating,
                comment=None if comment in (None, SKIPPED) else comment,
                language=tracker.get_slot("language"),
                order_number=tracker.get_slot("verified_order"),
                ticket_reference=reference,
            )
        )
        if rating <= LOW_RATING:
            # DOMAIN.md: a poor rating starts a recovery follow-up by a person.
            dispatcher.utter_message(response="utter_feedback_sorry")
            events.append(SlotSet("person_offered", True))
        else:
            dispatcher.utter_message(response="utter_feedback_thanks")
        return events
