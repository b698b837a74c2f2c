"""Business rules the actions call: ownership checks, order-status reports."""
