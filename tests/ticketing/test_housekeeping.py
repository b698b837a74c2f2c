"""The queue's periodic chores: overdue tickets flagged once, unassigned tickets handed to the
agents who come on duty, old resolved tickets closed."""
from __future__ import annotations

import logging

from ticketing.housekeeping import Chores, Housekeeping
from tests.ticketing.conftest import handoff


def test_each_round_does_what_is_due_and_nothing_twice(service, clock, make_agent, caplog):
    chores = Housekeeping(service)
    urgent = service.open(handoff("conv-1", priority="urgent")).reference
    resolved = service.open(handoff("conv-2", priority="low")).reference
    service.resolve(resolved, actor="system")
    assert chores.run_once() == Chores(flagged=0, assigned=0, closed=0)  # nobody on duty, nothing late or old

    clock.advance(minutes=31)  # past the urgent ticket's 30-minute first-response target
    with caplog.at_level(logging.WARNING, logger="ticketing.housekeeping"):
        first = chores.run_once()
    assert (first.flagged, first.assigned, first.closed) == (1, 0, 0)
    assert service.ticket(urgent).first_response_breached
    assert f"ticket {urgent} (urgent) is overdue: first_response" in caplog.text
    assert chores.run_once().flagged == 0  # flagged once per breach
    assert [e.kind for e in service.events(urgent)].count("sla_breached") == 1

    agent = make_agent("ana")  # comes on duty
    assert chores.run_once().assigned == 1
    assert service.ticket(urgent).assignee_id == agent.id

    clock.advance(days=8)  # beyond the week in which a shopper may reopen a resolved ticket
    assert chores.run_once().closed == 1
    assert service.ticket(resolved).status == "closed"
