from dataclasses import replace
from pathlib import Path

from rasa.__main__ import create_argument_parser

from bot.settings import Settings
from bot.stack import services


def test_rasa_takes_an_api_token_that_begins_with_a_dash(monkeypatch, tmp_path):
    # Generated tokens are URL-safe base64, so about one in 64 begins with "-".
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    settings = replace(Settings.from_env(), rasa_api_token="-Abc_123-xyz")
    rasa = next(service for service in services(settings, Path("models/m.tar.gz")) if service.name == "rasa")
    arguments = rasa.command[rasa.command.index("rasa") + 1:]

    parsed = create_argument_parser().parse_args(arguments)

    assert parsed.auth_token == "-Abc_123-xyz"
    assert parsed.port == settings.rasa_port
