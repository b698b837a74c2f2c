"""Who works a ticket: claiming, admins' assignment, and round-robin among agents on duty."""
from __future__ import annotations

import pytest

from ticketing.service import AgentNotFound, AlreadyAssigned, InvalidTransition
from tests.ticketing.conftest import handoff


def test_an_agent_claims_an_unassigned_ticket_and_keeps_it(service, make_agent):
    ana, ben = make_agent("ana"), make_agent("ben")
    reference = service.open(handoff("conv-1")).reference
    assert service.claim(reference, ana.id).assignee_id == ana.id
    assert service.claim(reference, ana.id).assignee_id == ana.id  # claiming again changes nothing
    with pytest.raises(AlreadyAssigned):
        service.claim(reference, ben.id)
    assert service.assign(reference, ben.id, actor="agent:admin").assignee_id == ben.id
    assert service.assign(reference, None, actor="agent:admin").assignee_id is None
    kinds = [(e.kind, e.after) for e in service.events(reference) if e.kind in ("claimed", "assigned")]
    assert kinds == [("claimed", {"assignee_id": ana.id}), ("assigned", {"assignee_id": ben.id}), ("assigned", {"assignee_id": None})]
    with pytest.raises(AgentNotFound):
        service.claim(reference, 9999)
    service.resolve(reference, actor="agent:ana")
    with pytest.raises(InvalidTransition):
        service.claim(reference, ana.id)


def test_round_robin_goes_to_the_least_recently_assigned_agent_on_duty(service, clock, make_agent):
    ana, ben = make_agent("ana"), make_agent("ben")
    make_agent("off", on_duty=False)
    assigned = []
    for number in range(4):
        clock.advance(minutes=1)
        reference = service.open(handoff(f"conv-{number}")).reference
        assigned.append(service.assign_round_robin(reference).username)
    assert assigned == ["ana", "ben", "ana", "ben"]


def test_round_robin_prefers_agents_who_speak_the_language(service, clock, make_agent):
    make_agent("ana", languages=("en",))
    make_agent("kenji", languages=("ja", "en"))
    make_agent("yuki", languages=("ja",), on_duty=False)
    picks = []
    for number in range(3):
        clock.advance(minutes=1)
        reference = service.open(handoff(f"conv-{number}", language="ja")).reference
        picks.append(service.assign_round_robin(reference).username)
    assert picks == ["kenji", "kenji", "kenji"]  # the only Japanese speaker on duty, every time
    clock.advance(minutes=1)
    # Nobody on duty speaks Portuguese: any agent on duty, the least recently assigned first.
    reference = service.open(handoff("conv-pt", language="pt")).reference
    assert service.assign_round_robin(reference).username == "ana"


def test_round_robin_leaves_assigned_tickets_and_needs_someone_on_duty(service, agents, make_agent):
    ana = make_agent("ana", on_duty=False)
    reference = service.open(handoff("conv-1")).reference
    assert service.assign_round_robin(reference) is None
    assert service.ticket(reference).assignee_id is None
    agents.set_on_duty(ana.id, True)
    service.open(handoff("conv-2"))
    assert service.assign_unassigned() == 2  # the backlog, once someone comes on duty
    ben = make_agent("ben")
    assert service.assign_round_robin(reference).id == ana.id  # already hers
    assert ben.id != ana.id
