"""The queue's periodic chores, run by `python -m ticketing serve` every
TICKETING_HOUSEKEEPING_SECONDS:

- flag tickets that have newly missed a first-response or resolution timer (an `sla_breached`
  audit event, once per breach, and a warning in the log for whoever watches it);
- hand unassigned open tickets round robin to the agents on duty (tickets opened while
  nobody was on duty wait for the first agent who comes on);
- close tickets resolved longer ago than a shopper may reopen them.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from ticketing.service import TicketService

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Chores:
    flagged: int
    assigned: int
    closed: int


@dataclass
class Housekeeping:
    service: TicketService
    interval: float = 60.0

    def run_once(self) -> Chores:
        flagged = self.service.flag_overdue()
        for ticket in flagged:
            timers = [name for name in ("first_response", "resolution") if getattr(ticket, f"{name}_breached")]
            logger.warning("ticket %s (%s) is overdue: %s", ticket.reference, ticket.priority, ", ".join(timers))
        chores = Chores(len(flagged), self.service.assign_unassigned(), self.service.close_resolved())
        if chores.assigned or chores.closed:
            logger.info("housekeeping: %d ticket(s) assigned, %d closed", chores.assigned, chores.closed)
        return chores

    async def run_forever(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.run_once)
            except asyncio.CancelledError:
                raise
            except Exception:
                # A database hiccup must not end the chores: try again next round.
                logger.exception("housekeeping: round failed")
            await asyncio.sleep(self.interval)
