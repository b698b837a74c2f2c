"""Deterministic demo data: a few hundred orders across fifteen markets, with carrier tracking.

The same seed always yields the same orders, customers, items and tracking numbers; only
the dates move, because they are laid out backwards from the seeding time so the data
always looks fresh (parcels "in transit" are still in transit, ETAs are in the future).
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import ROUND_CEILING, Decimal
from typing import Optional

from sqlalchemy.engine import Engine

from integrations.demo_store import models
from integrations.demo_store.db import (
    count_orders,
    create_tables,
    drop_tables,
    make_session_factory,
    schema_is_outdated,
)
from integrations.demo_store.seed_data import (
    CARRIERS,
    EVENT_WORDING,
    HONG_KONG,
    MAINLAND_EXPORT_GATEWAYS,
    MAINLAND_WAREHOUSES,
    MARKETS,
    PRODUCTS,
    PRODUCTS_BY_SKU,
    TRANSIT_DAYS,
    USD_RATES,
    ZERO_DECIMAL_CURRENCIES,
    City,
    Market,
    Product,
)

SEED = 20240611
ORDER_COUNT = 360
FIRST_ORDER_NUMBER = 100001
# Every order state appears at least this often among the generated orders.
MIN_ORDERS_PER_STATE = 15

# Fixed orders that the README, the stories and the tests refer to.
SHOWCASE_ORDERS: dict[str, dict] = {
    "100234": {"name": "María García", "email": "maria.garcia@example.es", "phone": "+34612345678",
               "market": "ES", "status": "in_transit", "carrier": "yunexpress",
               "tracking_number": "YT2418365402719485"},
    "100235": {"name": "John Smith", "email": "john.smith@example.com", "phone": "+12025550143",
               "market": "US", "status": "delivered", "carrier": "ups",
               "tracking_number": "1Z999AA10123456784"},
    "100236": {"name": "王芳", "email": "wang.fang@example.cn", "phone": "+8613812345678",
               "market": "CN", "status": "customs_hold", "carrier": "cainiao",
               "tracking_number": "LP00618342759013"},
    "100237": {"name": "Lukas Müller", "email": "lukas.mueller@example.de", "phone": "+4915112345678",
               "market": "DE", "status": "processing", "carrier": None, "tracking_number": None},
    "100238": {"name": "佐藤 花子", "email": "hanako.sato@example.jp", "phone": "+819012345678",
               "market": "JP", "status": "out_for_delivery", "carrier": "dhl",
               "tracking_number": "4839201754"},
    "100239": {"name": "Oliver Brown", "email": "oliver.brown@example.co.uk", "phone": "+447700900123",
               "market": "GB", "status": "lost", "carrier": "china_post",
               "tracking_number": "LX204817360CN"},
    "100240": {"name": "Camille Dubois", "email": "camille.dubois@example.fr", "phone": "+33612345678",
               "market": "FR", "status": "delivery_failed", "carrier": "fedex",
               "tracking_number": "784512369021"},
    "100241": {"name": "Ana Souza", "email": "ana.souza@example.com.br", "phone": "+5511912345678",
               "market": "BR", "status": "cancelled", "carrier": None, "tracking_number": None},
    # Returns, cancellations, changes, payments and claims. Optional keys: "items" as
    # (sku, quantity, variant); "timeline" pins days before the seeding (see _Pin); "parcel" is
    # the parcel's own state when it differs from the order's; "payment_status", "payment_method",
    # "decline_code", "double_charge", "vip", "return", "cancelled_days_ago", "refund_issued_days_ago".
    "100242": {"name": "Lucía Fernández", "email": "lucia.fernandez@example.es", "phone": "+34622345678",
               "market": "ES", "status": "delivered", "carrier": "yunexpress",
               "tracking_number": "YT2418365402719502", "timeline": {"delivered_days_ago": 3},
               "items": (("APP-1002", 1, "M / sand"), ("APP-1001", 2, "L / white"))},
    "100243": {"name": "Sophie Wagner", "email": "sophie.wagner@example.de", "phone": "+4917612345678",
               "market": "DE", "status": "delivered", "carrier": "dhl", "tracking_number": "5739201845",
               "timeline": {"delivered_days_ago": 30}, "items": (("SHO-2001", 1, "EU 39 / white"),)},
    "100244": {"name": "Michael Davis", "email": "michael.davis@example.com", "phone": "+12125550187",
               "market": "US", "status": "delivered", "carrier": "ups", "tracking_number": "1ZA1B2C36612345671",
               "timeline": {"delivered_days_ago": 20},
               "items": (("ELE-3002", 1, ""), ("APP-1005", 1, "L / black"))},
    "100245": {"name": "Léa Martin", "email": "lea.martin@example.fr", "phone": "+33687654321",
               "market": "FR", "status": "delivered", "carrier": "fedex", "tracking_number": "784512369538",
               "timeline": {"delivered_days_ago": 5},
               "items": (("APP-1004", 1, "S / grey"), ("UND-1101", 1, "M / black"))},
    "100246": {"name": "Giulia Rossi", "email": "giulia.rossi@example.it", "phone": "+393471234567",
               "market": "IT", "status": "returned", "parcel": "delivered", "carrier": "cainiao",
               "tracking_number": "LP00528364917305", "timeline": {"delivered_days_ago": 25},
               "payment_status": "paid", "items": (("SHO-2002", 1, "EU 38 / black"),),
               "return": {"lines": (("SHO-2002", 1),), "reason": "wrong_size", "condition": "unused",
                          "status": "received", "requested_days_ago": 22, "refund_status": "processing",
                          "prepaid_label": True}},
    "100247": {"name": "Amelia Hughes", "email": "amelia.hughes@example.co.uk", "phone": "+447700900456",
               "market": "GB", "status": "processing", "carrier": None, "tracking_number": None,
               "items": (("APP-1006", 1, "M / navy"), ("SHO-2003", 1, "EU 40 / white"))},
    "100248": {"name": "鈴木 陽菜", "email": "hina.suzuki@example.jp", "phone": "+818012345678",
               "market": "JP", "status": "pending_payment", "carrier": None, "tracking_number": None,
               "payment_status": "failed", "payment_method": "card", "decline_code": "insufficient_funds",
               "items": (("ELE-3001", 1, ""), ("BEA-4002", 1, ""))},
    "100249": {"name": "Jessica Wilson", "email": "jessica.wilson@example.com", "phone": "+14155550142",
               "market": "US", "status": "processing", "carrier": None, "tracking_number": None,
               "payment_status": "paid", "payment_method": "card", "double_charge": True,
               "items": (("HOM-5003", 1, ""),)},
    "100250": {"name": "李娜", "email": "li.na@example.cn", "phone": "+8613912345678",
               "market": "CN", "status": "in_transit", "carrier": "cainiao", "tracking_number": "LP00739152846027",
               "timeline": {"last_scan_days_ago": 12, "eta_days_ago": 6}},
    "100251": {"name": "Robert Anderson", "email": "robert.anderson@example.com", "phone": "+16175550111",
               "market": "US", "status": "processing", "carrier": None, "tracking_number": None, "vip": True,
               "payment_status": "paid", "items": (("ELE-3007", 30, ""), ("ELE-3002", 25, ""))},
    "100252": {"name": "Javier López", "email": "javier.lopez@example.es", "phone": "+34633456789",
               "market": "ES", "status": "cancelled", "carrier": None, "tracking_number": None,
               "payment_status": "refunded", "payment_method": "card", "timeline": {"placed_days_ago": 6},
               "cancelled_days_ago": 5, "refund_issued_days_ago": 3,
               "items": (("BAG-9003", 1, ""),)},
    "100253": {"name": "Jonas Becker", "email": "jonas.becker@example.de", "phone": "+4916012345678",
               "market": "DE", "status": "in_transit", "carrier": "dhl", "tracking_number": "4829173650",
               "timeline": {"shipped_days_ago": 2}, "items": (("ACC-8004", 1, ""), ("BAG-9001", 1, ""))},
}
# The showcase in-transit parcel has left China and awaits import customs in Spain; the late one
# left Hong Kong and has not been scanned since.
_SHOWCASE_CUTS = {"100234": "arrived_destination_country", "100250": "departed_origin_country"}

# A returning shopper with enough orders to page through.
REPEAT_CUSTOMER: dict = {
    "name": "Emily Johnson", "email": "emily.johnson@example.com", "phone": "+12025550178",
    "market": "US", "orders": 24,
}

STATE_WEIGHTS: dict[str, int] = {
    "pending_payment": 6, "paid": 8, "processing": 10, "shipped": 15, "in_transit": 35,
    "customs_hold": 6, "out_for_delivery": 5, "delivered": 60, "delivery_failed": 3, "lost": 2,
    "cancelled": 4, "returned": 2, "refunded": 1,
}
SHIPPED_STATES = frozenset({
    "shipped", "in_transit", "customs_hold", "out_for_delivery", "delivered", "delivery_failed",
    "lost", "returned",
})  # refunded orders have a returned shipment about half the time

HAPPY_PATH = (
    "label_created", "picked_up", "departed_origin_facility", "export_customs_cleared",
    "departed_origin_country", "arrived_destination_country", "import_customs_processing",
    "import_customs_cleared", "arrived_delivery_facility", "out_for_delivery", "delivered",
)
# Where each milestone falls, as a share of the door-to-door time.
_MILESTONE_SHARE = {
    "departed_origin_facility": 0.10, "export_customs_cleared": 0.16, "departed_origin_country": 0.22,
    "arrived_destination_country": 0.40, "import_customs_processing": 0.45,
    "import_customs_cleared": 0.55, "arrived_delivery_facility": 0.80,
}
_IN_TRANSIT_CUTS = (
    ("departed_origin_facility", 2), ("export_customs_cleared", 2), ("departed_origin_country", 4),
    ("arrived_destination_country", 3), ("import_customs_processing", 2), ("import_customs_cleared", 2),
    ("arrived_delivery_facility", 3),
)
_LOST_CUTS = ("departed_origin_facility", "export_customs_cleared", "departed_origin_country",
              "arrived_destination_country")
# Customs status after each event; exception_lost leaves it as it was.
_CUSTOMS_AFTER = {
    "label_created": None, "picked_up": None, "departed_origin_facility": None,
    "export_customs_cleared": None, "departed_origin_country": "pending",
    "arrived_destination_country": "pending", "import_customs_processing": "processing",
    "customs_held": "held", "import_customs_cleared": "cleared", "arrived_delivery_facility": "cleared",
    "out_for_delivery": "cleared", "delivery_attempt_failed": "cleared", "delivered": "cleared",
    "returned_to_sender": "cleared",
}
_TRACKING_STATUS = {
    "in_transit": "in_transit", "customs_hold": "customs_hold", "out_for_delivery": "out_for_delivery",
    "delivered": "delivered", "delivery_failed": "delivery_failed", "lost": "lost",
    "returned": "returned", "refunded": "returned",
}
_ORIGIN_CODES = frozenset({"label_created", "picked_up", "departed_origin_facility"})
_EXPORT_CODES = frozenset({"export_customs_cleared", "departed_origin_country"})
_IMPORT_CODES = frozenset({"arrived_destination_country", "import_customs_processing", "customs_held",
                           "import_customs_cleared"})


@dataclass
class _Timeline:
    """Event times in hours after the label was created, and where "now" falls."""

    events: list[tuple[str, float]]
    now: float
    eta: Optional[float]  # hours after the label, or None


@dataclass
class _Draft:
    order: models.Order
    placed_ago: timedelta


@dataclass(frozen=True)
class _Pin:
    """Days before the seeding that a showcase order's timeline must show exactly."""

    delivered_days_ago: Optional[float] = None
    shipped_days_ago: Optional[float] = None  # the label was made then; the parcel is on its way
    last_scan_days_ago: Optional[float] = None  # a late parcel: last scan, and an ETA already past
    eta_days_ago: Optional[float] = None
    placed_days_ago: Optional[float] = None  # for orders that have not shipped


