"""The demo store's HTTP API (aiohttp): orders and the changes a shopper may ask for, carrier
tracking, signed invoice and return-label documents, and a health check.

Every /api route needs `Authorization: Bearer <api key>`. Errors are JSON objects with an
"error" code; malformed path values and bodies are refused with 400 before any query runs, a
change the order's state forbids is a 409 with the order's status, and an unexpected failure
is a JSON 500 without a traceback. /invoices and /labels take no key: their links are signed
(links.py) and handed to shoppers.
"""
from __future__ import annotations

import asyncio
import functools
import hmac
import json
import logging
import re
import secrets
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Optional

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from integrations.demo_store import documents, models, operations
from integrations.demo_store.db import count_orders, create_tables, make_engine, make_session_factory
from integrations.demo_store.links import LinkSigner
from integrations.demo_store.operations import ApiError
from integrations.demo_store.shop import returns_warehouse
from integrations.demo_store.wire import (
    CARRIER_PATTERN,
    ORDER_NUMBER_PATTERN,
    RMA_PATTERN,
    SKU_PATTERN,
    TRACKING_NUMBER_PATTERN,
    format_date,
    format_datetime,
    format_decimal,
)
from integrations.orders.base import (
    CLAIM_KINDS,
    CLAIM_RESOLUTIONS,
    ITEM_CONDITIONS,
    REFUND_METHODS,
    RETURN_REASONS,
)

logger = logging.getLogger(__name__)

SESSION_FACTORY = web.AppKey("session_factory", sessionmaker)
API_KEY = web.AppKey("api_key", str)
SIGNER = web.AppKey("signer", LinkSigner)
PUBLIC_URL = web.AppKey("public_url", str)
WRITE_LOCK = web.AppKey("write_lock", asyncio.Lock)
MAX_PER_PAGE = 100
MAX_EMAIL_CHARS = 254
MAX_QUANTITY = 99
MAX_RETURN_LINES = 20
MAX_BODY_BYTES = 16 * 1024
# Shipping-address fields and their longest accepted length (the columns' sizes).
ADDRESS_FIELDS = {"name": 120, "line1": 200, "city": 100, "postal_code": 20, "country": 2}
_COUNTRY = re.compile(r"[A-Z]{2}")
_HOST = re.compile(r"[A-Za-z0-9._-]{1,253}(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]{2,45}\](:[0-9]{1,5})?")

_dumps = functools.partial(json.dumps, ensure_ascii=False)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def create_app(
    db_url: str, api_key: str, *, link_secret: Optional[str] = None, public_url: str = ""
) -> web.Application:
    """The demo store web app on the database at `db_url` (tables are created if missing).

    `link_secret` signs invoice and label links (without one, a random secret: links then stop
    working when the process restarts); `public_url` is where shoppers reach the store, by
    default the address the API was called on."""
    if not api_key:
        raise ValueError("the demo store needs a non-empty API key")
    engine = make_engine(db_url)
    create_tables(engine)

    app = web.Application(middlewares=[_error_middleware, _auth_middleware], client_max_size=MAX_BODY_BYTES)
    app[SESSION_FACTORY] = make_session_factory(engine)
    app[API_KEY] = api_key
    app[SIGNER] = LinkSigner(link_secret or secrets.token_urlsafe(32))
    app[PUBLIC_URL] = public_url.rstrip("/")
    # One change at a time: a state check must not race with another change to the same order.
    app[WRITE_LOCK] = asyncio.Lock()
    app.router.add_get("/health", health)
    app.router.add_get("/api/orders", list_orders)
    app.router.add_get("/api/orders/{number}", get_order)
    app.router.add_post("/api/orders/{number}/cancel", cancel_order)
    app.router.add_post("/api/orders/{number}/items/{sku}", change_item)
    app.router.add_put("/api/orders/{number}/shipping-address", change_shipping_address)
    app.router.add_post("/api/orders/{number}/returns", create_return)
    app.router.add_post("/api/orders/{number}/claims", open_claim)
    app.router.add_get("/api/orders/{number}/invoice", get_invoice_link)
    app.router.add_get("/api/tracking/{tracking_number}", get_tracking)
    app.router.add_get("/invoices/{number}", show_invoice)
    app.router.add_get("/labels/{rma}", show_label)

    async def dispose_engine(_: web.Application) -> None:
        engine.dispose()

    app.on_cleanup.append(dispose_engine)
    return app


