"""Shoppers' ratings and comments, kept in the ticket database (SQLite and PostgreSQL alike):
saved redacted, read back, ratings outside 1-5 refused by the store and by the database, the
table made by the migrations, and the action server's store on the ticket database."""
from __future__ import annotations

from datetime import timezone
from types import SimpleNamespace

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import delete, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from actions import dependencies
from actions.people import ActionSaveFeedback
from bot.redaction import CARD_PLACEHOLDER
from ticketing.db import downgrade, make_engine, migrate
from ticketing.feedback import MAX_COMMENT_CHARS, Feedback, FeedbackStore
from ticketing.models import Feedback as FeedbackRow
from ticketing.models import Ticket
from ticketing.service import TicketService
from tests.ticketing.conftest import handoff, hours_for

CARD = "4111 1111 1111 1111"


@pytest.fixture
def store(engine) -> FeedbackStore:
    # The shared `engine` fixture empties the ticket tables; feedback is emptied here.
    with engine.begin() as connection:
        connection.execute(delete(FeedbackRow))
    return FeedbackStore(engine)


def feedback(conversation_id: str = "conv-1", **values) -> Feedback:
    fields = {"rating": 4, "comment": "quick and kind", "language": "pt", "order_number": "100234"}
    fields.update(values)
    return Feedback(conversation_id=conversation_id, **fields)


async def test_feedback_is_saved_and_read_back(store):
    saved_id = await store.save(feedback("conv-1"))
    [row] = store.recent()
    assert row.id == saved_id
    assert (row.conversation_id, row.rating, row.comment, row.language, row.order_number, row.ticket_id) == (
        "conv-1", 4, "quick and kind", "pt", "100234", None
    )
    assert row.created_at.tzinfo is not None and row.created_at.utcoffset() == timezone.utc.utcoffset(None)


async def test_recent_is_newest_first_and_limited(store):
    for number in range(3):
        await store.save(feedback(f"conv-{number}", rating=number + 1, comment=None))
    assert [row.conversation_id for row in store.recent()] == ["conv-2", "conv-1", "conv-0"]
    assert [row.conversation_id for row in store.recent(limit=2)] == ["conv-2", "conv-1"]
    assert store.recent()[0].comment is None


async def test_a_card_number_in_a_comment_is_not_stored(store, engine):
    await store.save(feedback(comment=f"you charged my card {CARD} twice"))
    [row] = store.recent()
    assert row.comment == f"you charged my card {CARD_PLACEHOLDER} twice"
    # What is in the table itself, not only what the store hands back.
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT comment FROM feedback")).scalar_one()
    assert "4111" not in stored


async def test_a_long_comment_is_cut_after_redaction(store):
    # A card number across the cut is still recognised whole, so no part of it is kept.
    before, after = "a" * (MAX_COMMENT_CHARS - 10), "b" * 500
    await store.save(feedback(comment=f"{before} {CARD} {after}"))
    [row] = store.recent()
    assert row.comment == f"{before} {CARD_PLACEHOLDER} {after}"[:MAX_COMMENT_CHARS]
    assert "4111" not in row.comment


@pytest.mark.parametrize("rating", [0, 6, -1, True, 4.5, "4"])
async def test_the_store_refuses_a_rating_outside_1_to_5(store, rating):
    with pytest.raises(ValueError, match="1 to 5"):
        await store.save(feedback(rating=rating))
    assert store.recent() == []


@pytest.mark.parametrize("rating", [0, 6])
def test_the_database_refuses_a_rating_outside_1_to_5(store, engine, rating):
    # Past the store's own check: the table's CHECK constraint holds for any writer.
    with pytest.raises(IntegrityError):
        with Session(engine) as session, session.begin():
            session.add(FeedbackRow(conversation_id="conv-1", rating=rating))
    assert store.recent() == []


async def test_feedback_about_a_resolved_ticket_is_linked_to_it(store, service):
    reference = service.open(handoff("conv-1")).reference
    service.resolve(reference, actor="agent:ana")
    assert service.rate_conversation("conv-1", 2) == reference
    await store.save(feedback("conv-1", rating=2, ticket_reference=reference))
    await store.save(feedback("conv-2", ticket_reference=None))
    linked, unlinked = sorted(store.recent(), key=lambda row: row.conversation_id)
    assert linked.ticket_id == service.ticket(reference).id
    assert unlinked.ticket_id is None


