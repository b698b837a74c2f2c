"""The human queue. For now: the client interface the hand-off action calls, and a durable
outbox that records each hand-off request until the queue service takes them over."""
