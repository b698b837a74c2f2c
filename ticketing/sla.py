"""Business-hours arithmetic per market, and the service-level targets per priority.

A market's support hours (bot.policies.SupportHours: time zone, working weekdays, opening and
closing time) define when the clocks run; its SLA targets per priority (bot.policies.SlaTarget,
the `sla` section of data/policies/markets.yml) how long they run. Boundaries are computed in
the market's local time, so daylight-saving changes move them as they should; durations are measured in real (UTC) time.
All datetimes in and out are timezone-aware; results are in UTC.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterator

from bot.policies import SlaTarget, SupportHours


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: business hours need a time zone")
    return moment.astimezone(timezone.utc)


def _windows(since: datetime, hours: SupportHours) -> Iterator[tuple[datetime, datetime]]:
    """The market's working periods as (open, close) in UTC, from the local day of `since` on."""
    day = since.astimezone(hours.timezone).date()
    while True:
        if day.weekday() in hours.days:
            opens = datetime.combine(day, hours.opens, tzinfo=hours.timezone).astimezone(timezone.utc)
            closes = datetime.combine(day, hours.closes, tzinfo=hours.timezone).astimezone(timezone.utc)
            yield opens, closes
        day += timedelta(days=1)


def is_open(moment: datetime, hours: SupportHours) -> bool:
    moment = _aware(moment)
    opens, closes = next(_windows(moment, hours))
    return opens <= moment < closes


def next_opening(moment: datetime, hours: SupportHours) -> datetime:
    """When people are next at work: `moment` itself during hours, else the next opening
    (for "we are closed now; we answer from Monday 09:00")."""
    moment = _aware(moment)
    for opens, closes in _windows(moment, hours):
        if moment < closes:
            return max(opens, moment)
    raise AssertionError("unreachable: _windows never ends")


def add_business_minutes(start: datetime, minutes: float, hours: SupportHours) -> datetime:
    """The moment `minutes` of business time after `start` (a start outside hours counts from
    the next opening). Zero minutes gives the next moment people are at work."""
    if minutes < 0:
        raise ValueError("minutes must be 0 or more")
    cursor = _aware(start)
    remaining = timedelta(minutes=minutes)
    for opens, closes in _windows(cursor, hours):
        if closes <= cursor:
            continue
        cursor = max(cursor, opens)
        available = closes - cursor
        if remaining <= available:
            return cursor + remaining
        remaining -= available
    raise AssertionError("unreachable: _windows never ends")


def business_minutes_between(a: datetime, b: datetime, hours: SupportHours) -> float:
    """Minutes of business time from `a` to `b` (negative when `b` is earlier)."""
    a, b = _aware(a), _aware(b)
    if b < a:
        return -business_minutes_between(b, a, hours)
    total = timedelta()
    for opens, closes in _windows(a, hours):
        if opens >= b:
            break
        overlap = min(closes, b) - max(opens, a)
        if overlap > timedelta():
            total += overlap
    return total.total_seconds() / 60


def due_times(target: SlaTarget, start: datetime, hours: SupportHours) -> tuple[datetime, datetime]:
    """(first response due, resolution due) for a ticket with `target` opened at `start`."""
    return (
        add_business_minutes(start, target.first_response.business_minutes(hours), hours),
        add_business_minutes(start, target.resolution.business_minutes(hours), hours),
    )


def resolution_due(target: SlaTarget, start: datetime, hours: SupportHours) -> datetime:
    return add_business_minutes(start, target.resolution.business_minutes(hours), hours)
