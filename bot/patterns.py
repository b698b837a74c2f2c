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
# A phone: optional +, then at least 8 digits with the usual separators between them.
PHONE = re.compile(r"(?<![\w+])\+?\d(?:[\s().\-]?\d){7,15}(?!\d)")
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
    """Full-width digits and letters (common in Chinese and Japanese input) to ASCII.

    Character by character, so positions in the folded text are positions in the original.
    """
    out = []
    for char in text:
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
