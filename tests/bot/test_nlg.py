"""The NLG endpoint: catalogs complete, replies localized, Rasa's request format served."""
import re

import pytest
import yaml

from bot.nlg.catalog import Catalog, CatalogError
from bot.nlg.renderer import Conversation, Renderer
from bot.nlg.server import create_app, domain_response_names, faq_keys
from bot.settings import PROJECT_ROOT

# Every language with an authored catalog is held to the same standard.
NATIVE = tuple(sorted(p.stem for p in (PROJECT_ROOT / "data" / "responses").glob("*.yml")))
TEN = {"en", "es", "fr", "de", "it", "pt", "ru", "ar", "ja", "zh"}


def test_all_ten_native_languages_have_catalogs():
    assert TEN <= set(NATIVE)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


def responses_named_in_code() -> set[str]:
    names = set()
    for path in (PROJECT_ROOT / "actions").rglob("*.py"):
        names.update(re.findall(r"\"(utter_[a-z_]+)\"", path.read_text()))
    for path in (PROJECT_ROOT / "bot" / "services").rglob("*.py"):
        names.update(re.findall(r"\"(utter_[a-z_]+)\"", path.read_text()))
    return names


def tracker(language=None, market=None, events=(), slots=None):
    return {
        "sender_id": "test",
        "slots": {"language": language, "market": market, **(slots or {})},
        "events": list(events),
        "latest_message": {},
    }


@pytest.mark.parametrize("language", NATIVE)
def test_every_response_exists_in_every_native_language(catalog, language):
    names = set(domain_response_names()) | responses_named_in_code()
    missing = sorted(n for n in names if n not in catalog.get(language).responses)
    assert not missing, f"{language} lacks {missing}"


@pytest.mark.parametrize("language", NATIVE)
def test_every_faq_key_is_answered_in_every_native_language(catalog, language):
    keys = faq_keys()
    assert len(keys) >= 7
    missing = [k for k in keys if not catalog.get(language).faq_answer(k, None)]
    assert not missing, f"{language} lacks FAQ answers {missing}"


@pytest.mark.parametrize("language", NATIVE)
def test_placeholders_match_english(catalog, language):
    """A translation may reword a reply, not drop or rename the values it shows."""
    english = catalog.get("en").responses
    for name, variations in catalog.get(language).responses.items():
        wanted = {p for v in english.get(name, []) for p in re.findall(r"\{[^}]+\}", v["text"])}
        for variation in variations:
            assert set(re.findall(r"\{[^}]+\}", variation["text"])) == wanted, (language, name)


def test_start_up_check_names_what_is_missing(catalog):
    with pytest.raises(CatalogError, match="utter_does_not_exist"):
        catalog.check(["utter_greet", "utter_does_not_exist"], [])
    with pytest.raises(CatalogError, match="faq/no_such_key"):
        catalog.check([], ["no_such_key"])


def test_order_status_is_formatted_per_locale(catalog):
    renderer = Renderer(catalog)
    arguments = {
        "order_number": "100234",
        "placed_at": "2026-11-03",
        "total": {"amount": "1234.50", "currency": "EUR"},
        "state": "in_transit",
    }
    en = renderer.render("utter_order_status", arguments, Conversation.from_tracker(tracker("en")))["text"]
    es = renderer.render("utter_order_status", arguments, Conversation.from_tracker(tracker("es")))["text"]
    zh = renderer.render("utter_order_status", arguments, Conversation.from_tracker(tracker("zh")))["text"]
    assert "November 3, 2026" in en and "€1,234.50" in en and "on its way" in en
    assert "3 de noviembre de 2026" in es and "1.234,50\xa0€" in es
    assert "2026年11月3日" in zh and "100234" in zh
    assert catalog.get("es").term("order_state", "in_transit") in es


def test_faq_answer_follows_the_market(catalog):
    renderer = Renderer(catalog)
    default = renderer.render("utter_faq/return_policy", {}, Conversation.from_tracker(tracker("en")))["text"]
    german = renderer.render("utter_faq/return_policy", {}, Conversation.from_tracker(tracker("en", market="DE")))["text"]
    assert "7 days" in default and "14 days" in german