def build_orders(now: Optional[datetime] = None) -> list[models.Order]:
    """All demo orders as unsaved ORM objects, with dates laid out back from `now`."""
    return _Builder(_naive_utc(now)).build()


def seed_database(engine: Engine, *, now: Optional[datetime] = None, reset: bool = False) -> int:
    """Seed the demo store; returns the number of orders created (0 if it already had orders).

    A database left by an older version of the store is dropped and seeded afresh: it only
    holds demo data, and the API could not read it."""
    if reset or schema_is_outdated(engine):
        drop_tables(engine)
    create_tables(engine)
    session_factory = make_session_factory(engine)
    with session_factory() as session, session.begin():
        if count_orders(session):
            return 0
        orders = build_orders(now)
        session.add_all(orders)
    return len(orders)


def _naive_utc(now: Optional[datetime]) -> datetime:
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is not None:
        now = now.astimezone(timezone.utc).replace(tzinfo=None)
    return now.replace(microsecond=0)


class _Builder:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.rng = random.Random(SEED)
        self.emails: set[str] = {spec["email"] for spec in SHOWCASE_ORDERS.values()} | {REPEAT_CUSTOMER["email"]}
        self.phones: set[str] = {spec["phone"] for spec in SHOWCASE_ORDERS.values()} | {REPEAT_CUSTOMER["phone"]}
        self.tracking_numbers: set[str] = {
            spec["tracking_number"] for spec in SHOWCASE_ORDERS.values() if spec["tracking_number"]
        }
        self.addresses: dict[str, tuple[City, str, str]] = {}  # by customer e-mail
        self.customers_by_market: dict[str, list[models.Customer]] = {code: [] for code in MARKETS}

    def build(self) -> list[models.Order]:
        showcase = [self._showcase_order(number, spec) for number, spec in SHOWCASE_ORDERS.items()]
        generated = self._generated_orders()
        # Numbers follow placement time, as in a real shop; showcase numbers are kept out of the pool.
        generated.sort(key=lambda draft: draft.placed_ago, reverse=True)
        pool = (
            str(n) for n in range(FIRST_ORDER_NUMBER, FIRST_ORDER_NUMBER + ORDER_COUNT)
            if str(n) not in SHOWCASE_ORDERS
        )
        for draft, number in zip(generated, pool):
            draft.order.number = number
        orders = [draft.order for draft in generated] + showcase
        self._mark_vips(orders)
        for order in orders:
            _Ledger(self.now, order, SHOWCASE_ORDERS.get(order.number, {})).fill()
        return sorted(orders, key=lambda order: order.number)

    # -- orders -------------------------------------------------------------------------------

    def _generated_orders(self) -> list[_Draft]:
        rng = self.rng
        count = ORDER_COUNT - len(SHOWCASE_ORDERS)
        states = [state for state in STATE_WEIGHTS for _ in range(MIN_ORDERS_PER_STATE)]
        states += rng.choices(list(STATE_WEIGHTS), weights=list(STATE_WEIGHTS.values()),
                              k=count - len(states))
        rng.shuffle(states)

        repeat = models.Customer(
            name=REPEAT_CUSTOMER["name"], email=REPEAT_CUSTOMER["email"], phone=REPEAT_CUSTOMER["phone"],
            market=REPEAT_CUSTOMER["market"], vip=False,
        )
        markets = list(MARKETS.values())
        drafts = []
        for index, state in enumerate(states):
            if index < REPEAT_CUSTOMER["orders"]:
                customer, market = repeat, MARKETS[repeat.market]
            else:
                market = rng.choices(markets, weights=[m.weight for m in markets])[0]
                customer = self._pick_customer(rng, market)
            drafts.append(self._order(rng, customer, market, state))
        return drafts

    def _showcase_order(self, number: str, spec: dict) -> models.Order:
        rng = random.Random(f"{SEED}:{number}")
        market = MARKETS[spec["market"]]
        customer = models.Customer(
            name=spec["name"], email=spec["email"], phone=spec["phone"], market=spec["market"],
            vip=spec.get("vip", False),
        )
        items = None
        if "items" in spec:
            items = [_item(PRODUCTS_BY_SKU[sku], quantity, market.currency) for sku, quantity, _ in spec["items"]]
        draft = self._order(
            rng, customer, market, spec["status"],
            carrier_code=spec["carrier"], tracking_number=spec["tracking_number"],
            cut=_SHOWCASE_CUTS.get(number), items=items, pin=_Pin(**spec.get("timeline", {})),
            parcel_state=spec.get("parcel"),
        )
        order = draft.order
        order.number = number
        order.payment_status = spec.get("payment_status", order.payment_status)
        order.payment_method = spec.get("payment_method", order.payment_method)
        return order

    def _order(
        self,
        rng: random.Random,
        customer: models.Customer,
        market: Market,
        state: str,
        *,
        carrier_code: Optional[str] = None,
        tracking_number: Optional[str] = None,
        cut: Optional[str] = None,
        items: Optional[list[models.OrderItem]] = None,
        pin: _Pin = _Pin(),
        parcel_state: Optional[str] = None,
    ) -> _Draft:
        city, line1, postal_code = self._address(rng, customer, market)
        if items is None:
            items = self._items(rng, market.currency)
        methods, weights = zip(*market.payment_methods)
        order = models.Order(
            market=market.code,
            status=state,
            currency=market.currency,
            total=sum((item.unit_price * item.quantity for item in items), Decimal(0)),
            payment_status=_payment_status(rng, state),
            payment_method=rng.choices(methods, weights=weights)[0],
            customer=customer,
            ship_name=customer.name,
            ship_line1=line1,
            ship_city=city.local,
            ship_postal_code=postal_code,
            ship_country=market.code,
            items=items,
        )
        ships = state in SHIPPED_STATES or (state == "refunded" and rng.random() < 0.5)
        if not ships:
            hours = _unshipped_age_hours(rng, state) if pin.placed_days_ago is None else pin.placed_days_ago * 24
            placed_ago = timedelta(seconds=round(hours * 3600))
        else:
            shipment, label_ago = self._shipment(
                rng, market, city, parcel_state or state, carrier_code, tracking_number, cut, pin
            )
            order.shipments = [shipment]
            # Paid, picked and packed before the label: hours to a few days.
            placed_ago = label_ago + timedelta(seconds=round(rng.uniform(6, 72) * 3600))
        order.placed_at = self.now - placed_ago
        return _Draft(order=order, placed_ago=placed_ago)

    def _items(self, rng: random.Random, currency: str) -> list[models.OrderItem]:
        count = rng.choices((1, 2, 3, 4), weights=(55, 28, 12, 5))[0]
        return [
            _item(product, rng.choices((1, 2, 3), weights=(80, 15, 5))[0], currency)
            for product in rng.sample(PRODUCTS, count)
        ]

    # -- shipments ----------------------------------------------------------------------------

    def _shipment(
        self,
        rng: random.Random,
        market: Market,
        city: City,
        state: str,
        carrier_code: Optional[str],
        tracking_number: Optional[str],
        cut: Optional[str],
        pin: _Pin = _Pin(),
    ) -> tuple[models.Shipment, timedelta]:
        if carrier_code is None:
            candidates = [c for c in CARRIERS.values() if market.code != "CN" or c.ships_to_cn]
            carrier_code = rng.choices(candidates, weights=[c.weight for c in candidates])[0].code
        carrier = CARRIERS[carrier_code]
        origin_country, warehouse, export_gateway = _origin(rng, market, carrier_code)
        import_gateway = rng.choice(market.gateways)
        if tracking_number is None:
            tracking_number = self._new_tracking_number(rng, carrier_code)

        timeline = _timeline(rng, carrier.service, state, cut, pin)
        events = []
        customs_status: Optional[str] = None
        location = f"{warehouse}, {origin_country}"
        for code, hours in timeline.events:
            if code in _ORIGIN_CODES:
                location = f"{warehouse}, {origin_country}"
            elif code in _EXPORT_CODES:
                location = f"{export_gateway}, {origin_country}"
            elif code in _IMPORT_CODES:
                location = f"{import_gateway}, {market.code}"
            elif code != "exception_lost":  # a lost parcel is reported where it was last scanned
                location = f"{city.english}, {market.code}"
            customs_status = _CUSTOMS_AFTER.get(code, customs_status)
            events.append(models.TrackingEvent(
                time=self._at(timeline, hours), code=code, location=location,
                description=rng.choice(EVENT_WORDING[carrier.service][code]),
            ))

        last_code = timeline.events[-1][0]
        if state == "shipped":
            status = "info_received" if last_code == "label_created" else "in_transit"
        else:
            status = _TRACKING_STATUS[state]
        shipment = models.Shipment(
            tracking_number=tracking_number, carrier=carrier_code, service=carrier.service,
            status=status, customs_status=customs_status,
            estimated_delivery=None if timeline.eta is None else self._at(timeline, timeline.eta).date(),
            origin_country=origin_country, destination_country=market.code, events=events,
        )
        label_ago = timedelta(seconds=round(timeline.now * 3600))
        return shipment, label_ago

    def _at(self, timeline: _Timeline, hours: float) -> datetime:
        return self.now - timedelta(seconds=round((timeline.now - hours) * 3600))

    def _new_tracking_number(self, rng: random.Random, carrier: str) -> str:
        while True:
            number = _tracking_number(rng, carrier)
            if number not in self.tracking_numbers:
                self.tracking_numbers.add(number)
                return number

    # -- customers ----------------------------------------------------------------------------

    def _pick_customer(self, rng: random.Random, market: Market) -> models.Customer:
        known = self.customers_by_market[market.code]
        if known and rng.random() < 0.3:
            return rng.choice(known)
        customer = self._new_customer(rng, market)
        known.append(customer)
        return customer

    def _new_customer(self, rng: random.Random, market: Market) -> models.Customer:
        given = rng.choice(market.given_names)
        given_local, given_ascii, gender = _name_parts(given, market.code)
        family = rng.choice(market.family_names)
        if isinstance(family, tuple) and len(family) == 4:  # gendered family names
            family = family[2:] if gender == "f" else family[:2]
        family_local, family_ascii, _ = _name_parts(family, market.code)

        if market.name_style == "family given":
            name = f"{family_local} {given_local}"
        elif market.name_style == "familygiven":
            name = f"{family_local}{given_local}"
        else:
            name = f"{given_local} {family_local}"
        parts = (family_ascii, given_ascii) if market.email_style == "family.given" else (given_ascii, family_ascii)
        local_part = ".".join(parts)
        email = f"{local_part}@{market.email_domain}"
        while email in self.emails:
            email = f"{local_part}{rng.randint(10, 99)}@{market.email_domain}"
        self.emails.add(email)

        phone = self._new_phone(rng, market)
        return models.Customer(name=name, email=email, phone=phone, market=market.code, vip=False)

    def _new_phone(self, rng: random.Random, market: Market) -> str:
        while True:
            phone = rng.choice(market.phone_prefixes) + "".join(
                str(rng.randint(0, 9)) for _ in range(market.phone_digits)
            )
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def _address(self, rng: random.Random, customer: models.Customer, market: Market) -> tuple[City, str, str]:
        # A returning customer ships to the same address.
        if customer.email not in self.addresses:
            city = rng.choice(market.cities)
            template = rng.choice(city.streets or market.streets)
            line1 = template.format(
                n=rng.randint(1, 250), a=rng.randint(1, 60), f=rng.randint(1, 8),
                b=rng.randint(1, 5), c=rng.randint(1, 20), d=rng.randint(1, 15),
            )
            self.addresses[customer.email] = (city, line1, _postal_code(rng, city.postal))
        return self.addresses[customer.email]

    def _mark_vips(self, orders: list[models.Order]) -> None:
        counts: dict[str, int] = {}
        for order in orders:
            counts[order.customer.email] = counts.get(order.customer.email, 0) + 1
        showcase_emails = {spec["email"] for spec in SHOWCASE_ORDERS.values()}
        seen: set[str] = set()
        for order in orders:
            customer = order.customer
            if customer.email in seen or customer.email in showcase_emails:
                continue
            seen.add(customer.email)
            customer.vip = counts[customer.email] >= 4 or self.rng.random() < 0.06


