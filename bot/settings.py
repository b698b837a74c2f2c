"""Configuration read from environment variables, with the embedded defaults.

Every variable is listed in `.env.example`. Processes read settings once at start-up;
child processes inherit the environment, so one place decides every default.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _local_secret(var_dir: Path, name: str) -> str:
    """A random secret made on first use and kept under var/ (mode 0600), so that a fresh
    install never runs with a well-known token."""
    path = var_dir / "secrets" / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    path.touch(mode=0o600)
    path.write_text(token)
    return token


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    default_language: str
    native_languages: tuple[str, ...]
    # Ports and URLs of the processes (ARCHITECTURE.md, Processes).
    rasa_port: int
    action_port: int
    nlg_port: int
    chat_port: int
    demo_store_port: int
    rasa_url: str
    rasa_api_token: str
    action_server_url: str
    nlg_url: str
    # Backends.
    order_backend: str
    logistics_backend: str
    demo_store_url: str
    demo_store_api_key: str
    demo_store_db_url: str
    demo_store_link_secret: str
    demo_store_public_url: str
    backend_timeout_seconds: float
    backend_retries: int
    # Rasa's stores.
    tracker_store_db: str
    event_broker_db: str
    # The ticket queue's database (SQLAlchemy URL; PostgreSQL in production), migrated at start-up.
    # Shoppers' ratings and comments (ticketing/feedback.py) are kept there too.
    ticketing_db_url: str
    # The ticket queue's REST API (ticketing/api.py): where it listens, and its bearer tokens.
    ticketing_port: int
    ticketing_url: str
    ticketing_token_secret: str
    ticketing_token_ttl_seconds: int
    # How often the queue flags overdue tickets, assigns unassigned ones and closes old ones.
    ticketing_housekeeping_seconds: float
    # The callback channel (bot/channels.py): where replies are pushed, and its shared token.
    callback_url: str
    callback_token: str
    # Input hygiene.
    max_message_chars: int
    # Ownership checks.
    max_verification_attempts: int

    @classmethod
    def from_env(cls) -> "Settings":
        var_dir = Path(_env("VAR_DIR", str(PROJECT_ROOT / "var"))).resolve()
        rasa_port = int(_env("RASA_PORT", "5005"))
        action_port = int(_env("ACTION_PORT", "5055"))
        nlg_port = int(_env("NLG_PORT", "5056"))
        demo_store_port = int(_env("DEMO_STORE_PORT", "5058"))
        ticketing_port = int(_env("TICKETING_PORT", "5057"))
        return cls(
            var_dir=var_dir,
            default_language=_env("DEFAULT_LANGUAGE", "en"),
            native_languages=tuple(_env("NATIVE_LANGUAGES", "en,es,fr,de,it,pt,ru,ar,ja,zh").split(",")),
            rasa_port=rasa_port,
            action_port=action_port,
            nlg_port=nlg_port,
            chat_port=int(_env("CHAT_PORT", "8080")),
            demo_store_port=demo_store_port,
            rasa_url=_env("RASA_URL", f"http://127.0.0.1:{rasa_port}"),
            rasa_api_token=os.environ.get("RASA_API_TOKEN") or _local_secret(var_dir, "rasa_api_token"),
            action_server_url=_env("ACTION_SERVER_URL", f"http://127.0.0.1:{action_port}/webhook"),
            nlg_url=_env("NLG_URL", f"http://127.0.0.1:{nlg_port}/nlg"),
            order_backend=_env("ORDER_BACKEND", "demo"),
            logistics_backend=_env("LOGISTICS_BACKEND", "demo"),
            demo_store_url=_env("DEMO_STORE_URL", f"http://127.0.0.1:{demo_store_port}"),
            demo_store_api_key=_env("DEMO_STORE_API_KEY", "demo-store-key"),
            demo_store_db_url=_env("DEMO_STORE_DB_URL", f"sqlite:///{var_dir / 'demo_store.db'}"),
            demo_store_link_secret=os.environ.get("DEMO_STORE_LINK_SECRET")
            or _local_secret(var_dir, "demo_store_link_secret"),
            demo_store_public_url=_env("DEMO_STORE_PUBLIC_URL", ""),
            backend_timeout_seconds=float(_env("BACKEND_TIMEOUT_SECONDS", "3")),
            backend_retries=int(_env("BACKEND_RETRIES", "1")),
            tracker_store_db=_env("TRACKER_STORE_DB", str(var_dir / "rasa" / "tracker.db")),
            event_broker_db=_env("EVENT_BROKER_DB", str(var_dir / "rasa" / "events.db")),
            ticketing_db_url=_env("TICKETING_DB_URL", f"sqlite:///{var_dir / 'ticketing' / 'tickets.db'}"),
            ticketing_port=ticketing_port,
            ticketing_url=_env("TICKETING_URL", f"http://127.0.0.1:{ticketing_port}"),
            ticketing_token_secret=os.environ.get("TICKETING_TOKEN_SECRET")
            or _local_secret(var_dir, "ticketing_token_secret"),
            ticketing_token_ttl_seconds=int(_env("TICKETING_TOKEN_TTL_SECONDS", str(12 * 3600))),
            ticketing_housekeeping_seconds=float(_env("TICKETING_HOUSEKEEPING_SECONDS", "60")),
            callback_url=_env("CALLBACK_URL", "http://127.0.0.1:5059/callback"),
            callback_token=os.environ.get("CALLBACK_TOKEN") or _local_secret(var_dir, "callback_token"),
            max_message_chars=int(_env("MAX_MESSAGE_CHARS", "2000")),
            max_verification_attempts=int(_env("MAX_VERIFICATION_ATTEMPTS", "3")),
        )

    def child_environment(self) -> dict[str, str]:
        """The variables child processes and Rasa's endpoints.yml read, defaults made explicit.
        Each field's variable is its name in capitals (var_dir -> VAR_DIR)."""
        env = {f.name.upper(): str(getattr(self, f.name)) for f in fields(self)}
        env["NATIVE_LANGUAGES"] = ",".join(self.native_languages)
        return env


def load_dotenv(path: Path = PROJECT_ROOT / ".env") -> None:
    """Reads KEY=VALUE lines from the project's .env, if there is one. Variables already set
    in the environment win, so a command line override always works."""
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


def get_settings() -> Settings:
    return Settings.from_env()
