"""The demo store's HTTP API (aiohttp): orders, carrier tracking and a health check.

Every /api route needs `Authorization: Bearer <api key>`. Errors are JSON objects with an
"error" code; malformed path values are refused with 400 before any query runs, and an
unexpected failure is a JSON 500 without a traceback.
"""
from __future__ import annotations

import asyncio
import functools
import hmac
import json
import logging
from typing import Any, Awaitable, Callable, Optional

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from integrations.demo_store import models
from integrations.demo_store.db import count_orders, create_tables, make_engine, make_session_factory
from integrations.demo_store.wire import (
    CARRIER_PATTERN,
    ORDER_NUMBER_PATTERN,
    TRACKING_NUMBER_PATTERN,
    format_date,
    format_datetime,
    format_decimal,
)

logger = logging.getLogger(__name__)

SESSION_FACTORY = web.AppKey("session_factory", sessionmaker)
API_KEY = web.AppKey("api_key", str)
MAX_PER_PAGE = 100
MAX_EMAIL_CHARS = 254

_dumps = functools.partial(json.dumps, ensure_ascii=False)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def create_app(db_url: str, api_key: str) -> web.Application:
    """The demo store web app on the database at `db_url` (tables are created if missing)."""
    if not api_key:
        raise ValueError("the demo store needs a non-empty API key")
    engine = make_engine(db_url)
    create_tables(engine)

    app = web.Application(middlewares=[_error_middleware, _auth_middleware])
    app[SESSION_FACTORY] = make_session_factory(engine)
    app[API_KEY] = api_key
    app.router.add_get("/health", health)
    app.router.add_get("/api/orders", list_orders)
    app.router.add_get("/api/orders/{number}", get_order)
    app.router.add_get("/api/tracking/{tracking_number}", get_tracking)

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


def order_payload(order: models.Order) -> dict[str, Any]:
    customer = order.customer
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
            }
            for item in order.items
        ],
        "shipments": [
            {"tracking_number": shipment.tracking_number, "carrier": shipment.carrier}
            for shipment in order.shipments
        ],
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


def _order_query():
    return select(models.Order).options(
        selectinload(models.Order.customer),
        selectinload(models.Order.items),
        selectinload(models.Order.shipments),
    )


# -- queries (run in a worker thread: SQLAlchemy here is synchronous) ---------------------------


def _count(session: Session) -> int:
    return count_orders(session)


def _find_order(session: Session, number: str) -> Optional[dict[str, Any]]:
    order = session.execute(_order_query().where(models.Order.number == number)).scalar_one_or_none()
    return None if order is None else order_payload(order)


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


def _orders_for_email(session: Session, email: str, page: int, per_page: int) -> dict[str, Any]:
    belongs = models.Order.customer_id == models.Customer.id
    total = session.execute(
        select(func.count(models.Order.id)).join(models.Customer, belongs).where(models.Customer.email == email)
    ).scalar_one()
    orders = session.execute(
        _order_query()
        .join(models.Customer, belongs)
        .where(models.Customer.email == email)
        .order_by(models.Order.placed_at.desc(), models.Order.number.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).scalars().all()
    return {"items": [order_payload(o) for o in orders], "page": page, "per_page": per_page, "total": total}


async def _query(request: web.Request, work: Callable[..., Any], *args: Any) -> Any:
    factory = request.app[SESSION_FACTORY]

    def run() -> Any:
        with factory() as session:
            return work(session, *args)

    return await asyncio.get_running_loop().run_in_executor(None, run)


# -- handlers -------------------------------------------------------------------------------------


def _json(payload: Any, status: int = 200) -> web.Response:
    return web.json_response(payload, status=status, dumps=_dumps)


def _error(status: int, code: str, **extra: Any) -> web.Response:
    return _json({"error": code, **extra}, status=status)


async def health(request: web.Request) -> web.Response:
    return _json({"status": "ok", "orders": await _query(request, _count)})


async def get_order(request: web.Request) -> web.Response:
    number = request.match_info["number"]
    if not ORDER_NUMBER_PATTERN.fullmatch(number):
        return _error(400, "invalid_order_number")
    payload = await _query(request, _find_order, number)
    if payload is None:
        return _error(404, "not_found")
    return _json(payload)


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
    return _json(await _query(request, _orders_for_email, email, page, per_page))


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
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        # Router answers (unknown path, wrong method) become JSON like everything else.
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status, "http_error")
        return _error(exc.status, code)
    except Exception:
        logger.exception("demo store: unhandled error on %s %s", request.method, request.path)
        return _error(500, "internal_error")