def test_unknown_language_gets_english_with_a_note(catalog):
    renderer = Renderer(catalog)
    reply = renderer.render("utter_greet", {}, Conversation.from_tracker(tracker("tr")))["text"]
    assert reply.startswith("(I can't write in Turkish yet")
    english_texts = [v["text"] for v in catalog.get("en").responses["utter_greet"]]
    assert any(text in reply for text in english_texts)


def test_buttons_keep_their_payloads(catalog):
    reply = Renderer(catalog).render("utter_offer_human", {}, Conversation.from_tracker(tracker("zh")))
    assert [b["payload"] for b in reply["buttons"]] == ["/human_handoff", "/deny"]
    assert all(b["title"] for b in reply["buttons"])


async def test_server_answers_rasas_request_format(aiohttp_client):
    client = await aiohttp_client(create_app())
    body = {
        "response": "utter_ask_order_contact",
        "arguments": {},
        "tracker": tracker("es", slots={"order_number": "100234"}),
        "channel": {"name": "rest"},
    }
    response = await client.post("/nlg", json=body)
    assert response.status == 200
    message = await response.json()
    assert "100234" in message["text"]
    assert message["text"] in {
        v["text"].replace("{order_number}", "100234") for v in Catalog.load().get("es").responses["utter_ask_order_contact"]
    }


async def test_server_rejects_malformed_requests(aiohttp_client):
    client = await aiohttp_client(create_app())
    assert (await client.post("/nlg", data=b"\xff\x00not json")).status == 400
    assert (await client.post("/nlg", json=["a list"])).status == 400
    assert (await client.post("/nlg", json={"tracker": {}})).status == 400
    health = await (await client.get("/health")).json()
    assert set(NATIVE) <= set(health["languages"])


def test_every_faq_key_is_known_to_the_response_selector():
    selector = yaml.safe_load((PROJECT_ROOT / "data" / "nlu" / "faq_responses.yml").read_text())["responses"]
    assert sorted(k.removeprefix("utter_faq/") for k in selector) == faq_keys()


def test_carrier_events_are_localized_with_date_and_time(catalog):
    renderer = Renderer(catalog)
    arguments = {"event": "customs_held", "location": "Madrid, ES", "event_time": "2026-11-20T08:05:00+00:00"}
    en = renderer.render("utter_order_last_event", arguments, Conversation.from_tracker(tracker("en")))["text"]
    zh = renderer.render("utter_order_last_event", arguments, Conversation.from_tracker(tracker("zh")))["text"]
    assert "held by import customs" in en and "Nov 20" in en and "08:05" in en
    assert catalog.get("zh").term("tracking_event", "customs_held") in zh and "11月20日" in zh
    assert "{" not in en + zh


def test_a_reply_to_a_redacted_message_starts_with_a_localized_warning(catalog):
    conversation = Conversation.from_tracker(
        {**tracker("es"), "latest_message": {"metadata": {"redacted": True}}, "events": [{"event": "user"}]}
    )
    reply = Renderer(catalog).render("utter_greet", {}, conversation)["text"]
    assert reply.startswith(catalog.get("es").term("notes", "secret_removed"))


def test_a_composed_reply_is_one_message_with_one_line_per_part(catalog):
    from bot.nlg.renderer import COMPOSED

    parts = [
        {"response": "utter_order_tracking", "arguments": {"carrier": "DHL", "tracking_number": "4839201754"}},
        {"response": "utter_order_eta", "arguments": {"eta": "2026-12-01"}},
        {"response": "no_such_response"},
        "not a part",
    ]
    conversation = Conversation.from_tracker({**tracker("tr"), "latest_message": {"metadata": {"redacted": True}}})
    text = Renderer(catalog).render(COMPOSED, {"parts": parts}, conversation)["text"]
    lines = text.split("\n")
    # Notes once, at the top; then one line per renderable part, in order.
    assert lines[0].startswith("(I can't write in Turkish")
    assert lines[1] == catalog.get("en").term("notes", "secret_removed")
    assert len(lines) == 4
    assert "4839201754" in lines[2] and "December 1, 2026" in lines[3]


def all_texts(catalog: Catalog, language: str) -> list[str]:
    lang = catalog.get(language)
    texts = [v["text"] for variations in lang.responses.values() for v in variations]
    texts += [b["title"] for variations in lang.responses.values() for v in variations for b in v.get("buttons", [])]
    texts += [t for table in lang.terms.values() for t in table.values()]
    for entry in lang.faq.values():
        texts.append(entry.get("default", ""))
        texts.extend((entry.get("markets") or {}).values())
    return texts