# -- variants, payments, refunds and returns ------------------------------------------------------

_CARD_METHODS = frozenset({"card", "apple_pay", "google_pay", "mada", "unionpay"})
_CARD_DECLINES = ("insufficient_funds", "card_declined", "expired_card", "do_not_honor")
_CANCEL_REASONS = ("ordered by mistake", "found a better price", "delivery takes too long", "changed my mind")
# Deducted when a refused parcel comes back: the return shipping the shop paid (USD, converted).
_REFUSED_PARCEL_FEE_USD = Decimal("8.00")
_PAID = frozenset({"paid", "refunded", "partially_refunded"})


class _Ledger:
    """Fills in what follows from an order's state once it has its number: item variants,
    payment events, the invoice number, refunds and a showcase's return. Its own random
    stream per order, so none of this moves the orders, dates or parcels drawn before."""

    def __init__(self, now: datetime, order: models.Order, spec: dict) -> None:
        self.now = now
        self.order = order
        self.spec = spec
        self.rng = random.Random(f"{SEED}:{order.number}:ledger")

    def fill(self) -> None:
        self._variants()
        self._payments()
        if "return" in self.spec:
            self._showcase_return(self.spec["return"])
        elif self.order.status == "cancelled":
            self._cancellation()
        elif self.order.status in ("refunded", "returned"):
            self._refund_after_return_to_sender()

    def _variants(self) -> None:
        pinned = {sku: variant for sku, _, variant in self.spec.get("items", ())}
        for item in self.order.items:
            choices = PRODUCTS_BY_SKU[item.sku].variants
            if not choices:
                item.variant, item.variants = "", []
                continue
            item.variant = pinned.get(item.sku) or self.rng.choice(choices)
            if item.variant not in choices:
                raise ValueError(f"{item.sku} has no variant {item.variant!r}")
            # Some sizes are sold out: about two in three of the others are in stock.
            item.variants = [v for v in choices if v != item.variant and self.rng.random() < 0.65]

    def _payments(self) -> None:
        order, rng = self.order, self.rng
        paid_at = order.placed_at + timedelta(seconds=rng.randint(20, 900))
        if order.payment_status == "failed":
            code = self.spec.get("decline_code") or (
                rng.choice(_CARD_DECLINES) if order.payment_method in _CARD_METHODS else "payment_expired"
            )
            self._event(paid_at, "failed", order.total, decline_code=code)
        elif order.payment_status in _PAID:
            self._event(paid_at, "captured", order.total)
            if self.spec.get("double_charge"):
                # The processor took the amount twice (a retried checkout): the shop owes one back.
                self._event(paid_at + timedelta(seconds=rng.randint(40, 120)), "captured", order.total)
            order.invoice_number = f"INV-{order.number}"

    def _cancellation(self) -> None:
        order, spec = self.order, self.spec
        if "cancelled_days_ago" in spec:
            order.cancelled_at = self._days_ago(spec["cancelled_days_ago"])
        else:
            order.cancelled_at = self._after(order.placed_at, hours=(1, 72))
        if order.payment_status == "failed":
            order.cancel_reason = "payment not completed"
            return
        order.cancel_reason = self.rng.choice(_CANCEL_REASONS)
        if order.payment_status == "refunded":
            issued = spec.get("refund_issued_days_ago")
            self._refund(
                order.total, order.cancelled_at, "issued",
                issued_at=None if issued is None else self._days_ago(issued),
            )

    def _refund_after_return_to_sender(self) -> None:
        order = self.order
        start = order.shipments[-1].events[-1].time if order.shipments else order.placed_at
        created = self._after(start, hours=(12, 72))
        if order.payment_status == "refunded":
            self._refund(order.total, created, "issued")
        elif order.payment_status == "partially_refunded":
            fee = _local_price(_REFUSED_PARCEL_FEE_USD, order.currency)
            self._refund(order.total - fee, created, "issued")
        else:
            # Back at the warehouse, waiting for inspection.
            self._refund(order.total, created, "processing")

    def _showcase_return(self, spec: dict) -> None:
        order = self.order
        prices = {item.sku: item for item in order.items}
        created = self._days_ago(spec["requested_days_ago"])
        lines = [
            models.ReturnLine(sku=sku, name=prices[sku].name, quantity=quantity, unit_price=prices[sku].unit_price)
            for sku, quantity in spec["lines"]
        ]
        request = models.ReturnRequest(
            rma=f"RMA-{order.number}-1", status=spec["status"], reason=spec["reason"],
            condition=spec["condition"], prepaid_label=spec["prepaid_label"], created_at=created, lines=lines,
        )
        order.returns.append(request)
        amount = sum((line.unit_price * line.quantity for line in lines), Decimal(0))
        request.refund = self._refund(amount, created, spec["refund_status"])

    def _refund(
        self, amount: Decimal, created: datetime, status: str, *, issued_at: Optional[datetime] = None
    ) -> models.Refund:
        order = self.order
        if status == "issued":
            issued_at = issued_at or self._after(created, hours=(24, 120))
            self._event(issued_at, "refunded", amount)
        refund = models.Refund(
            reference=f"RF-{order.number}-{len(order.refunds) + 1}", amount=amount, currency=order.currency,
            method="original_payment", status=status, created_at=created,
            issued_at=issued_at if status == "issued" else None,
        )
        order.refunds.append(refund)
        return refund

    def _event(self, at: datetime, kind: str, amount: Decimal, decline_code: str = "") -> None:
        order = self.order
        order.payments.append(models.PaymentEvent(
            time=at, kind=kind, amount=amount, currency=order.currency,
            reference=f"PAY-{order.number}-{len(order.payments) + 1}", decline_code=decline_code,
        ))

    def _after(self, start: datetime, *, hours: tuple[float, float]) -> datetime:
        """A moment some hours after `start`, but always before now."""
        wanted = timedelta(hours=self.rng.uniform(*hours))
        room = (self.now - start) * self.rng.uniform(0.3, 0.9)
        return (start + min(wanted, room)).replace(microsecond=0)

    def _days_ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)


