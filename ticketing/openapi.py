"""The OpenAPI 3.0 document of the agents' REST API (ticketing/api.py), served at
/api/openapi.json.

Written out by hand rather than generated from the routes, so that it says what a client
needs (bodies, limits, error codes); tests/ticketing/test_api.py keeps it honest: every route
of the app is here and nothing else is, each operation's query parameters are the ones its
handler accepts, and real responses validate against the schemas given here.
"""
from __future__ import annotations

import copy
import functools
from typing import Any, Optional

from ticketing.agents import MIN_PASSWORD_CHARS
from ticketing.api import (
    CONSOLE_FILES,
    CONSOLE_LANGUAGES,
    DEFAULT_PER_PAGE,
    DEFAULT_THREAD_PER_PAGE,
    MAX_BODY_BYTES,
    MAX_DISPLAY_NAME_CHARS,
    MAX_LANGUAGES,
    MAX_PASSWORD_CHARS,
    MAX_REPLY_CHARS,
)
from ticketing.client import PRIORITIES
from ticketing.models import AUTHORS, ROLES, STATUSES
from ticketing.service import MAX_PER_PAGE

OPENAPI_VERSION = "3.0.3"
API_VERSION = "1.0.0"
TIMERS = ("first_response", "resolution")
LANGUAGE_PATTERN = "^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,4})?$"

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: Schema) -> Schema:
    # OpenAPI 3.0 ignores keywords beside a $ref: wrap it to make it nullable.
    if "$ref" in schema:
        return {"allOf": [schema], "nullable": True}
    return {**schema, "nullable": True}


