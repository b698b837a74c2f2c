"""How urgently a person must take over, from why the assistant hands off and whose order it is.

The thresholds (a high-value order per market) are policy data; the order of the levels is
ticketing.client.PRIORITIES.
"""
from __future__ import annotations

from typing import Optional

from bot.policies import MarketPolicy
from integrations.orders.base import Order
from ticketing.client import PRIORITIES

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


def handoff_priority(reason: str, order: Optional[Order] = None, policy: Optional[MarketPolicy] = None) -> str:
    """The reason's level, one higher for a VIP customer or an order at or above the market's
    high-value threshold (DOMAIN.md: VIPs and large orders get a person first)."""
    level = PRIORITIES.index(REASON_PRIORITY.get(reason, "normal"))
    if order is not None and policy is not None:
        if order.customer.vip or order.total >= policy.high_value_order:
            level += 1
    return PRIORITIES[min(level, len(PRIORITIES) - 1)]
