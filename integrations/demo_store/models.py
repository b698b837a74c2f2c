"""The demo store's tables: customers, orders and their items, shipments and tracking events,
payment events, refunds, returns (RMAs) and delivery claims.

Times are stored as naive UTC (SQLite has no time zones); money as decimal text,
because SQLite has no exact decimal type and floats would lose cents. When an order
shipped and was delivered is read from its tracking events, so the two never disagree.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Optional

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    JSON,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

Base = declarative_base()


class DecimalText(TypeDecorator):
    """A Decimal kept as its exact text."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Optional[Decimal], dialect) -> Optional[str]:
        return None if value is None else str(Decimal(value))

    def process_result_value(self, value: Optional[str], dialect) -> Optional[Decimal]:
        return None if value is None else Decimal(value)


class Customer(Base):
    __tablename__ = "customers"

    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False)
    email = Column(String(254), nullable=False, unique=True)  # stored lower-case
    phone = Column(String(20), nullable=False)  # E.164
    market = Column(String(2), nullable=False)
    vip = Column(Boolean, nullable=False, default=False)

    orders = relationship("Order", back_populates="customer")


class Order(Base):
    __tablename__ = "orders"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    market = Column(String(2), nullable=False)
    status = Column(String(32), nullable=False, index=True)
    placed_at = Column(DateTime, nullable=False, index=True)
    currency = Column(String(3), nullable=False)
    total = Column(DecimalText, nullable=False)
    payment_status = Column(String(32), nullable=False)
    payment_method = Column(String(32), nullable=False)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    ship_name = Column(String(120), nullable=False)
    ship_line1 = Column(String(200), nullable=False)
    ship_city = Column(String(100), nullable=False)
    ship_postal_code = Column(String(20), nullable=False)
    ship_country = Column(String(2), nullable=False)
    invoice_number = Column(String(32), nullable=True, unique=True)  # set once paid
    cancelled_at = Column(DateTime, nullable=True)
    cancel_reason = Column(String(500), nullable=True)

    customer = relationship("Customer", back_populates="orders")
    items = relationship(
        "OrderItem", back_populates="order", order_by="OrderItem.id", cascade="all, delete-orphan"
    )
    shipments = relationship(
        "Shipment", back_populates="order", order_by="Shipment.id", cascade="all, delete-orphan"
    )
    payments = relationship(
        "PaymentEvent",
        back_populates="order",
        order_by=lambda: [PaymentEvent.time, PaymentEvent.id],
        cascade="all, delete-orphan",
    )
    # Every refund of the order, those of its returns included.
    refunds = relationship(
        "Refund", back_populates="order", order_by=lambda: [Refund.created_at, Refund.id],
        cascade="all, delete-orphan",
    )
    returns = relationship(
        "ReturnRequest", back_populates="order", order_by=lambda: [ReturnRequest.created_at, ReturnRequest.id],
        cascade="all, delete-orphan",
    )
    claims = relationship(
        "Claim", back_populates="order", order_by=lambda: [Claim.created_at, Claim.id],
        cascade="all, delete-orphan",
    )


class OrderItem(Base):
    __tablename__ = "order_items"

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id"), nullable=False, index=True)
    sku = Column(String(40), nullable=False)
    name = Column(String(200), nullable=False)
    category = Column(String(40), nullable=False)
    quantity = Column(Integer, nullable=False)
    unit_price = Column(DecimalText, nullable=False)
    variant = Column(String(60), nullable=False, default="")  # "M / black"; "" for one-size goods
    variants = Column(JSON, nullable=False, default=list)  # the product's other variants in stock

    order = relationship("Order", back_populates="items")


