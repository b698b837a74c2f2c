"""Rasa input channels that clean every message before Rasa sees it (credentials.yml).

Wrapping the `on_new_message` callback keeps Rasa's own channel code untouched: the REST,
socket.io and callback channels behave exactly as documented, except that what reaches the
tracker store is cleaned and redacted (bot.hygiene), and that the callback channel, which a
shop's own messaging bridge calls, needs its shared token both ways.
"""
from __future__ import annotations

import hmac
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.callback import CallbackInput
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from rasa.utils.endpoints import EndpointConfig
from sanic import response

from bot import rasa_speedups
from bot.hygiene import clean
from bot.settings import get_settings

# Rasa imports this module at start-up (credentials.yml): the place to make its action-server
# response check cheap (bot/rasa_speedups.py).
rasa_speedups.install()

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def cleaning(on_new_message: OnNewMessage) -> OnNewMessage:
    max_chars = get_settings().max_message_chars

    async def handler(message: UserMessage) -> Any:
        result = clean(message.text, max_chars)
        message.text = result.text
        if result.truncated or result.redacted:
            metadata = dict(message.metadata or {})
            if result.truncated:
                metadata["truncated_from"] = result.original_length
            if result.redacted:
                # The NLG endpoint tells the shopper, in their language, what was removed.
                metadata["redacted"] = True
            message.metadata = metadata
        return await on_new_message(message)

    return handler


class CleanRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: OnNewMessage):
        return super().blueprint(cleaning(on_new_message))


class CleanSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: OnNewMessage):
        return super().blueprint(cleaning(on_new_message))


class CleanCallbackInput(CallbackInput):
    """Rasa's callback channel: the bridge POSTs {"sender", "message"} to
    /webhooks/callback/webhook, and every reply (agents' replies after a hand-off included) is
    POSTed to its URL as it is made: a push channel for any messaging app the shop connects.
    Both directions carry `Authorization: Bearer <token>`; a message without it is refused."""

    @classmethod
    def name(cls) -> str:
        return "callback"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = dict(credentials or {})
        token = str(credentials.pop("token", "") or "")
        if not token:
            raise ValueError("the callback channel needs a token (CALLBACK_TOKEN)")
        headers = {**(credentials.pop("headers", None) or {}), "Authorization": f"Bearer {token}"}
        channel = cls(EndpointConfig.from_dict({**credentials, "headers": headers}))
        channel.token = token
        return channel

    def blueprint(self, on_new_message: OnNewMessage):
        blueprint = super().blueprint(cleaning(on_new_message))

        @blueprint.middleware("request")
        async def authenticate(request):
            if request.method == "POST":
                given = request.headers.get("Authorization", "")
                if not hmac.compare_digest(given.encode(), f"Bearer {self.token}".encode()):
                    return response.json({"error": "unauthorized"}, status=401)
            return None

        return blueprint
