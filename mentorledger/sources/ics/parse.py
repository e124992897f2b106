"""Reading ICS data into instances: icalendar parses, floating times are read in X-WR-TIMEZONE,
recurring-ical-events expands series (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides).

Real feeds are messy. The whole calendar is expanded in one pass; only if that fails is it expanded
series by series, so one broken RRULE costs that series and nothing else. Problems are reported by a
hash of the UID, never by title.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import x_wr_timezone

from mentorledger.config import normalize_email
from mentorledger.errors import SourceError
from mentorledger.instances import Attendee, Instance, revision_of, stable_hash
from mentorledger.redaction import event_hint, event_problem, short_reason
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
    calendar = _floating_in_calendar_zone(calendar, result.problems)
    recurring = _recurring_uids(calendar)
    flags = _source_flags(calendar, fallback_tz)
    query = (start - _PAD, end + _PAD)
    try:
        components = list(_expand(calendar, query))
    except Exception:
        components = list(_expand_series_by_series(calendar, query, result.problems))

    seen: set[str] = set()
    for component in components:
        try:
            instance = to_instance(
                component,
                recurring=recurring,
                fallback_tz=fallback_tz,
                flags=_flags_for(component, flags, fallback_tz),
            )
        except Exception as exc:
            result.problems.append(event_problem(_uid_of(component), exc))
            continue
        if instance.end <= start or instance.start >= end:
            continue
        if instance.occurrence in seen:  # duplicate VEVENTs of a one-off: keep them apart by start
            instance = _with_recurrence_id(instance, instance.start.astimezone(UTC).isoformat())
            if instance.occurrence in seen:
                continue
        seen.add(instance.occurrence)
        result.instances.append(instance)
    return result


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


class _FloatingOnlyWalker(x_wr_timezone.UTCChangingWalker):  # type: ignore[misc]
    """Reads floating times in X-WR-TIMEZONE and leaves every zoned time alone.

    ``x_wr_timezone.to_standard`` also moves UTC times into that zone, which shifts a UTC-anchored
    series across DST (rule 4 says UTC stays UTC), and it takes any tzinfo whose ``tzname()`` is None
    for floating, which is what a VTIMEZONE without TZNAME (Exchange) produces.
    """

    def walk_value_datetime(self, value: dt.datetime) -> dt.datetime:
        return value.replace(tzinfo=self.new_timezone) if value.tzinfo is None else value


def _floating_in_calendar_zone(calendar: icalendar.Calendar, problems: list[str]) -> icalendar.Calendar:
    name = calendar.get("X-WR-TIMEZONE")
    if name is None:
        return calendar
    try:
        zone = ZoneInfo(str(name).strip())
    except Exception:
        problems.append("X-WR-TIMEZONE is not an IANA time zone; floating times use the configured zone")
        return calendar
    converted: icalendar.Calendar = _FloatingOnlyWalker(zone).walk(calendar)
    return converted


def _expand(calendar: icalendar.Calendar, query: tuple[dt.datetime, dt.datetime]) -> Iterable[Any]:
    """Expand the series. ``recurring_ical_events.of`` would apply ``to_standard`` again (moving UTC
    times), so the query is built directly on the calendar whose floating times are already zoned."""
    query_object = recurring_ical_events.CalendarQuery(calendar, False, ("VEVENT",), False)
    components: Iterable[Any] = query_object.between(*query)
    return components


def _recurring_uids(calendar: icalendar.Calendar) -> set[str]:
    uids: set[str] = set()
    for event in calendar.walk("VEVENT"):
        if any(key in event for key in ("RRULE", "RDATE", "RECURRENCE-ID")):
            uids.add(str(event.get("UID", "")))
    return uids


@dataclass(frozen=True, slots=True)
class SourceFlags:
    """Facts about a source VEVENT that expansion loses: recurring-ical-events turns a DATE start with
    a DATE-TIME end into a midnight datetime, and swaps an end that lies before the start."""

    all_day: bool = False
    reversed: bool = False


_FlagKey = tuple[str, str | None]


def _source_flags(calendar: icalendar.Calendar, fallback_tz: ZoneInfo) -> dict[_FlagKey, SourceFlags]:
    flags: dict[_FlagKey, SourceFlags] = {}
    for event in calendar.walk("VEVENT"):
        start = getattr(event.get("DTSTART"), "dt", None)
        if start is None:
            continue
        all_day = not isinstance(start, dt.datetime)
        reversed_ = False
        end = getattr(event.get("DTEND"), "dt", None)
        try:
            if end is not None:
                reversed_ = _aware(end, fallback_tz) < _aware(start, fallback_tz)
            elif isinstance(duration := getattr(event.get("DURATION"), "dt", None), dt.timedelta):
                reversed_ = duration < dt.timedelta(0)
        except (TypeError, AttributeError):
            pass
        if all_day or reversed_:
            flags[(str(event.get("UID", "")), _recurrence_key(event, fallback_tz))] = SourceFlags(
                all_day, reversed_
            )
    return flags


def _recurrence_key(event: Any, fallback_tz: ZoneInfo) -> str | None:
    value = getattr(event.get("RECURRENCE-ID"), "dt", None)
    return None if value is None else _aware(value, fallback_tz).isoformat()


def _flags_for(component: Any, flags: dict[_FlagKey, SourceFlags], fallback_tz: ZoneInfo) -> SourceFlags:
    """The flags of the override this instance comes from, else of its series' master."""
    if not flags:
        return _NO_FLAGS
    uid = str(component.get("UID", ""))
    override = flags.get((uid, _recurrence_key(component, fallback_tz)))
    return override if override is not None else flags.get((uid, None), _NO_FLAGS)


