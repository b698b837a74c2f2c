"""The running stack a second time, with its ticket queue on this machine's PostgreSQL: the
hand-off tests run on both (`handoff_stack`), as the ticketing unit tests do."""
from __future__ import annotations

import pytest

from tests.conftest import environment, private_environment
from tests.postgres import create_database


@pytest.fixture(scope="session")
def postgres_stack(tmp_path_factory, trained_model):
    from bot.cli import prepare
    from bot.settings import get_settings
    from bot.stack import Stack

    url, drop = create_database("_stack")
    values = {**private_environment(tmp_path_factory.mktemp("var-postgres")), "TICKETING_DB_URL": url}
    try:
        with environment(values):
            settings = get_settings()
            prepare(settings)
            # The processes read the environment when they start; it is restored right after.
            stack = Stack(settings, trained_model, quiet=True).start()
        try:
            yield stack
        finally:
            stack.stop()
    finally:
        drop()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def handoff_stack(request):
    """The whole assistant, its ticket queue on SQLite (the embedded default) or PostgreSQL."""
    return request.getfixturevalue("running_stack" if request.param == "sqlite" else "postgres_stack")
