"""The days the institution is closed: public holidays (the ``holidays`` package, for the configured
country and subdivision) and the configuration's own ``closed_dates``.

A group session scheduled on such a day is skipped (see ``schedule.Series``): members get a
cancellation, the rotations move on to the next session, and that session's agenda says which one was
skipped and why. A session moved with ``rescheduled_sessions`` is never skipped: a move is a person's
explicit decision. Holiday names come from the package, in its default language for the country.
"""

from __future__ import annotations

import datetime as dt

from mentorledger.config import Config

CLOSED = "institution closed"


def closed_days(config: Config, first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """Every closed day in [first, last] with its name (a closed date wins over a holiday's name)."""
    days: dict[dt.date, str] = {}
    if config.holidays is not None and first <= last:
        import holidays

        calendar = holidays.country_holidays(
            config.holidays.country.upper(),
            subdiv=config.holidays.subdivision.upper() if config.holidays.subdivision else None,
            years=range(first.year, last.year + 1),
        )
        days.update({day: str(name) for day, name in calendar.items() if first <= day <= last})
    days.update({day: CLOSED for day in config.closed_dates if first <= day <= last})
    return days