# -- timelines ----------------------------------------------------------------------------------


def _happy_path(rng: random.Random, service: str) -> dict[str, float]:
    """Planned hours after the label for each milestone up to delivery."""
    total = rng.uniform(*TRANSIT_DAYS[service]) * 24
    times = {"label_created": 0.0, "picked_up": rng.uniform(2, 20)}
    previous = times["picked_up"]
    for code, share in _MILESTONE_SHARE.items():
        previous = max(previous + rng.uniform(1, 4), total * share * rng.uniform(0.9, 1.1))
        times[code] = previous
    times["out_for_delivery"] = max(previous + rng.uniform(3, 12), total - rng.uniform(3, 7))
    times["delivered"] = max(times["out_for_delivery"] + rng.uniform(1.5, 6), total)
    return times


def _until(plan: dict[str, float], last: str) -> list[tuple[str, float]]:
    codes = HAPPY_PATH[: HAPPY_PATH.index(last) + 1]
    return [(code, plan[code]) for code in codes]


def _between(rng: random.Random, plan: dict[str, float], last: str) -> float:
    """A moment after `last` and before the next planned milestone."""
    following = HAPPY_PATH[HAPPY_PATH.index(last) + 1]
    return plan[last] + rng.uniform(0.15, 0.85) * (plan[following] - plan[last])