class PathOnlyAccessLogger(AbstractAccessLogger):
    """Access log without query strings: the order search takes an e-mail address there."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %d %.1fms", request.remote, request.method, request.path, response.status, time * 1000
        )


# -- serialisation ------------------------------------------------------------------------------


LabelLink = Callable[[str], str]


def order_payload(order: models.Order, label_link: Optional[LabelLink] = None) -> dict[str, Any]:
    """The order as the API sends it; `label_link(rma)` makes return-label links (none without it)."""
    customer = order.customer
    shipped, delivered = operations.shipped_at(order), operations.delivered_at(order)
    return {
        "number": order.number,
        "market": order.market,
        "status": order.status,
        "placed_at": format_datetime(order.placed_at),
        "currency": order.currency,
        "total": format_decimal(order.total),
        "payment_status": order.payment_status,
        "payment_method": order.payment_method,
        "customer": {
            "name": customer.name,
            "email": customer.email,
            "phone": customer.phone,
            "vip": customer.vip,
        },
        "shipping_address": {
            "name": order.ship_name,
            "line1": order.ship_line1,
            "city": order.ship_city,
            "postal_code": order.ship_postal_code,
            "country": order.ship_country,
        },
        "items": [
            {
                "sku": item.sku,
                "name": item.name,
                "category": item.category,
                "quantity": item.quantity,
                "unit_price": format_decimal(item.unit_price),
                "variant": item.variant or "",
                "variants": list(item.variants or []),
            }
            for item in order.items
        ],
        "shipments": [
            {"tracking_number": shipment.tracking_number, "carrier": shipment.carrier}
            for shipment in order.shipments
        ],
        "shipped_at": None if shipped is None else format_datetime(shipped),
        "delivered_at": None if delivered is None else format_datetime(delivered),
        "returns": [return_payload(order, request, label_link) for request in order.returns],
        "refunds": [refund_payload(refund) for refund in operations.order_refunds(order)],
        "payments": [payment_payload(event) for event in order.payments],
        "claims": [claim_payload(order, claim) for claim in order.claims],
        "invoice_number": order.invoice_number,
    }


def address_payload(address) -> dict[str, str]:
    return {
        "name": address.name, "line1": address.line1, "city": address.city,
        "postal_code": address.postal_code, "country": address.country,
    }


def refund_payload(refund: models.Refund) -> dict[str, Any]:
    return {
        "reference": refund.reference,
        "amount": format_decimal(refund.amount),
        "currency": refund.currency,
        "method": refund.method,
        "status": refund.status,
        "created_at": format_datetime(refund.created_at),
        "issued_at": None if refund.issued_at is None else format_datetime(refund.issued_at),
    }


def return_payload(
    order: models.Order, request: models.ReturnRequest, label_link: Optional[LabelLink] = None
) -> dict[str, Any]:
    return {
        "rma": request.rma,
        "order_number": order.number,
        "status": request.status,
        "reason": request.reason,
        "condition": request.condition,
        "created_at": format_datetime(request.created_at),
        "lines": [{"sku": line.sku, "quantity": line.quantity, "name": line.name} for line in request.lines],
        "refund": None if request.refund is None else refund_payload(request.refund),
        "label_url": label_link(request.rma) if request.prepaid_label and label_link else None,
        "return_address": address_payload(returns_warehouse(order.market).address),
    }


def payment_payload(event: models.PaymentEvent) -> dict[str, Any]:
    return {
        "time": format_datetime(event.time),
        "kind": event.kind,
        "amount": format_decimal(event.amount),
        "currency": event.currency,
        "reference": event.reference,
        "decline_code": event.decline_code or "",
    }


def claim_payload(order: models.Order, claim: models.Claim) -> dict[str, Any]:
    return {
        "reference": claim.reference,
        "order_number": order.number,
        "kind": claim.kind,
        "resolution": claim.resolution,
        "skus": list(claim.skus or []),
        "created_at": format_datetime(claim.created_at),
    }


def tracking_payload(shipment: models.Shipment) -> dict[str, Any]:
    return {
        "tracking_number": shipment.tracking_number,
        "carrier": shipment.carrier,
        "status": shipment.status,
        "customs_status": shipment.customs_status,
        "estimated_delivery": format_date(shipment.estimated_delivery),
        "origin_country": shipment.origin_country,
        "destination_country": shipment.destination_country,
        "events": [
            {
                "time": format_datetime(event.time),
                "code": event.code,
                "location": event.location,
                "description": event.description,
            }
            for event in shipment.events
        ],
    }


# -- queries (run in a worker thread: SQLAlchemy here is synchronous) ---------------------------


def _count(session: Session) -> int:
    return count_orders(session)


def _find_order(session: Session, number: str, label_link: LabelLink) -> Optional[dict[str, Any]]:
    order = operations.find_order(session, number)
    return None if order is None else order_payload(order, label_link)


def _find_tracking(session: Session, tracking_number: str, carrier: Optional[str]) -> Optional[dict[str, Any]]:
    query = (
        select(models.Shipment)
        .options(selectinload(models.Shipment.events))
        .where(models.Shipment.tracking_number == tracking_number)
    )
    if carrier is not None:
        query = query.where(models.Shipment.carrier == carrier)
    shipment = session.execute(query).scalar_one_or_none()
    return None if shipment is None else tracking_payload(shipment)


def _orders_for_email(
    session: Session, email: str, page: int, per_page: int, label_link: LabelLink
) -> dict[str, Any]:
    belongs = models.Order.customer_id == models.Customer.id
    total = session.execute(
        select(func.count(models.Order.id)).join(models.Customer, belongs).where(models.Customer.email == email)
    ).scalar_one()
    orders = session.execute(
        operations.order_query()
        .join(models.Customer, belongs)
        .where(models.Customer.email == email)
        .order_by(models.Order.placed_at.desc(), models.Order.number.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).scalars().all()
    return {
        "items": [order_payload(o, label_link) for o in orders], "page": page, "per_page": per_page, "total": total,
    }


async def _query(request: web.Request, work: Callable[..., Any], *args: Any) -> Any:
    factory = request.app[SESSION_FACTORY]

    def run() -> Any:
        with factory() as session:
            return work(session, *args)

    return await asyncio.get_running_loop().run_in_executor(None, run)


Change = Callable[[models.Order, datetime], Any]


def _apply(session: Session, number: str, change: Change, label_link: LabelLink) -> Any:
    """Runs `change(order, now)` in one transaction; its result (an ORM object) or the order is
    sent back. An ApiError rolls everything back."""
    with session.begin():
        order = operations.find_order(session, number)
        if order is None:
            raise ApiError(404, "not_found")
        result = change(order, _utcnow())
        session.flush()
        if isinstance(result, models.ReturnRequest):
            return return_payload(order, result, label_link)
        if isinstance(result, models.Claim):
            return claim_payload(order, result)
        return order_payload(order, label_link)


async def _change(request: web.Request, number: str, change: Change, status: int = 200) -> web.Response:
    async with request.app[WRITE_LOCK]:
        payload = await _query(request, _apply, number, change, _label_link(request))
    return _json(payload, status=status)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


# -- links ----------------------------------------------------------------------------------------


def _public_url(request: web.Request) -> str:
    """Where shoppers open links: the configured public URL, else the address the API was called
    on (the assistant reaches the store where the shop's own browser does, in the embedded setup)."""
    if request.app[PUBLIC_URL]:
        return request.app[PUBLIC_URL]
    host = request.host
    if not _HOST.fullmatch(host):
        raise ApiError(400, "invalid_host")
    return f"{request.scheme}://{host}"


def _label_link(request: web.Request) -> LabelLink:
    base, signer = _public_url(request), request.app[SIGNER]
    return lambda rma: signer.url(base, "labels", "label", rma)


# -- handlers -------------------------------------------------------------------------------------


def _json(payload: Any, status: int = 200) -> web.Response:
    return web.json_response(payload, status=status, dumps=_dumps)


def _error(http_status: int, code: str, **extra: Any) -> web.Response:
    return _json({"error": code, **extra}, status=http_status)


def _html(text: str, status: int = 200) -> web.Response:
    response = web.Response(text=text, status=status, content_type="text/html", charset="utf-8")
    # Signed links are personal: not cached by shared caches, not leaked onwards in a Referer.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


async def health(request: web.Request) -> web.Response:
    return _json({"status": "ok", "orders": await _query(request, _count)})


def _order_number(request: web.Request) -> str:
    number = request.match_info["number"]
    if not ORDER_NUMBER_PATTERN.fullmatch(number):
        raise ApiError(400, "invalid_order_number")
    return number


def _sku(request: web.Request) -> str:
    sku = request.match_info["sku"]
    if not SKU_PATTERN.fullmatch(sku):
        raise ApiError(400, "invalid_sku")
    return sku


async def get_order(request: web.Request) -> web.Response:
    number = _order_number(request)
    payload = await _query(request, _find_order, number, _label_link(request))
    if payload is None:
        return _error(404, "not_found")
    return _json(payload)


# -- changes ----------------------------------------------------------------------------------------


async def _body(request: web.Request) -> dict[str, Any]:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise ApiError(413, "body_too_large", max_bytes=MAX_BODY_BYTES)
    try:
        body = json.loads(await request.read())
    except web.HTTPRequestEntityTooLarge:
        raise ApiError(413, "body_too_large", max_bytes=MAX_BODY_BYTES) from None
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "invalid_json") from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_body")
    return body


