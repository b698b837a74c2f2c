"""Ratings and comments shoppers leave, kept beside the hand-off records for the support team.

Comments are redacted before they are stored: shoppers paste all sorts of things into a review.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from sqlalchemy import Column, DateTime, Integer, String, Text, create_engine, select
from sqlalchemy.orm import Session, declarative_base

from bot.redaction import redact

Base = declarative_base()
MAX_COMMENT_CHARS = 1000


class FeedbackRecord(Base):
    __tablename__ = "feedback"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), index=True, nullable=False)
    rating = Column(Integer, nullable=False)
    comment = Column(Text)
    language = Column(String(10))
    order_number = Column(String(50))
    created_at = Column(DateTime(timezone=True), nullable=False)


@dataclass(frozen=True)
class Feedback:
    conversation_id: str
    rating: int  # 1 to 5
    comment: Optional[str]
    language: Optional[str]
    order_number: Optional[str] = None


class FeedbackStore:
    def __init__(self, db_path: Path):
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self._engine = create_engine(f"sqlite:///{db_path}", future=True)
        Base.metadata.create_all(self._engine)

    async def save(self, feedback: Feedback) -> int:
        if not 1 <= feedback.rating <= 5:
            raise ValueError(f"a rating is 1 to 5, not {feedback.rating}")
        return await asyncio.to_thread(self._save, feedback)

    def _save(self, feedback: Feedback) -> int:
        comment = redact(feedback.comment)[:MAX_COMMENT_CHARS] if feedback.comment else None
        with Session(self._engine) as session, session.begin():
            record = FeedbackRecord(
                conversation_id=feedback.conversation_id,
                rating=feedback.rating,
                comment=comment,
                language=feedback.language,
                order_number=feedback.order_number,
                created_at=datetime.now(timezone.utc),
            )
            session.add(record)
            session.flush()
            return record.id

    def recent(self, limit: int = 50) -> list[FeedbackRecord]:
        with Session(self._engine, expire_on_commit=False) as session:
            return list(session.scalars(select(FeedbackRecord).order_by(FeedbackRecord.id.desc()).limit(limit)))
