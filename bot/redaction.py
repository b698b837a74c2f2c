"""Removes card numbers and other secrets from text before anything stores it."""
from __future__ import annotations

import re

CARD_PLACEHOLDER = "[card number removed]"
SECRET_PLACEHOLDER = "[removed]"

# 13 to 19 digits, optionally grouped by spaces or dashes (how people type card numbers).
_CARD = re.compile(r"(?<![\d+])(?:\d[ \-]?){12,18}\d(?!\d)")
# A short code or password right after the word that names it, in the native languages.
_SECRET = re.compile(
    r"(?i)\b(cvv|cvc|cvv2|csc|security code|código de seguridad|code de sécurité|"
    r"prüfnummer|pin|password|passwort|contraseña|mot de passe|senha|пароль|"
    r"密码|安全码|暗証番号|パスワード|كلمة المرور)(\s*[:=]?\s*)(\S+)"
)


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def redact(text: str) -> str:
    def card(match: re.Match) -> str:
        # "+86 138 1234 5678": a phone's country code comes just before the digits.
        if "+" in match.string[max(0, match.start() - 5) : match.start()]:
            return match.group(0)
        digits = re.sub(r"\D", "", match.group(0))
        return CARD_PLACEHOLDER if _luhn_valid(digits) else match.group(0)

    text = _CARD.sub(card, text)
    return _SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}{SECRET_PLACEHOLDER}", text)
