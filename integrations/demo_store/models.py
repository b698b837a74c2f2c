"""The demo store's tables: customers, orders, order items, shipments, tracking events.

Times are stored as naive UTC (SQLite has no time zones); money as decimal text,
because SQLite has no exact decimal type and floats would lose cents.
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

    customer = relationship("Customer", back_populates="orders")
    items = relationship(
        "OrderItem", back_populates="order", order_by="OrderItem.id", cascade="all, delete-orphan"
    )
    shipments = relationship(
        "Shipment", back_populates="order", order_by="Shipment.id", cascade="all, delete-orphan"
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
