"""The interface through which the assistant hands a conversation to people."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Protocol

PRIORITIES = ("low", "normal", "high", "urgent")


@dataclass(frozen=True)
class HandoffRequest:
    conversation_id: str
    reason: str  # a key of bot.services.handoff_priority.REASON_PRIORITY
    priority: str  # one of PRIORITIES
    language: Optional[str]
    channel: Optional[str]
    order_number: Optional[str] = None
    transcript: list[dict[str, Any]] = field(default_factory=list)
    # What the assistant already collected (problem, item, the shopper's own words), so that
    # the agent does not ask again.
    details: dict[str, Any] = field(default_factory=dict)
    # The shop's market (ISO 3166-1, e.g. "DE"): whose support hours the SLA timers follow.
    market: Optional[str] = None


@dataclass(frozen=True)
class TicketRef:
    reference: str
    created: bool  # False when the conversation already had an open ticket


class TicketClient(Protocol):
    async def open_ticket(self, request: HandoffRequest) -> TicketRef:
        """Opens a ticket for the conversation, or returns its open one (idempotent)."""
        ...

    async def rate_resolved(self, conversation_id: str, rating: int) -> Optional[str]:
        """Puts the shopper's 1-5 rating on the conversation's latest resolved, unrated ticket;
        its reference, or None when there is none."""
        ...
