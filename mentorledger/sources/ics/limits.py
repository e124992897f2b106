"""How much work one calendar may cause: caps on expansion, and the recurrence rules refused outright.

A feed is outside our control, so the work of reading it is bounded by construction rather than by a
clock: a rule that repeats more often than hourly or never advances is refused before it is expanded,
the expansion of a series is consumed lazily and abandoned at ``MAX_INSTANCES_PER_SERIES``, and a
calendar stops being read at ``MAX_INSTANCES_PER_CALENDAR`` instances inside the window. Each refusal
is one problem line about one (hashed) series; the rest of the calendar is read as usual.

The numbers are far above any real calendar: a daily meeting over an eight-year window is under 3,000
instances, and a year of back-to-back half-hour meetings every working day is under 5,000.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from itertools import islice

from dateutil.rrule import rrulestr

# Instances of one series (one UID, or one UID-less VEVENT) inside the window plus its margin.
MAX_INSTANCES_PER_SERIES = 3_000
# Instances of one calendar inside the window; the calendar is read up to here and the rest reported.
MAX_INSTANCES_PER_CALENDAR = 50_000
# Dates a rule may produce between its DTSTART and the end of the window (about half a second of
# dateutil's time). Expansion walks from DTSTART, so a daily rule begun 55 years ago or an hourly one
# begun 2 years ago costs this much before the window even begins.
MAX_RULE_STEPS = 20_000
# RRULE lines on one VEVENT (RFC 5545 deprecates more than one).
MAX_RULES_PER_EVENT = 4

# Frequencies a rule may have; SECONDLY and MINUTELY are refused (no calendar product writes them for
# meetings, and a year of them is millions of instances).
SUPPORTED_FREQUENCIES = frozenset({"HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"})


class RuleRefusedError(ValueError):
    """A recurrence rule that is not expanded; the message says why, without quoting the calendar."""


class TooManyInstancesError(ValueError):
    """A series with more instances inside the window than ``MAX_INSTANCES_PER_SERIES``."""


def check_rule(rule: str, start: dt.date | dt.datetime, horizon: dt.datetime) -> None:
    """Refuse a rule that repeats more often than hourly, never advances, or costs more than
    ``MAX_RULE_STEPS`` candidate dates between ``start`` (DTSTART) and ``horizon`` (the end of the
    expansion). Raises ``RuleRefusedError``; returns None for a rule that may be expanded."""
    parts = _rule_parts(rule)
    frequency = parts.get("FREQ", "")
    if frequency not in SUPPORTED_FREQUENCIES:
        label = frequency or "none"
        raise RuleRefusedError(f"repeats with frequency {label}; only HOURLY to YEARLY rules are read")
    interval = parts.get("INTERVAL", "1")
    if not interval.isdigit() or int(interval) < 1:
        raise RuleRefusedError("has an INTERVAL that is not a positive whole number")
    for key in ("BYSECOND", "BYMINUTE"):
        if len([v for v in parts.get(key, "").split(",") if v]) > 1:
            raise RuleRefusedError(f"repeats more often than hourly ({key} lists several values)")
    _check_days_exist(parts)
    _check_steps(parts, start, horizon)


def _rule_parts(rule: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for item in rule.strip().removeprefix("RRULE:").split(";"):
        key, _, value = item.partition("=")
        if key.strip():
            parts[key.strip().upper()] = value.strip().upper()
    return parts


_LAST_GREGORIAN_CYCLE = dt.datetime(dt.MAXYEAR - 400, 1, 1)
_DAY_FILTERS = ("BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYDAY")


def _check_days_exist(parts: dict[str, str]) -> None:
    """Refuse day filters no date satisfies (BYMONTH=2;BYMONTHDAY=30): dateutil would search every
    period up to the year 9999 for one, which takes a minute for a daily rule. The search is done once,
    year by year over one 400-year Gregorian cycle (dates and weekdays repeat with it), over a rule
    that allows at least every day the real one does."""
    filters = {k: v for k, v in parts.items() if k in _DAY_FILTERS and v}
    if not filters:
        return
    if "BYDAY" in filters:  # the superset ignores "the 2nd Monday": any Monday
        filters["BYDAY"] = ",".join(day.lstrip("+-0123456789") for day in filters["BYDAY"].split(","))
    superset = ";".join(["FREQ=YEARLY", *(f"{k}={v}" for k, v in filters.items())])
    try:
        first = next(iter(rrulestr(superset, dtstart=_LAST_GREGORIAN_CYCLE)), None)
    except (ValueError, TypeError, OverflowError):
        return  # unparsable here: the expansion reports it as an unreadable rule
    if first is None:
        raise RuleRefusedError("has day filters that no date satisfies")


def _check_steps(parts: dict[str, str], start: dt.date | dt.datetime, horizon: dt.datetime) -> None:
    """Walk the rule lazily, without UNTIL and COUNT (they only shorten it) and in naive local time
    (a day's slack covers any offset), and refuse it if reaching the horizon takes too many steps."""
    loose = ";".join(f"{k}={v}" for k, v in parts.items() if k not in ("UNTIL", "COUNT"))
    naive_start = _naive(start)
    naive_horizon = horizon.replace(tzinfo=None) + dt.timedelta(days=1)
    try:
        dates: Iterable[dt.datetime] = rrulestr(loose, dtstart=naive_start)
    except (ValueError, TypeError, OverflowError):
        return  # unparsable here: the expansion reports it as an unreadable rule
    steps = 0
    for moment in islice(dates, MAX_RULE_STEPS + 1):
        if moment > naive_horizon:
            return
        steps += 1
    if steps > MAX_RULE_STEPS:
        raise RuleRefusedError(
            f"produces more than {MAX_RULE_STEPS:,} dates between its start and the end of the window"
        )


def _naive(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime.combine(value, dt.time(0))
