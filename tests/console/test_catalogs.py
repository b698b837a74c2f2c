"""The console's message catalogs (ticketing/console/i18n/), without a browser.

Every catalog has exactly the keys of en.json, none empty, each with the {placeholders} of the
English one; every key the page (data-i18n* attributes) and the script (t("..."), message
arrays ["key", ...], term("group", value)) use is in en.json; the languages offered by the
page's picker, served by the API and found on disk are the same ten.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.services.handoff_priority import REASON_PRIORITY
from bot.settings import PROJECT_ROOT
from ticketing.api import CONSOLE_LANGUAGES
from ticketing.client import PRIORITIES
from ticketing.models import AUTHORS, ROLES, STATUSES
from ticketing.openapi import TIMERS

CONSOLE = PROJECT_ROOT / "ticketing" / "console"
CATALOGS = CONSOLE / "i18n"
LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "ru", "ar", "ja", "zh")
PLACEHOLDER = re.compile(r"\{(\w+)\}")

# The groups the script looks values of the API up in (term("status", ticket.status)...), and
# the values each must name. A value the catalog lacks would show as raw words.
TERMS = {
    "status": STATUSES,
    "priority": PRIORITIES,
    "role": ROLES,
    "author": AUTHORS,
    "turn": ("user", "bot"),  # the events of a bot transcript the console names
    "timer": TIMERS,
    "reason": tuple(REASON_PRIORITY),
}


def load(path: Path) -> dict[str, str]:
    catalog = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(catalog, dict), path.name
    return catalog


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def catalog_problems(english: dict[str, str], other: dict[str, str]) -> list[str]:
    """What is wrong with one catalog against the English one."""
    problems = [f"missing {key}" for key in english if key not in other]
    problems += [f"unknown {key}" for key in other if key not in english]
    for key, text in other.items():
        if not isinstance(text, str) or not text.strip():
            problems.append(f"empty {key}")
        elif key in english and placeholders(text) != placeholders(english[key]):
            problems.append(f"{key} has {sorted(placeholders(text))}, English has {sorted(placeholders(english[key]))}")
    return problems


def page_keys(html: str) -> set[str]:
    return set(re.findall(r'\bdata-i18n(?:-[a-z-]+)?="([^"]+)"', html))


def script_keys(script: str) -> tuple[set[str], set[str], set[str]]:
    """The keys the script names (t("key"), ["key", ...] messages), the groups it looks values
    up in (term("group", ...)), and the groups it builds keys of (`group.${...}`)."""
    literal = set(re.findall(r'(?<![\w.$])t\(\s*"([^"]+)"', script))
    literal |= set(re.findall(r'\[\s*"([a-z]\w*\.\w+)"', script))
    terms = set(re.findall(r'(?<![\w.$])term\(\s*"(\w+)"', script))
    built = set(re.findall(r"`(\w+)\.\$\{", script))
    return literal, terms, built


@pytest.fixture(scope="module")
def english() -> dict[str, str]:
    return load(CATALOGS / "en.json")


def test_there_is_a_catalog_for_each_language_and_the_api_serves_them():
    assert sorted(path.stem for path in CATALOGS.glob("*.json")) == sorted(LANGUAGES)
    assert sorted(CONSOLE_LANGUAGES) == sorted(LANGUAGES)
    page = (CONSOLE / "index.html").read_text(encoding="utf-8")
    picker = re.search(r'<select id="language-picker".*?</select>', page, re.S)
    assert picker, "the page has no language picker"
    offered = [code for code in re.findall(r'<option value="([^"]*)"', picker.group(0)) if code]
    assert sorted(offered) == sorted(LANGUAGES)


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_a_catalog_has_the_keys_and_placeholders_of_english(english, lang):
    assert catalog_problems(english, load(CATALOGS / f"{lang}.json")) == []


def test_english_has_no_empty_message(english):
    assert [key for key, text in english.items() if not isinstance(text, str) or not text.strip()] == []


def test_every_key_the_page_and_the_script_use_is_in_english(english):
    page = (CONSOLE / "index.html").read_text(encoding="utf-8")
    script = (CONSOLE / "console.js").read_text(encoding="utf-8")
    used_in_page = page_keys(page)
    literal, terms, built = script_keys(script)
    assert len(used_in_page) > 40 and len(literal) > 40, "the references are no longer found: update the parsing"

    assert sorted(used_in_page - set(english)) == []
    assert sorted(literal - set(english)) == []
    assert terms == set(TERMS), "a group of values the test does not know: add it to TERMS"
    for group, values in TERMS.items():
        assert sorted(f"{group}.{value}" for value in values if f"{group}.{value}" not in english) == []
    # Keys built from an API error code are looked up first (has()); each must name a real one.
    assert built == {"apiError"}
    api = (PROJECT_ROOT / "ticketing" / "api.py").read_text(encoding="utf-8")
    for key in english:
        if key.startswith("apiError.") and key != "apiError.network":
            assert f'"{key.removeprefix("apiError.")}"' in api, f"{key}: the API answers no such error code"


def test_the_english_the_page_shows_before_its_catalog_loads_is_the_catalogs(english):
    # The page's own text is what shows until en.json (or another catalog) has loaded.
    page = (CONSOLE / "index.html").read_text(encoding="utf-8")
    for match in re.finditer(r'<(\w+)\b[^>]*\bdata-i18n="([^"]+)"[^>]*>([^<]*)<', page):
        text = " ".join(match.group(3).split())
        assert text == english[match.group(2)], match.group(2)
    for attribute, target in (("placeholder", "placeholder"), ("aria-label", "aria-label"), ("title", "title")):
        for match in re.finditer(rf'<[^>]*\bdata-i18n-{attribute}="([^"]+)"[^>]*>', page):
            shown = re.search(rf'\s{target}="([^"]*)"', match.group(0))
            assert shown and shown.group(1) == english[match.group(1)], (attribute, match.group(1))


def test_the_checks_catch_a_broken_catalog_and_an_unknown_key(english):
    broken = dict(english)
    del broken["queue.title"]
    broken["pager.info"] = "Page {page}"
    broken["ticket.claim"] = " "
    broken["queue.extra"] = "Extra"
    assert sorted(catalog_problems(english, broken)) == [
        "empty ticket.claim", "missing queue.title", "pager.info has ['page'], English has ['page', 'pages']",
        "unknown queue.extra",
    ]
    literal, terms, built = script_keys('t("queue.nothing"); showNotice(["notice.nothing", {}]); term("colour", x); t(`hint.${x}`)')
    assert literal == {"queue.nothing", "notice.nothing"} and terms == {"colour"} and built == {"hint"}
    assert page_keys('<p data-i18n="a.b">x</p><input data-i18n-placeholder="c.d">') == {"a.b", "c.d"}
