"""The agents' queue (filters, order, pages) and SLA timers: due, paused, missed, flagged."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tests.ticketing.conftest import handoff


def test_the_queue_puts_the_most_urgent_and_soonest_due_first(service, clock):
    low = service.open(handoff("c-low", priority="low")).reference
    normal_early = service.open(handoff("c-normal-1")).reference
    clock.advance(minutes=5)
    normal_late = service.open(handoff("c-normal-2")).reference
    urgent = service.open(handoff("c-urgent", priority="urgent")).reference
    high = service.open(handoff("c-high", priority="high")).reference
    items, total = service.queue()
    assert [t.reference for t in items] == [urgent, high, normal_early, normal_late, low]
    assert total == 5
    page_two, total = service.queue(page=2, per_page=2)
    assert [t.reference for t in page_two] == [normal_early, normal_late] and total == 5
    with pytest.raises(ValueError):
        service.queue(per_page=1000)


def test_the_queue_filters(service, make_agent):
    ana = make_agent("ana")
    es = service.open(handoff("c-es", language="es", priority="high")).reference
    ja = service.open(handoff("c-ja", language="ja")).reference
    done = service.open(handoff("c-done")).reference
    service.claim(ja, ana.id)
    service.resolve(done, actor="agent:ana")

    def refs(**filters):
        items, total = service.queue(**filters)
        assert total == len(items)
        return {t.reference for t in items}

    assert refs() == {es, ja}  # open tickets only, by default
    assert refs(status="resolved") == {done}
    assert refs(status=["new", "resolved"]) == {es, ja, done}
    assert refs(priority="high") == {es}
    assert refs(language="ja") == {ja}
    assert refs(assignee=ana.id) == {ja}
    assert refs(unassigned=True) == {es}
    with pytest.raises(ValueError, match="status"):
        service.queue(status="pending")


def test_a_missed_first_response_is_overdue_and_flagged_once(service, clock):
    # Monday 10:00 UTC; normal: first response in 8 business hours (default market, 09-17 UTC).
    reference = service.open(handoff("conv-1")).reference
    ticket = service.ticket(reference)
    assert ticket.first_response_due == datetime(2025, 3, 4, 10, 0, tzinfo=timezone.utc)
    assert service.overdue() == [] and service.flag_overdue() == []
    clock.now = ticket.first_response_due + timedelta(minutes=1)
    assert [t.reference for t in service.overdue()] == [reference]
    assert service.ticket(reference).overdue_timers(clock.now) == ("first_response",)
    assert {t.reference for t in service.queue(overdue=True)[0]} == {reference}
    assert service.queue(overdue=False)[1] == 0
    assert [t.reference for t in service.flag_overdue()] == [reference]
    assert service.flag_overdue() == []  # once per breach
    ticket = service.ticket(reference)
    assert ticket.first_response_breached and not ticket.resolution_breached
    breach = [e for e in service.events(reference) if e.kind == "sla_breached"]
    assert len(breach) == 1 and breach[0].after == {"first_response_breached": True}


def test_a_reply_stops_the_first_response_timer(service, clock, make_agent):
    ana = make_agent("ana")
    reference = service.open(handoff("conv-1")).reference
    service.add_agent_reply(reference, ana.id, "Hello")
    clock.advance(days=1)  # Tuesday 10:00: past the first-response target, but answered
    assert service.overdue() == []


def test_the_resolution_timer_stops_while_waiting_on_the_customer(service, clock, make_agent):
    ana = make_agent("ana")
    reference = service.open(handoff("conv-1", priority="urgent")).reference  # resolve in 4 h: by 14:00
    clock.advance(hours=1)  # 11:00: 3 business hours left
    service.add_agent_reply(reference, ana.id, "Could you send a photo?")
    clock.now = datetime(2025, 3, 4, 12, 0, tzinfo=timezone.utc)  # a day later, still waiting
    assert service.overdue() == []
    service.add_shopper_message("conv-1", "here it is")
    ticket = service.ticket(reference)
    assert ticket.resolution_due == datetime(2025, 3, 4, 15, 0, tzinfo=timezone.utc)  # the 3 hours left
    clock.now = datetime(2025, 3, 4, 15, 1, tzinfo=timezone.utc)
    assert service.ticket(reference).overdue_timers(clock.now) == ("resolution",)
    assert [t.reference for t in service.flag_overdue()] == [reference]


def test_a_ticket_opened_out_of_hours_is_due_after_the_weekend(service, clock):
    tokyo = ZoneInfo("Asia/Tokyo")
    clock.now = datetime(2025, 3, 7, 19, 0, tzinfo=tokyo)  # Friday evening in Tokyo
    reference = service.open(handoff("conv-1", market="JP", priority="urgent")).reference
    ticket = service.ticket(reference)
    assert ticket.first_response_due.astimezone(tokyo) == datetime(2025, 3, 10, 9, 30, tzinfo=tokyo)
    clock.now = datetime(2025, 3, 9, 23, 0, tzinfo=tokyo)  # Sunday night: nothing is late yet
    assert service.overdue() == []
    clock.now = datetime(2025, 3, 10, 9, 31, tzinfo=tokyo)
    assert [t.reference for t in service.overdue()] == [reference]


def test_resolved_and_closed_tickets_are_never_overdue(service, clock):
    reference = service.open(handoff("conv-1", priority="urgent")).reference
    service.resolve(reference, actor="agent:ana")
    clock.advance(days=30)
    assert service.overdue() == []