_NO_FLAGS = SourceFlags()


def _expand_series_by_series(
    calendar: icalendar.Calendar, query: tuple[dt.datetime, dt.datetime], problems: list[str]
) -> Iterator[icalendar.Event]:
    timezones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
    series: dict[str, list[Any]] = defaultdict(list)
    for index, event in enumerate(calendar.walk("VEVENT")):
        series[str(event.get("UID") or f"#no-uid-{index}")].append(event)
    for uid, events in series.items():
        single = icalendar.Calendar()
        for key in ("VERSION", "PRODID", "X-WR-TIMEZONE"):
            if key in calendar:
                single[key] = calendar[key]
        for component in (*timezones, *events):
            single.add_component(component)
        try:
            yield from _expand(single, query)
        except Exception as exc:
            problems.append(f"event {event_hint(uid)}: cannot expand its dates ({short_reason(exc)})")


def to_instance(
    event: Any, *, recurring: set[str], fallback_tz: ZoneInfo, flags: SourceFlags = _NO_FLAGS
) -> Instance:
    """One expanded VEVENT as an Instance; raises ValueError for an event without a usable start."""
    if "DTSTART" not in event:
        raise ValueError("no DTSTART")
    raw_start = event["DTSTART"].dt
    all_day = flags.all_day or not isinstance(raw_start, dt.datetime)
    start = _aware(raw_start, fallback_tz)
    if "DTEND" in event:
        end = _aware(event["DTEND"].dt, fallback_tz)
    elif "DURATION" in event:
        end = start + event["DURATION"].dt
    else:
        end = start
    if flags.reversed and end > start:  # undo the expansion's swap: rule 2 drops negative lengths
        start, end = end, start
    uid = str(event.get("UID") or "") or "no-uid:" + stable_hash(str(event.get("DTSTART").to_ical()))
    recurrence_id = None
    if uid in recurring and "RECURRENCE-ID" in event:
        recurrence_id = _aware(event["RECURRENCE-ID"].dt, fallback_tz).astimezone(UTC).isoformat()
    return Instance(
        uid=uid,
        recurrence_id=recurrence_id,
        start=start,
        end=end,
        all_day=all_day,
        cancelled=str(event.get("STATUS", "")).strip().upper() == "CANCELLED",
        transparent=str(event.get("TRANSP", "")).strip().upper() == "TRANSPARENT",
        organizer=_address(event.get("ORGANIZER")),
        attendees=tuple(_attendees(event.get("ATTENDEE"))),
        revision=revision_of(_sequence(event), _last_modified(event, fallback_tz)),
        summary=str(event.get("SUMMARY", "")),
        categories=tuple(_categories(event.get("CATEGORIES"))),
    )


def _sequence(event: Any) -> int:
    try:
        return int(str(event.get("SEQUENCE", 0)).strip() or 0)
    except ValueError:
        return 0


def _last_modified(event: Any, fallback_tz: ZoneInfo) -> dt.datetime | None:
    value = event.get("LAST-MODIFIED")
    moment = getattr(value, "dt", None)
    return _aware(moment, fallback_tz) if isinstance(moment, dt.date) else None


def _aware(value: dt.date | dt.datetime, fallback_tz: ZoneInfo) -> dt.datetime:
    """Aware UTC datetime. Floating times (no zone, no X-WR-TIMEZONE) are read in the configured zone."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(0), tzinfo=fallback_tz)
    elif value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=fallback_tz)
    return value.astimezone(UTC)


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


def _uid_of(component: Any) -> str:
    try:
        return str(component.get("UID", ""))
    except Exception:
        return "?"
