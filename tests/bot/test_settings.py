from bot.settings import Settings, load_dotenv


def test_ports_drive_the_urls_between_processes(monkeypatch, tmp_path):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("NLG_PORT", "6001")
    monkeypatch.delenv("NLG_URL", raising=False)
    settings = Settings.from_env()
    assert settings.nlg_url == "http://127.0.0.1:6001/nlg"
    assert settings.child_environment()["NLG_URL"] == settings.nlg_url


def test_a_fresh_install_gets_its_own_api_token(monkeypatch, tmp_path):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("RASA_API_TOKEN", raising=False)
    first = Settings.from_env().rasa_api_token
    assert len(first) >= 32
    assert Settings.from_env().rasa_api_token == first  # kept, not remade
    assert (tmp_path / "secrets" / "rasa_api_token").stat().st_mode & 0o077 == 0


def test_dotenv_fills_only_what_the_environment_lacks(monkeypatch, tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("# comment\nCHAT_PORT=9100\nNLG_PORT='9200'\n")
    monkeypatch.delenv("CHAT_PORT", raising=False)
    monkeypatch.setenv("NLG_PORT", "9300")
    load_dotenv(env_file)
    import os

    assert os.environ["CHAT_PORT"] == "9100"
    assert os.environ["NLG_PORT"] == "9300"
    monkeypatch.delenv("CHAT_PORT")


def test_env_example_lists_every_setting():
    from dataclasses import fields

    from bot.settings import PROJECT_ROOT

    listed = {line.split("=", 1)[0] for line in (PROJECT_ROOT / ".env.example").read_text().splitlines() if "=" in line and not line.startswith("#")}
    assert sorted({f.name.upper() for f in fields(Settings)} - listed) == []
