"""The ticket queue's REST API for agents (aiohttp), on port 5057 by default.

    POST  /api/login                           {username, password} -> a bearer token
    GET   /api/tickets                         the queue: filters and pages
    GET   /api/tickets/{reference}             a ticket, with pages of its messages and audit events
    POST  /api/tickets/{reference}/claim       the caller takes the ticket
    POST  /api/tickets/{reference}/reply       {text, language?, wait_for_customer?}
    POST  /api/tickets/{reference}/status      {status}
    POST  /api/tickets/{reference}/resolve
    GET   /api/agents, POST /api/agents        admins only
    GET   /api/agents/me, PATCH /api/agents/me {on_duty}
    GET   /api/health, GET /api/openapi.json   no token needed
    GET   /console, GET /console/{file}        the agents' console page (ticketing/console/), no token needed
    GET   /console/i18n/{lang}.json            the console's message catalog in one language, no token needed

Every other route needs `Authorization: Bearer <token>` (401 without a valid one). Roles:
an admin sees and acts on every ticket and manages agents; an agent sees the tickets that
are unassigned or theirs and works them (403 for anything else). Errors are JSON objects with
an "error" code: 400 for input that does not validate (bodies, path and query values, unknown
fields and parameters), 404, 409 for a change the ticket's state refuses, a JSON 500 without
a traceback. The document at /api/openapi.json (ticketing/openapi.py) describes all of it; a
test keeps the two in step.

The service is synchronous (SQLAlchemy): every call runs on a worker thread, so the event
loop keeps serving while a query or a password check runs.
"""
from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterable, Optional, Union

from aiohttp import web
from sqlalchemy import func, not_, or_, select, text
from sqlalchemy.orm import Session

from ticketing.agents import MIN_PASSWORD_CHARS, USERNAME, AgentDirectory, AgentError
from ticketing.auth import DEFAULT_TTL_SECONDS, LoginThrottle, TokenSigner
from ticketing.client import PRIORITIES
from ticketing.models import ACTIVE_STATUSES, RESOLVED, ROLES, STATUSES, Agent, Ticket, TicketEvent, TicketMessage, utcnow
from ticketing.service import (
    MAX_PER_PAGE,
    AgentNotFound,
    AlreadyAssigned,
    InvalidTransition,
    TicketError,
    TicketNotFound,
    TicketService,
    agent_actor,
)

logger = logging.getLogger(__name__)

DEFAULT_PER_PAGE = 25
DEFAULT_THREAD_PER_PAGE = 50  # messages and events per page in a ticket's detail
MAX_BODY_BYTES = 64 * 1024
MAX_REPLY_CHARS = 4000
MAX_PASSWORD_CHARS = 1024
MAX_DISPLAY_NAME_CHARS = 100  # the column's size
MAX_LANGUAGES = 20
REFERENCE = re.compile(r"T-[0-9]{6,12}", re.IGNORECASE)
# ISO 639 code, optionally with a region or script ("pt", "pt-BR", "zh-Hant"); the column holds 10.
LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,4})?")
PUBLIC = "public"
ADMIN, AGENT = ROLES[1], ROLES[0]

# The agents' console: a static page that logs in and works the queue through this API.
CONSOLE_DIR = Path(__file__).resolve().parent / "console"
# Only these files are served, by name: nothing else under ticketing/ is reachable.
CONSOLE_FILES = {
    "console.js": "text/javascript; charset=utf-8",
    "console.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
# The languages the console's labels come in: one message catalog each, console/i18n/<lang>.json.
CONSOLE_LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "ru", "ar", "ja", "zh")
CONSOLE_CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
])

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Clock = Callable[[], datetime]

SERVICE = web.AppKey("service", TicketService)
DIRECTORY = web.AppKey("directory", AgentDirectory)
SIGNER = web.AppKey("signer", TokenSigner)
THROTTLE = web.AppKey("throttle", LoginThrottle)
CLOCK = web.AppKey("clock", object)
ASSIGN_ON_DUTY = web.AppKey("assign_on_duty", bool)
CALLER = "ticketing.caller"  # the authenticated Agent, in the request

_dumps = functools.partial(json.dumps, ensure_ascii=False)


