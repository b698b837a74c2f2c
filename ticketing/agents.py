"""The people who work the queue: accounts, passwords and who is on duty.

Passwords are hashed with scrypt (memory-hard, in the standard library) and a random salt per
password; the hash string names its parameters so they can be raised later without breaking
existing accounts.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime
from typing import Callable, Iterable, Optional

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ticketing.models import ROLES, Agent, utcnow

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # about 16 MB and a few tens of ms per check
SALT_BYTES = 16
MIN_PASSWORD_CHARS = 10
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,49}")


class AgentError(ValueError):
    """A request about an agent that cannot be done as asked; the message says why."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AgentError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p), len(expected))
    except (ValueError, TypeError):
        return False
    # Constant time: how much of a guess matched must not show in how long the answer takes.
    return hmac.compare_digest(actual, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int = 32) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r, dklen=length)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


# Checked when a username is unknown, so that a wrong username takes as long as a wrong password.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


class AgentDirectory:
    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utcnow):
        self._engine = engine
        self._clock = clock

    def _session(self) -> Session:
        return Session(self._engine, expire_on_commit=False)

    def create(
        self,
        username: str,
        password: str,
        *,
        display_name: Optional[str] = None,
        role: str = "agent",
        languages: Iterable[str] = (),
        on_duty: bool = False,
    ) -> Agent:
        username = username.strip().lower()
        if not USERNAME.fullmatch(username):
            raise AgentError("a username is 2 to 50 of a-z, 0-9, '.', '_' and '-'")
        if role not in ROLES:
            raise AgentError(f"a role is one of {', '.join(ROLES)}")
        agent = Agent(
            username=username,
            display_name=(display_name or username).strip(),
            password_hash=hash_password(password),
            role=role,
            languages=_languages(languages),
            on_duty=on_duty,
            created_at=self._clock(),
        )
        try:
            with self._session() as session, session.begin():
                session.add(agent)
        except IntegrityError:
            raise AgentError(f"the username {username!r} is taken") from None
        return agent

    def authenticate(self, username: str, password: str) -> Optional[Agent]:
        agent = self.by_username(username)
        if agent is None:
            verify_password(password, _DUMMY_HASH)
            return None
        return agent if verify_password(password, agent.password_hash) else None

    def by_username(self, username: str) -> Optional[Agent]:
        with self._session() as session:
            return session.scalars(select(Agent).where(Agent.username == username.strip().lower())).first()

    def get(self, agent_id: int) -> Optional[Agent]:
        with self._session() as session:
            return session.get(Agent, agent_id)

    def all(self) -> list[Agent]:
        with self._session() as session:
            return list(session.scalars(select(Agent).order_by(Agent.username)))

    def set_on_duty(self, agent_id: int, on_duty: bool) -> Agent:
        return self._update(agent_id, on_duty=on_duty)

    def set_languages(self, agent_id: int, languages: Iterable[str]) -> Agent:
        return self._update(agent_id, languages=_languages(languages))

    def set_password(self, agent_id: int, password: str) -> Agent:
        return self._update(agent_id, password_hash=hash_password(password))

    def _update(self, agent_id: int, **values) -> Agent:
        with self._session() as session, session.begin():
            agent = session.get(Agent, agent_id)
            if agent is None:
                raise AgentError(f"no agent with id {agent_id}")
            for name, value in values.items():
                setattr(agent, name, value)
        return agent


def _languages(codes: Iterable[str]) -> list[str]:
    """Lower-case codes, each once, in the agent's order of preference (the first is the one
    the console speaks to them)."""
    return list(dict.fromkeys(code.strip().lower() for code in codes if code.strip()))
