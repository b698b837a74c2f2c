"""Statuses and their transitions, reopening by the shopper, rating, and the audit trail."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy import update
from sqlalchemy.orm import Session

from ticketing.models import Ticket
from ticketing.service import InvalidTransition, TicketNotFound
from tests.ticketing.conftest import handoff


def test_the_allowed_path_through_the_statuses(service):
    reference = service.open(handoff("conv-1")).reference
    for status in ("open", "waiting_on_customer", "open", "resolved", "closed"):
        assert service.set_status(reference, status, actor="agent:ana").status == status
    ticket = service.ticket(reference)
    assert ticket.resolved_at is not None and ticket.closed_at is not None


@pytest.mark.parametrize(
    "path, refused",
    [
        (["closed"], "open"),  # closed is final
        (["closed"], "resolved"),
        (["open"], "new"),  # nothing goes back to new
        (["resolved"], "waiting_on_customer"),
    ],
)
def test_transitions_that_make_no_sense_are_refused(service, path, refused):
    reference = service.open(handoff("conv-1")).reference
    for status in path:
        service.set_status(reference, status, actor="agent:ana")
    with pytest.raises(InvalidTransition):
        service.set_status(reference, refused, actor="agent:ana")


def test_unknown_statuses_and_tickets_are_refused(service):
    reference = service.open(handoff("conv-1")).reference
    with pytest.raises(InvalidTransition, match="pending"):
        service.set_status(reference, "pending", actor="agent:ana")
    with pytest.raises(TicketNotFound):
        service.set_status("T-999999", "open", actor="agent:ana")


def test_a_shopper_reply_opens_a_ticket_waiting_on_them(service):
    reference = service.open(handoff("conv-1")).reference
    service.set_status(reference, "waiting_on_customer", actor="agent:ana")
    service.add_shopper_message("conv-1", "here is the photo")
    assert service.ticket(reference).status == "open"


def test_a_shopper_reply_within_seven_days_reopens_a_resolved_ticket(service, clock):
    reference = service.open(handoff("conv-1")).reference
    service.resolve(reference, actor="agent:ana")
    clock.advance(days=6)
    message = service.add_shopper_message("conv-1", "it broke again")
    ticket = service.ticket(reference)
    assert message.ticket_id == ticket.id
    assert (ticket.status, ticket.resolved_at) == ("open", None)
    assert ticket.resolution_due > clock.now  # a fresh resolution target
    reopened = [e for e in service.events(reference) if e.kind == "reopened"]
    assert reopened and reopened[0].actor == "shopper"
    assert reopened[0].before["status"] == "resolved" and reopened[0].after["status"] == "open"


def test_after_seven_days_or_once_closed_a_ticket_stays_shut(service, clock):
    old = service.open(handoff("conv-1")).reference
    service.resolve(old, actor="agent:ana")
    clock.advance(days=8)
    assert service.add_shopper_message("conv-1", "hello?") is None
    assert service.ticket(old).status == "resolved"
    closed = service.open(handoff("conv-2")).reference
    service.close(closed, actor="agent:ana")
    assert service.add_shopper_message("conv-2", "hello?") is None
    assert service.close_resolved() == 1
    assert service.ticket(old).status == "closed"


def test_reopening_is_refused_while_the_conversation_has_another_open_ticket(service):
    first = service.open(handoff("conv-1")).reference
    service.resolve(first, actor="agent:ana")
    second = service.open(handoff("conv-1")).reference
    with pytest.raises(InvalidTransition, match="already has an open ticket"):
        service.set_status(first, "open", actor="agent:ana")
    # The shopper's next message goes to the open ticket, not the resolved one.
    assert service.add_shopper_message("conv-1", "hi").ticket_id == service.ticket(second).id
    assert service.ticket(first).status == "resolved"


@pytest.mark.parametrize("rating", [0, 6, -1, 3.5, True, "5"])
def test_ratings_are_whole_numbers_from_one_to_five(service, rating):
    reference = service.open(handoff("conv-1")).reference
    service.resolve(reference, actor="agent:ana")
    with pytest.raises(ValueError, match="1 to 5"):
        service.rate(reference, rating)


def test_a_resolved_ticket_is_rated_and_the_database_guards_the_bounds(service, engine):
    reference = service.open(handoff("conv-1")).reference
    with pytest.raises(InvalidTransition, match="only a resolved ticket"):
        service.rate(reference, 5)
    service.resolve(reference, actor="agent:ana")
    assert service.rate(reference, 1).rating == 1
    assert service.rate(reference, 5).rating == 5
    with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
        session.execute(update(Ticket).where(Ticket.reference == reference).values(rating=6))
    assert service.ticket(reference).rating == 5


def test_every_change_leaves_an_audit_event(service, clock, make_agent):
    agent = make_agent("ana")
    reference = service.open(handoff("conv-1")).reference
    service.claim(reference, agent.id)
    clock.advance(minutes=10)
    service.add_agent_reply(reference, agent.id, "What is the order number?")
    service.add_shopper_message("conv-1", "123456")
    service.set_priority(reference, "high", actor="agent:ana")
    service.resolve(reference, actor="agent:ana")
    service.rate(reference, 4)
    events = service.events(reference)
    assert [(e.kind, e.actor) for e in events] == [
        ("created", "bot"),
        ("claimed", "agent:ana"),
        ("message_added", "agent:ana"),
        ("first_response", "agent:ana"),
        ("status_changed", "agent:ana"),  # new -> waiting on customer
        ("status_changed", "shopper"),  # waiting -> open
        ("message_added", "shopper"),
        ("priority_changed", "agent:ana"),
        ("status_changed", "agent:ana"),  # open -> resolved
        ("rated", "shopper"),
    ]
    assert events[1].before == {"assignee_id": None} and events[1].after == {"assignee_id": agent.id}
    assert events[4].before["status"] == "new" and events[4].after["status"] == "waiting_on_customer"
    assert events[-1].after == {"rating": 4}
    assert all(e.created_at.tzinfo is not None for e in events)


def test_a_ticket_reopened_after_the_hand_back_asks_for_its_conversation_paused_once(service):
    reference = service.open(handoff("conv-1")).reference
    service.resolve(reference, actor="system")
    assert service.conversations_to_pause() == []  # resolved: nothing to take back
    # The relay hands the conversation back, then an agent reopens the ticket.
    [resumable] = service.conversations_to_resume()
    service.mark_conversation_resumed(resumable.id, rating_requested=True)
    service.set_status(reference, "open", actor="agent:ana")
    assert [t.reference for t in service.conversations_to_pause()] == [reference]
    service.mark_conversation_paused(reference)
    assert service.conversations_to_pause() == []  # paused once
    # Resolved and reopened once more: paused again.
    service.resolve(reference, actor="system")
    service.set_status(reference, "open", actor="agent:ana")
    assert [t.reference for t in service.conversations_to_pause()] == [reference]