def _timeline(rng: random.Random, service: str, state: str, cut: Optional[str] = None, pin: _Pin = _Pin()) -> _Timeline:
    plan = _happy_path(rng, service)
    delivered_at = plan["delivered"]
    hour, day = 1.0, 24.0

    if pin.delivered_days_ago is not None:
        return _Timeline(_until(plan, "delivered"), delivered_at + pin.delivered_days_ago * day, None)
    if pin.shipped_days_ago is not None:
        now = pin.shipped_days_ago * day
        events = [(code, at) for code, at in _until(plan, "arrived_delivery_facility") if at < now]
        return _Timeline(events, now, delivered_at)
    if pin.last_scan_days_ago is not None:
        events = _until(plan, cut or "departed_origin_country")
        now = events[-1][1] + pin.last_scan_days_ago * day
        return _Timeline(events, now, now - (pin.eta_days_ago or 0) * day)

    if state in ("shipped", "in_transit", "out_for_delivery"):
        if cut is None:
            if state == "shipped":
                cut = rng.choice(("label_created", "picked_up"))
            elif state == "in_transit":
                codes, weights = zip(*_IN_TRANSIT_CUTS)
                cut = rng.choices(codes, weights=weights)[0]
            else:
                cut = "out_for_delivery"
        return _Timeline(_until(plan, cut), _between(rng, plan, cut), delivered_at)

    if state == "delivered":
        return _Timeline(_until(plan, "delivered"), delivered_at + rng.uniform(5 * hour, 40 * day), None)

    if state == "customs_hold":
        events = _until(plan, "import_customs_processing")
        held_at = events[-1][1] + rng.uniform(4, 30)
        now = held_at + rng.uniform(12 * hour, 6 * day)
        return _Timeline(events + [("customs_held", held_at)], now, now + rng.uniform(2 * day, 5 * day))

    if state == "delivery_failed":
        events = _until(plan, "out_for_delivery")
        failed_at = events[-1][1] + rng.uniform(2, 8)
        # The next attempt is planned for the following day.
        return _Timeline(events + [("delivery_attempt_failed", failed_at)],
                         failed_at + rng.uniform(1, 20), failed_at + day)

    if state == "lost":
        events = _until(plan, cut or rng.choice(_LOST_CUTS))
        # The carrier declares a parcel lost after it has not been scanned for a while.
        lost_at = events[-1][1] + rng.uniform(10 * day, 25 * day)
        return _Timeline(events + [("exception_lost", lost_at)], lost_at + rng.uniform(12, 240), None)

    if state in ("returned", "refunded"):
        events = _until(plan, "out_for_delivery")
        at = events[-1][1] + rng.uniform(2, 8)
        events.append(("delivery_attempt_failed", at))
        if rng.random() < 0.5:
            at += rng.uniform(16, 26)
            events.append(("out_for_delivery", at))
            at += rng.uniform(2, 8)
            events.append(("delivery_attempt_failed", at))
        # Held for collection for about a week, then sent back.
        at += rng.uniform(5 * day, 10 * day)
        events.append(("returned_to_sender", at))
        settle = (1 * day, 25 * day) if state == "returned" else (5 * day, 30 * day)
        return _Timeline(events, at + rng.uniform(*settle), None)

    raise ValueError(f"no shipment timeline for state {state!r}")


