"""The Rasa server's per-message shortcuts give Rasa's own results: the response checks
(bot/rasa_speedups.py) accept and refuse what jsonschema.validate does, and the event broker
(bot/event_broker.py) writes Rasa's table, each event committed, on one open connection."""
import json
import sqlite3

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.nlg.callback import CallbackNaturalLanguageGenerator, nlg_response_format_spec
from rasa.shared.exceptions import RasaException

import bot.channels  # noqa: F401 - installs the shortcuts, as in the Rasa server
from bot.rasa_speedups import _validate_action_result

VALID_ACTION = {"events": [{"event": "slot", "name": "language", "value": "es"}], "responses": [{"response": "utter_greet"}]}
INVALID_ACTION = [
    {"events": [{"event": "slot", "name": "language"}]},  # a slot event without its value
    {"events": [{"event": "no_such_event"}]},
    {"responses": "utter_greet"},
]
VALID_NLG = {"text": "Hola", "buttons": [{"title": "Sí", "payload": "/affirm"}]}
INVALID_NLG = [{"text": 42}, {"buttons": "yes"}]


def test_the_rasa_server_uses_the_shortcuts():
    assert RemoteAction._validate_action_result is _validate_action_result


def test_valid_responses_pass_as_with_rasas_own_check():
    assert RemoteAction("action_x", None)._validate_action_result(VALID_ACTION) is True
    jsonschema.validate(VALID_ACTION, RemoteAction.action_response_format_spec())
    assert CallbackNaturalLanguageGenerator.validate_response(VALID_NLG) is True
    assert CallbackNaturalLanguageGenerator.validate_response(None) is True
    jsonschema.validate(VALID_NLG, nlg_response_format_spec())


@pytest.mark.parametrize("result", INVALID_ACTION)
def test_invalid_action_responses_are_refused_as_by_rasas_own_check(result):
    with pytest.raises(jsonschema.ValidationError) as rasas_own:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError) as shortcut:
        RemoteAction("action_x", None)._validate_action_result(result)
    assert shortcut.value.message.startswith(rasas_own.value.message)
    assert "Failed to validate Action server response" in shortcut.value.message


@pytest.mark.parametrize("content", INVALID_NLG)
def test_invalid_nlg_responses_are_refused_as_by_rasas_own_check(content):
    with pytest.raises(jsonschema.ValidationError) as rasas_own:
        jsonschema.validate(content, nlg_response_format_spec())
    with pytest.raises(RasaException, match="Failed to validate NLG response") as shortcut:
        CallbackNaturalLanguageGenerator.validate_response(content)
    assert str(shortcut.value).startswith(rasas_own.value.message)


def test_the_event_broker_keeps_rasas_table_and_commits_each_event(tmp_path):
    from rasa.core.brokers.sql import SQLEventBroker

    from bot.event_broker import SQLiteEventBroker

    broker = SQLiteEventBroker(db=str(tmp_path / "events.db"))
    for number in range(3):
        broker.publish({"sender_id": "conv-1", "event": "user", "text": f"message {number}"})
    # Committed: another connection (as the relay's) reads every event, in order.
    with sqlite3.connect(tmp_path / "events.db") as reader:
        assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        rows = reader.execute("SELECT sender_id, data FROM events ORDER BY id").fetchall()
    assert [(sender, json.loads(data)["text"]) for sender, data in rows] == [("conv-1", f"message {n}") for n in range(3)]
    # One connection kept open rather than one per event.
    assert broker.engine.pool.checkedin() == 1
    assert SQLEventBroker.SQLBrokerEvent.__table__ is SQLiteEventBroker.SQLBrokerEvent.__table__
    broker.engine.dispose()
