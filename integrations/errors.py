"""Errors every backend adapter raises, whatever platform is behind it."""


class BackendError(Exception):
    """A backend answered, but not with something we can use (bad status, bad payload)."""


class BackendUnavailable(BackendError):
    """A backend could not be reached in time (down, refused, timed out)."""


class OrderNotModifiable(BackendError):
    """The backend refused a change in the order's current state (shipped, cancelled, ...)."""

    def __init__(self, number: str, status: str, detail: str = "") -> None:
        super().__init__(f"order {number} cannot be changed in state {status}: {detail}".strip(": "))
        self.number = number
        self.status = status
        self.detail = detail
