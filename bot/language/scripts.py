"""Which writing systems a text uses: the strongest and cheapest language signal there is."""
from __future__ import annotations

import unicodedata
from collections import Counter

# Unicode ranges of the scripts that decide a language (or a small set of them) on their own.
_RANGES = (
    ("hiragana", 0x3040, 0x309F),
    ("katakana", 0x30A0, 0x30FF),
    ("katakana", 0x31F0, 0x31FF),
    ("katakana", 0xFF66, 0xFF9F),
    ("han", 0x3400, 0x4DBF),
    ("han", 0x4E00, 0x9FFF),
    ("han", 0xF900, 0xFAFF),
    ("hangul", 0xAC00, 0xD7AF),
    ("hangul", 0x1100, 0x11FF),
    ("hangul", 0x3130, 0x318F),
    ("arabic", 0x0600, 0x06FF),
    ("arabic", 0x0750, 0x077F),
    ("arabic", 0xFB50, 0xFDFF),
    ("arabic", 0xFE70, 0xFEFF),
    ("cyrillic", 0x0400, 0x04FF),
    ("greek", 0x0370, 0x03FF),
    ("hebrew", 0x0590, 0x05FF),
    ("thai", 0x0E00, 0x0E7F),
    ("devanagari", 0x0900, 0x097F),
)


def script_of(char: str) -> str | None:
    code = ord(char)
    for name, start, end in _RANGES:
        if start <= code <= end:
            return name
    if char.isalpha() and "LATIN" in unicodedata.name(char, ""):
        return "latin"
    return None


def script_counts(text: str) -> Counter:
    return Counter(s for s in map(script_of, text) if s)
