"""The demo store: a small shop order system and carrier-tracking service over HTTP.

It stands in for a real platform in development, demos and tests. The server side
(`db`, `models`, `seed`, `api`) needs SQLAlchemy; clients only need `wire`.
"""
