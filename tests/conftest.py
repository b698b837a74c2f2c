"""Shared fixtures: settings on free ports with a temporary var/, the trained model, and the
whole assistant running as real processes (the same Stack `make run` starts)."""
from __future__ import annotations

import os
import socket
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

SERVICE_PORTS = ("RASA_PORT", "ACTION_PORT", "NLG_PORT", "CHAT_PORT", "DEMO_STORE_PORT", "TICKETING_PORT")
DERIVED_URLS = ("RASA_URL", "ACTION_SERVER_URL", "NLG_URL", "DEMO_STORE_URL", "TICKETING_URL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def private_environment(var_dir: Path) -> dict[str, str]:
    """Environment variables for a private copy of the assistant: own ports, own var/."""
    env = {name: str(free_port()) for name in SERVICE_PORTS}
    env["VAR_DIR"] = str(var_dir)
    env["DEMO_STORE_DB_URL"] = f"sqlite:///{var_dir / 'demo_store.db'}"
    env["TRACKER_STORE_DB"] = str(var_dir / "rasa" / "tracker.db")
    env["EVENT_BROKER_DB"] = str(var_dir / "rasa" / "events.db")
    env["TICKETING_DB_URL"] = f"sqlite:///{var_dir / 'ticketing' / 'tickets.db'}"
    env["BACKEND_TIMEOUT_SECONDS"] = "3"
    # Where the callback channel pushes replies: a port kept free for a test's receiver.
    env["CALLBACK_URL"] = f"http://127.0.0.1:{free_port()}/callback"
    return env


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """os.environ with `values` (and the URLs derived from the ports recomputed), restored after."""
    secrets = ("RASA_API_TOKEN", "CALLBACK_TOKEN")
    saved = {name: os.environ.get(name) for name in (*values, *DERIVED_URLS, *secrets)}
    for name in DERIVED_URLS + secrets:
        os.environ.pop(name, None)
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="session")
def test_environment(tmp_path_factory) -> dict[str, str]:
    return private_environment(tmp_path_factory.mktemp("var"))


@pytest.fixture(scope="session")
def stack_settings(test_environment):
    with environment(test_environment):
        from bot.cli import prepare
        from bot.settings import get_settings

        settings = get_settings()
        prepare(settings)
        yield settings


@pytest.fixture(scope="session")
def trained_model() -> Path:
    from bot.model import current_model, model_path

    model = current_model()
    if model is None:
        pytest.fail(f"No trained model matches the training data ({model_path().name}): `make test` trains one first.")
    return model


@pytest.fixture(scope="session")
def running_stack(stack_settings, trained_model):
    from bot.stack import Stack

    stack = Stack(stack_settings, trained_model, quiet=True).start()
    yield stack
    stack.stop()
