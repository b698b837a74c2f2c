"""Business-hours arithmetic per market: weekends, evenings, other working weeks, DST."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from ticketing import sla
from tests.ticketing.conftest import DEFAULT_HOURS, HOURS, TARGETS

RIYADH, TOKYO, BERLIN = ZoneInfo("Asia/Riyadh"), ZoneInfo("Asia/Tokyo"), ZoneInfo("Europe/Berlin")


def local(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone)


def test_saudi_arabia_works_sunday_to_thursday():
    thursday_4pm = local(RIYADH, 2025, 3, 6, 16, 0)
    # One hour left on Thursday; Friday and Saturday are the weekend; the rest on Sunday.
    due = sla.add_business_minutes(thursday_4pm, 120, HOURS["SA"])
    assert due.astimezone(RIYADH) == local(RIYADH, 2025, 3, 9, 10, 0)
    assert due.tzinfo == timezone.utc
    assert sla.business_minutes_between(thursday_4pm, due, HOURS["SA"]) == 120
    # Friday is a day off in Riyadh, Sunday a working day.
    assert not sla.is_open(local(RIYADH, 2025, 3, 7, 11, 0), HOURS["SA"])
    assert sla.is_open(local(RIYADH, 2025, 3, 9, 11, 0), HOURS["SA"])


def test_a_start_outside_hours_counts_from_the_next_opening():
    tokyo_evening = local(TOKYO, 2025, 3, 3, 20, 0)  # Monday, after closing
    assert sla.add_business_minutes(tokyo_evening, 30, HOURS["JP"]).astimezone(TOKYO) == local(TOKYO, 2025, 3, 4, 9, 30)
    saturday = local(TOKYO, 2025, 3, 8, 11, 0)
    assert sla.next_opening(saturday, HOURS["JP"]).astimezone(TOKYO) == local(TOKYO, 2025, 3, 10, 9, 0)
    early = local(TOKYO, 2025, 3, 4, 7, 15)
    assert sla.next_opening(early, HOURS["JP"]).astimezone(TOKYO) == local(TOKYO, 2025, 3, 4, 9, 0)
    during = local(TOKYO, 2025, 3, 4, 12, 0)
    assert sla.next_opening(during, HOURS["JP"]) == during


def test_business_minutes_between_skip_nights_and_weekends():
    friday_4pm = local(BERLIN, 2025, 3, 7, 16, 0)
    monday_10am = local(BERLIN, 2025, 3, 10, 10, 0)
    assert sla.business_minutes_between(friday_4pm, monday_10am, HOURS["DE"]) == 120
    assert sla.business_minutes_between(monday_10am, friday_4pm, HOURS["DE"]) == -120
    saturday, sunday = local(BERLIN, 2025, 3, 8, 10, 0), local(BERLIN, 2025, 3, 9, 18, 0)
    assert sla.business_minutes_between(saturday, sunday, HOURS["DE"]) == 0


def test_opening_hours_follow_daylight_saving_time():
    # Berlin moves its clocks on Sunday 30 March 2025: Monday opens at 09:00 CEST (07:00 UTC).
    friday = local(BERLIN, 2025, 3, 28, 16, 0)
    due = sla.add_business_minutes(friday, 120, HOURS["DE"])
    assert due.astimezone(BERLIN) == local(BERLIN, 2025, 3, 31, 10, 0)
    assert due == datetime(2025, 3, 31, 8, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "priority, first_response, resolution",
    [
        # Opened Monday 10:00 in Tokyo (a 9-hour working day).
        ("urgent", (2025, 3, 3, 10, 30), (2025, 3, 3, 14, 0)),
        ("high", (2025, 3, 3, 12, 0), (2025, 3, 4, 10, 0)),  # 1 business day
        ("normal", (2025, 3, 3, 18, 0), (2025, 3, 6, 10, 0)),  # 8 business hours (due at closing); 3 days
        ("low", (2025, 3, 5, 10, 0), (2025, 3, 10, 10, 0)),  # 2 and 5 business days, over the weekend
    ],
)
def test_targets_per_priority(priority, first_response, resolution):
    opened = local(TOKYO, 2025, 3, 3, 10, 0)
    due_first, due_resolution = sla.due_times(TARGETS[priority], opened, HOURS["JP"])
    assert due_first.astimezone(TOKYO) == local(TOKYO, *first_response)
    assert due_resolution.astimezone(TOKYO) == local(TOKYO, *resolution)


def test_every_priority_has_targets_in_every_market_and_naive_times_are_refused():
    from bot.policies import Policies
    from ticketing.client import PRIORITIES

    policies = Policies.load()
    for policy in (policies.defaults, *policies.markets.values()):
        assert set(policy.sla) == set(PRIORITIES), policy.market
    with pytest.raises(ValueError, match="naive"):
        sla.add_business_minutes(datetime(2025, 3, 3, 10, 0), 30, DEFAULT_HOURS)
    with pytest.raises(ValueError):
        sla.add_business_minutes(datetime(2025, 3, 3, 10, 0, tzinfo=timezone.utc), -1, DEFAULT_HOURS)
