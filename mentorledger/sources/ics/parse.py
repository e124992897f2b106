"""Reading ICS data into instances: icalendar parses, floating times are read in X-WR-TIMEZONE,
recurring-ical-events expands series (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides).

Real feeds are messy and some are hostile. Each series (the VEVENTs sharing a UID; a UID-less VEVENT
alone) is read inside its own boundary: an unreadable date, a refused rule or too many instances
costs that series and nothing else, and the work is capped by construction (see ``limits``).
Problems are reported by a hash of the UID, never by title.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from mentorledger.config import normalize_email
from mentorledger.errors import SourceError
from mentorledger.instances import Attendee, Instance, revision_of
from mentorledger.redaction import event_hint, event_problem, short_reason
from mentorledger.sources.ics.limits import (
    MAX_INSTANCES_PER_CALENDAR,
    RuleRefusedError,
    TooManyInstancesError,
)
from mentorledger.sources.ics.series import (
    NO_FLAGS,
    Occurrence,
    Query,
    SeriesRead,
    SourceFlags,
    aware,
    expand_series,
    is_recurring,
    plain_event,
    readable_events,
    series_groups,
)
from mentorledger.sources.ics.zones import read_known_zones_as_zoneinfo

UTC = dt.UTC
_PAD = dt.timedelta(days=2)  # expansion margin; instances are clipped exactly afterwards


@dataclass(slots=True)
class ParsedCalendar:
    instances: list[Instance] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line per event that could not be read


def parse_ics(data: bytes, *, start: dt.datetime, end: dt.datetime, fallback_tz: ZoneInfo) -> ParsedCalendar:
    """Instances that overlap [start, end) (aware datetimes). Raises SourceError if nothing is readable."""
    calendar = read_known_zones_as_zoneinfo(_load(data), (start - _PAD, end + _PAD))
    result = ParsedCalendar()
    zone = _calendar_zone(calendar, result.problems)
    query = (start - _PAD, end + _PAD)
    seen: set[str] = set()
    groups = series_groups(calendar, result.problems)
    for index, (key, events) in enumerate(groups):
        if len(result.instances) >= MAX_INSTANCES_PER_CALENDAR:
            left = len(groups) - index
            result.problems.append(_calendar_cap_problem(f"the last {left:,} series were not read"))
            break
        try:
            read = read_series(key, events, query=query, fallback_tz=fallback_tz, zone=zone)
        except Exception as exc:
            result.problems.append(_series_problem(key, exc))
            continue
        result.problems.extend(read.problems)
        for instance in read.instances:
            if instance.end <= start or instance.start >= end:
                continue
            if instance.occurrence in seen:  # duplicate VEVENTs of a one-off: keep them apart by start
                instance = _with_recurrence_id(instance, instance.start.astimezone(UTC).isoformat())
                if instance.occurrence in seen:
                    continue
            seen.add(instance.occurrence)
            result.instances.append(instance)
    if len(result.instances) > MAX_INSTANCES_PER_CALENDAR:  # the last series read crossed the cap
        del result.instances[MAX_INSTANCES_PER_CALENDAR:]
        result.problems.append(_calendar_cap_problem("the rest of the last series was not read"))
    return result


def read_series(
    key: str, events: list[Any], *, query: Query, fallback_tz: ZoneInfo, zone: ZoneInfo | None
) -> SeriesRead:
    """The instances of one series; raises for a series that cannot be read at all."""
    read = SeriesRead()
    readable, suppressed = readable_events(key, events, read.problems, zone, fallback_tz)
    plain = plain_event(readable, zone)
    if plain is not None:
        event, raw_end = plain
        read.instances.append(
            to_instance(event, key=key, recurring=False, fallback_tz=fallback_tz, raw_end=raw_end)
        )
        return read
    recurring = is_recurring(readable)
    facts: dict[int, tuple[Any, _Facts]] = {}  # by VEVENT: what all its occurrences share, read once
    for occurrence in expand_series(key, readable, query=query, fallback_tz=fallback_tz, zone=zone):
        try:
            instance = occurrence_instance(
                occurrence, key=key, recurring=recurring, fallback_tz=fallback_tz, facts=facts
            )
        except Exception as exc:
            read.problems.append(event_problem(key, exc))
            continue
        if instance.recurrence_id is None or instance.recurrence_id not in suppressed:
            read.instances.append(instance)
    return read


def _series_problem(key: str, exc: Exception) -> str:
    if isinstance(exc, RuleRefusedError):
        return f"event {event_hint(key)}: not read: its recurrence rule {exc}"
    if isinstance(exc, TooManyInstancesError):
        return f"event {event_hint(key)}: {exc}"
    return f"event {event_hint(key)}: cannot expand its dates ({short_reason(exc)})"


def _calendar_cap_problem(what: str) -> str:
    return f"calendar: more than {MAX_INSTANCES_PER_CALENDAR:,} instances in the window; {what}"


def _load(data: bytes) -> icalendar.Calendar:
    text = data.decode("utf-8-sig", errors="replace")
    stripped = text.lstrip()
    if not stripped.upper().startswith("BEGIN:VCALENDAR"):
        if stripped.upper().startswith("BEGIN:VEVENT"):  # a bare event, as some exporters write
            text = (
                f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//wrapped//EN\r\n{stripped}\r\nEND:VCALENDAR\r\n"
            )
        else:
            head = "empty file" if not stripped else "it does not start with BEGIN:VCALENDAR"
            raise SourceError(
                f"not an iCalendar file ({head}); check that the path or URL points to an .ics feed"
            )
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as exc:
        raise SourceError(f"not a readable iCalendar file ({short_reason(exc)})") from None
    if not calendars:
        raise SourceError("not a readable iCalendar file (no VCALENDAR)")
    first: icalendar.Calendar = calendars[0]
    for extra in calendars[1:]:  # several VCALENDARs in one file: read them as one
        for component in extra.subcomponents:
            first.add_component(component)
    return first


def _calendar_zone(calendar: icalendar.Calendar, problems: list[str]) -> ZoneInfo | None:
    """The X-WR-TIMEZONE that floating times are read in, if the calendar names a valid one."""
    try:
        name = calendar.get("X-WR-TIMEZONE")
        return None if name is None else ZoneInfo(str(name).strip())
    except Exception:
        problems.append("X-WR-TIMEZONE is not an IANA time zone; floating times use the configured zone")
        return None


def to_instance(
    event: Any,
    *,
    key: str,
    recurring: bool,
    fallback_tz: ZoneInfo,
    flags: SourceFlags = NO_FLAGS,
    raw_end: dt.date | dt.datetime | None = None,
) -> Instance:
    """One VEVENT of the series ``key`` as an Instance; raises ValueError for an event without a
    usable start. All-day comes from the source VEVENT (``flags``) or the event's own start.
    ``raw_end`` is the end of a one-off read without expansion (see ``plain_event``)."""
    if "DTSTART" not in event:
        raise ValueError("no DTSTART")
    raw_start = event["DTSTART"].dt
    start = aware(raw_start, fallback_tz)
    if raw_end is not None:
        end = aware(raw_end, fallback_tz)
    elif "DTEND" in event:
        end = aware(event["DTEND"].dt, fallback_tz)
    elif "DURATION" in event:
        end = start + event["DURATION"].dt
    else:
        end = start
    recurrence = event["RECURRENCE-ID"].dt if recurring and "RECURRENCE-ID" in event else None
    return _instance(
        _facts_of(event, fallback_tz), key, raw_start, start, end, recurrence, -1, flags, fallback_tz
    )


def occurrence_instance(
    occurrence: Occurrence,
    *,
    key: str,
    recurring: bool,
    fallback_tz: ZoneInfo,
    facts: dict[int, tuple[Any, _Facts]],
) -> Instance:
    """One expanded occurrence as an Instance, with the facts of its VEVENT read once (``facts``)."""
    source = occurrence.source
    cached = facts.get(id(source))
    if cached is None:  # the cache holds the VEVENT too, so that its id is not reused by another
        cached = facts[id(source)] = (source, _facts_of(source, fallback_tz))
    known = cached[1]
    start = aware(occurrence.start, fallback_tz)
    end = aware(occurrence.end, fallback_tz)
    recurrence = occurrence.recurrence_id if recurring else None
    return _instance(
        known,
        key,
        occurrence.start,
        start,
        end,
        recurrence,
        occurrence.sequence,
        occurrence.flags,
        fallback_tz,
    )


@dataclass(frozen=True, slots=True)
class _Facts:
    """What every occurrence of one VEVENT shares (all but its times)."""

    cancelled: bool
    transparent: bool
    organizer: str | None
    attendees: tuple[Attendee, ...]
    sequence: int
    last_modified: dt.datetime | None
    summary: str
    categories: tuple[str, ...]


def _facts_of(event: Any, fallback_tz: ZoneInfo) -> _Facts:
    return _Facts(
        cancelled=str(event.get("STATUS", "")).strip().upper() == "CANCELLED",
        transparent=str(event.get("TRANSP", "")).strip().upper() == "TRANSPARENT",
        organizer=_address(event.get("ORGANIZER")),
        attendees=tuple(_attendees(event.get("ATTENDEE"))),
        sequence=_sequence(event),
        last_modified=_last_modified(event, fallback_tz),
        summary=str(event.get("SUMMARY", "")),
        categories=tuple(_categories(event.get("CATEGORIES"))),
    )


def _instance(
    facts: _Facts,
    key: str,
    raw_start: dt.date | dt.datetime,
    start: dt.datetime,
    end: dt.datetime,
    recurrence: dt.date | dt.datetime | None,
    sequence: int,
    flags: SourceFlags,
    fallback_tz: ZoneInfo,
) -> Instance:
    """The Instance of one occurrence: ``sequence`` -1 keeps the VEVENT's own SEQUENCE."""
    if flags.reversed and end > start:  # undo the expansion's swap: rule 2 drops negative lengths
        start, end = end, start
    return Instance(
        uid=key,
        recurrence_id=None if recurrence is None else aware(recurrence, fallback_tz).isoformat(),
        start=start,
        end=end,
        all_day=flags.all_day or not isinstance(raw_start, dt.datetime),
        cancelled=facts.cancelled,
        transparent=facts.transparent,
        organizer=facts.organizer,
        attendees=facts.attendees,
        revision=revision_of(facts.sequence if sequence < 0 else sequence, facts.last_modified),
        summary=facts.summary,
        categories=facts.categories,
    )


