"""A group's meeting cadence, and the dated sessions it produces.

A cadence is either an RFC 5545 RRULE (``FREQ=WEEKLY;INTERVAL=2;BYDAY=TU``, with or without the
``RRULE:`` prefix) or a readable phrase a group coordinator would write:

- ``weekly on Tuesday``, ``every 2 weeks on Tuesday``, ``every 3 weeks on Monday and Thursday``,
  ``biweekly on Friday``, ``every 4 weeks``;
- ``monthly on the first Wednesday``, ``every 2 months on the last Friday``, ``monthly on day 15``.

Both are turned into one RRULE string and expanded with dateutil against *local* wall-clock times, then
placed in the group's IANA zone, so a 10:00 America/New_York series stays at 10:00 local on both sides
of a DST change.

Each session has a token that never changes for that session: its originally scheduled local date
(``20251007``). Moving one session (``rescheduled_sessions``) keeps its token, so the invite keeps its
UID and only its SEQUENCE rises; cancelling one (``cancelled_sessions``) keeps the token too and turns
the session's status to cancelled.

A session whose scheduled date is a holiday or closed date (``skipped``: date -> reason) is skipped: it
keeps its token but takes no place in the rotations, so the next session is numbered and rotated as if
the skipped one had never been planned ("the rotations move on"). ``wall_clock_problems`` finds the
sessions whose local start does not exist (a spring-forward gap) or happens twice (a fall-back hour).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

_DAYS = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "last": -1,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
}
_RRULE_KEYS = re.compile(r"^(FREQ|INTERVAL|BYDAY|BYMONTHDAY|BYSETPOS|BYMONTH|WKST|COUNT|UNTIL|BYWEEKNO)=")

CADENCE_HELP = (
    "write an RRULE (FREQ=WEEKLY;INTERVAL=2;BYDAY=TU) or a phrase such as 'every 2 weeks on Tuesday' "
    "or 'monthly on the first Wednesday'"
)


def _day_code(word: str) -> str:
    code = _DAYS.get(word.lower().rstrip("s"))  # "tuesdays" works too
    if code is None:
        raise ValueError(f"{word!r} is not a day of the week")
    return code


def _days(text: str) -> list[str]:
    return [_day_code(word) for word in re.split(r"\s*(?:,|\band\b)\s*", text.strip()) if word]


def parse_cadence(text: str) -> str:
    """The RRULE (without the ``RRULE:`` prefix) for a cadence; ValueError with a readable reason."""
    cadence = " ".join(text.strip().split())
    if not cadence:
        raise ValueError(f"the cadence is empty; {CADENCE_HELP}")
    if cadence.upper().startswith("RRULE:") or _RRULE_KEYS.match(cadence.upper()):
        rule = cadence.split(":", 1)[1] if cadence.upper().startswith("RRULE:") else cadence
        rule = rule.upper().replace(" ", "")
        _check_rrule(rule)
        return rule
    weekly = re.fullmatch(
        r"(?:(weekly|biweekly|fortnightly)|every (\d+ )?weeks?)(?: on (.+))?", cadence, re.IGNORECASE
    )
    if weekly:
        named, count, days = weekly.groups()
        interval = 2 if (named or "").lower() in ("biweekly", "fortnightly") else int(count or 1)
        rule = f"FREQ=WEEKLY;INTERVAL={interval}" + (f";BYDAY={','.join(_days(days))}" if days else "")
        _check_rrule(rule)
        return rule
    monthly = re.fullmatch(
        r"(?:monthly|every (\d+ )?months?)(?: on (?:the )?(?:day (\d{1,2})|(\w+) (\w+?)))?",
        cadence,
        re.IGNORECASE,
    )
    if monthly:
        count, month_day, ordinal, day = monthly.groups()
        rule = f"FREQ=MONTHLY;INTERVAL={int(count or 1)}"
        if month_day is not None:
            rule += f";BYMONTHDAY={int(month_day)}"
        elif ordinal is not None:
            if ordinal.lower() not in _ORDINALS:
                raise ValueError(f"{ordinal!r} is not one of first, second, third, fourth, last")
            rule += f";BYDAY={_ORDINALS[ordinal.lower()]}{_day_code(day)}"
        _check_rrule(rule)
        return rule
    raise ValueError(f"cannot read the cadence {text!r}; {CADENCE_HELP}")


def _check_rrule(rule: str) -> None:
    try:
        parsed = rrulestr(rule, dtstart=dt.datetime(2025, 1, 1, 10, 0))
        parsed.after(dt.datetime(2025, 1, 1))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{rule!r} is not a usable RRULE ({exc}); {CADENCE_HELP}") from None
    if "FREQ=DAILY" in rule or "FREQ=HOURLY" in rule or "FREQ=MINUTELY" in rule or "FREQ=SECONDLY" in rule:
        raise ValueError(f"{rule!r} meets more often than weekly; peer groups meet every 1-8 weeks")


@dataclass(frozen=True, slots=True)
class Session:
    """One dated meeting of a group. ``index`` counts sessions from the first one (0-based)."""

    token: str
    index: int
    start: dt.datetime  # aware, in the group's zone
    end: dt.datetime
    cancelled: bool = False
    skipped: str | None = None  # why the session does not take place (a holiday), or None

    @property
    def held(self) -> bool:
        """Whether the session takes place (neither cancelled nor skipped)."""
        return not self.cancelled and self.skipped is None

    @property
    def scheduled_date(self) -> dt.date:
        """The date the cadence gave this session (its token), even when it was moved."""
        return dt.datetime.strptime(self.token, "%Y%m%d").date()


@dataclass(frozen=True, slots=True)
class Series:
    """What a group's configuration says about when it meets."""

    rule: str
    first_session: dt.date
    start_time: dt.time
    duration: dt.timedelta
    tz: ZoneInfo
    cancelled: frozenset[dt.date] = frozenset()
    rescheduled: Mapping[dt.date, dt.datetime] | None = None  # local times; aware = offset chosen
    skipped: Mapping[dt.date, str] | None = None  # holidays and closed dates -> their name

    def _local_dates(self, until: dt.date) -> list[dt.date]:
        first = dt.datetime.combine(self.first_session, self.start_time)
        rule = rrulestr(self.rule, dtstart=first)
        dates = [d.date() for d in rule.between(first, dt.datetime.combine(until, dt.time.max), inc=True)]
        # RFC 5545: DTSTART is the first instance even when it does not match the rule.
        return sorted({self.first_session, *dates})

    def sessions(self, until: dt.date) -> list[Session]:
        """Every session scheduled on or before ``until`` (local date), in order, numbered from 0.

        A skipped session (a holiday that was not moved) shares the index of the session after it."""
        moved = self.rescheduled or {}
        skipped = self.skipped or {}
        out: list[Session] = []
        index = 0
        for day in self._local_dates(until):
            local = moved.get(day, dt.datetime.combine(day, self.start_time))
            if local.tzinfo is not None:  # an offset chosen for a repeated hour
                start = local.astimezone(self.tz)
                end = (start.astimezone(dt.UTC) + self.duration).astimezone(self.tz)
            else:
                start, end = _localize(local, self.tz), _localize(local + self.duration, self.tz)
            reason = skipped.get(day) if day not in moved and day not in self.cancelled else None
            out.append(
                Session(
                    token=day.strftime("%Y%m%d"),
                    index=index,
                    start=start,
                    end=end,
                    cancelled=day in self.cancelled,
                    skipped=reason,
                )
            )
            index += reason is None
        return out

    def first_session_fits(self) -> bool:
        """Whether the cadence itself meets on ``first_session`` (else it is an extra, odd meeting)."""
        first = dt.datetime.combine(self.first_session, self.start_time)
        return bool(rrulestr(self.rule, dtstart=first).between(first, first, inc=True))

    def scheduled_dates(self, until: dt.date) -> list[dt.date]:
        return self._local_dates(until)

    def sessions_per_quarter(self) -> int:
        """The fewest sessions any 13-week stretch starting at a session holds (over the first year)."""
        dates = self._local_dates(self.first_session + dt.timedelta(days=366 + 91))
        fewest = len(dates)
        for i, day in enumerate(dates):
            if day + dt.timedelta(days=91) > dates[-1]:
                break
            fewest = min(fewest, sum(1 for d in dates[i:] if d < day + dt.timedelta(days=91)))
        return max(1, fewest)


