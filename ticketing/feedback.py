"""Ratings and comments shoppers leave, kept in the ticket database beside the tickets, so the
support team reads both in one place (SQLite or PostgreSQL alike).

The table is made by the ticket database's migrations (ticketing/db.py migrate(), which the
ticket service runs at start-up), not here. Comments are redacted before they are stored:
shoppers paste all sorts of things into a review.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Optional, Union

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.redaction import redact
from ticketing import models
from ticketing.db import make_engine

MAX_COMMENT_CHARS = 1000


@dataclass(frozen=True)
class Feedback:
    conversation_id: str
    rating: int  # 1 to 5
    comment: Optional[str]
    language: Optional[str]
    order_number: Optional[str] = None
    # The resolved ticket ("T-000123") the rating is about, when it follows a hand-off.
    ticket_reference: Optional[str] = None


class FeedbackStore:
    def __init__(self, target: Union[str, Engine]):
        """On the ticket database: its engine (shared with the ticket service), or its URL.
        The database must already be migrated."""
        self._owns_engine = isinstance(target, str)
        self._engine = make_engine(target) if isinstance(target, str) else target

    @property
    def engine(self) -> Engine:
        return self._engine

    def dispose(self) -> None:
        """Closes the engine if the store made it from a URL; a shared engine is left alone."""
        if self._owns_engine:
            self._engine.dispose()

    async def save(self, feedback: Feedback) -> int:
        rating = feedback.rating
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise ValueError(f"a rating is a whole number from 1 to 5, not {rating!r}")
        # Database calls block; a thread keeps the action server's event loop free.
        return await asyncio.to_thread(self._save, feedback)

    def _save(self, feedback: Feedback) -> int:
        # Redacted before it is cut: a cut first could leave half a card number unrecognised.
        comment = redact(feedback.comment)[:MAX_COMMENT_CHARS] if feedback.comment else None
        with Session(self._engine) as session, session.begin():
            ticket_id = None
            if feedback.ticket_reference:
                ticket_id = session.scalar(
                    select(models.Ticket.id).where(models.Ticket.reference == feedback.ticket_reference)
                )
            record = models.Feedback(
                conversation_id=feedback.conversation_id,
                rating=feedback.rating,
                comment=comment,
                language=feedback.language,
                order_number=feedback.order_number,
                ticket_id=ticket_id,
                created_at=models.utcnow(),
            )
            session.add(record)
            session.flush()
            return record.id

    def recent(self, limit: int = 50) -> list[models.Feedback]:
        """The latest feedback, newest first."""
        with Session(self._engine, expire_on_commit=False) as session:
            query = select(models.Feedback).order_by(models.Feedback.id.desc()).limit(limit)
            return list(session.scalars(query))
