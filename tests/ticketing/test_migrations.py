"""Alembic makes the schema, on SQLite and PostgreSQL alike, and it matches the models."""
from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from ticketing.db import alembic_config, current_revision, downgrade, head_revision, make_engine, migrate
from ticketing.service import TicketService
from tests.ticketing.conftest import handoff, hours_for, targets_for

TABLES = {"agents", "tickets", "ticket_messages", "ticket_events"}


def test_migrating_an_empty_database_creates_the_schema(fresh_database_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the scripts are found from the package, not the working directory
    migrate(fresh_database_url)
    engine = make_engine(fresh_database_url)
    try:
        inspector = inspect(engine)
        assert TABLES <= set(inspector.get_table_names())
        assert current_revision(engine) == head_revision()
        one_open = {index["name"]: index for index in inspector.get_indexes("tickets")}["uq_tickets_active_conversation"]
        assert one_open["unique"] and one_open["column_names"] == ["conversation_id"]
    finally:
        engine.dispose()


def test_migrating_again_changes_nothing_and_down_and_up_again_works(fresh_database_url):
    migrate(fresh_database_url)
    migrate(fresh_database_url)
    downgrade(fresh_database_url, "base")
    engine = make_engine(fresh_database_url)
    try:
        assert not TABLES & set(inspect(engine).get_table_names())
        assert current_revision(engine) is None
        migrate(engine)
        assert TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_migrations_match_the_models(engine):
    # Alembic's autogenerate comparison: raises when models and migrated schema differ.
    with engine.connect() as connection:
        command.check(alembic_config(connection=connection))


def test_the_service_migrates_at_start_up(fresh_database_url, clock):
    service = TicketService.start(fresh_database_url, clock=clock, support_hours=hours_for, sla_targets=targets_for, auto_assign=False)
    try:
        assert service.open(handoff()).created
    finally:
        service.engine.dispose()