def _sequence(event: Any) -> int:
    try:
        return int(str(event.get("SEQUENCE", 0)).strip() or 0)
    except ValueError:
        return 0


def _last_modified(event: Any, fallback_tz: ZoneInfo) -> dt.datetime | None:
    try:
        moment = getattr(event.get("LAST-MODIFIED"), "dt", None)
    except Exception:  # an unreadable LAST-MODIFIED only loses the tie-break, not the event
        return None
    return aware(moment, fallback_tz) if isinstance(moment, dt.date) else None


def _address(value: Any) -> str | None:
    """The e-mail of an ORGANIZER or ATTENDEE. Apple and some Exchange exports give a ``urn:uuid:``
    value and the address in an EMAIL parameter."""
    if value is None:
        return None
    text = str(value).strip()
    param = (getattr(value, "params", None) or {}).get("EMAIL")
    if param and not text.lower().startswith("mailto:"):
        text = str(param).strip()
    address = normalize_email(text) if text else ""
    return address if "@" in address else None


def _attendees(value: Any) -> Iterable[Attendee]:
    if value is None:
        return
    for item in value if isinstance(value, list) else [value]:
        email = _address(item)
        if email:
            params = getattr(item, "params", {}) or {}
            yield Attendee(email=email, partstat=str(params.get("PARTSTAT", "NEEDS-ACTION")).upper())


def _categories(value: Any) -> Iterable[str]:
    if value is None:
        return
    for item in value if isinstance(value, list) else [value]:
        cats = getattr(item, "cats", None)
        if cats is None:
            cats = str(item).split(",")
        for cat in cats:
            text = str(cat).strip()
            if text:
                yield text


def _with_recurrence_id(instance: Instance, recurrence_id: str) -> Instance:
    return replace(instance, recurrence_id=recurrence_id)
