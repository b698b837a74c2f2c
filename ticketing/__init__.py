"""The human queue.

- client.py: the interface the hand-off action calls (HandoffRequest, TicketRef, TicketClient).
- outbox.py: the durable outbox the action server uses today; service.py takes over from it.
- models.py, db.py, migrations/: the ticket database (SQLAlchemy, Alembic; SQLite or PostgreSQL).
- sla.py: business hours per market and the SLA targets per priority.
- service.py: the queue's rules (TicketService); agents.py: agent accounts and passwords.
- feedback.py: shoppers' ratings and comments.
"""
