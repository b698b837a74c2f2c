"""What the shopper is told when handed to a person: the place in the queue, and by when a
person answers (in hours) or when the team is back (out of hours), from the queue and the SLA."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.ticketing.conftest import HOURS, handoff

BERLIN, RIYADH = ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Riyadh")


def test_the_place_in_the_queue_counts_who_waits_for_a_first_reply_ahead(service, clock, make_agent):
    first = service.open(handoff("conv-1", priority="normal"))
    clock.advance(minutes=1)
    second = service.open(handoff("conv-2", priority="normal"))
    clock.advance(minutes=1)
    urgent = service.open(handoff("conv-3", priority="urgent"))
    clock.advance(minutes=1)
    low = service.open(handoff("conv-4", priority="low"))
    assert [t.wait.position for t in (first, second, urgent, low)] == [1, 2, 1, 4]
    # Asking again gives the place now: the urgent ticket has gone ahead of the second one.
    assert service.open(handoff("conv-2", priority="normal")).wait.position == 3

    # A ticket a person has answered, or that waits on the shopper, is no longer ahead of anyone.
    agent = make_agent("ana")
    service.claim(urgent.reference, agent.id)
    service.add_agent_reply(urgent.reference, agent.id, "Hello, I'm on it")
    service.set_status(first.reference, "waiting_on_customer", actor="system")
    assert service.open(handoff("conv-4", priority="low")).wait.position == 2
    assert service.open(handoff("conv-3", priority="urgent")).wait.position == 1


def test_the_place_in_the_queue_is_the_place_the_agents_see(service, clock, make_agent):
    # Thursday 18:00 in Riyadh (closed until Sunday) is 16:00 in Berlin (open): the Saudi ticket
    # is older, but the German one is due first, and the queue lists it first.
    clock.now = datetime(2025, 3, 6, 18, 0, tzinfo=RIYADH)
    riyadh = service.open(handoff("conv-sa", market="SA", priority="normal"))
    clock.advance(minutes=5)
    berlin = service.open(handoff("conv-de", market="DE", priority="normal"))
    queue = [t.reference for t in service.queue(status="new")[0]]
    assert queue == [berlin.reference, riyadh.reference]
    assert service.open(handoff("conv-de", market="DE")).wait.position == 1
    assert service.open(handoff("conv-sa", market="SA")).wait.position == 2


def test_in_hours_the_shopper_gets_the_first_response_due_time(service, clock):
    clock.now = datetime(2025, 3, 4, 11, 0, tzinfo=BERLIN)  # Tuesday 11:00 in Berlin
    ref = service.open(handoff("conv-1", market="DE", priority="high"))
    wait = ref.wait
    assert wait.open_now and wait.back_at == clock.now
    assert wait.reply_by == service.ticket(ref.reference).first_response_due
    assert wait.reply_by.astimezone(BERLIN) == datetime(2025, 3, 4, 13, 0, tzinfo=BERLIN)  # 2 business hours
    assert wait.hours == HOURS["DE"]


def test_out_of_hours_the_shopper_is_told_when_the_team_is_back(service, clock):
    # Thursday 18:00 in Riyadh: closed, and Friday and Saturday are the weekend there.
    clock.now = datetime(2025, 3, 6, 18, 0, tzinfo=RIYADH)
    wait = service.open(handoff("conv-1", market="SA", priority="urgent")).wait
    assert not wait.open_now
    assert wait.back_at.astimezone(RIYADH) == datetime(2025, 3, 9, 9, 0, tzinfo=RIYADH)  # Sunday 09:00
    assert wait.reply_by.astimezone(RIYADH) == datetime(2025, 3, 9, 9, 30, tzinfo=RIYADH)
    # The same moment is Thursday 16:00 in Berlin: that team is at work, behind the urgent one.
    berlin = service.open(handoff("conv-2", market="DE")).wait
    assert berlin.open_now and berlin.back_at == clock.now
    assert berlin.position == 2
    # Three hours later Berlin has closed too; Friday is a working day there.
    clock.advance(hours=3)
    later = service.open(handoff("conv-3", market="DE")).wait
    assert not later.open_now
    assert later.back_at.astimezone(BERLIN) == datetime(2025, 3, 7, 9, 0, tzinfo=BERLIN)
