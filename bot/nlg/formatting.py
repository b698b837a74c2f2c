"""Fills a response's placeholders, formatting values for the reply's locale with Babel.

`{name}` inserts a value as it is; `{name:date}`, `{name:datetime}`, `{name:money}` and
`{name:schedule}` format it for the locale; any other spec names a `terms` table of the
catalog ({state:order_state}).

A datetime is an ISO text (shown in UTC) or {"at": ISO text, "zone": "Europe/Berlin"} (shown
in that zone, named in the reply's language). A schedule is {"days": [0, ..., 4] (Monday = 0),
"opens": "09:00", "closes": "17:00", "zone": "Europe/Berlin"}.
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

from babel import Locale
from babel.dates import format_date, format_skeleton, get_day_names, get_timezone, get_timezone_name
from babel.numbers import format_currency

TermLookup = Callable[[str, str], str]


@dataclass(frozen=True)
class _Punctuation:
    """How a language lists items, joins days to hours and brackets a time zone's name."""

    items: str = ", "
    days_to_hours: str = ", "
    bracket: tuple[str, str] = (" (", ")")


# Latin-script defaults; Arabic has its own comma, Chinese and Japanese their enumeration
# comma and full-width brackets.
_PUNCTUATION = {
    "ar": _Punctuation(items="، ", days_to_hours="، "),
    "ja": _Punctuation(items="、", days_to_hours=" ", bracket=("（", "）")),
    "zh": _Punctuation(items="、", days_to_hours=" ", bracket=("（", "）")),
}


class _Values(dict):
    """Unknown placeholders render as nothing rather than failing the whole reply."""

    def __missing__(self, key: str) -> str:
        return ""


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _parse_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


class LocaleFormatter(string.Formatter):
    def __init__(self, locale: str, terms: TermLookup):
        super().__init__()
        self._locale = locale
        self._terms = terms

    def format_field(self, value: Any, format_spec: str) -> str:
        if value in (None, ""):
            return ""
        if format_spec == "date":
            parsed = _parse_date(value)
            return format_date(parsed, format="long", locale=self._locale) if parsed else str(value)
        if format_spec == "datetime":
            return self._datetime(value)
        if format_spec == "schedule":
            return self._schedule(value)
        if format_spec == "money":
            return self._money(value)
        if format_spec:
            return self._terms(format_spec, str(value))
        return str(value)

    def _zone_name(self, zone: str) -> str:
        if zone.upper() in ("UTC", "ETC/UTC", "GMT"):
            return "UTC"
        try:
            # The zone's everyday name ("Central European Time", "Mitteleuropäische Zeit").
            return get_timezone_name(get_timezone(zone), "long", zone_variant="generic", locale=self._locale)
        except (LookupError, ValueError):
            return zone

    def _datetime(self, value: Any) -> str:
        zone = "UTC"
        if isinstance(value, Mapping):
            value, zone = value.get("at"), str(value.get("zone") or "UTC")
        parsed = _parse_datetime(value)
        if not parsed:
            return str(value or "")
        try:
            tzinfo = get_timezone(zone)
        except (LookupError, ValueError):
            tzinfo, zone = timezone.utc, "UTC"
        # The weekday too: "back Monday at 09:00" is what an out-of-hours shopper needs.
        day = format_skeleton("MMMEd", parsed, locale=self._locale, tzinfo=tzinfo)
        time = format_skeleton("Hm", parsed, locale=self._locale, tzinfo=tzinfo)
        joined = _date_time_pattern(self._locale).replace("{1}", day).replace("{0}", time)
        return joined + self._bracketed(self._zone_name(zone))

    def _schedule(self, value: Any) -> str:
        """"Mon–Fri, 09:00–17:00 (Germany Time)": working days as runs, in the locale's words."""
        if not isinstance(value, Mapping):
            return str(value)
        try:
            days = sorted({int(d) % 7 for d in value.get("days", [])})
            opens = datetime.strptime(str(value["opens"]), "%H:%M")
            closes = datetime.strptime(str(value["closes"]), "%H:%M")
        except (KeyError, TypeError, ValueError):
            return ""
        names = get_day_names("abbreviated", locale=self._locale)
        punctuation = self._punctuation()
        runs = punctuation.items.join(
            names[run[0]] if len(run) == 1 else f"{names[run[0]]}–{names[run[-1]]}" for run in _week_runs(days)
        )
        span = f"{format_skeleton('Hm', opens, locale=self._locale)}–{format_skeleton('Hm', closes, locale=self._locale)}"
        zone = self._zone_name(str(value.get("zone") or "UTC"))
        return f"{runs}{punctuation.days_to_hours}{span}{self._bracketed(zone)}"

    def _punctuation(self) -> _Punctuation:
        return _punctuation(self._locale)

    def _bracketed(self, text: str) -> str:
        opening, closing = self._punctuation().bracket
        return f"{opening}{text}{closing}"

    def _money(self, value: Any) -> str:
        if isinstance(value, Mapping):
            try:
                amount = Decimal(str(value.get("amount")))
            except InvalidOperation:
                return ""
            return format_currency(amount, str(value.get("currency", "")), locale=self._locale)
        return str(value)


# Parsed once per locale: a reply is rendered for every message, the locale rarely changes.
@lru_cache(maxsize=64)
def _punctuation(locale: str) -> _Punctuation:
    return _PUNCTUATION.get(Locale.parse(locale).language, _Punctuation())


@lru_cache(maxsize=64)
def _date_time_pattern(locale: str) -> str:
    """The locale's own way of joining a date ({1}) and a time ({0}): "{1}, {0}" in English."""
    return str(Locale.parse(locale).datetime_formats["medium"])


def _week_runs(days: list[int]) -> list[list[int]]:
    """Consecutive weekdays grouped, across the week's end too: Sunday to Thursday is one run."""
    if len(days) == 7:
        return [days]
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][-1] == 6:
        runs[0] = runs.pop() + runs[0]
    return runs


def fill(template: str, values: Mapping[str, Any], locale: str, terms: TermLookup) -> str:
    try:
        return LocaleFormatter(locale, terms).vformat(template, (), _Values(values))
    except (ValueError, IndexError, KeyError):
        # A malformed template in a shop-edited file must not silence the assistant.
        return template
