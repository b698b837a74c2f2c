"""The order-status form's validation and the status report, in the real action server."""
import pytest

from integrations.demo_store.seed import SHOWCASE_ORDERS
from tests.actions.conftest import make_tracker, report_parts, responses, slots_set

FORM = "validate_order_status_form"


def validate(action_server, slots, text=""):
    tracker = make_tracker(slots=slots, text=text, intent="inform", active_loop="order_status_form")
    # Rasa sends the slots the latest message filled as slot events: those are validated.
    tracker["events"] += [{"event": "slot", "name": k, "value": v} for k, v in slots.items()]
    return action_server.run(FORM, tracker)


def test_a_valid_existing_order_number_is_kept_and_contact_requested(action_server):
    result = validate(action_server, {"order_number": "my order is #100234"})
    assert slots_set(result)["order_number"] == "100234"
    # The form's own required slots stand: Rasa asks for the contact next.
    assert "requested_slot" not in slots_set(result)
    assert responses(result) == []


def test_a_malformed_order_number_gets_a_clear_answer(action_server):
    result = validate(action_server, {"order_number": "ABC-12"})
    assert slots_set(result)["order_number"] is None
    assert responses(result) == ["utter_invalid_order_number"]
    assert result["responses"][0]["value"] == "ABC-12"


def test_an_unknown_order_number_is_refused(action_server):
    result = validate(action_server, {"order_number": "999999"})
    assert slots_set(result)["order_number"] is None
    assert responses(result) == ["utter_order_not_found"]


@pytest.mark.parametrize("contact_of", ["email", "phone"])
def test_the_orders_own_contact_verifies_ownership(action_server, contact_of):
    showcase = SHOWCASE_ORDERS["100234"]
    contact = showcase["email"].upper() if contact_of == "email" else "612 345 678"
    result = validate(action_server, {"order_number": "100234", "order_contact": contact})
    assert slots_set(result)["verified_order"] == "100234"
    assert slots_set(result)["market"] == showcase["market"]
    assert responses(result) == []


def test_someone_elses_contact_does_not_verify(action_server):
    result = validate(action_server, {"order_number": "100234", "order_contact": "john.smith@example.com"})
    assert "verified_order" not in slots_set(result)
    assert slots_set(result)["order_contact"] is None
    assert slots_set(result)["verification_attempts"] == 1
    assert responses(result) == ["utter_contact_mismatch"]


def test_attempts_run_out_and_the_form_ends_unverified(action_server):
    result = validate(
        action_server,
        {"order_number": "100234", "order_contact": "wrong@example.com", "verification_attempts": 2},
    )
    assert slots_set(result)["order_contact"] == "wrong@example.com"
    assert "verified_order" not in slots_set(result)
    report = action_server.run(
        "action_order_status",
        make_tracker(slots={"order_number": "100234", "order_contact": "wrong@example.com", "verification_attempts": 3}),
    )
    assert responses(report) == ["utter_verification_failed", "utter_offer_human"]


def test_text_that_is_no_contact_is_refused(action_server):
    result = validate(action_server, {"order_number": "100234", "order_contact": "I don't remember"})
    assert slots_set(result)["order_contact"] is None
    assert responses(result) == ["utter_invalid_contact"]


def test_a_verified_order_needs_no_second_proof(action_server):
    result = validate(action_server, {"order_number": "100234", "verified_order": "100234"})
    assert slots_set(result)["requested_slot"] is None


def report_for(action_server, number):
    tracker = make_tracker(slots={"order_number": number, "verified_order": number, "order_contact": "x"})
    result = action_server.run("action_order_status", tracker)
    assert slots_set(result)["order_contact"] is None, "the contact must not stay in the tracker"
    assert len(responses(result)) == 1, "the report is one message"
    return report_parts(result)


def test_in_transit_report_has_state_tracking_last_event_customs_and_eta(action_server):
    parts = report_for(action_server, "100234")
    assert [p["response"] for p in parts] == [
        "utter_order_status",
        "utter_order_tracking",
        "utter_order_last_event",
        "utter_order_customs",
        "utter_order_eta",
    ]
    status, tracking, last_event, customs, eta = parts
    assert status["state"] == "in_transit" and status["total"]["currency"] == "EUR"
    assert tracking["carrier"] == "YunExpress"
    assert tracking["tracking_number"] == SHOWCASE_ORDERS["100234"]["tracking_number"]
    assert last_event["event"] == "arrived_destination_country"
    # The scan's time in the order's market's clock (100234 ships to Spain), not UTC.
    assert last_event["event_time"]["zone"] == "Europe/Madrid" and "T" in last_event["event_time"]["at"]
    assert customs["customs"] == "pending"


def test_customs_hold_reports_the_hold(action_server):
    parts = report_for(action_server, "100236")
    customs = next(r for r in parts if r["response"] == "utter_order_customs")
    last = next(r for r in parts if r["response"] == "utter_order_last_event")
    assert customs["customs"] == "held" and last["event"] == "customs_held"


def test_delivered_order_says_when(action_server):
    names = [p["response"] for p in report_for(action_server, "100235")]
    assert names[-1] == "utter_order_delivered"
    assert "utter_order_eta" not in names


@pytest.mark.parametrize(
    "number, expected",
    [
        ("100237", ["utter_order_status", "utter_order_not_shipped"]),
        ("100241", ["utter_order_status"]),
    ],
)
def test_orders_without_a_parcel(action_server, number, expected):
    assert [p["response"] for p in report_for(action_server, number)] == expected


def test_lost_and_failed_deliveries_say_what_happens_next(action_server):
    assert report_for(action_server, "100239")[-1]["response"] == "utter_order_lost"
    assert report_for(action_server, "100240")[-1]["response"] == "utter_order_delivery_failed"


def test_an_unverified_order_is_never_shown(action_server):
    tracker = make_tracker(slots={"order_number": "100234", "verified_order": "100235"})
    result = action_server.run("action_order_status", tracker)
    assert "utter_order_status" not in responses(result)
    assert responses(result)[0] == "utter_verification_failed"
