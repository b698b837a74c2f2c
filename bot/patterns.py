"""What order numbers, e-mails and phone numbers look like in a shopper's message.

Shared by the NLU entity extractor, the ownership check and redaction, so that what the
assistant recognises and what it accepts never drift apart.
"""
from __future__ import annotations

import os
import re
import unicodedata
from typing import NamedTuple

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# A phone: optional +, then at least 8 digits; "+7 (916) 123-45-67" has up to 3 separators in a row.
PHONE = re.compile(r"(?<![A-Za-z0-9_+])\+?\d(?:[\s().\-]{0,3}\d){7,15}(?!\d)")
# Shops number orders their own way; the demo store's are 6 digits. "#100234" counts too.
ORDER_NUMBER = re.compile(
    r"(?<![\d+])#?(" + os.environ.get("ORDER_NUMBER_PATTERN", r"\d{6}") + r")(?!\d)"
)


class Match(NamedTuple):
    entity: str
    start: int
    end: int
    value: str


def fold_width(text: str) -> str:
    """Full-width digits and letters (Chinese and Japanese keyboards) and other scripts'
    digits (Arabic-Indic ١٠٠٢٣٤, Devanagari...) to ASCII.

    Character by character, so positions in the folded text are positions in the original.
    """
    out = []
    for char in text:
        if char.isdigit() and not char.isascii():
            out.append(str(unicodedata.digit(char, 0)))
            continue
        folded = unicodedata.normalize("NFKC", char)
        out.append(folded if len(folded) == 1 else char)
    return "".join(out)


def find_entities(text: str) -> list[Match]:
    """E-mails, phones and order numbers in the order they appear. E-mails are found first,
    then phones, then order numbers, and none may overlap one found before it."""
    folded = fold_width(text)
    taken: list[tuple[int, int]] = []
    found: list[Match] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for entity, pattern, group in (("email", EMAIL, 0), ("phone", PHONE, 0), ("order_number", ORDER_NUMBER, 1)):
        for match in pattern.finditer(folded):
            start, end = match.span(group)
            if free(start, end):
                taken.append((start, end))
                found.append(Match(entity, start, end, text[start:end]))
    return sorted(found, key=lambda match: match.start)


def normalise_order_number(value: str) -> str | None:
    """The order number in canonical form, or None if the value is not one."""
    folded = fold_width(value or "").strip()
    match = ORDER_NUMBER.fullmatch(folded) or ORDER_NUMBER.fullmatch(folded.replace(" ", ""))
    return match.group(1) if match else None


def normalise_email(value: str) -> str | None:
    folded = fold_width(value or "").strip().lower()
    match = EMAIL.search(folded)
    return match.group(0) if match else None


def phone_digits(value: str) -> str | None:
    """The phone in the value as digits, with a leading + if it was typed with one."""
    folded = fold_width(value or "")
    match = PHONE.search(folded)
    if not match:
        return None
    digits = re.sub(r"\D", "", match.group(0))
    return "+" + digits if match.group(0).startswith("+") else digits


class LanguageNames:
    """Finds language names ("French", "auf Deutsch", "日本語で") and maps them to codes."""

    def __init__(self, names: dict[str, str]):
        self.names = {name.lower(): code for name, code in names.items() if name.strip()}
        # Longest first, so "по-английски" wins over a shorter name inside it.
        ordered = sorted(self.names, key=len, reverse=True)
        alternatives = [
            re.escape(name) if _is_cjk(name) else rf"(?<![^\W\d_]){re.escape(name)}(?![^\W\d_])"
            for name in ordered
        ]
        self._pattern = re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None

    def find(self, text: str) -> list[Match]:
        if self._pattern is None:
            return []
        return [
            Match("language", m.start(), m.end(), self.names[m.group(0).lower()])
            for m in self._pattern.finditer(text)
        ]


def _is_cjk(text: str) -> bool:
    return any("\u3040" <= c <= "\u9fff" for c in text)
