"""Closed questions in forms: the buttons offered, and reading a typed answer back.

A button sends its code as an entity (`/inform{"return_reason":"damaged"}`); a shopper who
types instead ("2", "defectuoso", "Size L") is matched against the same titles the buttons
showed, in the conversation's language, so typing works as well as clicking.
"""
from __future__ import annotations

import json
import string
import unicodedata
from functools import lru_cache
from typing import Iterable, Optional, Sequence

from bot.nlg.catalog import Catalog

Option = tuple[str, str]  # (code, title)
_PUNCTUATION = str.maketrans({c: " " for c in string.punctuation + "¿¡。、！？，：；「」"})


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    return Catalog.load()


def term_options(language: Optional[str], table: str, codes: Iterable[str]) -> list[Option]:
    """Codes with their titles from the catalog's terms table, English where a title is missing."""
    own = catalog().get(language)
    fallback = catalog().fallback
    return [(code, (own.term(table, code) if own else None) or fallback.term(table, code) or code) for code in codes]


def buttons(entity: str, options: Sequence[Option]) -> list[dict]:
    return [
        {"title": title, "payload": "/inform" + json.dumps({entity: code}, ensure_ascii=False, separators=(",", ":"))}
        for code, title in options
    ]


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().translate(_PUNCTUATION).split())


def match_choice(value: object, options: Sequence[Option]) -> Optional[str]:
    """The code the shopper meant: the code itself, the button's number, or its title (whole,
    or a distinctive part of at least three characters). None when unclear."""
    text = fold(str(value or ""))
    if not text:
        return None
    for code, title in options:
        if text in (fold(code), fold(title)):
            return code
    if text.isdigit() and 1 <= int(text) <= len(options):
        return options[int(text) - 1][0]
    if len(text) < 3 and not any(_is_cjk(c) for c in text):
        return None
    partial = {code for code, title in options if text in fold(title) or (len(fold(title)) >= 3 and fold(title) in text)}
    return partial.pop() if len(partial) == 1 else None


def _is_cjk(char: str) -> bool:
    return "\u3040" <= char <= "\u9fff" or "\uac00" <= char <= "\ud7af"
