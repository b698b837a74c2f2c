"""Orders built in memory for the policy rules, which are pure functions of an order."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from integrations.orders.base import Address, Customer, Order, OrderItem, PaymentEvent, ReturnLine, ReturnRequest

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)


def make_order(market="ES", status="delivered", delivered_days_ago=3, items=None, returns=(), payments=None, total="100.00", vip=False, **extra):
    items = items or (
        OrderItem("APP-1002", "Linen Summer Dress", "apparel", 1, Decimal("45.00"), "M / blue", ("L / blue",)),
        OrderItem("BEA-4001", "Vitamin C Serum 30ml", "beauty", 2, Decimal("18.50")),
    )
    placed = NOW - timedelta(days=(delivered_days_ago or 0) + 10)
    return Order(
        number="100900",
        market=market,
        status=status,
        placed_at=placed,
        currency="EUR",
        total=Decimal(total),
        payment_status=extra.pop("payment_status", "paid"),
        payment_method="card",
        customer=Customer("Ana Ruiz", "ana@example.es", "+34600000000", vip=vip),
        shipping_address=Address("Ana Ruiz", "Calle Mayor 5", "Madrid", "28013", "ES"),
        items=tuple(items),
        delivered_at=None if delivered_days_ago is None else NOW - timedelta(days=delivered_days_ago),
        returns=tuple(returns),
        payments=tuple(payments if payments is not None else [PaymentEvent(placed, "captured", Decimal(total), "EUR", "pay_1")]),
        **extra,
    )


def a_return(sku, quantity, status="received"):
    return ReturnRequest("RMA-100900-1", "100900", status, "changed_mind", "unused", NOW - timedelta(days=1), (ReturnLine(sku, quantity),))
