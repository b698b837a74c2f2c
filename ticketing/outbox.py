"""A durable record of hand-off requests on SQLite (SQLAlchemy 2.0 style).

One open request per conversation: asking twice returns the same reference.
"""
from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import JSON, Column, DateTime, Integer, String, create_engine, inspect, select, text
from sqlalchemy.orm import Session, declarative_base

from ticketing.client import HandoffRequest, TicketRef

Base = declarative_base()


class HandoffRecord(Base):
    __tablename__ = "handoff_requests"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), index=True, nullable=False)
    status = Column(String(20), nullable=False, default="open")
    reason = Column(String(50), nullable=False)
    priority = Column(String(10), nullable=False)
    language = Column(String(10))
    channel = Column(String(50))
    order_number = Column(String(50))
    transcript = Column(JSON, nullable=False, default=list)
    details = Column(JSON, nullable=False, default=dict)
    created_at = Column(DateTime(timezone=True), nullable=False)


class LocalTicketOutbox:
    def __init__(self, db_path: Path):
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self._engine = create_engine(f"sqlite:///{db_path}", future=True)
        Base.metadata.create_all(self._engine)
        self._add_details_column()

    def _add_details_column(self) -> None:
        # Outboxes written before hand-offs carried details lack the column.
        columns = {c["name"] for c in inspect(self._engine).get_columns("handoff_requests")}
        if "details" not in columns:
            with self._engine.begin() as connection:
                connection.execute(text("ALTER TABLE handoff_requests ADD COLUMN details JSON NOT NULL DEFAULT '{}'"))

    async def open_ticket(self, request: HandoffRequest) -> TicketRef:
        # SQLite calls are short; a thread keeps the action server's event loop free.
        return await asyncio.to_thread(self._open, request)

    def open_request(self, conversation_id: str) -> dict | None:
        """The conversation's open hand-off, as stored; None when there is none."""
        with Session(self._engine) as session:
            record = session.scalars(
                select(HandoffRecord).where(
                    HandoffRecord.conversation_id == conversation_id, HandoffRecord.status == "open"
                )
            ).first()
            if record is None:
                return None
            return {
                "reference": _reference(record.id),
                "reason": record.reason,
                "priority": record.priority,
                "language": record.language,
                "order_number": record.order_number,
                "details": record.details,
                "transcript": record.transcript,
            }

    def _open(self, request: HandoffRequest) -> TicketRef:
        with Session(self._engine) as session, session.begin():
            existing = session.scalars(
                select(HandoffRecord).where(
                    HandoffRecord.conversation_id == request.conversation_id,
                    HandoffRecord.status == "open",
                )
            ).first()
            if existing is not None:
                return TicketRef(_reference(existing.id), created=False)
            record = HandoffRecord(
                conversation_id=request.conversation_id,
                reason=request.reason,
                priority=request.priority,
                language=request.language,
                channel=request.channel,
                order_number=request.order_number,
                transcript=json.loads(json.dumps(request.transcript, default=str)),
                details=json.loads(json.dumps(request.details, default=str)),
                created_at=datetime.now(timezone.utc),
            )
            session.add(record)
            session.flush()
            return TicketRef(_reference(record.id), created=True)


def _reference(record_id: int) -> str:
    return f"H-{record_id:06d}"
