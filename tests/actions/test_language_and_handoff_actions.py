"""The language slot's mapping action and the hand-off action, in the real action server."""
import re

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
    first = action_server.run("action_handoff", tracker)
    again = action_server.run("action_handoff", tracker)
    assert responses(first) == ["utter_handoff_recorded"]
    reference = first["responses"][0]["reference"]
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