def _text(body: dict[str, Any], key: str, max_chars: int) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > max_chars:
        raise ApiError(400, f"invalid_{key}", max_chars=max_chars)
    return value.strip()


def _choice(body: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    value = body.get(key)
    if value not in allowed:
        raise ApiError(400, f"invalid_{key}", allowed=list(allowed))
    return value


def _whole(body: dict[str, Any], key: str, low: int, high: int) -> int:
    value = body.get(key)
    # bool is an int in Python; JSON true is not a quantity.
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ApiError(400, f"invalid_{key}", min=low, max=high)
    return value


def _flag(body: dict[str, Any], key: str) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise ApiError(400, f"invalid_{key}")
    return value


def _skus(values: Any, key: str, max_count: int) -> list[str]:
    if not isinstance(values, list) or len(values) > max_count:
        raise ApiError(400, f"invalid_{key}", max=max_count)
    if not all(isinstance(sku, str) and SKU_PATTERN.fullmatch(sku) for sku in values):
        raise ApiError(400, "invalid_sku")
    if len(set(values)) != len(values):
        raise ApiError(400, "duplicate_sku")
    return values


async def cancel_order(request: web.Request) -> web.Response:
    number = _order_number(request)
    reason = _text(await _body(request), "reason", 500)
    return await _change(request, number, lambda order, now: operations.cancel(order, reason=reason, now=now))


async def change_item(request: web.Request) -> web.Response:
    """{"quantity": n} (0 removes the item) or {"variant": "M / black"}, one of the two."""
    number, sku = _order_number(request), _sku(request)
    body = await _body(request)
    if ("quantity" in body) == ("variant" in body):
        raise ApiError(400, "quantity_or_variant")
    if "quantity" in body:
        quantity = _whole(body, "quantity", 0, MAX_QUANTITY)
        change: Change = lambda order, now: operations.change_quantity(order, sku, quantity, now=now)
    else:
        variant = _text(body, "variant", 60)
        change = lambda order, now: operations.change_variant(order, sku, variant)
    return await _change(request, number, change)


async def change_shipping_address(request: web.Request) -> web.Response:
    number = _order_number(request)
    body = await _body(request)
    address = {key: _text(body, key, max_chars) for key, max_chars in ADDRESS_FIELDS.items()}
    address["country"] = address["country"].upper()
    if not _COUNTRY.fullmatch(address["country"]):
        raise ApiError(400, "invalid_country")
    return await _change(request, number, lambda order, now: operations.change_address(order, address))


async def create_return(request: web.Request) -> web.Response:
    number = _order_number(request)
    body = await _body(request)
    raw_lines = body.get("lines")
    if not isinstance(raw_lines, list) or not 1 <= len(raw_lines) <= MAX_RETURN_LINES:
        raise ApiError(400, "invalid_lines", max=MAX_RETURN_LINES)
    if not all(isinstance(line, dict) for line in raw_lines):
        raise ApiError(400, "invalid_lines")
    skus = _skus([line.get("sku") for line in raw_lines], "lines", MAX_RETURN_LINES)
    lines = [(sku, _whole(line, "quantity", 1, MAX_QUANTITY)) for sku, line in zip(skus, raw_lines)]
    options = {
        "reason": _choice(body, "reason", RETURN_REASONS),
        "condition": _choice(body, "condition", ITEM_CONDITIONS),
        "refund_method": _choice(body, "refund_method", REFUND_METHODS),
        "prepaid_label": _flag(body, "prepaid_label"),
    }
    change = lambda order, now: operations.create_return(order, lines, now=now, **options)
    return await _change(request, number, change, status=201)


async def open_claim(request: web.Request) -> web.Response:
    number = _order_number(request)
    body = await _body(request)
    kind = _choice(body, "kind", CLAIM_KINDS)
    resolution = _choice(body, "resolution", CLAIM_RESOLUTIONS)
    skus = _skus(body.get("skus", []), "skus", MAX_RETURN_LINES)
    change = lambda order, now: operations.open_claim(order, kind=kind, skus=skus, resolution=resolution, now=now)
    return await _change(request, number, change, status=201)


# -- documents --------------------------------------------------------------------------------------


def _invoice_number_of(session: Session, number: str) -> Optional[str]:
    order = session.execute(select(models.Order).where(models.Order.number == number)).scalar_one_or_none()
    if order is None:
        raise ApiError(404, "not_found")
    return order.invoice_number


async def get_invoice_link(request: web.Request) -> web.Response:
    number = _order_number(request)
    invoice_number = await _query(request, _invoice_number_of, number)
    if invoice_number is None:
        return _error(404, "no_invoice")
    signer = request.app[SIGNER]
    return _json({
        "invoice_number": invoice_number,
        "url": signer.url(_public_url(request), "invoices", "invoice", number),
        "expires_in_seconds": signer.validity_seconds,
    })


def _render_invoice(session: Session, number: str) -> Optional[str]:
    order = operations.find_order(session, number)
    if order is None or order.invoice_number is None:
        return None
    return documents.invoice_html(order)


def _render_label(session: Session, rma: str) -> Optional[str]:
    request = operations.find_return(session, rma)
    if request is None or not request.prepaid_label:
        return None
    return documents.label_html(request.order, request)


async def _signed_document(
    request: web.Request, kind: str, subject: str, valid: bool, render: Callable[..., Optional[str]]
) -> web.Response:
    query = request.query
    signed = valid and request.app[SIGNER].verify(
        kind, subject, query.get("expires", ""), query.get("signature", "")
    )
    if not signed:
        return _html(documents.message_html("This link is not valid or has expired."), status=403)
    html = await _query(request, render, subject)
    if html is None:
        return _html(documents.message_html("This document does not exist."), status=404)
    return _html(html)


async def show_invoice(request: web.Request) -> web.Response:
    number = request.match_info["number"]
    return await _signed_document(
        request, "invoice", number, bool(ORDER_NUMBER_PATTERN.fullmatch(number)), _render_invoice
    )


async def show_label(request: web.Request) -> web.Response:
    rma = request.match_info["rma"]
    return await _signed_document(request, "label", rma, bool(RMA_PATTERN.fullmatch(rma)), _render_label)


async def get_tracking(request: web.Request) -> web.Response:
    tracking_number = request.match_info["tracking_number"]
    if not TRACKING_NUMBER_PATTERN.fullmatch(tracking_number):
        return _error(400, "invalid_tracking_number")
    carrier = request.query.get("carrier") or None
    if carrier is not None:
        carrier = carrier.lower()
        if not CARRIER_PATTERN.fullmatch(carrier):
            return _error(400, "invalid_carrier")
    payload = await _query(request, _find_tracking, tracking_number.upper(), carrier)
    if payload is None:
        return _error(404, "not_found")
    return _json(payload)


async def list_orders(request: web.Request) -> web.Response:
    email = request.query.get("email", "").strip().lower()
    if not email or len(email) > MAX_EMAIL_CHARS or "@" not in email:
        return _error(400, "invalid_email")
    try:
        page = int(request.query.get("page", "1"))
        per_page = int(request.query.get("per_page", "20"))
    except ValueError:
        return _error(400, "invalid_pagination")
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        return _error(400, "invalid_pagination", max_per_page=MAX_PER_PAGE)
    return _json(await _query(request, _orders_for_email, email, page, per_page, _label_link(request)))


# -- middlewares ------------------------------------------------------------------------------------


@web.middleware
async def _auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith("/api/") or request.path == "/api":
        expected = f"Bearer {request.app[API_KEY]}".encode()
        given = request.headers.get("Authorization", "").encode()
        # Constant-time comparison, so response timing does not leak the key.
        if not hmac.compare_digest(given, expected):
            response = _error(401, "unauthorized")
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
    return await handler(request)


@web.middleware
async def _error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return _error(exc.http_status, exc.code, **exc.extra)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        # Router answers (unknown path, wrong method) become JSON like everything else.
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status, "http_error")
        return _error(exc.status, code)
    except Exception:
        logger.exception("demo store: unhandled error on %s %s", request.method, request.path)
        return _error(500, "internal_error")
