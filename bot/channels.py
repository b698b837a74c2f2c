"""Rasa input channels that clean every message before Rasa sees it (credentials.yml).

Wrapping the `on_new_message` callback keeps Rasa's own channel code untouched: the REST
and socket.io channels behave exactly as documented, except that what reaches the tracker
store is cleaned and redacted (bot.hygiene).
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput

from bot.hygiene import clean
from bot.settings import get_settings

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