def _unshipped_age_hours(rng: random.Random, state: str) -> float:
    ranges = {
        "pending_payment": (0.1, 30), "paid": (0.5, 18), "processing": (10, 70),
        "cancelled": (24, 45 * 24), "refunded": (72, 50 * 24),
    }
    return rng.uniform(*ranges[state])


def _payment_status(rng: random.Random, state: str) -> str:
    if state == "pending_payment":
        return "failed" if rng.random() < 0.2 else "pending"
    if state == "cancelled":
        return "refunded" if rng.random() < 0.55 else "failed"
    if state == "returned":
        # A refund follows once the warehouse has inspected the returned parcel.
        return "partially_refunded" if rng.random() < 0.4 else "paid"
    if state == "refunded":
        return "refunded"
    return "paid"


def _origin(rng: random.Random, market: Market, carrier: str) -> tuple[str, str, str]:
    """(origin country, warehouse city, export gateway city)."""
    from_hong_kong = market.code == "CN" or carrier == "hongkong_post" or (carrier == "dhl" and rng.random() < 0.5)
    if from_hong_kong:
        return "HK", HONG_KONG, HONG_KONG
    return "CN", rng.choice(MAINLAND_WAREHOUSES), rng.choice(MAINLAND_EXPORT_GATEWAYS)


