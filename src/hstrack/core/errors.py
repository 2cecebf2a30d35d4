"""The one error type the core raises, carrying the exit code the CLI turns it into.

The CLI converts these in one place (``cli.HstrackGroup.invoke``) into a one-line
message on stderr and an exit code, so no user mistake ever shows a traceback.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class HstrackError(Exception):
    """Base error: a message for a person and the exit code for a script."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(HstrackError):
    """The user asked for something impossible: bad date, unknown id, bad option."""

    exit_code = EXIT_USAGE


class StoreError(HstrackError):
    """The store cannot be read or written (runtime failure, not the user's typing)."""

    exit_code = EXIT_FAILURE
