"""Domain errors raised by services and translated to responses by views and the API."""

from django.core.exceptions import PermissionDenied


class NotAllowed(PermissionDenied):
    """The actor lacks the capability. Views answer 404 when the record is hidden."""


class ConflictError(Exception):
    """The record changed since the caller read it (optimistic locking)."""

    def __init__(self, *, current_version: int) -> None:
        super().__init__("the record was changed by someone else")
        self.current_version = current_version


class BadCursor(ValueError):
    """A pagination cursor that this server did not issue."""