class ApiError(Exception):
    """A refusal the API answers with `http_status` and `{"error": code, **extra}`."""

    def __init__(self, http_status: int, code: str, *, headers: Optional[dict[str, str]] = None, **extra: Any):
        super().__init__(code)
        self.http_status = http_status
        self.code = code
        self.headers = headers or {}
        self.extra = extra


def endpoint(access: Union[str, Iterable[str]], params: Iterable[str] = ()) -> Callable[[Handler], Handler]:
    """Marks a handler with who may call it (PUBLIC, or roles) and the query parameters it
    takes. The middlewares enforce both; a handler without the mark needs a token (that is
    how unknown routes answer 401 before 404) and takes no parameters."""

    def mark(handler: Handler) -> Handler:
        handler.access = access if access == PUBLIC else frozenset(access)  # type: ignore[attr-defined]
        handler.params = frozenset(params)  # type: ignore[attr-defined]
        return handler

    return mark


def create_app(
    service: TicketService,
    *,
    token_secret: str,
    token_ttl_seconds: int = DEFAULT_TTL_SECONDS,
    directory: Optional[AgentDirectory] = None,
    clock: Clock = utcnow,
    throttle: Optional[LoginThrottle] = None,
    assign_when_on_duty: bool = False,
) -> web.Application:
    """The API over `service`. `token_secret` signs bearer tokens (TICKETING_TOKEN_SECRET);
    `clock` is the time tokens expire by and tickets are overdue by (give it the service's);
    `assign_when_on_duty` hands waiting unassigned tickets out round-robin when an agent
    comes on duty (the server turns it on, with the service's automatic assignment)."""
    app = web.Application(middlewares=[_error_middleware, _access_middleware], client_max_size=MAX_BODY_BYTES)
    app[SERVICE] = service
    app[DIRECTORY] = directory or AgentDirectory(service.engine, clock)
    app[SIGNER] = TokenSigner(token_secret, token_ttl_seconds, clock)
    app[THROTTLE] = throttle or LoginThrottle(clock=clock)
    app[CLOCK] = clock
    app[ASSIGN_ON_DUTY] = assign_when_on_duty
    # HEAD is not served: the document lists every method, and HEAD would be one more each.
    add_get = functools.partial(app.router.add_get, allow_head=False)
    add_get("/api/health", health)
    add_get("/api/openapi.json", openapi_document)
    app.router.add_post("/api/login", login)
    add_get("/api/tickets", list_tickets)
    add_get("/api/tickets/{reference}", get_ticket)
    app.router.add_post("/api/tickets/{reference}/claim", claim_ticket)
    app.router.add_post("/api/tickets/{reference}/reply", reply_to_ticket)
    app.router.add_post("/api/tickets/{reference}/status", set_ticket_status)
    app.router.add_post("/api/tickets/{reference}/resolve", resolve_ticket)
    add_get("/api/agents", list_agents)
    app.router.add_post("/api/agents", create_agent)
    add_get("/api/agents/me", get_me)
    app.router.add_patch("/api/agents/me", update_me)
    add_get("/console", console_page)
    add_get("/console/{file}", console_file)
    add_get("/console/i18n/{lang}.json", console_catalog)
    app.on_response_prepare.append(_private_headers)
    return app


