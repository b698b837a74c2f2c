"""Makes two things the Rasa server does on every message cheap, with the same results.

1. Rasa 3.6 checks each action-server and NLG-endpoint response with
   `jsonschema.validate(result, schema)`, which first checks the schema itself against its
   metaschema and builds a new validator, on every call. With the pinned jsonschema (4.17) that
   schema check cost about three quarters of the server's time per message in a profile of
   `make bench`. The schemas never change: each is checked once and its validator kept. The
   response is still validated in full, and a bad one is refused with Rasa's own message.
(The other per-message cost of the embedded default, the SQL event broker, is bot/event_broker.py.)

Installed in the Rasa server process by bot/channels.py, which Rasa imports at start-up.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Dict, Optional, Text

from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.core.nlg import callback
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.exceptions import RasaException


@lru_cache(maxsize=None)
def _validator(spec: Callable[[], Dict[Text, Any]]):
    schema = spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    try:
        _validator(RemoteAction.action_response_format_spec).validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from "
            f"the Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise


def _validate_nlg_response(content: Optional[Dict[Text, Any]]) -> bool:
    if content is None or content == "":
        return True  # the endpoint chose to say nothing
    try:
        _validator(callback.nlg_response_format_spec).validate(content)
        return True
    except ValidationError as error:
        raise RasaException(
            f"{error.message}. Failed to validate NLG response from API, make sure your response from "
            "the NLG endpoint is valid (rasa/core/nlg/callback.py, nlg_response_format_spec)."
        ) from None


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result
    callback.CallbackNaturalLanguageGenerator.validate_response = staticmethod(_validate_nlg_response)