# -- formats --------------------------------------------------------------------------------------


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(count))


def _s10(prefix: str, serial: str, country: str) -> str:
    """A UPU S10 item identifier (e.g. LX123456785CN) with its check digit."""
    total = sum(int(d) * w for d, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7)))
    check = 11 - total % 11
    check = {10: 0, 11: 5}.get(check, check)
    return f"{prefix}{serial}{check}{country}"


def _ups_check_digit(body: str) -> int:
    total = 0
    for position, char in enumerate(body):
        value = int(char) if char.isdigit() else (ord(char) - 63) % 10
        total += value * 2 if position % 2 else value
    return (10 - total % 10) % 10


def _tracking_number(rng: random.Random, carrier: str) -> str:
    if carrier == "ups":  # 1Z + shipper (6) + service (2) + package (7) + check digit = 18
        shipper = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(6))
        body = shipper + rng.choice(("66", "65", "01", "04")) + _digits(rng, 7)
        return f"1Z{body}{_ups_check_digit(body)}"
    if carrier == "dhl":  # 10 digits, the last one the first nine modulo 7
        body = str(rng.randint(1, 9)) + _digits(rng, 8)
        return f"{body}{int(body) % 7}"
    if carrier == "fedex":
        return "7" + _digits(rng, 11)
    if carrier == "china_post":
        return _s10(rng.choice(("LX", "LY", "LZ", "RR")), _digits(rng, 8), "CN")
    if carrier == "hongkong_post":
        return _s10(rng.choice(("RB", "RC", "LP")), _digits(rng, 8), "HK")
    if carrier == "cainiao":
        return "LP00" + _digits(rng, 12)
    if carrier == "yunexpress":
        return "YT" + _digits(rng, 16)
    raise ValueError(f"unknown carrier {carrier!r}")


