"""The agents' REST API served for real (aiohttp's test server) over the conftest's service,
on SQLite and on PostgreSQL, and a client that holds every answer to the OpenAPI document:
a status the document does not list for the operation, or a body that does not match its
schema, fails the test that got it.
"""
from __future__ import annotations

import json as jsonlib
import re
from typing import Any, Callable, Optional

import jsonschema
import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient

from tests.ticketing.conftest import PASSWORD
from ticketing.api import create_app
from ticketing.openapi import document

TOKEN_SECRET = "test-token-secret-0123456789abcdefghijklmnop"
METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def json_schema(doc: dict[str, Any], schema: Any) -> Any:
    """An OpenAPI 3.0 schema as plain JSON Schema: references inlined, `nullable` as a null type."""
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return json_schema(doc, _resolve(doc, schema["$ref"]))
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "nullable":
            continue
        if key == "properties":
            out[key] = {name: json_schema(doc, sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            out[key] = json_schema(doc, value)
        elif key in ("allOf", "anyOf", "oneOf"):
            out[key] = [json_schema(doc, sub) for sub in value]
        else:
            out[key] = value
    if schema.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


def operation_for(doc: dict[str, Any], method: str, path: str) -> Optional[dict[str, Any]]:
    path = path.split("?", 1)[0]
    for template, item in doc["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in item:
            return item[method.lower()]
    return None


class Api:
    """Requests to the app; each answer is checked against the document (unless check=False)."""

    def __init__(self, client: TestClient):
        self.client = client
        self.doc = document()
        self.last: Optional[Any] = None  # the last response, for its headers

    async def call(
        self,
        method: str,
        path: str,
        *,
        token: Optional[str] = None,
        json: Any = None,
        data: Any = None,
        headers: Optional[dict[str, str]] = None,
        expect: int = 200,
        check: bool = True,
    ) -> Any:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        if json is not None:
            data = jsonlib.dumps(json)
            sent.setdefault("Content-Type", "application/json")
        response = await self.client.request(method, path, data=data, headers=sent)
        self.last = response
        body = await response.json() if response.content_type == "application/json" else await response.text()
        assert response.status == expect, (method, path, response.status, body)
        if check:
            self._check(method, path, response.status, body, json)
        return body

    def _check(self, method: str, path: str, status: int, body: Any, request_json: Any) -> None:
        operation = operation_for(self.doc, method, path)
        assert operation is not None, f"{method} {path} is not in the OpenAPI document"
        documented = operation["responses"].get(str(status))
        assert documented is not None, f"{method} {path} answered {status}, which the document does not list"
        if "$ref" in documented:
            documented = _resolve(self.doc, documented["$ref"])
        schema = documented["content"]["application/json"]["schema"]
        jsonschema.validate(body, json_schema(self.doc, schema))
        if 200 <= status < 300 and request_json is not None:
            request_schema = operation["requestBody"]["content"]["application/json"]["schema"]
            jsonschema.validate(request_json, json_schema(self.doc, request_schema))

    async def login(self, username: str, password: str = PASSWORD) -> str:
        body = await self.call("POST", "/api/login", json={"username": username, "password": password})
        return body["token"]


@pytest.fixture
def make_api(aiohttp_client, service, agents, clock) -> Callable[..., Any]:
    """`await make_api(**create_app options)`: another app over the same service and database."""

    async def make(**options: Any) -> Api:
        app: web.Application = create_app(service, token_secret=TOKEN_SECRET, directory=agents, clock=clock, **options)
        return Api(await aiohttp_client(app))

    return make


@pytest_asyncio.fixture
async def api(make_api) -> Api:
    return await make_api()
