"""VTIMEZONE components in the form Outlook, Gmail and Apple all read: yearly RRULEs.

icalendar's ``Timezone.from_tzinfo`` lists every transition as an RDATE. Outlook's importer is known
to read VTIMEZONE rules in the RRULE form that Outlook and Google themselves write (``FREQ=YEARLY;
BYMONTH=3;BYDAY=2SU``) and is unreliable with RDATE lists, and a session's times would then be wrong
by an hour for Outlook users on one side of a DST change. So transitions are found from the zone itself
(zoneinfo) over the years the sessions cover, and each kind of transition that always falls on the same
weekday-of-month at the same local time becomes one yearly RRULE; a zone whose transitions do not fit
that pattern keeps explicit RDATEs. A zone without transitions gets a single STANDARD observance.
DTSTART of each observance is the local time before the transition (in its TZOFFSETFROM), per RFC 5545.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar

_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True, slots=True)
class Transition:
    local_before: dt.datetime  # naive wall-clock time just before the change, in the old offset
    offset_from: dt.timedelta
    offset_to: dt.timedelta
    name: str
    is_dst: bool


def transitions(zone: ZoneInfo, first_year: int, last_year: int) -> list[Transition]:
    """Every change of UTC offset or abbreviation in [first_year, last_year], to the minute."""
    start = dt.datetime(first_year, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(last_year + 1, 1, 1, tzinfo=dt.UTC)
    found: list[Transition] = []
    step = dt.timedelta(hours=1)
    moment = start
    before = moment.astimezone(zone)
    while moment < end:
        later = moment + step
        after = later.astimezone(zone)
        if (after.utcoffset(), after.tzname()) != (before.utcoffset(), before.tzname()):
            exact = moment
            while exact + dt.timedelta(minutes=1) <= later:  # refine to the minute
                probe = (exact + dt.timedelta(minutes=1)).astimezone(zone)
                if (probe.utcoffset(), probe.tzname()) != (before.utcoffset(), before.tzname()):
                    break
                exact += dt.timedelta(minutes=1)
            change = exact + dt.timedelta(minutes=1)
            new = change.astimezone(zone)
            old_offset, new_offset = before.utcoffset(), new.utcoffset()
            assert old_offset is not None
            assert new_offset is not None
            found.append(
                Transition(
                    local_before=(change + old_offset).replace(tzinfo=None),
                    offset_from=old_offset,
                    offset_to=new_offset,
                    name=new.tzname() or "",
                    is_dst=bool(new.dst()),
                )
            )
            before = new
        else:
            before = after
        moment = later
    return found


def _yearly_rule(moments: list[dt.datetime]) -> str | None:
    """``FREQ=YEARLY;BYMONTH=..;BYDAY=..`` when every moment is the same weekday-of-month and time."""
    if len(moments) < 2 or len({m.year for m in moments}) != len(moments):
        return None
    first = moments[0]
    if any((m.month, m.weekday(), m.time()) != (first.month, first.weekday(), first.time()) for m in moments):
        return None
    # "Last <weekday>" is checked first: it is the common rule (EU, NZ) and a 4th-weekday rule is rare.
    if all(m.day + 7 > calendar.monthrange(m.year, m.month)[1] for m in moments):
        ordinal = -1
    elif len({(m.day - 1) // 7 + 1 for m in moments}) == 1:
        ordinal = (first.day - 1) // 7 + 1
    else:
        return None
    return f"FREQ=YEARLY;BYMONTH={first.month};BYDAY={ordinal}{_DAY_CODES[first.weekday()]}"


@lru_cache(maxsize=64)
def _vtimezone_ical(key: str, first_year: int, last_year: int) -> bytes:
    zone = ZoneInfo(key)
    component = icalendar.Timezone()
    component.add("TZID", key)
    found = transitions(zone, first_year, last_year)
    if not found:
        sample = dt.datetime(first_year, 1, 1, 12, tzinfo=zone)
        offset = sample.utcoffset()
        standard = icalendar.TimezoneStandard()
        standard.add("DTSTART", dt.datetime(1970, 1, 1))
        standard.add("TZOFFSETFROM", offset)
        standard.add("TZOFFSETTO", offset)
        standard.add("TZNAME", sample.tzname() or key)
        component.add_component(standard)
        return bytes(component.to_ical())
    groups: dict[tuple[dt.timedelta, dt.timedelta, str, bool], list[dt.datetime]] = {}
    for t in found:
        groups.setdefault((t.offset_from, t.offset_to, t.name, t.is_dst), []).append(t.local_before)
    for (offset_from, offset_to, name, is_dst), moments in groups.items():
        observance = icalendar.TimezoneDaylight() if is_dst else icalendar.TimezoneStandard()
        observance.add("DTSTART", moments[0])
        rule = _yearly_rule(moments)
        if rule is not None:
            observance.add("RRULE", icalendar.vRecur.from_ical(rule))
        elif len(moments) > 1:
            observance.add("RDATE", moments[1:])
        observance.add("TZOFFSETFROM", offset_from)
        observance.add("TZOFFSETTO", offset_to)
        observance.add("TZNAME", name)
        component.add_component(observance)
    return bytes(component.to_ical())


def vtimezone(key: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """The VTIMEZONE for IANA zone ``key``, valid for sessions in [first_year, last_year]."""
    parsed = icalendar.Timezone.from_ical(_vtimezone_ical(key, first_year, last_year))
    assert isinstance(parsed, icalendar.Timezone)
    return parsed