def _postal_code(rng: random.Random, pattern: str) -> str:
    return "".join(
        str(rng.randint(0, 9)) if ch == "#" else rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") if ch == "A" else ch
        for ch in pattern
    )


def _item(product: Product, quantity: int, currency: str) -> models.OrderItem:
    # The variant is chosen later, with the payments, so adding variants moved no other seeded value.
    return models.OrderItem(
        sku=product.sku, name=product.name, category=product.category, quantity=quantity,
        unit_price=_local_price(product.usd_price, currency),
    )


def _local_price(usd: Decimal, currency: str) -> Decimal:
    """A shelf price in the local currency: 2,980 yen, 1,790.00 roubles, 18.99 euros."""
    amount = usd * USD_RATES[currency]
    if currency in ZERO_DECIMAL_CURRENCIES:
        return (amount / 100).to_integral_value(ROUND_CEILING) * 100 - 20
    if currency == "RUB":
        return ((amount / 10).to_integral_value(ROUND_CEILING) * 10).quantize(Decimal("0.01"))
    return amount.to_integral_value(ROUND_CEILING) - Decimal("0.01")


_GERMAN_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _ascii_slug(text: str, market: str) -> str:
    text = text.lower()
    if market == "DE":
        text = text.translate(_GERMAN_TRANSLITERATION)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def _name_parts(entry, market: str) -> tuple[str, str, Optional[str]]:
    """(local spelling, ASCII for e-mails, gender or None) from a name entry."""
    if isinstance(entry, str):
        return entry, _ascii_slug(entry, market), None
    local, ascii_name = entry[0], entry[1]
    return local, ascii_name, entry[2] if len(entry) > 2 else None
