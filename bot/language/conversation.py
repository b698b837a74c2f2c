"""The conversation's language: what replies are rendered in, decided turn by turn.

A language the shopper asks for ("can we speak French?") wins; otherwise a confident
detection switches the conversation to the message's language; an ambiguous
message ("ok", "100234", an emoji) keeps the language the conversation already has; a
conversation that never had a confident message falls back to the channel's locale, then
to the default language.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional


def resolve_language(
    current: Optional[str],
    detection: Optional[Mapping[str, Any]],
    locale: Optional[str],
    default: str,
    supported: tuple[str, ...],
    requested: Optional[str] = None,
) -> str:
    if requested:
        return requested
    if detection and detection.get("confident") and detection.get("code"):
        return str(detection["code"])
    if current:
        return current
    hinted = (locale or "").replace("_", "-").split("-")[0].lower()
    if hinted in supported:
        return hinted
    return default
