"""The language slot's mapping action and the hand-off action, in the real action server."""
import re
from datetime import datetime, timedelta, timezone

from bot.policies import Policies
from ticketing.sla import is_open

from tests.actions.conftest import make_tracker, responses, slots_set


def track(action_server, language_slot, detection, metadata=None):
    tracker = make_tracker(slots={"language": language_slot}, text="x", language=detection, metadata=metadata)
    return slots_set(action_server.run("action_track_language", tracker))


def test_a_confident_detection_switches_the_language(action_server):
    assert track(action_server, "en", {"code": "es", "confident": True}) == {"language": "es"}


def test_an_ambiguous_message_keeps_the_language(action_server):
    assert track(action_server, "zh", {"code": "en", "confident": False}) == {}


def test_the_channel_locale_starts_a_silent_conversation(action_server):
    assert track(action_server, None, {"code": None, "confident": False}, {"locale": "es-MX"}) == {"language": "es"}


def test_handoff_is_recorded_once_per_conversation(action_server):
    tracker = make_tracker(slots={"language": "es"}, text="quiero hablar con una persona", intent="human_handoff")
    before = datetime.now(timezone.utc)
    first = action_server.run("action_handoff", tracker)
    again = action_server.run("action_handoff", tracker)
    after = datetime.now(timezone.utc)
    # No market: the default support team's hours (UTC, Monday to Friday, 09:00-17:00).
    hours = Policies.load().defaults.support
    if is_open(before, hours) == is_open(after, hours):  # not a run across opening or closing time
        assert responses(first) == ["utter_handoff_recorded" if is_open(before, hours) else "utter_handoff_out_of_hours"]
    told = first["responses"][0]
    assert told["position"] >= 1
    assert told["hours"] == {"days": [0, 1, 2, 3, 4], "opens": "09:00", "closes": "17:00", "zone": "UTC"}
    assert datetime.fromisoformat(told["back_at"]["at"]) >= before - timedelta(seconds=1)
    assert datetime.fromisoformat(told["reply_by"]["at"]) > datetime.fromisoformat(told["back_at"]["at"])
    reference = told["reference"]
    assert re.fullmatch(r"T-\d{6}", reference)
    assert again["responses"][0]["reference"] == reference
    # A person owns the conversation now: the assistant pauses it (ARCHITECTURE.md, Handoff protocol).
    assert [e["event"] for e in first["events"]][-1] == "pause"
    assert [e["event"] for e in again["events"]][-1] == "pause"


def test_the_rating_after_a_hand_off_goes_on_the_resolved_ticket(action_server, running_stack):
    from ticketing.service import TicketService

    tracker = make_tracker(slots={"language": "en"}, text="I want a person", intent="human_handoff")
    reference = action_server.run("action_handoff", tracker)["responses"][0]["reference"]
    service = TicketService.start(running_stack.settings.ticketing_db_url)
    try:
        service.resolve(reference, actor="system")
        rating = make_tracker(slots={"language": "en", "feedback_rating": "4", "feedback_comment": "-"}, text="-", intent="deny")
        rating["sender_id"] = tracker["sender_id"]
        assert responses(action_server.run("action_save_feedback", rating)) == ["utter_feedback_thanks"]
        assert service.ticket(reference).rating == 4
    finally:
        service.engine.dispose()


def test_a_new_session_stays_paused_while_the_conversation_has_an_open_ticket(action_server, running_stack):
    from ticketing.service import TicketService

    tracker = make_tracker(slots={"language": "fr", "verified_order": "100234"}, text="je veux un humain", intent="human_handoff")
    reference = action_server.run("action_handoff", tracker)["responses"][0]["reference"]

    def session_start():
        return [(e["event"], e.get("name")) for e in action_server.run("action_session_start", tracker)["events"]]

    events = session_start()
    assert events[0] == ("session_started", None) and events[-2:] == [("pause", None), ("action", "action_listen")]
    # What the shopper told us carries over into the new session.
    assert {"language": "fr", "verified_order": "100234"}.items() <= slots_set(action_server.run("action_session_start", tracker)).items()

    service = TicketService.start(running_stack.settings.ticketing_db_url)
    try:
        service.resolve(reference, actor="system")
    finally:
        service.engine.dispose()
    assert ("pause", None) not in session_start()  # resolved: the assistant has it again


def test_a_yes_to_the_person_offered_after_two_misunderstandings_is_recorded_as_such(action_server, running_stack):
    from ticketing.service import TicketService

    offered = [
        {"event": "user", "text": "blorp", "parse_data": {"intent": {"name": "nlu_fallback"}}},
        {"event": "action", "name": "utter_ask_rephrase"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "zzz qqq", "parse_data": {"intent": {"name": "nlu_fallback"}}},
        {"event": "action", "name": "utter_offer_human"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "yes", "parse_data": {"intent": {"name": "affirm"}}},
    ]
    after_fallbacks = make_tracker(slots={"language": "en"}, text="yes", intent="affirm", events=offered)
    other_offer = make_tracker(slots={"language": "en", "person_offered": True}, text="yes", intent="affirm")
    service = TicketService.start(running_stack.settings.ticketing_db_url)
    try:
        for tracker, reason in ((after_fallbacks, "fallback"), (other_offer, "assistant_offer")):
            reference = action_server.run("action_handoff", tracker)["responses"][0]["reference"]
            assert service.ticket(reference).reason == reason
    finally:
        service.engine.dispose()


def test_without_a_verified_order_the_locale_names_whose_team_answers(action_server, running_stack):
    from ticketing.service import TicketService

    mexico = make_tracker(slots={"language": "es"}, text="quiero una persona", intent="human_handoff", metadata={"locale": "es-MX"})
    nowhere = make_tracker(slots={"language": "en"}, text="a person please", intent="human_handoff", metadata={"locale": "en-001"})
    service = TicketService.start(running_stack.settings.ticketing_db_url)
    try:
        told = action_server.run("action_handoff", mexico)["responses"][0]
        assert told["hours"]["zone"] == "America/Mexico_City" and told["hours"]["closes"] == "18:00"
        assert service.ticket(told["reference"]).market == "MX"
        told = action_server.run("action_handoff", nowhere)["responses"][0]
        assert told["hours"]["zone"] == "UTC"  # no such market: the default team
        assert service.ticket(told["reference"]).market is None
    finally:
        service.engine.dispose()
