"""Who may see an order: whoever gives the order's e-mail address or phone number."""
from __future__ import annotations

from typing import Optional

from bot.patterns import EMAIL, normalise_email, phone_digits, fold_width
from integrations.orders.base import Order

# Phones are compared on their last digits, so "+34 612 345 678" matches "612345678".
MIN_PHONE_DIGITS = 8


def parse_contact(text: str) -> Optional[str]:
    """The e-mail or phone in what the shopper typed, normalised; None if there is neither."""
    folded = fold_width(text or "")
    if EMAIL.search(folded):
        return normalise_email(folded)
    phone = phone_digits(folded)
    if phone and len(phone.lstrip("+")) >= MIN_PHONE_DIGITS:
        return phone
    return None


def contact_matches(order: Order, contact: str) -> bool:
    if "@" in contact:
        return contact.strip().lower() == order.customer.email.strip().lower()
    given = "".join(c for c in contact if c.isdigit())
    known = "".join(c for c in order.customer.phone if c.isdigit())
    shortest = min(len(given), len(known))
    return shortest >= MIN_PHONE_DIGITS and given[-shortest:] == known[-shortest:]
