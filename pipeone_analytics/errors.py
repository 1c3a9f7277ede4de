"""Errors a user can cause: each prints as one readable line, never a traceback."""
from __future__ import annotations


class PipeOneError(Exception):
    """Base of every user-facing error; `str(err)` is the one line shown to the user."""


class ConfigError(PipeOneError):
    """A setting has an invalid value; the message names the key."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(f"setting '{key}': {message}")


class StoreError(PipeOneError):
    """The store is missing, locked past the deadline, or has an unknown schema."""


class StoreLocked(StoreError):
    """Another process held the DuckDB file lock until the retry deadline passed."""


class ImportFailed(PipeOneError):
    """An export cannot be imported at all (unreadable, missing table or column, unsafe zip)."""


class PermissionDenied(PipeOneError):
    """The acting user's role does not allow the action; nothing was written."""


class ValidationError(PipeOneError):
    """A value given to an action or a report is not acceptable."""
