"""The interface through which the assistant hands a conversation to people."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Optional, Protocol

from bot.policies import PRIORITIES, SupportHours  # PRIORITIES: lowest first

__all__ = ["PRIORITIES", "HandoffRequest", "TicketClient", "TicketRef", "WaitEstimate"]


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
class WaitEstimate:
    """What the shopper is told about the wait, from the queue and the ticket's own SLA timer
    rather than a guess: how many are ahead, when the team works, and by when a person answers."""

    # 1 = next to be answered: tickets still waiting for a person's first reply that the
    # agents' queue lists first (a higher priority, or the same one due sooner), plus one.
    position: int
    open_now: bool  # the market's support team is at work now
    back_at: datetime  # UTC: when the team is next at work (now, when open_now)
    reply_by: datetime  # UTC: the ticket's first-response due time
    hours: SupportHours


@dataclass(frozen=True)
class TicketRef:
    reference: str
    created: bool  # False when the conversation already had an open ticket
    wait: WaitEstimate  # what to tell the shopper about the wait, as of this call


class TicketClient(Protocol):
    async def open_ticket(self, request: HandoffRequest) -> TicketRef:
        """Opens a ticket for the conversation, or returns its open one (idempotent)."""
        ...

    async def owns_conversation(self, conversation_id: str) -> bool:
        """Whether people own the conversation: it has an open ticket (new, open or waiting)."""
        ...

    async def rate_resolved(self, conversation_id: str, rating: int) -> Optional[str]:
        """Puts the shopper's 1-5 rating on the conversation's latest resolved, unrated ticket;
        its reference, or None when there is none."""
        ...
