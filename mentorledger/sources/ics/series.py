"""One series at a time: group VEVENTs by UID, check each one's dates, expand lazily within the caps.

A series is the VEVENTs that share a UID (a master and its RECURRENCE-ID overrides). A VEVENT without a
UID is a series of its own, keyed by a hash of its content, so two UID-less events never share flags or
collide. Everything read from an event happens here, inside the caller's per-series boundary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import x_wr_timezone
from recurring_ical_events.adapters.event import EventAdapter

from mentorledger.instances import Instance, stable_hash
from mentorledger.redaction import event_hint, event_problem
from mentorledger.sources.ics.limits import (
    MAX_INSTANCES_PER_SERIES,
    MAX_RULES_PER_EVENT,
    RuleRefusedError,
    TooManyInstancesError,
    check_rule,
)

UTC = dt.UTC
Query = tuple[dt.datetime, dt.datetime]
_RECURRENCE_PROPERTIES = ("RRULE", "RDATE", "RECURRENCE-ID")
_DATE_PROPERTIES = ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID")
_NO_UID = "no-uid:"
_VOLATILE = ("DTSTAMP",)  # rewritten on every export: not part of a UID-less event's identity


@dataclass(frozen=True, slots=True)
class SourceFlags:
    """Facts about a source VEVENT that expansion loses: recurring-ical-events turns a DATE start with
    a DATE-TIME end into a midnight datetime, and swaps an end that lies before the start."""

    all_day: bool = False
    reversed: bool = False


NO_FLAGS = SourceFlags()


@dataclass(slots=True)
class SeriesRead:
    instances: list[Instance] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def series_groups(calendar: icalendar.Calendar, problems: list[str]) -> list[tuple[str, list[Any]]]:
    """(key, VEVENTs) per series, in file order. The key is the UID, or for a UID-less VEVENT
    ``no-uid:`` and a hash of its content lines."""
    groups: dict[str, list[Any]] = {}
    for index, event in enumerate(calendar.walk("VEVENT")):
        try:
            key = series_key(event)
        except Exception as exc:  # a VEVENT too broken to serialise: report it alone
            problems.append(event_problem(f"#vevent-{index}", exc))
            continue
        if key.startswith(_NO_UID) and key in groups:
            continue  # the same UID-less event exported twice: one event
        groups.setdefault(key, []).append(event)
    return list(groups.items())


def series_key(event: Any) -> str:
    """The UID as today (stored keys depend on it), or a stable hash of a UID-less event's content."""
    uid = str(event.get("UID") or "")
    if uid:
        return uid
    lines = [line for line in event.content_lines() if line and not line.upper().startswith(_VOLATILE)]
    return _NO_UID + stable_hash(*sorted(lines))


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One occurrence of a series as the expansion gives it, without a copy of its VEVENT: its own
    start, end and recurrence id, the sequence the expansion assigns (-1: the VEVENT's own), and the
    VEVENT it comes from, whose other properties are the same for all its occurrences."""

    source: Any
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime
    recurrence_id: dt.date | dt.datetime
    sequence: int
    flags: SourceFlags


def expand_series(
    key: str, events: list[Any], *, query: Query, fallback_tz: ZoneInfo, zone: ZoneInfo | None
) -> Iterator[Occurrence]:
    """The occurrences of one series, each with the VEVENT it came from and that VEVENT's flags.

    Unreadable VEVENTs are left out (and reported by ``readable_events``), rules are checked first,
    and at most ``MAX_INSTANCES_PER_SERIES`` occurrences are taken from the lazy expansion; one more
    raises ``TooManyInstancesError``. An occurrence's VEVENT is found by its recurrence ids, as the
    expansion keys it; where several VEVENTs share them (duplicated exports), the expansion's own
    copy of the component is read instead, which is exact but costs a copy per occurrence.
    """
    by_ids: dict[tuple[Any, ...], list[tuple[Any, SourceFlags]]] = {}  # VEVENTs by recurrence ids
    single = icalendar.Calendar()
    for event in events:
        source = _in_zone(event, zone)
        _check_rules(source, query)
        by_ids.setdefault(_recurrence_ids(source), []).append((source, _source_flags(source, fallback_tz)))
        single.add_component(source)
    query_object = recurring_ical_events.CalendarQuery(single, False, ("VEVENT",), False)
    occurrences = (o for series in query_object.series for o in series.between(*query))
    taken = list(islice(occurrences, MAX_INSTANCES_PER_SERIES + 1))  # cheap: no component copied yet
    if len(taken) > MAX_INSTANCES_PER_SERIES:
        raise TooManyInstancesError(
            f"has more than {MAX_INSTANCES_PER_SERIES:,} instances in the window; not read"
        )
    for occurrence in taken:
        candidates = by_ids.get(tuple(occurrence.recurrence_ids)) or by_ids.get((), [])
        own = candidates[-1][1] if candidates else NO_FLAGS
        if len(candidates) == 1:
            source = candidates[0][0]
            recurrence_id = source["RECURRENCE-ID"].dt if "RECURRENCE-ID" in source else occurrence.start
            yield Occurrence(
                source, occurrence.start, occurrence.end, recurrence_id, occurrence.sequence, own
            )
            continue
        copy = occurrence.as_component(False)
        yield Occurrence(copy, copy["DTSTART"].dt, copy["DTEND"].dt, copy["RECURRENCE-ID"].dt, -1, own)


def plain_event(events: list[Any], zone: ZoneInfo | None) -> tuple[Any, dt.date | dt.datetime] | None:
    """A series that is one VEVENT without recurrence, as (event, its raw end), or None.

    Most events of a large calendar are such one-offs; reading them directly, with the end computed as
    recurring-ical-events computes it, skips building a query and copying a component per event. Start
    and end of different kinds (a DATE with a DATE-TIME, floating with zoned) go through the expansion,
    which reconciles them."""
    if len(events) != 1 or any(name in events[0] for name in (*_RECURRENCE_PROPERTIES, "EXDATE")):
        return None
    event = _in_zone(events[0], zone)
    start = event["DTSTART"].dt
    if "DTEND" in event:
        end = event["DTEND"].dt
        return (event, end) if _same_kind(start, end) else None
    if "DURATION" in event:
        duration = event["DURATION"].dt
        if not isinstance(duration, dt.timedelta) or (
            duration.seconds and not isinstance(start, dt.datetime)
        ):
            return None
        return event, start + duration
    return event, start if isinstance(start, dt.datetime) else start + dt.timedelta(days=1)


def _same_kind(start: object, end: object) -> bool:
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
        return (start.tzinfo is None) == (end.tzinfo is None)
    return type(start) is type(end) is dt.date


def readable_events(
    key: str, events: list[Any], problems: list[str], zone: ZoneInfo | None, fallback_tz: ZoneInfo
) -> tuple[list[Any], set[str]]:
    """The VEVENTs whose date properties can be read, and the occurrences (UTC ISO recurrence ids) of
    unreadable overrides, which are suppressed rather than shown at their original time."""
    readable: list[Any] = []
    suppressed: set[str] = set()
    for event in events:
        try:
            _read_dates(event)
        except UnreadableDateError as exc:
            problems.append(f"event {event_hint(key)}: skipped: {exc}")
            recurrence = _readable_recurrence_id(event, zone, fallback_tz)
            if recurrence is not None:
                suppressed.add(recurrence)
            continue
        except Exception as exc:
            problems.append(event_problem(key, exc))
            recurrence = _readable_recurrence_id(event, zone, fallback_tz)
            if recurrence is not None:
                suppressed.add(recurrence)
            continue
        readable.append(event)
    return readable, suppressed


def is_recurring(events: list[Any]) -> bool:
    return any(name in event for event in events for name in _RECURRENCE_PROPERTIES)


def _read_dates(event: Any) -> None:
    """Touch every date-valued property, so that a broken one fails here and not in the expansion."""
    if "DTSTART" not in event:
        raise ValueError("no DTSTART")
    for name in (*_DATE_PROPERTIES, "RDATE", "EXDATE"):
        value = event.get(name)
        for item in value if isinstance(value, list) else [] if value is None else [value]:
            _read_value(name, item)
    rules = event.get("RRULE")
    if isinstance(rules, list) and len(rules) > MAX_RULES_PER_EVENT:
        raise RuleRefusedError(f"has more than {MAX_RULES_PER_EVENT} RRULE lines")


def _read_value(name: str, value: Any) -> None:
    """Read one date property; an unreadable one is named, never quoted (values can hold any text)."""
    try:
        _ = [entry.dt for entry in value.dts] if name in ("RDATE", "EXDATE") else value.dt
    except Exception:
        raise UnreadableDateError(f"its {name} is not a valid date, time or duration") from None


class UnreadableDateError(ValueError):
    """A VEVENT date property that icalendar could not parse (``BrokenCalendarProperty`` on ``.dt``)."""


def _readable_recurrence_id(event: Any, zone: ZoneInfo | None, fallback_tz: ZoneInfo) -> str | None:
    """The occurrence an override replaces, as ``to_instance`` writes it (floating times in the
    calendar's zone, dates in the configured one), or None if that cannot be read either."""
    try:
        value = event["RECURRENCE-ID"].dt if "RECURRENCE-ID" in event else None
        if isinstance(value, dt.datetime) and value.tzinfo is None and zone is not None:
            value = value.replace(tzinfo=zone)
        return None if value is None else to_utc_iso(value, fallback_tz)
    except Exception:
        return None


def _in_zone(event: Any, zone: ZoneInfo | None) -> Any:
    return event if zone is None else _FloatingOnlyWalker(zone).walk_event(event)


def _check_rules(event: Any, query: Query) -> None:
    value = event.get("RRULE")
    if value is None:
        return
    start = event["DTSTART"].dt
    for rule in value if isinstance(value, list) else [value]:
        text = rule.to_ical().decode("utf-8", errors="replace") if hasattr(rule, "to_ical") else str(rule)
        check_rule(text, start, query[1])


def _recurrence_ids(event: Any) -> tuple[Any, ...]:
    """The key recurring-ical-events gives an occurrence of this VEVENT: () for a master."""
    return tuple(EventAdapter(event).recurrence_ids)


def _source_flags(event: Any, fallback_tz: ZoneInfo) -> SourceFlags:
    start = event["DTSTART"].dt
    all_day = not isinstance(start, dt.datetime)
    reversed_ = False
    try:
        if "DTEND" in event:
            reversed_ = aware(event["DTEND"].dt, fallback_tz) < aware(start, fallback_tz)
        elif isinstance(duration := event["DURATION"].dt if "DURATION" in event else None, dt.timedelta):
            reversed_ = duration < dt.timedelta(0)
    except (TypeError, AttributeError):
        pass
    return SourceFlags(all_day, reversed_)


def aware(value: dt.date | dt.datetime, fallback_tz: ZoneInfo | dt.tzinfo) -> dt.datetime:
    """Aware UTC datetime. Floating times (no zone, no X-WR-TIMEZONE) are read in the configured zone."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(0), tzinfo=fallback_tz)
    elif value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=fallback_tz)
    return value.astimezone(UTC)


def to_utc_iso(value: dt.date | dt.datetime, fallback_tz: ZoneInfo | dt.tzinfo) -> str:
    return aware(value, fallback_tz).isoformat()


class _FloatingOnlyWalker(x_wr_timezone.UTCChangingWalker):  # type: ignore[misc]
    """Reads floating times in X-WR-TIMEZONE and leaves every zoned time alone.

    ``x_wr_timezone.to_standard`` also moves UTC times into that zone, which shifts a UTC-anchored
    series across DST (rule 4 says UTC stays UTC), and it takes any tzinfo whose ``tzname()`` is None
    for floating, which is what a VTIMEZONE without TZNAME (Exchange) produces.
    """

    def walk_value_datetime(self, value: dt.datetime) -> dt.datetime:
        return value.replace(tzinfo=self.new_timezone) if value.tzinfo is None else value
