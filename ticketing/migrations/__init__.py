"""Alembic migrations of the ticket database (run by ticketing.db.migrate)."""
