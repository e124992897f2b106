"""Errors a user can act on.

Every error that reaches a person is one line: what went wrong, where, and what to do. The CLI prints
``UserError`` messages without a traceback; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem caused by input the user controls (configuration, calendars, arguments)."""

    exit_code = 2


class ConfigError(UserError):
    """A configuration file is missing, unreadable or invalid; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            problems[0] if len(problems) == 1 else f"{problems[0]} (and {len(problems) - 1} more)"
        )


class SourceError(Exception):
    """A calendar could not be fetched or read. The calendar is reported and skipped; others go on."""

    def __init__(self, reason: str, *, retryable: bool = False, retry_after: float | None = None) -> None:
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after  # seconds the server asked to wait, if it said
        super().__init__(reason)
