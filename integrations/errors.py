"""Errors every backend adapter raises, whatever platform is behind it."""


class BackendError(Exception):
    """A backend answered, but not with something we can use (bad status, bad payload)."""


class BackendUnavailable(BackendError):
    """A backend could not be reached in time (down, refused, timed out)."""
