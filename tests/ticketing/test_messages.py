"""Messages on a ticket: the shopper's (redacted, translated for the agent, stored once) and the
agent's (stopping the first-response timer, waiting for the relay)."""
from __future__ import annotations

import pytest

from ticketing.service import MAX_DELIVERY_ATTEMPTS, AgentNotFound, InvalidTransition
from tests.ticketing.conftest import handoff

CARD = "5555 5555 5555 4444"


def test_a_shopper_message_is_stored_redacted_with_its_translation(service):
    reference = service.open(handoff("conv-1", language="es")).reference
    message = service.add_shopper_message(
        "conv-1",
        f"mi tarjeta {CARD} y la contraseña: hunter2",
        language="es",
        translation=f"my card {CARD} and the password: hunter2",
        translated_to="en",
    )
    stored = service.messages(reference)
    assert [m.id for m in stored] == [message.id]
    assert CARD not in stored[0].text and "hunter2" not in stored[0].text
    assert CARD not in stored[0].translation and "hunter2" not in stored[0].translation
    assert (stored[0].author, stored[0].language, stored[0].translated_to) == ("shopper", "es", "en")
    assert stored[0].created_at.tzinfo is not None


def test_a_message_without_a_ticket_is_not_stored(service):
    assert service.add_shopper_message("nobody", "hello") is None


def test_a_message_delivered_twice_is_stored_once(service):
    reference = service.open(handoff("conv-1")).reference
    first = service.add_shopper_message("conv-1", "hello", source_id="rasa-msg-1")
    again = service.add_shopper_message("conv-1", "hello", source_id="rasa-msg-1")
    assert again.id == first.id
    assert len(service.messages(reference)) == 1


def test_an_agent_reply_starts_the_relay_and_stops_the_first_response_timer(service, clock, make_agent):
    agent = make_agent("ana")
    reference = service.open(handoff("conv-1")).reference
    clock.advance(minutes=20)
    reply = service.add_agent_reply(reference, agent.id, "Hello, I am looking into it", translation="Hola", translated_to="es")
    ticket = service.ticket(reference)
    first_reply_at = clock.now
    assert ticket.first_response_at == first_reply_at
    assert ticket.status == "waiting_on_customer"
    assert ticket.assignee_id == agent.id  # replying takes an unassigned ticket
    assert (reply.author, reply.agent_id, reply.delivered_at) == ("agent", agent.id, None)
    clock.advance(minutes=5)
    service.add_agent_reply(reference, agent.id, "One more thing", wait_for_customer=False)
    ticket = service.ticket(reference)
    assert ticket.first_response_at == first_reply_at  # the first reply's, kept
    assert ticket.status == "open"


def test_the_relay_sees_undelivered_replies_and_retries_a_limited_number_of_times(service, make_agent):
    agent = make_agent("ana")
    reference = service.open(handoff("conv-1")).reference
    service.add_shopper_message("conv-1", "hi")  # not the relay's: shoppers' messages are not relayed
    first = service.add_agent_reply(reference, agent.id, "first")
    second = service.add_agent_reply(reference, agent.id, "second")
    assert [m.id for m in service.pending_deliveries()] == [first.id, second.id]
    delivered = service.mark_delivered(first.id)
    assert delivered.delivered_at is not None and delivered.delivery_attempts == 1
    for attempt in range(1, MAX_DELIVERY_ATTEMPTS + 1):
        failed = service.mark_delivery_failed(second.id, "Rasa answered 502 " + "x" * 2000)
        assert failed.delivery_attempts == attempt and failed.last_error.startswith("Rasa answered 502")
        assert len(failed.last_error) <= 1000
    assert service.pending_deliveries() == []
    kinds = [e.kind for e in service.events(reference)]
    assert kinds.count("delivered") == 1 and kinds.count("delivery_failed") == MAX_DELIVERY_ATTEMPTS


def test_replies_need_an_open_ticket_a_known_agent_and_text(service, make_agent):
    agent = make_agent("ana")
    reference = service.open(handoff("conv-1")).reference
    with pytest.raises(AgentNotFound):
        service.add_agent_reply(reference, 9999, "hello")
    with pytest.raises(ValueError, match="text"):
        service.add_agent_reply(reference, agent.id, "   ")
    service.resolve(reference, actor="agent:ana")
    with pytest.raises(InvalidTransition, match="reopen"):
        service.add_agent_reply(reference, agent.id, "hello again")