def _localize(local: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """A wall-clock time in ``tz``; a time skipped by DST moves forward, a repeated one takes the first."""
    aware = local.replace(tzinfo=tz, fold=0)
    round_trip = aware.astimezone(dt.UTC).astimezone(tz)
    if round_trip.replace(tzinfo=None) != local:  # in a spring-forward gap
        return round_trip
    return aware


@dataclass(frozen=True, slots=True)
class WallClockProblem:
    """A session start that the zone's clocks skip (``gap``) or show twice (``repeated``)."""

    day: dt.date
    local: dt.datetime  # naive wall-clock start
    kind: Literal["gap", "repeated"]
    moved: bool  # the time comes from rescheduled_sessions, not from start_time
    choices: tuple[str, str]  # the two values that resolve it, as rescheduled_sessions entries

    def describe(self, zone: str) -> str:
        first, second = self.choices
        at = f"{self.local:%H:%M} on {self.local:%a %Y-%m-%d}"
        if self.kind == "gap":
            what = f"{at} does not exist in {zone} (the clocks skip that hour)"
        else:
            what = f"{at} happens twice in {zone} (the clocks go back)"
        return (
            f"{what}; choose one under rescheduled_sessions: "
            f"{{{self.day}: '{first}'}} or {{{self.day}: '{second}'}}"
        )


def wall_clock_problems(series: Series, until: dt.date) -> list[WallClockProblem]:
    """Sessions up to ``until`` whose local start is in a DST gap or a repeated hour, with the two
    readings a person can choose between (the ones before and after the change)."""
    moved = series.rescheduled or {}
    found = []
    for day in series.scheduled_dates(until):
        if day in series.cancelled:
            continue
        local = moved.get(day, dt.datetime.combine(day, series.start_time))
        if local.tzinfo is not None:
            continue  # an explicit offset is unambiguous (checked where it is read)
        early, late = local.replace(tzinfo=series.tz, fold=0), local.replace(tzinfo=series.tz, fold=1)
        if early.utcoffset() == late.utcoffset():
            continue
        if early.astimezone(dt.UTC).astimezone(series.tz).replace(tzinfo=None) != local:
            # In a gap: fold=1 reads the time with the offset before the change, fold=0 after.
            before = late.astimezone(dt.UTC).astimezone(series.tz)
            after = early.astimezone(dt.UTC).astimezone(series.tz)
            choices = (f"{before:%Y-%m-%d %H:%M}", f"{after:%Y-%m-%d %H:%M}")
            found.append(WallClockProblem(day, local, "gap", day in moved, choices))
        else:
            choices = (_with_offset(early), _with_offset(late))
            found.append(WallClockProblem(day, local, "repeated", day in moved, choices))
    return found


def _with_offset(moment: dt.datetime) -> str:
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M}{offset[:3]}:{offset[3:]}"


def offset_fits_zone(moment: dt.datetime, tz: ZoneInfo) -> bool:
    """Whether an offset-qualified local time is one the zone's clocks actually show."""
    return moment.astimezone(tz).replace(tzinfo=None) == moment.replace(tzinfo=None)


def sessions_between(sessions: Sequence[Session], start: dt.datetime, end: dt.datetime) -> list[Session]:
    """Sessions that begin in [start, end)."""
    return [s for s in sessions if start <= s.start < end]
