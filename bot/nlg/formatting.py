"""Fills a response's placeholders, formatting values for the reply's locale with Babel.

`{name}` inserts a value as it is; `{name:date}`, `{name:datetime}`, `{name:money}` format
it for the locale; any other spec names a `terms` table of the catalog ({state:order_state}).
"""
from __future__ import annotations

import string
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_currency

TermLookup = Callable[[str, str], str]


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
            parsed = _parse_datetime(value)
            if not parsed:
                return str(value)
            # Times are shown in UTC, labelled, until markets carry their own time zones.
            day = format_skeleton("MMMd", parsed, locale=self._locale)
            time = format_skeleton("Hm", parsed, locale=self._locale, tzinfo=timezone.utc) + " UTC"
            # The locale's own way of joining a date and a time ("{1}, {0}" in English).
            joined = Locale.parse(self._locale).datetime_formats["medium"]
            return str(joined).replace("{1}", day).replace("{0}", time)
        if format_spec == "money":
            return self._money(value)
        if format_spec:
            return self._terms(format_spec, str(value))
        return str(value)

    def _money(self, value: Any) -> str:
        if isinstance(value, Mapping):
            try:
                amount = Decimal(str(value.get("amount")))
            except InvalidOperation:
                return ""
            return format_currency(amount, str(value.get("currency", "")), locale=self._locale)
        return str(value)


def fill(template: str, values: Mapping[str, Any], locale: str, terms: TermLookup) -> str:
    try:
        return LocaleFormatter(locale, terms).vformat(template, (), _Values(values))
    except (ValueError, IndexError, KeyError):
        # A malformed template in a shop-edited file must not silence the assistant.
        return template