def test_japanese_has_no_exclamation_marks(catalog):
    offending = [t for t in all_texts(catalog, "ja") if "!" in t or "！" in t]
    assert not offending


def test_german_uses_the_formal_address(catalog):
    informal = re.compile(r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|deines)\b", re.IGNORECASE)
    offending = [t for t in all_texts(catalog, "de") if informal.search(t)]
    assert not offending


def test_arabic_replies_are_written_in_arabic(catalog):
    from bot.language.scripts import script_counts

    for text in all_texts(catalog, "ar"):
        counts = script_counts(re.sub(r"\{[^}]*\}", "", text))
        assert counts.get("arabic", 0) >= counts.get("latin", 0), text


def test_a_hand_off_names_the_teams_hours_and_times_in_its_own_zone(catalog):
    renderer = Renderer(catalog)
    arguments = {
        "reference": "T-000042",
        "position": 3,
        # Sunday to Thursday in Riyadh; back on Sunday 9 March 2025, 09:00 there (06:00 UTC).
        "hours": {"days": [6, 0, 1, 2, 3], "opens": "09:00", "closes": "17:00", "zone": "Asia/Riyadh"},
        "back_at": {"at": "2025-03-09T06:00:00+00:00", "zone": "Asia/Riyadh"},
    }
    en = renderer.render("utter_handoff_out_of_hours", arguments, Conversation.from_tracker(tracker("en")))["text"]
    assert "T-000042" in en and "is 3" in en
    assert "Sun–Thu, 09:00–17:00" in en  # one run across the week's end, not "Mon–Thu, Sun"
    assert "Sun, Mar 9, 09:00 (Arabian Time)" in en
    de = renderer.render("utter_handoff_out_of_hours", arguments, Conversation.from_tracker(tracker("de")))["text"]
    assert "So.–Do., 09:00–17:00" in de and "So., 9. März, 09:00 (Arabische Zeit)" in de
    ja = renderer.render("utter_handoff_out_of_hours", arguments, Conversation.from_tracker(tracker("ja")))["text"]
    assert "3月9日(日) 9:00" in ja or "3月9日(日) 09:00" in ja


def test_times_without_a_zone_are_shown_in_utc_and_bad_values_render_empty(catalog):
    from bot.nlg.formatting import fill

    def term(table, code):
        return code

    assert fill("{t:datetime}", {"t": "2025-03-03T10:00:00Z"}, "en_US", term) == "Mon, Mar 3, 10:00 (UTC)"
    assert fill("{h:schedule}", {"h": {"days": [0, 1, 2, 4], "opens": "8:30", "closes": "18:00", "zone": "UTC"}}, "en_US", term) == (
        "Mon–Wed, Fri, 08:30–18:00 (UTC)"
    )
    assert fill("[{h:schedule}]", {"h": {"days": [0], "opens": "late"}}, "en_US", term) == "[]"


def test_schedules_and_zones_take_the_languages_own_punctuation():
    from bot.nlg.formatting import fill

    def term(table, code):
        return code

    week = {"h": {"days": [0, 2, 3, 4], "opens": "09:00", "closes": "18:00", "zone": "Asia/Tokyo"}}
    ja = fill("{h:schedule}", week, "ja_JP", term)
    assert ja.startswith("月、水～金 ") or ja.startswith("月、水–金 "), ja
    assert ja.endswith("（日本時間）") and ", " not in ja
    zh = fill("{h:schedule}", {"h": {**week["h"], "zone": "Asia/Shanghai"}}, "zh_CN", term)
    assert "、" in zh and zh.endswith("（中国时间）") and ", " not in zh
    ar = fill("{h:schedule}", {"h": {"days": [6, 0, 1, 2, 3], "opens": "09:00", "closes": "17:00", "zone": "Asia/Riyadh"}}, "ar", term)
    assert "، " in ar and ", " not in ar
    assert fill("{t:datetime}", {"t": {"at": "2025-03-03T01:00:00Z", "zone": "Asia/Tokyo"}}, "ja_JP", term).endswith("（日本時間）")

