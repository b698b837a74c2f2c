"""The demo store's JSON wire format, shared by the server and its clients.

Times travel as ISO 8601 in UTC with a trailing "Z", dates as ISO dates, money as
decimal strings (never floats, so no amount is ever rounded on the way).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation

# Shapes accepted on the server's paths: anything else is a 400, not a database query.
ORDER_NUMBER_PATTERN = re.compile(r"[0-9]{1,20}")
TRACKING_NUMBER_PATTERN = re.compile(r"[A-Za-z0-9]{1,40}")
CARRIER_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,29}")
SKU_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
RMA_PATTERN = re.compile(r"RMA-[0-9]{1,20}-[0-9]{1,6}")

# The demo store's own order numbers: six digits, 100001 upward.
DEMO_ORDER_NUMBER_PATTERN = re.compile(r"[0-9]{6}")


def format_datetime(value: datetime) -> str:
    """Aware or naive-UTC datetime -> "2024-05-01T10:20:30Z"."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat() + "Z"


def parse_datetime(text: str) -> datetime:
    """ISO 8601 -> aware UTC datetime; a missing offset is read as UTC."""
    if not isinstance(text, str):
        raise ValueError("datetime must be a string")
    # Python 3.10's fromisoformat does not accept the "Z" designator.
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def format_date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValueError("date must be a string")
    return date.fromisoformat(text)


def format_decimal(value: Decimal) -> str:
    return str(value)


def parse_decimal(text: str) -> Decimal:
    # Floats are refused: they would already have lost cents on the way.
    if not isinstance(text, (str, int)) or isinstance(text, bool):
        raise ValueError("amount must be a decimal string")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"not a decimal amount: {text!r}") from exc
    if not value.is_finite():
        raise ValueError("amount must be finite")
    return value
