"""Bearer tokens for the agents' REST API, and a brake on password guessing.

A token is signed, not stored: `<payload>.<signature>`, both base64url, the payload a small
JSON object (agent id, issued, expires, a random id) and the signature an HMAC-SHA256 of it
under a key derived from TICKETING_TOKEN_SECRET. Any process that has the secret can check
a token, so several API processes need no shared session table, and a restart logs nobody out.

The payload also carries a fingerprint of the agent's password hash: setting a new password
revokes every token issued before it. The agent's role is not in the token; it is read from
the database on each request, so a change of role applies at once. A token cannot be revoked
one by one (there is no table): it lives TICKETING_TOKEN_TTL_SECONDS, a shift by default.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Optional

from ticketing.models import Agent, utcnow

TOKEN_VERSION = "v1"
MIN_SECRET_CHARS = 32
DEFAULT_TTL_SECONDS = 12 * 3600
# Longer headers are refused before any base64 or JSON work is done on them.
MAX_TOKEN_CHARS = 512
# Clocks of several API processes may differ a little; a token "issued in the future" by more
# than this was not issued by us.
CLOCK_SKEW = timedelta(seconds=60)


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    # strict: no characters outside the alphabet slip through (and change nothing).
    return base64.b64decode(text.encode("ascii") + b"=" * (-len(text) % 4), altchars=b"-_", validate=True)


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class TokenClaims:
    agent_id: int
    issued_at: datetime
    expires_at: datetime
    password_fingerprint: str


class TokenSigner:
    def __init__(
        self,
        secret: str,
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
        clock: Callable[[], datetime] = utcnow,
    ):
        if not isinstance(secret, str) or len(secret) < MIN_SECRET_CHARS:
            raise ValueError(f"the token secret needs at least {MIN_SECRET_CHARS} characters")
        if ttl_seconds < 60:
            raise ValueError("tokens must live at least a minute")
        # A key of its own for tokens, so that the setting could sign something else one day
        # without the two kinds of signature being interchangeable.
        self._key = hmac.new(secret.encode("utf-8"), b"ticketing-api-token", hashlib.sha256).digest()
        self._ttl = timedelta(seconds=ttl_seconds)
        self._clock = clock

    @property
    def ttl_seconds(self) -> int:
        return int(self._ttl.total_seconds())

    def _now(self) -> datetime:
        return self._clock().astimezone(timezone.utc)

    def password_fingerprint(self, password_hash: str) -> str:
        """Changes whenever the password does; tells nothing about it without the key."""
        return hmac.new(self._key, password_hash.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def _sign(self, payload: str) -> str:
        return _b64encode(hmac.new(self._key, f"{TOKEN_VERSION}.{payload}".encode("ascii"), hashlib.sha256).digest())

    def issue(self, agent: Agent) -> IssuedToken:
        now = self._now()
        expires = now + self._ttl
        claims = {
            "sub": agent.id,
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
            "pwd": self.password_fingerprint(agent.password_hash),
            "jti": secrets.token_hex(16),  # two tokens issued in the same second still differ
        }
        payload = _b64encode(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode("utf-8"))
        return IssuedToken(f"{TOKEN_VERSION}.{payload}.{self._sign(payload)}", datetime.fromtimestamp(claims["exp"], timezone.utc))

    def verify(self, token: str) -> Optional[TokenClaims]:
        """The token's claims when we signed it and it has not expired; None otherwise. The
        caller still checks that the agent exists and `password_fingerprint` still matches."""
        if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS or not token.isascii():
            return None
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != TOKEN_VERSION:
            return None
        _, payload, signature = parts
        # Constant time: how much of a forged signature matched must not show in the timing.
        if not hmac.compare_digest(self._sign(payload).encode("ascii"), signature.encode("ascii")):
            return None
        try:
            claims = json.loads(_b64decode(payload))
            agent_id, issued, expires, fingerprint = claims["sub"], claims["iat"], claims["exp"], claims["pwd"]
        except (binascii.Error, ValueError, TypeError, KeyError):
            return None
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (agent_id, issued, expires)):
            return None
        if not isinstance(fingerprint, str):
            return None
        now = self._now()
        issued_at = datetime.fromtimestamp(issued, timezone.utc)
        expires_at = datetime.fromtimestamp(expires, timezone.utc)
        if expires_at <= now or issued_at > now + CLOCK_SKEW:
            return None
        return TokenClaims(agent_id, issued_at, expires_at, fingerprint)

    def matches(self, claims: TokenClaims, agent: Agent) -> bool:
        """The token was issued for this agent's current password."""
        return claims.agent_id == agent.id and hmac.compare_digest(
            claims.password_fingerprint, self.password_fingerprint(agent.password_hash)
        )


class LoginThrottle:
    """Refuses logins for a while after repeated failures from one address for one username.

    scrypt already makes each guess cost tens of milliseconds; this caps a patient guesser at
    `max_failures` per `window`. Keyed by address and username together, so that someone
    guessing a colleague's password does not lock that colleague out from their own machine.
    Per process and in memory: behind several API processes the cap is per process.
    """

    def __init__(
        self,
        max_failures: int = 5,
        window: timedelta = timedelta(minutes=15),
        clock: Callable[[], datetime] = utcnow,
        max_keys: int = 10_000,
    ):
        self._max_failures = max_failures
        self._window = window
        self._clock = clock
        self._max_keys = max_keys
        self._failures: "OrderedDict[tuple[str, str], list[datetime]]" = OrderedDict()

    def _recent(self, key: tuple[str, str], now: datetime) -> list[datetime]:
        times = [t for t in self._failures.get(key, ()) if now - t < self._window]
        if times:
            self._failures[key] = times
        else:
            self._failures.pop(key, None)
        return times

    def retry_after(self, remote: str, username: str) -> int:
        """Seconds until this address may try this username again; 0 when it may now."""
        now = self._clock()
        times = self._recent((remote, username), now)
        if len(times) < self._max_failures:
            return 0
        return max(1, math.ceil((times[-self._max_failures] + self._window - now).total_seconds()))

    def failed(self, remote: str, username: str) -> None:
        now = self._clock()
        key = (remote, username)
        times = self._recent(key, now)
        times.append(now)
        self._failures[key] = times
        self._failures.move_to_end(key)
        while len(self._failures) > self._max_keys:
            self._failures.popitem(last=False)  # the least recently failing key

    def succeeded(self, remote: str, username: str) -> None:
        self._failures.pop((remote, username), None)