def _object(properties: dict[str, Schema], required: Optional[list[str]] = None, **extra: Any) -> Schema:
    """A closed object: a response with a field this does not list fails the tests."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
        **extra,
    }


STRING: Schema = {"type": "string"}
TIME: Schema = {"type": "string", "format": "date-time"}
INTEGER: Schema = {"type": "integer"}
BOOLEAN: Schema = {"type": "boolean"}


def _page_of(item: str, description: str) -> Schema:
    return _object(
        {
            "items": {"type": "array", "items": _ref(item)},
            "total": {"type": "integer", "minimum": 0, "description": "how many match in all"},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        },
        description=description,
    )


TICKET_SUMMARY: dict[str, Schema] = {
    "reference": {"type": "string", "example": "T-000123"},
    "conversation_id": {**STRING, "description": "Rasa's conversation (sender) id"},
    "channel": _nullable(STRING),
    "language": _nullable({**STRING, "description": "the shopper's language"}),
    "market": _nullable({**STRING, "description": "ISO 3166-1 country of the shop's market; its support hours drive the SLA timers"}),
    "order_number": _nullable(STRING),
    "reason": {**STRING, "description": "why the assistant handed the conversation over"},
    "priority": {"type": "string", "enum": list(PRIORITIES)},
    "status": {"type": "string", "enum": list(STATUSES)},
    "assignee": _nullable(_ref("AgentRef")),
    "created_at": TIME,
    "updated_at": TIME,
    "first_response_due": TIME,
    "resolution_due": TIME,
    "first_response_at": _nullable(TIME),
    "waiting_since": _nullable({**TIME, "description": "while waiting on the customer the resolution timer stands still"}),
    "resolved_at": _nullable(TIME),
    "closed_at": _nullable(TIME),
    "first_response_breached": {**BOOLEAN, "description": "the first-response timer was missed at some point"},
    "resolution_breached": {**BOOLEAN, "description": "the resolution timer was missed at some point"},
    "overdue": {
        "type": "array",
        "items": {"type": "string", "enum": list(TIMERS)},
        "description": "the timers missed right now",
    },
    "rating": _nullable({"type": "integer", "minimum": 1, "maximum": 5}),
}

SCHEMAS: dict[str, Schema] = {
    "Error": {
        "type": "object",
        "properties": {
            "error": {**STRING, "description": "a stable code, e.g. invalid_status, not_found, invalid_transition"},
            "detail": {**STRING, "description": "what went wrong, in words"},
        },
        "required": ["error"],
        "additionalProperties": True,  # codes carry their own fields (allowed, max, status, ...)
    },
    "Health": _object({"status": {"type": "string", "enum": ["ok"]}}),
    "LoginRequest": _object({"username": {"type": "string", "maxLength": 50}, "password": {"type": "string", "maxLength": MAX_PASSWORD_CHARS}}),
    "LoginResponse": _object({
        "token": {**STRING, "description": "send as `Authorization: Bearer <token>`"},
        "token_type": {"type": "string", "enum": ["Bearer"]},
        "expires_at": TIME,
        "agent": _ref("Agent"),
    }),
    "AgentRef": _object({"id": INTEGER, "username": STRING, "display_name": STRING}),
    "Agent": _object({
        "id": INTEGER,
        "username": STRING,
        "display_name": STRING,
        "role": {"type": "string", "enum": list(ROLES)},
        "languages": {"type": "array", "items": STRING, "description": "the languages the agent works in, most preferred first (the console speaks the first)"},
        "on_duty": BOOLEAN,
        "last_assigned_at": _nullable(TIME),
        "created_at": TIME,
    }),
    "AgentList": _object({"items": {"type": "array", "items": _ref("Agent")}, "total": INTEGER}),
    "AgentCreate": _object(
        {
            "username": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{1,49}$", "description": "lower-cased (and trimmed) first"},
            "password": {"type": "string", "minLength": MIN_PASSWORD_CHARS, "maxLength": MAX_PASSWORD_CHARS},
            "display_name": {"type": "string", "minLength": 1, "maxLength": MAX_DISPLAY_NAME_CHARS, "description": "default: the username"},
            "role": {"type": "string", "enum": list(ROLES), "default": ROLES[0]},
            "languages": {"type": "array", "items": {"type": "string", "pattern": LANGUAGE_PATTERN}, "maxItems": MAX_LANGUAGES, "default": []},
            "on_duty": {"type": "boolean", "default": False},
        },
        required=["username", "password"],
    ),
    "AgentUpdate": _object({"on_duty": BOOLEAN}),
    "TicketSummary": _object(TICKET_SUMMARY),
    "TicketPage": _page_of("TicketSummary", "one page of the queue, most urgent first"),
    "TicketDetail": _object({
        **TICKET_SUMMARY,
        "details": {"type": "object", "additionalProperties": True, "description": "what the assistant collected (slots)"},
        "transcript": {"type": "array", "items": {"type": "object", "additionalProperties": True}, "description": "the conversation before the hand-off"},
        "messages": _ref("MessagePage"),
        "events": _ref("EventPage"),
    }),
    "Message": _object({
        "id": INTEGER,
        "author": {"type": "string", "enum": list(AUTHORS)},
        "agent": _nullable(_ref("AgentRef")),
        "text": {**STRING, "description": "as written, with card numbers and secrets removed"},
        "language": _nullable(STRING),
        "translation": _nullable(STRING),
        "translated_to": _nullable(STRING),
        "created_at": TIME,
        "delivered_at": _nullable({**TIME, "description": "agent replies: when the relay delivered it to the shopper"}),
        "delivery_attempts": INTEGER,
        "last_error": _nullable(STRING),
    }),
    "MessagePage": _page_of("Message", "one page of the ticket's messages, oldest first"),
    "Event": _object({
        "id": INTEGER,
        "actor": {**STRING, "example": "agent:alice"},
        "kind": {**STRING, "example": "status_changed"},
        "before": _nullable({"type": "object", "additionalProperties": True}),
        "after": _nullable({"type": "object", "additionalProperties": True}),
        "created_at": TIME,
    }),
    "EventPage": _page_of("Event", "one page of the ticket's audit trail, oldest first"),
    "ReplyRequest": _object(
        {
            "text": {"type": "string", "minLength": 1, "maxLength": MAX_REPLY_CHARS},
            "language": {"type": "string", "pattern": LANGUAGE_PATTERN, "description": "the language the agent wrote in"},
            "wait_for_customer": {
                "type": "boolean", "default": True,
                "description": "the ticket then waits on the customer (false: it stays open, the agent has more to do)",
            },
        },
        required=["text"],
    ),
    "ReplyResponse": _object({"message": _ref("Message"), "ticket": _ref("TicketSummary")}),
    "StatusRequest": _object({"status": {"type": "string", "enum": list(STATUSES)}}),
    "Empty": {"type": "object", "additionalProperties": False, "description": "no fields; the body may also be left out"},
}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


RESPONSES: dict[str, Any] = {
    "BadRequest": _error("input that does not validate: body, path or query value, unknown field or parameter"),
    "Unauthorized": {
        **_error("no token, or one that is invalid or expired (error: unauthorized, invalid_token)"),
        "headers": {"WWW-Authenticate": {"schema": STRING}},
    },
    "Forbidden": _error("the caller's role may not do this, or the ticket is another agent's"),
    "NotFound": _error("no such ticket"),
    "Conflict": _error(
        "the ticket's state refuses the change (error: invalid_transition, already_assigned); "
        "status and assignee say what the state is"
    ),
    "PayloadTooLarge": _error(f"a body over {MAX_BODY_BYTES} bytes"),
}

REFERENCE_PARAMETER = {
    "name": "reference",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[Tt]-[0-9]{6,12}$", "example": "T-000123"},
}


def _query(name: str, schema: Schema, description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _json_body(schema: str, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": _ref(schema)}}}


def _ok(schema: str, description: str = "OK", status: str = "200") -> dict[str, Any]:
    return {status: {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}}


def _errors(*names: str) -> dict[str, Any]:
    codes = {"BadRequest": "400", "Unauthorized": "401", "Forbidden": "403", "NotFound": "404", "Conflict": "409", "PayloadTooLarge": "413"}
    return {codes[name]: {"$ref": f"#/components/responses/{name}"} for name in names}


AUTHED = ("BadRequest", "Unauthorized", "Forbidden")
TICKET_ACTION = (*AUTHED, "NotFound", "Conflict", "PayloadTooLarge")
PUBLIC: list = []  # `security: []`: no token needed


def _paths() -> dict[str, Any]:
    page = {"type": "integer", "minimum": 1, "default": 1}
    thread_per_page = {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_THREAD_PER_PAGE}
    return {
        "/api/health": {
            "get": {
                "operationId": "health", "tags": ["service"], "security": PUBLIC,
                "summary": "Whether the service and its database answer",
                "responses": {**_ok("Health"), "503": _error("the database does not answer")},
            }
        },
        "/api/openapi.json": {
            "get": {
                "operationId": "openapi", "tags": ["service"], "security": PUBLIC,
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.0 document", "content": {"application/json": {"schema": {"type": "object"}}}}},
            }
        },
        "/console": {
            "get": {
                "operationId": "consolePage", "tags": ["console"], "security": PUBLIC,
                "summary": "The agents' console: an HTML page that works the queue through this API",
                "responses": {"200": {"description": "the page", "content": {"text/html": {"schema": STRING}}}},
            }
        },
        "/console/{file}": {
            "get": {
                "operationId": "consoleFile", "tags": ["console"], "security": PUBLIC,
                "summary": "The console's script, style sheet and icon",
                "parameters": [{"name": "file", "in": "path", "required": True, "schema": {"type": "string", "enum": sorted(CONSOLE_FILES)}}],
                "responses": {
                    "200": {"description": "the file", "content": {"text/javascript": {"schema": STRING}, "text/css": {"schema": STRING}, "image/svg+xml": {"schema": STRING}}},
                    "404": _error("no such file (error: not_found)"),
                },
            }
        },
        "/console/i18n/{lang}.json": {
            "get": {
                "operationId": "consoleCatalog", "tags": ["console"], "security": PUBLIC,
                "summary": "The console's labels in one language: a JSON object of message key to text, with {placeholders}",
                "parameters": [{"name": "lang", "in": "path", "required": True, "schema": {"type": "string", "enum": list(CONSOLE_LANGUAGES)}}],
                "responses": {
                    "200": {"description": "the message catalog", "content": {"application/json": {"schema": {"type": "object", "additionalProperties": STRING}}}},
                    "404": _error("no catalog for that language (error: not_found)"),
                },
            }
        },
        "/api/login": {
            "post": {
                "operationId": "login", "tags": ["auth"], "security": PUBLIC,
                "summary": "Exchange an agent's username and password for a bearer token",
                "description": (
                    "The token expires at expires_at (TICKETING_TOKEN_TTL_SECONDS) and as soon as the agent's "
                    "password changes. Repeated failures from one address for one username are refused for a while (429)."
                ),
                "requestBody": _json_body("LoginRequest"),
                "responses": {
                    **_ok("LoginResponse"),
                    **_errors("BadRequest", "PayloadTooLarge"),
                    "401": _error("wrong username or password (error: invalid_credentials)"),
                    "429": {**_error("too many failed attempts (error: too_many_attempts, retry_after_seconds)"), "headers": {"Retry-After": {"schema": INTEGER}}},
                },
            }
        },
        "/api/tickets": {
            "get": {
                "operationId": "listTickets", "tags": ["tickets"],
                "summary": "The queue: one page of tickets, most urgent first (priority, then the next due time)",
                "description": (
                    "An admin sees every ticket; an agent sees those unassigned or assigned to them. "
                    "Without status: the tickets still open (new, open, waiting_on_customer)."
                ),
                "parameters": [
                    _query("status", STRING, f"comma-separated, of: {', '.join(STATUSES)}"),
                    _query("priority", STRING, f"comma-separated, of: {', '.join(PRIORITIES)}"),
                    _query("language", {"type": "string", "pattern": LANGUAGE_PATTERN}, "the shopper's language"),
                    _query("overdue", {"type": "string", "enum": ["true", "false", "1", "0"]}, "only tickets that have (true) or have not (false) missed a timer now"),
                    _query(
                        "assignee", {"type": "string", "pattern": "^(me|none|[0-9]{1,9})$"},
                        "me, none (unassigned), or an agent's id (admins only, except one's own)",
                    ),
                    _query("page", page, "1 is the first"),
                    _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE}, "tickets per page"),
                ],
                "responses": {**_ok("TicketPage"), **_errors(*AUTHED)},
            }
        },
        "/api/tickets/{reference}": {
            "parameters": [REFERENCE_PARAMETER],
            "get": {
                "operationId": "getTicket", "tags": ["tickets"],
                "summary": "A ticket with the collected details, the transcript, and pages of its messages and audit events",
                "parameters": [
                    _query("messages_page", page, "page of the messages, oldest first"),
                    _query("messages_per_page", thread_per_page, "messages per page"),
                    _query("events_page", page, "page of the audit events, oldest first"),
                    _query("events_per_page", thread_per_page, "events per page"),
                ],
                "responses": {**_ok("TicketDetail"), **_errors(*AUTHED, "NotFound")},
            },
        },
        "/api/tickets/{reference}/claim": {
            "parameters": [REFERENCE_PARAMETER],
            "post": {
                "operationId": "claimTicket", "tags": ["tickets"],
                "summary": "The caller takes the ticket (409 already_assigned when another agent has it)",
                "requestBody": _json_body("Empty", required=False),
                "responses": {**_ok("TicketSummary"), **_errors(*TICKET_ACTION)},
            },
        },
        "/api/tickets/{reference}/reply": {
            "parameters": [REFERENCE_PARAMETER],
            "post": {
                "operationId": "replyToTicket", "tags": ["tickets"],
                "summary": "An agent's reply, relayed to the shopper through Rasa (translated to their language)",
                "description": (
                    "The first reply stops the first-response timer; an unassigned ticket becomes the caller's. "
                    "The message's delivered_at stays empty until the relay has delivered it."
                ),
                "requestBody": _json_body("ReplyRequest"),
                "responses": {**_ok("ReplyResponse", "the reply was stored", status="201"), **_errors(*TICKET_ACTION)},
            },
        },
        "/api/tickets/{reference}/status": {
            "parameters": [REFERENCE_PARAMETER],
            "post": {
                "operationId": "setTicketStatus", "tags": ["tickets"],
                "summary": "Move the ticket to another status (409 invalid_transition when its status does not allow it)",
                "requestBody": _json_body("StatusRequest"),
                "responses": {**_ok("TicketSummary"), **_errors(*TICKET_ACTION)},
            },
        },
        "/api/tickets/{reference}/resolve": {
            "parameters": [REFERENCE_PARAMETER],
            "post": {
                "operationId": "resolveTicket", "tags": ["tickets"],
                "summary": "Resolve the ticket (the conversation resumes, and the shopper is asked for a rating)",
                "requestBody": _json_body("Empty", required=False),
                "responses": {**_ok("TicketSummary"), **_errors(*TICKET_ACTION)},
            },
        },
        "/api/agents": {
            "get": {
                "operationId": "listAgents", "tags": ["agents"],
                "summary": "Every agent account (admins only)",
                "responses": {**_ok("AgentList"), **_errors(*AUTHED)},
            },
            "post": {
                "operationId": "createAgent", "tags": ["agents"],
                "summary": "Create an agent or admin account (admins only)",
                "requestBody": _json_body("AgentCreate"),
                "responses": {
                    **_ok("Agent", "created", status="201"),
                    **_errors(*AUTHED, "PayloadTooLarge"),
                    "409": _error("the username is taken (error: username_taken)"),
                },
            },
        },
        "/api/agents/me": {
            "get": {
                "operationId": "getMe", "tags": ["agents"],
                "summary": "The caller's own account",
                "responses": {**_ok("Agent"), **_errors(*AUTHED)},
            },
            "patch": {
                "operationId": "updateMe", "tags": ["agents"],
                "summary": "Go on or off duty (on duty: round-robin assignment hands the caller tickets)",
                "requestBody": _json_body("AgentUpdate"),
                "responses": {**_ok("Agent"), **_errors(*AUTHED, "PayloadTooLarge")},
            },
        },
    }


@functools.lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Ticket queue API",
            "version": API_VERSION,
            "description": (
                "The human queue of the shop assistant: agents log in, work the tickets the assistant "
                "handed over, and reply to shoppers in their language. Errors are JSON objects with an "
                "`error` code. Times are ISO 8601 in UTC."
            ),
        },
        "tags": [{"name": name} for name in ("service", "auth", "tickets", "agents", "console")],
        "security": [{"bearerAuth": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http", "scheme": "bearer", "bearerFormat": "HMAC-signed token",
                    "description": "from POST /api/login",
                }
            },
            "schemas": SCHEMAS,
            "responses": RESPONSES,
        },
    }


def document() -> dict[str, Any]:
    """The document; a copy, so that a caller may change it freely."""
    return copy.deepcopy(_document())