async def _run(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return await asyncio.to_thread(function, *args, **kwargs)


def _now(request: web.Request) -> datetime:
    return request.app[CLOCK]().astimezone(timezone.utc)


def _caller(request: web.Request) -> Agent:
    return request[CALLER]


# -- serialisation ------------------------------------------------------------------------------


def _time(value: Optional[datetime]) -> Optional[str]:
    return None if value is None else value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def agent_ref(agent: Optional[Agent]) -> Optional[dict[str, Any]]:
    """Who an agent is, where a ticket or message names one."""
    if agent is None:
        return None
    return {"id": agent.id, "username": agent.username, "display_name": agent.display_name}


def agent_payload(agent: Agent) -> dict[str, Any]:
    """An agent's account as the API shows it: never the password hash."""
    return {
        "id": agent.id,
        "username": agent.username,
        "display_name": agent.display_name,
        "role": agent.role,
        "languages": list(agent.languages or []),
        "on_duty": bool(agent.on_duty),
        "last_assigned_at": _time(agent.last_assigned_at),
        "created_at": _time(agent.created_at),
    }


def ticket_summary(ticket: Ticket, agents: dict[int, Agent], now: datetime) -> dict[str, Any]:
    return {
        "reference": ticket.reference,
        "conversation_id": ticket.conversation_id,
        "channel": ticket.channel,
        "language": ticket.language,
        "market": ticket.market,
        "order_number": ticket.order_number,
        "reason": ticket.reason,
        "priority": ticket.priority,
        "status": ticket.status,
        "assignee": agent_ref(agents.get(ticket.assignee_id)) if ticket.assignee_id is not None else None,
        "created_at": _time(ticket.created_at),
        "updated_at": _time(ticket.updated_at),
        "first_response_due": _time(ticket.first_response_due),
        "resolution_due": _time(ticket.resolution_due),
        "first_response_at": _time(ticket.first_response_at),
        "waiting_since": _time(ticket.waiting_since),
        "resolved_at": _time(ticket.resolved_at),
        "closed_at": _time(ticket.closed_at),
        "first_response_breached": bool(ticket.first_response_breached),
        "resolution_breached": bool(ticket.resolution_breached),
        # The timers missed right now (breached says a timer was missed at some point).
        "overdue": list(ticket.overdue_timers(now)),
        "rating": ticket.rating,
    }


def message_payload(message: TicketMessage, agents: dict[int, Agent]) -> dict[str, Any]:
    return {
        "id": message.id,
        "author": message.author,
        "agent": agent_ref(agents.get(message.agent_id)) if message.agent_id is not None else None,
        "text": message.text,
        "language": message.language,
        "translation": message.translation,
        "translated_to": message.translated_to,
        "created_at": _time(message.created_at),
        # Agent replies only: when the relay delivered it to the shopper, and how it went.
        "delivered_at": _time(message.delivered_at),
        "delivery_attempts": message.delivery_attempts,
        "last_error": message.last_error,
    }


def event_payload(event: TicketEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "actor": event.actor,
        "kind": event.kind,
        "before": event.before,
        "after": event.after,
        "created_at": _time(event.created_at),
    }


def _page(items: list[Any], total: int, page: int, per_page: int) -> dict[str, Any]:
    return {"items": items, "total": total, "page": page, "per_page": per_page}


# -- reading (on worker threads) -----------------------------------------------------------------


def _agents_by_id(service: TicketService, ids: Iterable[Optional[int]]) -> dict[int, Agent]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    with Session(service.engine) as session:
        return {agent.id: agent for agent in session.scalars(select(Agent).where(Agent.id.in_(wanted)))}


@dataclass(frozen=True)
class QueueQuery:
    statuses: Optional[tuple[str, ...]]
    priorities: Optional[tuple[str, ...]]
    language: Optional[str]
    overdue: Optional[bool]
    assignee: Union[int, str, None]  # an agent id, "me", "none", or None for everything visible
    page: int
    per_page: int


def _visible_queue(
    service: TicketService, query: QueueQuery, agent_id: int, now: datetime
) -> tuple[list[Ticket], int]:
    """TicketService.queue for an agent who gave no assignee: the tickets that are unassigned
    or theirs, in one ordered, paginated query (the service's queue filters one assignee or
    none, not both). The same conditions and order as the service: its own helpers build them.
    TODO(core): a `visible_to=agent_id` argument on TicketService.queue would replace this."""
    from ticketing.service import _overdue_condition, _queue_order

    conditions = [
        Ticket.status.in_(query.statuses or ACTIVE_STATUSES),
        or_(Ticket.assignee_id.is_(None), Ticket.assignee_id == agent_id),
    ]
    if query.priorities:
        conditions.append(Ticket.priority.in_(query.priorities))
    if query.language:
        conditions.append(Ticket.language == query.language)
    if query.overdue is not None:
        late = _overdue_condition(now)
        conditions.append(late if query.overdue else not_(late))
    with Session(service.engine) as session:
        total = session.scalar(select(func.count()).select_from(Ticket).where(*conditions))
        items = session.scalars(
            select(Ticket)
            .where(*conditions)
            .order_by(*_queue_order())
            .offset((query.page - 1) * query.per_page)
            .limit(query.per_page)
        )
        return list(items), total


def _queue_page(service: TicketService, query: QueueQuery, caller: Agent, now: datetime) -> dict[str, Any]:
    if query.assignee is None and caller.role != ADMIN:
        tickets, total = _visible_queue(service, query, caller.id, now)
    else:
        assignee = caller.id if query.assignee == "me" else query.assignee
        tickets, total = service.queue(
            status=query.statuses,
            priority=query.priorities,
            language=query.language,
            overdue=query.overdue,
            assignee=assignee if isinstance(assignee, int) else None,
            unassigned=assignee == "none",
            page=query.page,
            per_page=query.per_page,
            now=now,
        )
    agents = _agents_by_id(service, (t.assignee_id for t in tickets))
    return _page([ticket_summary(t, agents, now) for t in tickets], total, query.page, query.per_page)


def _thread(session: Session, model: Any, ticket_id: int, page: int, per_page: int) -> tuple[list[Any], int]:
    """One page of a ticket's messages or events, oldest first."""
    total = session.scalar(select(func.count()).select_from(model).where(model.ticket_id == ticket_id))
    items = session.scalars(
        select(model).where(model.ticket_id == ticket_id).order_by(model.id).offset((page - 1) * per_page).limit(per_page)
    )
    return list(items), total


def _ticket_detail(
    service: TicketService, reference: str, caller: Agent, pages: dict[str, int], now: datetime
) -> dict[str, Any]:
    ticket = service.ticket(reference)
    _check_reach(ticket, caller)
    with Session(service.engine) as session:
        messages, message_total = _thread(session, TicketMessage, ticket.id, pages["messages_page"], pages["messages_per_page"])
        events, event_total = _thread(session, TicketEvent, ticket.id, pages["events_page"], pages["events_per_page"])
    agents = _agents_by_id(service, [ticket.assignee_id, *(m.agent_id for m in messages)])
    payload = ticket_summary(ticket, agents, now)
    payload["details"] = ticket.details
    payload["transcript"] = ticket.transcript
    payload["messages"] = _page(
        [message_payload(m, agents) for m in messages], message_total, pages["messages_page"], pages["messages_per_page"]
    )
    payload["events"] = _page(
        [event_payload(e) for e in events], event_total, pages["events_page"], pages["events_per_page"]
    )
    return payload


def _summary(service: TicketService, ticket: Ticket, now: datetime) -> dict[str, Any]:
    return ticket_summary(ticket, _agents_by_id(service, [ticket.assignee_id]), now)


def _check_reach(ticket: Ticket, caller: Agent) -> None:
    """An agent works tickets that are unassigned or theirs; an admin works any."""
    if caller.role != ADMIN and ticket.assignee_id not in (None, caller.id):
        raise ApiError(403, "not_your_ticket", reference=ticket.reference)


def _change(
    service: TicketService, reference: str, caller: Agent, change: Callable[[], Any], *, check_reach: bool = True
) -> Any:
    """Runs a change on a ticket the caller may reach; a refusal of the ticket's state is a 409
    that says what the state is, so that a console can show it without asking again.

    The reach check and the change are two transactions: an agent could, in between, reply to a
    ticket someone else claimed that instant. TODO(core): the service checking the assignee
    inside its own transaction would close that window."""
    ticket = service.ticket(reference)  # 404 before anything else
    if check_reach:
        _check_reach(ticket, caller)
    try:
        return change()
    except (InvalidTransition, AlreadyAssigned) as error:
        ticket = service.ticket(reference)
        code = "already_assigned" if isinstance(error, AlreadyAssigned) else "invalid_transition"
        raise ApiError(
            409, code, detail=str(error), reference=ticket.reference, status=ticket.status,
            assignee=agent_ref(_agents_by_id(service, [ticket.assignee_id]).get(ticket.assignee_id)),
        ) from None


# -- input ---------------------------------------------------------------------------------------


async def _body(request: web.Request, allowed: Iterable[str], *, optional: bool = False) -> dict[str, Any]:
    """The JSON object sent, with no fields but `allowed`. With `optional`, no body at all is {}."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise ApiError(413, "body_too_large", max_bytes=MAX_BODY_BYTES)
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise ApiError(413, "body_too_large", max_bytes=MAX_BODY_BYTES) from None
    if optional and not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "invalid_json") from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_body", detail="a JSON object is expected")
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise ApiError(400, "unknown_fields", fields=unknown, allowed=sorted(allowed))
    return body


def _text(body: dict[str, Any], key: str, max_chars: int, *, required: bool = True) -> Optional[str]:
    if key not in body and not required:
        return None
    value = body.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > max_chars:
        raise ApiError(400, f"invalid_{key}", detail=f"{key} is text of 1 to {max_chars} characters", max_chars=max_chars)
    return value.strip()


def _flag(body: dict[str, Any], key: str, default: Optional[bool] = None) -> bool:
    if key not in body and default is not None:
        return default
    value = body.get(key)
    if not isinstance(value, bool):
        raise ApiError(400, f"invalid_{key}", detail=f"{key} is true or false")
    return value


def _choice(body: dict[str, Any], key: str, allowed: tuple[str, ...], default: Optional[str] = None) -> str:
    value = body.get(key, default)
    if value not in allowed:
        raise ApiError(400, f"invalid_{key}", allowed=list(allowed))
    return value


def _language(value: Any, key: str) -> str:
    if not isinstance(value, str) or not LANGUAGE.fullmatch(value):
        raise ApiError(400, f"invalid_{key}", detail="a language code such as en, pt or pt-BR")
    return value


def _reference(request: web.Request) -> str:
    reference = request.match_info["reference"]
    if not REFERENCE.fullmatch(reference):
        raise ApiError(400, "invalid_reference", detail="a ticket reference such as T-000123")
    return reference.upper()


def _single(request: web.Request, name: str) -> Optional[str]:
    values = request.query.getall(name, [])
    if len(values) > 1:
        raise ApiError(400, f"invalid_{name}", detail=f"{name} is given once (several values: comma-separated)")
    return values[0] if values else None


def _names(request: web.Request, name: str, allowed: tuple[str, ...]) -> Optional[tuple[str, ...]]:
    raw = _single(request, name)
    if raw is None:
        return None
    names = tuple(dict.fromkeys(part.strip() for part in raw.split(",")))
    if not names or not all(names) or set(names) - set(allowed):
        raise ApiError(400, f"invalid_{name}", allowed=list(allowed))
    return names


def _whole(request: web.Request, name: str, default: int, high: Optional[int] = None) -> int:
    raw = _single(request, name)
    if raw is None:
        return default
    # Digits only: int() would also take " 7", "+7", "7_0" and "٧".
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or not 1 <= int(raw) <= (high or 10**9):
        extra = {"max": high} if high else {}
        raise ApiError(400, f"invalid_{name}", detail=f"{name} is a whole number from 1", min=1, **extra)
    return int(raw)


def _boolean(request: web.Request, name: str) -> Optional[bool]:
    raw = _single(request, name)
    if raw is None:
        return None
    value = {"true": True, "1": True, "false": False, "0": False}.get(raw.lower())
    if value is None:
        raise ApiError(400, f"invalid_{name}", allowed=["true", "false"])
    return value


def _assignee(request: web.Request, caller: Agent) -> Union[int, str, None]:
    raw = _single(request, "assignee")
    if raw is None:
        return None
    if raw in ("me", "none"):
        return raw
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise ApiError(400, "invalid_assignee", detail="me, none, or an agent's id")
    agent_id = int(raw)
    if caller.role != ADMIN and agent_id != caller.id:
        raise ApiError(403, "forbidden", detail="only an admin sees other agents' tickets")
    return agent_id


# -- handlers: public ---------------------------------------------------------------------------------


def _json(payload: Any, status: int = 200, headers: Optional[dict[str, str]] = None) -> web.Response:
    return web.json_response(payload, status=status, dumps=_dumps, headers=headers)


def _error(http_status: int, code: str, headers: Optional[dict[str, str]] = None, **extra: Any) -> web.Response:
    return _json({"error": code, **extra}, status=http_status, headers=headers)


def _database_answers(service: TicketService) -> None:
    with service.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


@endpoint(PUBLIC)
async def health(request: web.Request) -> web.Response:
    try:
        await _run(_database_answers, request.app[SERVICE])
    except Exception:
        logger.exception("ticketing: the database does not answer")
        return _error(503, "database_unavailable")
    return _json({"status": "ok"})


@endpoint(PUBLIC)
async def openapi_document(request: web.Request) -> web.Response:
    from ticketing.openapi import document

    return _json(document())


@endpoint(PUBLIC)
async def login(request: web.Request) -> web.Response:
    body = await _body(request, ("username", "password"))
    username = body.get("username")
    password = body.get("password")
    if not isinstance(username, str) or not username.strip() or len(username) > 50:
        raise ApiError(400, "invalid_username")
    if not isinstance(password, str) or not password or len(password) > MAX_PASSWORD_CHARS:
        raise ApiError(400, "invalid_password")
    username = username.strip().lower()
    throttle, remote = request.app[THROTTLE], request.remote or ""
    wait = throttle.retry_after(remote, username)
    if wait:
        raise ApiError(429, "too_many_attempts", headers={"Retry-After": str(wait)}, retry_after_seconds=wait)
    # scrypt takes tens of milliseconds: on a thread, not on the event loop.
    agent = await _run(request.app[DIRECTORY].authenticate, username, password)
    if agent is None:
        throttle.failed(remote, username)
        # One answer for an unknown username and a wrong password: which usernames exist is not told.
        raise ApiError(401, "invalid_credentials")
    throttle.succeeded(remote, username)
    issued = request.app[SIGNER].issue(agent)
    logger.info("ticketing: %s logged in", agent.username)
    return _json({
        "token": issued.token,
        "token_type": "Bearer",
        "expires_at": _time(issued.expires_at),
        "agent": agent_payload(agent),
    })


# -- the agents' console (static) ----------------------------------------------------------------------


def _console_response(name: str, content_type: str) -> web.Response:
    # The files are small and few: read per request, so an edit shows on the next load.
    body = (CONSOLE_DIR / name).read_bytes()
    return web.Response(
        body=body,
        headers={
            "Content-Type": content_type,
            "Content-Security-Policy": CONSOLE_CSP,
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
            "Cross-Origin-Opener-Policy": "same-origin",
        },
    )


@endpoint(PUBLIC)
async def console_page(request: web.Request) -> web.Response:
    return _console_response("index.html", "text/html; charset=utf-8")


@endpoint(PUBLIC)
async def console_file(request: web.Request) -> web.Response:
    name = request.match_info["file"]
    content_type = CONSOLE_FILES.get(name)
    if content_type is None:
        raise ApiError(404, "not_found")
    return _console_response(name, content_type)


@endpoint(PUBLIC)
async def console_catalog(request: web.Request) -> web.Response:
    lang = request.match_info["lang"]
    if lang not in CONSOLE_LANGUAGES:
        raise ApiError(404, "not_found")
    return _console_response(f"i18n/{lang}.json", "application/json; charset=utf-8")


# -- handlers: tickets ------------------------------------------------------------------------------


@endpoint((AGENT, ADMIN), params=("status", "priority", "language", "overdue", "assignee", "page", "per_page"))
async def list_tickets(request: web.Request) -> web.Response:
    caller = _caller(request)
    language = _single(request, "language")
    query = QueueQuery(
        statuses=_names(request, "status", STATUSES),
        priorities=_names(request, "priority", PRIORITIES),
        language=None if language is None else _language(language, "language"),
        overdue=_boolean(request, "overdue"),
        assignee=_assignee(request, caller),
        page=_whole(request, "page", 1),
        per_page=_whole(request, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE),
    )
    return _json(await _run(_queue_page, request.app[SERVICE], query, caller, _now(request)))


THREAD_PARAMS = ("messages_page", "messages_per_page", "events_page", "events_per_page")


@endpoint((AGENT, ADMIN), params=THREAD_PARAMS)
async def get_ticket(request: web.Request) -> web.Response:
    reference = _reference(request)
    pages = {
        name: _whole(request, name, DEFAULT_THREAD_PER_PAGE, MAX_PER_PAGE) if name.endswith("per_page") else _whole(request, name, 1)
        for name in THREAD_PARAMS
    }
    payload = await _run(_ticket_detail, request.app[SERVICE], reference, _caller(request), pages, _now(request))
    return _json(payload)


@endpoint((AGENT, ADMIN))
async def claim_ticket(request: web.Request) -> web.Response:
    reference = _reference(request)
    await _body(request, (), optional=True)
    service, caller, now = request.app[SERVICE], _caller(request), _now(request)

    def claim() -> dict[str, Any]:
        # No reach check: claiming a ticket another agent has is the service's to refuse (409
        # already_assigned, with who has it), which is what a console shows the one who lost.
        ticket = _change(service, reference, caller, lambda: service.claim(reference, caller.id), check_reach=False)
        return _summary(service, ticket, now)

    return _json(await _run(claim))


@endpoint((AGENT, ADMIN))
async def reply_to_ticket(request: web.Request) -> web.Response:
    reference = _reference(request)
    body = await _body(request, ("text", "language", "wait_for_customer"))
    reply = _text(body, "text", MAX_REPLY_CHARS)
    language = _language(body["language"], "language") if "language" in body else None
    wait = _flag(body, "wait_for_customer", default=True)
    service, caller, now = request.app[SERVICE], _caller(request), _now(request)

    def add() -> dict[str, Any]:
        message = _change(
            service, reference, caller,
            lambda: service.add_agent_reply(reference, caller.id, reply, language=language, wait_for_customer=wait),
        )
        ticket = service.ticket(reference)
        agents = _agents_by_id(service, [ticket.assignee_id, message.agent_id])
        return {"message": message_payload(message, agents), "ticket": ticket_summary(ticket, agents, now)}

    return _json(await _run(add), status=201)


@endpoint((AGENT, ADMIN))
async def set_ticket_status(request: web.Request) -> web.Response:
    reference = _reference(request)
    status = _choice(await _body(request, ("status",)), "status", STATUSES)
    return await _status_change(request, reference, status)


@endpoint((AGENT, ADMIN))
async def resolve_ticket(request: web.Request) -> web.Response:
    reference = _reference(request)
    await _body(request, (), optional=True)
    return await _status_change(request, reference, RESOLVED)


async def _status_change(request: web.Request, reference: str, status: str) -> web.Response:
    service, caller, now = request.app[SERVICE], _caller(request), _now(request)

    def change() -> dict[str, Any]:
        ticket = _change(service, reference, caller, lambda: service.set_status(reference, status, actor=agent_actor(caller)))
        return _summary(service, ticket, now)

    return _json(await _run(change))


# -- handlers: agents -------------------------------------------------------------------------------


@endpoint((ADMIN,))
async def list_agents(request: web.Request) -> web.Response:
    agents = await _run(request.app[DIRECTORY].all)
    return _json({"items": [agent_payload(a) for a in agents], "total": len(agents)})


@endpoint((ADMIN,))
async def create_agent(request: web.Request) -> web.Response:
    body = await _body(request, ("username", "password", "display_name", "role", "languages", "on_duty"))
    username = body.get("username")
    if not isinstance(username, str) or not USERNAME.fullmatch(username.strip().lower()):
        raise ApiError(400, "invalid_username", detail="2 to 50 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit")
    username = username.strip().lower()
    password = body.get("password")
    if not isinstance(password, str) or not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        raise ApiError(
            400, "invalid_password", detail=f"{MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters",
            min_chars=MIN_PASSWORD_CHARS, max_chars=MAX_PASSWORD_CHARS,
        )
    display_name = _text(body, "display_name", MAX_DISPLAY_NAME_CHARS, required=False)
    role = _choice(body, "role", ROLES, default=AGENT)
    languages = body.get("languages", [])
    if not isinstance(languages, list) or len(languages) > MAX_LANGUAGES:
        raise ApiError(400, "invalid_languages", detail=f"a list of up to {MAX_LANGUAGES} language codes")
    languages = [_language(code, "languages").lower() for code in languages]
    on_duty = _flag(body, "on_duty", default=False)
    directory = request.app[DIRECTORY]

    def create() -> Agent:
        try:
            return directory.create(
                username, password, display_name=display_name, role=role, languages=languages, on_duty=on_duty
            )
        except AgentError as error:
            if directory.by_username(username) is not None:
                raise ApiError(409, "username_taken", username=username) from None
            raise ApiError(400, "invalid_agent", detail=str(error)) from None

    agent = await _run(create)
    logger.info("ticketing: %s created agent %s (%s)", _caller(request).username, agent.username, agent.role)
    return _json(agent_payload(agent), status=201)


@endpoint((AGENT, ADMIN))
async def get_me(request: web.Request) -> web.Response:
    return _json(agent_payload(_caller(request)))


@endpoint((AGENT, ADMIN))
async def update_me(request: web.Request) -> web.Response:
    body = await _body(request, ("on_duty",))
    on_duty = _flag(body, "on_duty")
    caller = _caller(request)
    agent = await _run(request.app[DIRECTORY].set_on_duty, caller.id, on_duty)
    if on_duty and not caller.on_duty and request.app[ASSIGN_ON_DUTY]:
        # Tickets that came in while nobody was on duty wait unassigned: hand them out now.
        assigned = await _run(request.app[SERVICE].assign_unassigned)
        if assigned:
            logger.info("ticketing: %d waiting tickets assigned as %s came on duty", assigned, caller.username)
        agent = await _run(request.app[DIRECTORY].get, caller.id)
    return _json(agent_payload(agent))


# -- middlewares ------------------------------------------------------------------------------------


def _unauthorized(code: str) -> ApiError:
    challenge = 'Bearer realm="ticketing"' if code == "unauthorized" else 'Bearer realm="ticketing", error="invalid_token"'
    return ApiError(401, code, headers={"WWW-Authenticate": challenge})


async def _authenticate(request: web.Request) -> Agent:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("unauthorized")
    signer = request.app[SIGNER]
    claims = signer.verify(token.strip())
    if claims is None:
        raise _unauthorized("invalid_token")
    agent = await _run(request.app[DIRECTORY].get, claims.agent_id)
    # A deleted agent, or a password changed since the token was issued: the token is void.
    if agent is None or not signer.matches(claims, agent):
        raise _unauthorized("invalid_token")
    return agent


@web.middleware
async def _access_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    route_handler = getattr(request.match_info.route, "handler", None)
    access = getattr(route_handler, "access", None)
    if access != PUBLIC:
        agent = await _authenticate(request)
        if access is not None and agent.role not in access:
            raise ApiError(403, "forbidden", detail=f"this needs the role {' or '.join(sorted(access))}")
        request[CALLER] = agent
    # Parameters are checked on the agents' routes: a typo ("statuss=") must not quietly widen
    # the queue. Not on the public ones (a load balancer's probe may add a cache buster), nor on
    # the router's own 404 and 405 answers (access None), which are left to say what they say.
    if access not in (PUBLIC, None):
        allowed = getattr(route_handler, "params", frozenset())
        unknown = sorted(set(request.query) - allowed)
        if unknown:
            raise ApiError(400, "unknown_parameters", parameters=unknown, allowed=sorted(allowed))
    return await handler(request)


@web.middleware
async def _error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return _error(exc.http_status, exc.code, headers=exc.headers, **exc.extra)
    except TicketNotFound:
        return _error(404, "not_found")
    except AgentNotFound:
        return _error(404, "agent_not_found")
    except (InvalidTransition, AlreadyAssigned, TicketError) as exc:
        return _error(409, "conflict", detail=str(exc))
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        # Router answers (unknown path, wrong method) are JSON like everything else.
        code = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}.get(exc.status, "http_error")
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        return _error(exc.status, code, headers=headers)
    except Exception:
        logger.exception("ticketing: unhandled error on %s %s", request.method, request.path)
        return _error(500, "internal_error")


async def _private_headers(request: web.Request, response: web.StreamResponse) -> None:
    # Tickets hold shoppers' personal data: no shared cache keeps a copy, no browser guesses types.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
