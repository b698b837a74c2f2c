"""The demo store: a small shop order system and carrier-tracking service over HTTP.

It stands in for a real platform in development, demos and tests: orders can be read,
cancelled, changed, returned and claimed against, and invoices and return labels open from
signed links. The server side (`db`, `models`, `seed`, `operations`, `documents`, `api`) needs
SQLAlchemy; `links` and `shop` are plain Python; clients only need `wire`.
"""