async def test_a_store_made_from_the_url_reads_the_same_database(store, database_url):
    await store.save(feedback("conv-url"))
    by_url = FeedbackStore(database_url)
    try:
        assert [row.conversation_id for row in by_url.recent()] == ["conv-url"]
    finally:
        by_url.dispose()


def test_the_migrations_create_and_drop_the_feedback_table(fresh_database_url):
    migrate(fresh_database_url, "0002")
    engine = make_engine(fresh_database_url)
    try:
        assert "feedback" not in inspect(engine).get_table_names()
        migrate(engine)
        inspector = inspect(engine)
        assert "feedback" in inspector.get_table_names()
        columns = {column["name"]: column for column in inspector.get_columns("feedback")}
        assert set(columns) == {
            "id", "conversation_id", "rating", "comment", "language", "order_number", "ticket_id", "created_at"
        }
        assert not columns["rating"]["nullable"] and not columns["conversation_id"]["nullable"]
        indexed = {tuple(index["column_names"]) for index in inspector.get_indexes("feedback")}
        assert ("conversation_id",) in indexed
        [foreign_key] = inspector.get_foreign_keys("feedback")
        assert (foreign_key["constrained_columns"], foreign_key["referred_table"]) == (["ticket_id"], "tickets")
        # The constraint is the migration's, not only the model's: raw SQL meets it too.
        with pytest.raises(IntegrityError):
            with engine.begin() as connection:
                connection.execute(
                    text("INSERT INTO feedback (conversation_id, rating, created_at) VALUES ('c', 9, CURRENT_TIMESTAMP)")
                )
        downgrade(engine, "0002")
        assert "feedback" not in inspect(engine).get_table_names()
        assert "tickets" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


@pytest.fixture
def action_server_on(monkeypatch):
    """The action server's services on a given ticket database, as dependencies.py builds them."""

    def use(url: str) -> None:
        monkeypatch.setattr(dependencies, "settings", lambda: SimpleNamespace(ticketing_db_url=url))
        dependencies.ticket_client.cache_clear()
        dependencies.feedback_store.cache_clear()

    yield use
    if dependencies.ticket_client.cache_info().currsize:
        dependencies.ticket_client().engine.dispose()
    dependencies.ticket_client.cache_clear()
    dependencies.feedback_store.cache_clear()


async def test_the_action_servers_store_is_the_migrated_ticket_database(fresh_database_url, action_server_on):
    action_server_on(fresh_database_url)
    store = dependencies.feedback_store()  # on a database nothing has migrated yet
    await store.save(feedback("conv-1"))
    assert store.engine is dependencies.ticket_client().engine
    engine = make_engine(fresh_database_url)
    try:
        with Session(engine) as session:
            assert session.scalars(select(FeedbackRow.conversation_id)).all() == ["conv-1"]
    finally:
        engine.dispose()


async def test_the_feedback_action_stores_the_rating_with_its_ticket(fresh_database_url, action_server_on):
    action_server_on(fresh_database_url)
    # The agents' side: a ticket for the conversation, resolved (on the real clock, which the
    # action server's service rates by).
    agents_side = TicketService.start(fresh_database_url, support_hours=hours_for, auto_assign=False)
    try:
        reference = agents_side.open(handoff("conv-1")).reference
        agents_side.resolve(reference, actor="agent:ana")
        tracker = Tracker(
            "conv-1",
            {"feedback_rating": "2", "feedback_comment": f"card {CARD}, slow", "language": "pt", "verified_order": None},
            {"text": "2", "intent": {"name": "inform"}, "entities": []},
            [],
            False,
            None,
            {},
            "action_listen",
        )
        dispatcher = CollectingDispatcher()
        await ActionSaveFeedback().run(dispatcher, tracker, {})
        assert [message["response"] for message in dispatcher.messages] == ["utter_feedback_sorry"]
        with Session(agents_side.engine) as session:
            row = session.scalars(select(FeedbackRow)).one()
            ticket = session.scalars(select(Ticket)).one()
        assert (row.conversation_id, row.rating, row.comment) == ("conv-1", 2, f"card {CARD_PLACEHOLDER}, slow")
        assert row.ticket_id == ticket.id and ticket.rating == 2
    finally:
        agents_side.engine.dispose()
