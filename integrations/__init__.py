"""Adapters to the outside world: order and logistics backends, the demo store."""