class Shipment(Base):
    __tablename__ = "shipments"
    __table_args__ = (UniqueConstraint("tracking_number", name="uq_shipments_tracking_number"),)

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id"), nullable=False, index=True)
    tracking_number = Column(String(40), nullable=False)
    carrier = Column(String(30), nullable=False)
    service = Column(String(20), nullable=False)  # express, dedicated_line, postal
    status = Column(String(32), nullable=False)  # one of TRACKING_STATES
    customs_status = Column(String(32), nullable=True)  # one of CUSTOMS_STATES
    estimated_delivery = Column(Date, nullable=True)
    origin_country = Column(String(2), nullable=False)
    destination_country = Column(String(2), nullable=False)

    order = relationship("Order", back_populates="shipments")
    events = relationship(
        "TrackingEvent",
        back_populates="shipment",
        order_by=lambda: [TrackingEvent.time, TrackingEvent.id],
        cascade="all, delete-orphan",
    )


class TrackingEvent(Base):
    __tablename__ = "tracking_events"

    id = Column(Integer, primary_key=True)
    shipment_id = Column(Integer, ForeignKey("shipments.id"), nullable=False, index=True)
    time = Column(DateTime, nullable=False)
    code = Column(String(40), nullable=False)
    location = Column(String(100), nullable=False)
    description = Column(String(300), nullable=False)

    shipment = relationship("Shipment", back_populates="events")


class PaymentEvent(Base):
    __tablename__ = "payment_events"

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id"), nullable=False, index=True)
    time = Column(DateTime, nullable=False)
    kind = Column(String(20), nullable=False)  # one of PAYMENT_EVENT_KINDS
    amount = Column(DecimalText, nullable=False)
    currency = Column(String(3), nullable=False)
    reference = Column(String(40), nullable=False, unique=True)
    decline_code = Column(String(40), nullable=False, default="")

    order = relationship("Order", back_populates="payments")


class Refund(Base):
    __tablename__ = "refunds"

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id"), nullable=False, index=True)
    # Set when the refund pays back a return; None for a cancellation, a claim or a goodwill refund.
    return_id = Column(Integer, ForeignKey("returns.id"), nullable=True, unique=True)
    reference = Column(String(40), nullable=False, unique=True)
    amount = Column(DecimalText, nullable=False)
    currency = Column(String(3), nullable=False)
    method = Column(String(20), nullable=False)  # one of REFUND_METHODS
    status = Column(String(20), nullable=False)  # one of REFUND_STATES
    created_at = Column(DateTime, nullable=False)
    issued_at = Column(DateTime, nullable=True)

    order = relationship("Order", back_populates="refunds")
    return_request = relationship("ReturnRequest", back_populates="refund")


class ReturnRequest(Base):
    __tablename__ = "returns"

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id"), nullable=False, index=True)
    rma = Column(String(40), nullable=False, unique=True)
    status = Column(String(20), nullable=False)  # one of RETURN_STATES
    reason = Column(String(30), nullable=False)  # one of RETURN_REASONS
    condition = Column(String(20), nullable=False)  # one of ITEM_CONDITIONS
    prepaid_label = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False)

    order = relationship("Order", back_populates="returns")
    lines = relationship(
        "ReturnLine", back_populates="return_request", order_by="ReturnLine.id", cascade="all, delete-orphan"
    )
    refund = relationship("Refund", back_populates="return_request", uselist=False)


class ReturnLine(Base):
    __tablename__ = "return_lines"

    id = Column(Integer, primary_key=True)
    return_id = Column(Integer, ForeignKey("returns.id"), nullable=False, index=True)
    sku = Column(String(40), nullable=False)
    name = Column(String(200), nullable=False)
    quantity = Column(Integer, nullable=False)
    unit_price = Column(DecimalText, nullable=False)  # as bought, so a later change cannot alter the refund

    return_request = relationship("ReturnRequest", back_populates="lines")


class Claim(Base):
    __tablename__ = "claims"

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id"), nullable=False, index=True)
    reference = Column(String(40), nullable=False, unique=True)
    kind = Column(String(20), nullable=False)  # one of CLAIM_KINDS
    resolution = Column(String(20), nullable=False)  # one of CLAIM_RESOLUTIONS
    skus = Column(JSON, nullable=False, default=list)  # empty: the whole parcel
    created_at = Column(DateTime, nullable=False)

    order = relationship("Order", back_populates="claims")
