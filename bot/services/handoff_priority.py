"""Why and how urgently a person must take over, from what the shopper said, why the assistant
hands off and whose order it is.

The thresholds (a high-value order per market) are policy data; the order of the levels is
bot.policies.PRIORITIES (the ticket queue's too).
"""
from __future__ import annotations

from typing import Optional

from bot.policies import PRIORITIES, MarketPolicy
from integrations.orders.base import Order

REASON_PRIORITY = {
    "explicit_request": "normal",
    "assistant_offer": "normal",
    "fallback": "normal",
    "verification_failed": "normal",
    "backend_unavailable": "normal",
    "change_not_possible": "normal",
    "delivery_claim": "normal",
    "delivery_dispute": "high",
    "customs_hold": "high",
    "complaint": "high",
    "money_at_stake": "urgent",
}


# What the shopper's latest intent says about why a person is needed.
INTENT_REASONS = {"human_handoff": "explicit_request", "complaint": "complaint"}
# The assistant's own offer of a person after two misunderstandings in a row
# (data/rules/fallback_and_handoff.yml).
FALLBACK_OFFER = "utter_offer_human"


def handoff_reason(intent: Optional[str], action_before_message: Optional[str]) -> str:
    """Why the shopper is handed off: what they asked for, else the offer they accepted."""
    if intent in INTENT_REASONS:
        return INTENT_REASONS[intent]
    if action_before_message == FALLBACK_OFFER:
        return "fallback"
    return "assistant_offer"


def handoff_priority(reason: str, order: Optional[Order] = None, policy: Optional[MarketPolicy] = None) -> str:
    """The reason's level, one higher for a VIP customer or an order at or above the market's
    high-value threshold (DOMAIN.md: VIPs and large orders get a person first)."""
    level = PRIORITIES.index(REASON_PRIORITY.get(reason, "normal"))
    if order is not None and policy is not None:
        if order.customer.vip or order.total >= policy.high_value_order:
            level += 1
    return PRIORITIES[min(level, len(PRIORITIES) - 1)]
