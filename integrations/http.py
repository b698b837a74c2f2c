"""A small JSON-over-HTTP client shared by the backend adapters.

One aiohttp session per client object, opened on first use and closed by `close()`.
Failures are mapped onto the two errors every adapter raises:

- BackendUnavailable: unreachable, timed out, or 5xx, after the retries;
- BackendError: any other unexpected status, or a body that is not JSON.

A 404 is an answer ("no such thing"), so it comes back as None. Changes (POST, PUT) are sent
with `send_json`; a POST is retried only when it certainly never reached the backend, since
repeating one that did could, say, open a second return.
"""
from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any, Collection, Mapping, Optional

import aiohttp

from integrations.errors import BackendError, BackendUnavailable

logger = logging.getLogger(__name__)

DEFAULT_BACKOFF_SECONDS = 0.2
# Methods that give the same result however often they are repeated: safe to retry.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})


@dataclass(frozen=True)
class JsonAnswer:
    status: int
    body: Any  # the decoded JSON


class JsonHttpClient:
    """GETs JSON from one backend, with a timeout per attempt and bounded retries."""

    def __init__(
        self,
        base_url: str,
        *,
        service: str,
        bearer_token: Optional[str] = None,
        timeout_seconds: float = 5.0,
        retries: int = 1,
        backoff_seconds: float = DEFAULT_BACKOFF_SECONDS,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._service = service
        self._bearer_token = bearer_token
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._attempts = 1 + max(0, retries)
        self._backoff_seconds = backoff_seconds
        self._session: Optional[aiohttp.ClientSession] = None

    @property
    def service(self) -> str:
        return self._service

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self._bearer_token:
            headers["Authorization"] = f"Bearer {self._bearer_token}"
        return headers

    def _get_session(self) -> aiohttp.ClientSession:
        # Created lazily: a ClientSession must be made inside the running event loop.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers=self._headers(), timeout=self._timeout)
        return self._session

    async def get_json(self, path: str, params: Optional[Mapping[str, str]] = None) -> Optional[Any]:
        """The decoded JSON body of GET `path`, or None when the backend answers 404.

        `path` must already be percent-encoded where needed. Query parameters are never
        logged: they may carry personal data such as an e-mail address.
        """
        status, body = await self._exchange("GET", path, params=params)
        if status == 404:
            return None
        if 200 <= status < 300:
            return _decode_json(body, self._service, path)
        raise BackendError(f"{self._service} answered HTTP {status} for {path}")

    async def send_json(
        self, method: str, path: str, payload: Any, *, answers: Collection[int] = (404, 409)
    ) -> JsonAnswer:
        """Sends `payload` as JSON with `method`; the decoded answer when the status is 2xx or
        one of `answers` (refusals the caller handles). Other 4xx are a BackendError naming the
        backend's error code; bodies are never logged (they carry addresses)."""
        status, body = await self._exchange(method, path, json_body=payload)
        if 200 <= status < 300 or status in answers:
            return JsonAnswer(status, _decode_json(body, self._service, path))
        code = _error_code(body)
        raise BackendError(f"{self._service} answered HTTP {status} for {method} {path}{': ' + code if code else ''}")

    async def _exchange(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Mapping[str, str]] = None,
        json_body: Any = None,
    ) -> tuple[int, bytes]:
        """Status and body of the first answer below 500, retrying what is safe to retry."""
        url = self._base_url + path
        repeatable = method in IDEMPOTENT_METHODS
        failure = "no attempt made"
        for attempt in range(1, self._attempts + 1):
            retry = repeatable
            try:
                async with self._get_session().request(method, url, params=params, json=json_body) as response:
                    if response.status < 500:
                        return response.status, await response.read()
                    failure = f"HTTP {response.status}"
            except asyncio.TimeoutError:
                failure = "timed out"
            except aiohttp.ClientConnectorError as exc:
                # Refused or unresolvable: nothing was sent, so even a POST may be tried again.
                failure = f"connection error ({type(exc).__name__})"
                retry = True
            except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as exc:
                # Reset or cut mid-body: worth another try, like a timeout.
                failure = f"connection error ({type(exc).__name__})"
            except aiohttp.ClientError as exc:
                raise BackendError(f"{self._service} request for {path} failed: {type(exc).__name__}") from exc

            if retry and attempt < self._attempts:
                logger.warning(
                    "%s: %s for %s (attempt %d of %d), retrying",
                    self._service, failure, path, attempt, self._attempts,
                )
                await asyncio.sleep(self._backoff_seconds * 2 ** (attempt - 1))
            elif not retry:
                break

        logger.error("%s unavailable: %s for %s %s", self._service, failure, method, path)
        raise BackendUnavailable(f"{self._service} unavailable: {failure}")

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


def _decode_json(body: bytes, service: str, path: str) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BackendError(f"{service} sent invalid JSON for {path}") from exc


def _error_code(body: bytes) -> str:
    """The backend's {"error": code}, if the body is one."""
    try:
        decoded = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return ""
    code = decoded.get("error") if isinstance(decoded, dict) else None
    return code if isinstance(code, str) else ""
