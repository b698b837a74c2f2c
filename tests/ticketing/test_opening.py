"""Opening a ticket: once per conversation, even when two hand-offs race; what it stores."""
from __future__ import annotations

import re
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ticketing.db import make_engine
from ticketing.models import Ticket
from ticketing.service import TicketService
from tests.ticketing.conftest import Clock, handoff, hours_for, targets_for

CARD = "4111 1111 1111 1111"


def count_tickets(engine, conversation_id: str) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Ticket).where(Ticket.conversation_id == conversation_id))


def test_opening_is_idempotent_per_conversation(service):
    first = service.open(handoff("conv-1"))
    again = service.open(handoff("conv-1", reason="complaint"))
    other = service.open(handoff("conv-2"))
    assert re.fullmatch(r"T-\d{6}", first.reference)
    assert first.created and not again.created and other.created
    assert again.reference == first.reference != other.reference
    assert service.ticket(first.reference).reason == "explicit_request"  # the first hand-off's


def test_a_resolved_ticket_makes_room_for_a_new_one(service):
    first = service.open(handoff("conv-1"))
    service.resolve(first.reference, actor="agent:test")
    second = service.open(handoff("conv-1"))
    assert second.created and second.reference != first.reference
    assert service.active_ticket("conv-1").reference == second.reference


def test_simultaneous_hand_offs_open_one_ticket(service, engine):
    for conversation in ("race-1", "race-2", "race-3"):
        threads, results, errors = [], [], []
        barrier = threading.Barrier(6)

        def hand_off() -> None:
            try:
                barrier.wait()
                results.append(service.open(handoff(conversation)))
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        for _ in range(6):
            threads.append(threading.Thread(target=hand_off))
            threads[-1].start()
        for thread in threads:
            thread.join(30)
        assert errors == []
        assert len({ref.reference for ref in results}) == 1
        assert sum(ref.created for ref in results) == 1
        assert count_tickets(engine, conversation) == 1


def test_losing_the_race_rereads_the_winner(service, engine, monkeypatch):
    """The second of two processes that both saw no ticket hits the unique index and returns
    the first one's ticket."""
    winner = service.open(handoff("conv-1"))
    real_active = TicketService._active
    calls = []

    def stale_read(self, session, conversation_id, lock=False):
        calls.append(conversation_id)
        return None if len(calls) == 1 else real_active(self, session, conversation_id, lock)

    monkeypatch.setattr(TicketService, "_active", stale_read)
    again = service.open(handoff("conv-1"))
    assert (again.reference, again.created) == (winner.reference, False)
    assert count_tickets(engine, "conv-1") == 1


def test_the_ticket_keeps_the_hand_off_redacted(service):
    request = handoff(
        "conv-1",
        language="ar",
        channel="whatsapp",
        market="sa",
        order_number="100245",
        priority="high",
        transcript=[{"event": "user", "text": f"my card {CARD} was charged twice", "timestamp": 1.5}],
        details={"problem": f"card {CARD}, cvv 123", "when": datetime(2025, 3, 1, 12, 0)},
    )
    ticket = service.ticket(service.open(request).reference)
    assert (ticket.language, ticket.channel, ticket.market, ticket.order_number) == ("ar", "whatsapp", "SA", "100245")
    assert (ticket.status, ticket.priority, ticket.assignee_id) == ("new", "high", None)
    assert CARD not in str(ticket.transcript) and CARD not in str(ticket.details)
    assert "[card number removed]" in ticket.transcript[0]["text"]
    assert ticket.transcript[0]["timestamp"] == 1.5
    assert "123" not in ticket.details["problem"]
    assert ticket.details["when"] == "2025-03-01 12:00:00"


def test_times_are_aware_utc_and_due_times_follow_the_market(service, clock):
    riyadh = ZoneInfo("Asia/Riyadh")
    clock.now = datetime(2025, 3, 6, 16, 0, tzinfo=riyadh)  # Thursday 16:00, the weekend next
    ticket = service.ticket(service.open(handoff("conv-1", market="SA", priority="urgent")).reference)
    assert ticket.created_at == clock.now and ticket.created_at.tzinfo is not None
    assert ticket.created_at.utcoffset().total_seconds() == 0
    # 30 minutes: all on Thursday. 4 hours: 1 on Thursday, 3 on Sunday.
    assert ticket.first_response_due.astimezone(riyadh) == datetime(2025, 3, 6, 16, 30, tzinfo=riyadh)
    assert ticket.resolution_due.astimezone(riyadh) == datetime(2025, 3, 9, 12, 0, tzinfo=riyadh)


def test_a_later_hand_off_raises_the_priority_never_lowers_it(service):
    reference = service.open(handoff("conv-1", priority="normal")).reference
    before = service.ticket(reference)
    service.open(handoff("conv-1", priority="urgent"))
    service.open(handoff("conv-1", priority="low"))
    after = service.ticket(reference)
    assert after.priority == "urgent"
    assert after.first_response_due < before.first_response_due
    changes = [e for e in service.events(reference) if e.kind == "priority_changed"]
    assert len(changes) == 1
    assert (changes[0].before["priority"], changes[0].after["priority"], changes[0].actor) == ("normal", "urgent", "bot")


def test_a_new_ticket_goes_round_robin_to_an_agent_on_duty(engine, clock, make_agent):
    make_agent("off", on_duty=False)
    agent = make_agent("ana", languages=("es",))
    service = TicketService(engine, clock, support_hours=hours_for, sla_targets=targets_for)  # auto_assign by default
    ticket = service.ticket(service.open(handoff("conv-1", language="es")).reference)
    assert ticket.assignee_id == agent.id
    assert [e.kind for e in service.events(ticket.id)] == ["created", "assigned"]


async def test_the_service_is_the_action_servers_ticket_client(service):
    ref = await service.open_ticket(handoff("conv-async"))
    assert ref.created
    again = await service.open_ticket(handoff("conv-async"))
    assert (again.reference, again.created) == (ref.reference, False)


def test_a_restart_loses_no_ticket_and_no_message(database_url, engine, clock):
    first = TicketService(engine, clock, support_hours=hours_for, sla_targets=targets_for, auto_assign=False)
    reference = first.open(handoff("conv-1")).reference
    first.add_shopper_message("conv-1", "are you there?")
    engine.dispose()
    restarted_engine = make_engine(database_url)
    try:
        restarted = TicketService(restarted_engine, Clock(), support_hours=hours_for, sla_targets=targets_for, auto_assign=False)
        again = restarted.open(handoff("conv-1"))
        assert (again.reference, again.created) == (reference, False)
        assert [m.text for m in restarted.messages(reference)] == ["are you there?"]
    finally:
        restarted_engine.dispose()


def test_bad_hand_offs_are_refused(service):
    import pytest

    with pytest.raises(ValueError, match="priority"):
        service.open(handoff("conv-1", priority="asap"))
    with pytest.raises(ValueError, match="conversation"):
        service.open(handoff(""))
