from integrations.orders.base import Customer, Order, OrderBackend, OrderItem, Address

__all__ = ["Address", "Customer", "Order", "OrderBackend", "OrderItem"]
