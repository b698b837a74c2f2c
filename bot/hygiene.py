"""Cleans a shopper's message before Rasa parses or stores it.

Control characters and binary junk are dropped, very long messages cut, card numbers and
secrets redacted. A message with nothing readable left becomes the `empty_message` intent,
which the assistant answers with a clear request to type the question.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.redaction import redact

EMPTY_MESSAGE_INTENT = "/empty_message"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ufeff]")


@dataclass(frozen=True)
class CleanMessage:
    text: str
    truncated: bool
    original_length: int
    redacted: bool = False


def clean(text: object, max_chars: int) -> CleanMessage:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    raw = text if isinstance(text, str) else ""
    original_length = len(raw)
    raw = raw[: max_chars * 2]  # bound the work on huge input before any regex runs
    cleaned = unicodedata.normalize("NFC", _CONTROL.sub("", raw)).strip()
    truncated = len(cleaned) > max_chars
    cleaned = cleaned[:max_chars]
    redacted = redact(cleaned)
    if not any(ch.isalnum() or unicodedata.category(ch).startswith(("S", "P")) for ch in redacted):
        return CleanMessage(EMPTY_MESSAGE_INTENT, truncated, original_length)
    return CleanMessage(redacted, truncated, original_length, redacted != cleaned)
