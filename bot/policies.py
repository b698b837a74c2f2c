"""The shop's rules per market (data/policies/markets.yml), loaded and checked at start-up.

Every rule a flow applies (return windows, categories, claim windows, thresholds, support
hours) is read from here, so the shop changes its policy by editing data, not code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bot.settings import PROJECT_ROOT

POLICY_FILE = PROJECT_ROOT / "data" / "policies" / "markets.yml"
RETURN_BASES = ("shop_guarantee", "eu_withdrawal", "store_policy")
REFUND_METHODS = ("original_payment", "store_credit")
SHIPPING_SERVICES = ("express", "dedicated_line", "postal")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A hand-off's priorities, lowest first: the ticket queue's, and the keys of each market's `sla`.
PRIORITIES = ("low", "normal", "high", "urgent")
SLA_TIMERS = ("first_response", "resolution")


class PolicyError(ValueError):
    """The policy file is wrong; the message says where and how, for the shop to fix it."""


@dataclass(frozen=True)
class SupportHours:
    timezone: ZoneInfo
    days: tuple[int, ...]  # Monday = 0
    opens: time
    closes: time

    def local_time(self, moment: datetime) -> dict[str, str]:
        """A moment as a reply shows it ({x:datetime}, bot/nlg/formatting.py): in this team's
        time zone, named, so that a shopper reads a deadline or a parcel scan in a local clock."""
        return {"at": moment.isoformat(), "zone": self.timezone.key}

    @property
    def working_day_minutes(self) -> int:
        return (self.closes.hour * 60 + self.closes.minute) - (self.opens.hour * 60 + self.opens.minute)


@dataclass(frozen=True)
class Span:
    """A length of business time: minutes, plus whole business days (the market's working day)."""

    minutes: int = 0
    days: int = 0

    def business_minutes(self, hours: SupportHours) -> int:
        return self.minutes + self.days * hours.working_day_minutes


@dataclass(frozen=True)
class SlaTarget:
    """Business time to the first agent reply and to resolution, for one priority."""

    first_response: Span
    resolution: Span


@dataclass(frozen=True)
class MarketPolicy:
    market: str
    currency: str
    return_window_days: int
    return_basis: str
    prepaid_return_label: bool
    faulty_return_days: int
    non_returnable_categories: frozenset[str]
    unopened_only_categories: frozenset[str]
    refund_method: str
    refund_days: int
    lost_after_days_without_scan: Mapping[str, int]
    payment_hold_hours: int
    high_value_order: Decimal
    postal_code_pattern: re.Pattern
    support: SupportHours
    # Per priority (PRIORITIES); the ticket queue's first-response and resolution timers.
    sla: Mapping[str, SlaTarget]

    def local_time(self, moment: datetime) -> dict[str, str]:
        """A moment in the market's clock: its support team's time zone."""
        return self.support.local_time(moment)


class Policies:
    def __init__(self, defaults: MarketPolicy, markets: Mapping[str, MarketPolicy]):
        self.defaults = defaults
        self.markets = dict(markets)

    def for_market(self, market: Optional[str]) -> MarketPolicy:
        """The market's policy; markets the file does not name get the defaults."""
        return self.markets.get((market or "").upper(), self.defaults)

    def market_of_locale(self, locale: Optional[str]) -> Optional[str]:
        """The market a channel's locale names by its region (es-MX, es_MX: MX) when this file
        has a policy for it; a bare language ("es") or an unknown region names none."""
        if not locale or not isinstance(locale, str):
            return None
        parts = locale.replace("_", "-").split("-")
        region = parts[-1].upper() if len(parts) > 1 else ""
        return region if region in self.markets else None

    @classmethod
    def load(cls, path: Path = POLICY_FILE) -> "Policies":
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise PolicyError(f"{path}: cannot read the policy file: {error}") from error
        if not isinstance(data, dict) or not isinstance(data.get("defaults"), dict):
            raise PolicyError(f"{path}: expected a `defaults:` mapping")
        unknown = set(data) - {"defaults", "markets"}
        if unknown:
            raise PolicyError(f"{path}: unknown top-level keys {sorted(unknown)}")
        defaults = data["defaults"]
        defaults_policy = _build(path, "defaults", "ZZ", defaults)
        markets = {}
        for code, overrides in (data.get("markets") or {}).items():
            if not (isinstance(code, str) and re.fullmatch(r"[A-Z]{2}", code)):
                raise PolicyError(f"{path}: market {code!r} is not an ISO 3166-1 code like DE")
            if not isinstance(overrides, dict):
                raise PolicyError(f"{path}: markets.{code} must be a mapping")
            markets[code] = _build(path, f"markets.{code}", code, {**defaults, **overrides})
        return cls(defaults_policy, markets)


def _build(path: Path, where: str, market: str, raw: Mapping[str, Any]) -> MarketPolicy:
    known = {f.name for f in fields(MarketPolicy)} - {"market"}
    unknown = set(raw) - known
    if unknown:
        raise PolicyError(f"{path}: {where}: unknown keys {sorted(unknown)}")
    missing = known - set(raw)
    if missing:
        raise PolicyError(f"{path}: {where}: missing keys {sorted(missing)}")
    check = _Checker(path, where, raw)
    return MarketPolicy(
        market=market,
        currency=check.pattern("currency", r"[A-Z]{3}"),
        return_window_days=check.days("return_window_days"),
        return_basis=check.one_of("return_basis", RETURN_BASES),
        prepaid_return_label=check.boolean("prepaid_return_label"),
        faulty_return_days=check.days("faulty_return_days"),
        non_returnable_categories=check.names("non_returnable_categories"),
        unopened_only_categories=check.names("unopened_only_categories"),
        refund_method=check.one_of("refund_method", REFUND_METHODS),
        refund_days=check.days("refund_days"),
        lost_after_days_without_scan=check.days_per_service("lost_after_days_without_scan"),
        payment_hold_hours=check.days("payment_hold_hours"),
        high_value_order=check.amount("high_value_order"),
        postal_code_pattern=check.regex("postal_code_pattern"),
        support=check.support("support"),
        sla=check.sla("sla"),
    )


class _Checker:
    """Reads one value each, raising PolicyError that names the file, the market and the key."""

    def __init__(self, path: Path, where: str, raw: Mapping[str, Any]):
        self.path, self.where, self.raw = path, where, raw

    def fail(self, key: str, expected: str) -> PolicyError:
        return PolicyError(f"{self.path}: {self.where}.{key}: expected {expected}, got {self.raw.get(key)!r}")

    def pattern(self, key: str, regex: str) -> str:
        value = self.raw[key]
        if not (isinstance(value, str) and re.fullmatch(regex, value)):
            raise self.fail(key, f"text matching {regex}")
        return value

    def days(self, key: str) -> int:
        value = self.raw[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(key, "a whole number of 0 or more")
        return value

    def boolean(self, key: str) -> bool:
        value = self.raw[key]
        if not isinstance(value, bool):
            raise self.fail(key, "true or false")
        return value

    def one_of(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.raw[key]
        if value not in allowed:
            raise self.fail(key, f"one of {', '.join(allowed)}")
        return value

    def names(self, key: str) -> frozenset[str]:
        value = self.raw[key]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(key, "a list of category names")
        return frozenset(value)

    def amount(self, key: str) -> Decimal:
        value = self.raw[key]
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise self.fail(key, "an amount") from None
        if isinstance(value, bool) or amount < 0:
            raise self.fail(key, "an amount of 0 or more")
        return amount

    def regex(self, key: str) -> re.Pattern:
        value = self.raw[key]
        try:
            return re.compile(value)
        except (re.error, TypeError):
            raise self.fail(key, "a regular expression") from None

    def days_per_service(self, key: str) -> Mapping[str, int]:
        value = self.raw[key]
        if not isinstance(value, dict) or set(value) != set(SHIPPING_SERVICES):
            raise self.fail(key, f"days for each of {', '.join(SHIPPING_SERVICES)}")
        return {service: _Checker(self.path, f"{self.where}.{key}", value).days(service) for service in SHIPPING_SERVICES}

    def support(self, key: str) -> SupportHours:
        value = self.raw[key]
        if not isinstance(value, dict) or set(value) != {"timezone", "days", "opens", "closes"}:
            raise self.fail(key, "timezone, days, opens and closes")
        try:
            zone = ZoneInfo(str(value["timezone"]))
        except (ZoneInfoNotFoundError, ValueError):
            raise self.fail(key, "an IANA time zone such as Europe/Berlin") from None
        days = value["days"]
        if not isinstance(days, list) or not days or not all(d in WEEKDAYS for d in days):
            raise self.fail(key, f"days from {', '.join(WEEKDAYS)}")
        opens, closes = _clock(value["opens"]), _clock(value["closes"])
        if opens is None or closes is None or opens >= closes:
            raise self.fail(key, "opens and closes as HH:MM, opening first")
        return SupportHours(zone, tuple(sorted(WEEKDAYS.index(d) for d in days)), opens, closes)

    def sla(self, key: str) -> Mapping[str, SlaTarget]:
        value = self.raw[key]
        if not isinstance(value, dict) or set(value) != set(PRIORITIES):
            raise self.fail(key, f"targets for each of {', '.join(PRIORITIES)}")
        targets = {}
        for priority in PRIORITIES:
            target = value[priority]
            spans = {name: _span(target[name]) for name in SLA_TIMERS} if isinstance(target, dict) and set(target) == set(SLA_TIMERS) else {}
            if not spans or None in spans.values():
                raise PolicyError(
                    f"{self.path}: {self.where}.{key}.{priority}: expected first_response and resolution as "
                    f"30m, 2h or 3d (working days), got {target!r}"
                )
            targets[priority] = SlaTarget(**spans)
        return targets


def _span(value: Any) -> Optional[Span]:
    """"30m", "2h" or "3d" (working days); None when it is not one of those."""
    match = re.fullmatch(r"(\d+)\s*([mhd])", str(value).strip())
    if not match:
        return None
    amount, unit = int(match.group(1)), match.group(2)
    return Span(days=amount) if unit == "d" else Span(minutes=amount * 60 if unit == "h" else amount)


def _clock(value: Any) -> Optional[time]:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", str(value))
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    return time(int(match.group(1)), int(match.group(2)))


@lru_cache(maxsize=1)
def get_policies() -> Policies:
    return Policies.load()
