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


def synonyms(language: Optional[str], table: str) -> dict[str, list[str]]:
    """Other words shoppers type for each option (terms table `<table>_words`, "a|b|c"),
    in the conversation's language and in English."""
    words: dict[str, list[str]] = {}
    for catalog_language in {language, catalog().fallback.language}:
        own = catalog().get(catalog_language)
        for code, text in ((own.terms.get(f"{table}_words") or {}) if own else {}).items():
            words.setdefault(code, []).extend(w.strip() for w in str(text).split("|") if w.strip())
    return words


def buttons(entity: str, options: Sequence[Option]) -> list[dict]:
    return [
        {"title": title, "payload": "/inform" + json.dumps({entity: code}, ensure_ascii=False, separators=(",", ":"))}
        for code, title in options
    ]


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().translate(_PUNCTUATION).split())


def match_choice(
    value: object, options: Sequence[Option], words: Optional[dict[str, list[str]]] = None
) -> Optional[str]:
    """The code the shopper meant: the code itself, the button's number, its title (whole, or a
    distinctive part of at least three characters), or one of the option's other words ("me
    queda pequeño" for "wrong size"). None when unclear."""
    text = fold(str(value or ""))
    if not text:
        return None
    for code, title in options:
        if text in (fold(code), fold(title)):
            return code
    if text.isdigit() and 1 <= int(text) <= len(options):
        return options[int(text) - 1][0]
    # Every phrase that points at an option scores its length; the longest wins, so "nunca lo he
    # usado" is "unused" (its own words) rather than "used" (a title inside it).
    scored: list[tuple[int, str]] = []
    if len(text) >= 3 or any(_is_cjk(c) for c in text):
        scored += [(len(text), code) for code, title in options if text in fold(title)]
    scored += [(len(fold(title)), code) for code, title in options if len(fold(title)) >= 3 and _said(fold(title), text)]
    offered = {code for code, _ in options}
    scored += [(len(fold(word)), code) for code, ws in (words or {}).items() if code in offered for word in ws if _said(fold(word), text)]
    return _longest_unique(scored)


def _said(word: str, text: str) -> bool:
    if not word:
        return False
    if any(_is_cjk(c) for c in word):
        return word in text
    return f" {word} " in f" {text} "


def _longest_unique(scored: list[tuple[int, str]]) -> Optional[str]:
    if not scored:
        return None
    top = max(length for length, _ in scored)
    codes = {code for length, code in scored if length == top}
    return codes.pop() if len(codes) == 1 else None


def _is_cjk(char: str) -> bool:
    return "\u3040" <= char <= "\u9fff" or "\uac00" <= char <= "\ud7af"
