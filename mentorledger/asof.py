"""The as-of instant of a report or an hours query (counting rule 7): only meetings that have ended
by then count. Given as a local date it is the end of that day (the next local midnight), so
``--as-of 2026-03-01`` counts everything that ended on March 1; a time (``2026-03-01T12:00``) or an
offset (``2026-03-01T12:00-05:00``) makes it exact. The default is now.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from mentorledger.errors import UserError

AS_OF_HELP = (
    "Count only meetings that ended by then: YYYY-MM-DD (the end of that day) or YYYY-MM-DDTHH:MM "
    "(local time). Default: now."
)


def resolve_as_of(value: str | dt.date | dt.datetime | None, tz: ZoneInfo) -> dt.datetime:
    """The as-of instant in UTC, from what a user or a flow parameter gave (None: now)."""
    if value is None or value == "":
        return dt.datetime.now(dt.UTC)
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=tz)
        return moment.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return _end_of_day(value, tz)
    text = value.strip()
    try:
        if len(text) == 10:
            return _end_of_day(dt.date.fromisoformat(text), tz)
        return resolve_as_of(dt.datetime.fromisoformat(text), tz)
    except ValueError:
        raise UserError(
            f"--as-of {value!r} is not a date or a date and time; write YYYY-MM-DD or YYYY-MM-DDTHH:MM, "
            "e.g. 2026-03-01 or 2026-03-01T14:00"
        ) from None


def _end_of_day(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tz).astimezone(dt.UTC)


def as_of_parameter(value: dt.datetime) -> str:
    """The as-of instant as a flow parameter (ISO 8601 with its offset)."""
    return value.isoformat()
