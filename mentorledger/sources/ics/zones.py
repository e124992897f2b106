"""Known time zones as ``zoneinfo``: a TZID (Windows names such as Exchange's ``Eastern Standard Time``,
IANA names, or a custom VTIMEZONE) is read with a ``zoneinfo`` zone whenever that gives the same UTC
offsets over the sync window, because dateutil's VTIMEZONE zone costs ~40 µs per UTC conversion and
``zoneinfo`` ~1 µs; expansion converts every occurrence several times.

A VTIMEZONE's own rules win: a candidate zone (the TZID itself, its CLDR Windows mapping, the
``X-LIC-LOCATION`` or globally unique ``/vendor/Area/City`` form, then any zone of the CLDR table with
the same offsets) is only used if its offsets equal the file's at every transition of either zone in
the window. Otherwise the file's rules are used, built from this file's own VTIMEZONE: icalendar keeps
the first VTIMEZONE it saw for a TZID for the whole process, which could be another calendar's.

The Windows names come from the CLDR ``windowsZones`` table that icalendar ships
(``icalendar.timezone.windows_to_olson``, Unicode licence, generated from CLDR by icalendar).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import threading
from collections.abc import Iterator
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

import icalendar
from icalendar.timezone import tzp
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

UTC = dt.UTC
_DAY = dt.timedelta(days=1)
_SECOND = dt.timedelta(seconds=1)
_MONTH = dt.timedelta(days=30)
_DATE_PROPERTIES = ("DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "EXDATE", "RDATE")
Window = tuple[dt.datetime, dt.datetime]


def read_known_zones_as_zoneinfo(calendar: icalendar.Calendar, window: Window) -> icalendar.Calendar:
    """Give every zoned event time the fastest zone with the file's offsets over ``window``.

    Wall times are kept; only the tzinfo changes, so an instant changes only where the file's own
    VTIMEZONE differs from what icalendar picked (another file's VTIMEZONE of the same TZID)."""
    definitions = {str(c["TZID"]): c for c in calendar.subcomponents if c.name == "VTIMEZONE" and "TZID" in c}
    zones: dict[str, dt.tzinfo | None] = {}
    for event in calendar.walk("VEVENT"):
        for name in _DATE_PROPERTIES:
            value = event.get(name)
            for prop in value if isinstance(value, list) else (value,):
                tzid = getattr(prop, "params", {}).get("TZID") if prop is not None else None
                if tzid is None:
                    continue
                tzid = str(tzid)
                if tzid not in zones:
                    zones[tzid] = zone_for(tzid, definitions.get(tzid), window)
                zone = zones[tzid]
                if zone is not None:
                    try:
                        _rezone(prop, zone)
                    except Exception:  # unreadable: left as it is, for the event's own boundary to report
                        continue
    return calendar


def _rezone(prop: Any, zone: dt.tzinfo) -> None:
    """Set ``zone`` on a date-time property (or each date-time of a list property), wall time kept."""
    for leaf in getattr(prop, "dts", None) or (prop,):
        value = getattr(leaf, "dt", None)
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            leaf.dt = value.replace(tzinfo=zone)
        elif isinstance(value, tuple) and value and isinstance(value[0], dt.datetime):  # PERIOD
            start, end = value
            if value[0].tzinfo is not None:
                end = end.replace(tzinfo=zone) if isinstance(end, dt.datetime) else end
                leaf.dt = (start.replace(tzinfo=zone), end)


def zone_for(tzid: str, definition: Any | None, window: Window) -> dt.tzinfo | None:
    """The zone a TZID is read in: a ``zoneinfo`` zone with the same offsets over ``window``, else the
    file's own VTIMEZONE rules; None (leave icalendar's choice) for an unknown TZID without one."""
    if definition is None:
        name = next(iter(_named_candidates(tzid, None)), None)
        return None if name is None else ZoneInfo(name)
    try:
        text = definition.to_ical()
    except Exception:
        return None
    return _zone_for_definition(tzid, hashlib.sha256(text).hexdigest(), definition, window)


_cache: dict[tuple[str, str, Window], dt.tzinfo | None] = {}
_cache_lock = threading.Lock()
_CACHE_LIMIT = 256


def _zone_for_definition(tzid: str, digest: str, definition: Any, window: Window) -> dt.tzinfo | None:
    """Cached per VTIMEZONE text: Exchange writes the same definition into every file."""
    key = (tzid, digest, window)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    zone = _decide(tzid, definition, window)
    with _cache_lock:
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[key] = zone
    return zone


def _decide(tzid: str, definition: Any, window: Window) -> dt.tzinfo | None:
    try:
        own = tzp.create_timezone(definition)
        own_changes = _vtimezone_transitions(definition, window)
    except Exception:
        return None  # a VTIMEZONE dateutil cannot read: leave icalendar's choice (and its problems)
    reference = _OwnOffsets(own, window, own_changes)
    for name in (*_named_candidates(tzid, definition), *_table_zones()):
        candidate = ZoneInfo(name)
        if reference.same_as(candidate):
            return candidate
    return own


def _vtimezone_transitions(definition: Any, window: Window) -> list[dt.datetime]:
    """The VTIMEZONE's own transitions inside the window, as aware UTC instants."""
    times, _info = definition.get_transitions()
    start, end = window
    moments = (moment.replace(tzinfo=UTC) for moment in times)
    return [moment for moment in moments if start <= moment <= end]


def _named_candidates(tzid: str, definition: Any | None) -> Iterator[str]:
    """IANA names a TZID stands for, best first: itself, its Windows mapping, X-LIC-LOCATION, and the
    trailing ``Area/City`` of a globally unique ``/vendor/.../Area/City`` TZID."""
    names = [tzid.strip().strip('"'), tzid.strip().strip('"').strip("/")]
    names.append(WINDOWS_TO_OLSON.get(names[1], ""))
    if definition is not None and "X-LIC-LOCATION" in definition:
        names.append(str(definition["X-LIC-LOCATION"]).strip())
    parts = names[1].split("/")
    names.extend("/".join(parts[i:]) for i in range(1, len(parts)))
    known = _iana_names()
    seen: set[str] = set()
    for name in names:
        if name in known and name not in seen:
            seen.add(name)
            yield name


@lru_cache(maxsize=1)
def _iana_names() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=1)
def _table_zones() -> tuple[str, ...]:
    """Every zone of the CLDR table, for VTIMEZONEs with a name of their own (``MyTimezone``)."""
    known = _iana_names()
    return tuple(sorted(name for name in set(WINDOWS_TO_OLSON.values()) if name in known))


class _OwnOffsets:
    """A VTIMEZONE's UTC offsets at the instants that decide whether a zone equals it over a window.

    Between two consecutive transitions of either zone both offsets are constant, so the zones agree
    over the window if they agree at its start and at every transition of both. The file's zone is
    slow to ask (dateutil walks its rules from their DTSTART, often 1601), so it is asked only there
    (and at monthly checkpoints), and each answer is kept for the next candidate."""

    def __init__(self, zone: dt.tzinfo, window: Window, transitions: list[dt.datetime]) -> None:
        self.zone = zone
        self.window = window
        self.checkpoints = [*_steps(window, _MONTH), *transitions]
        self._known: dict[dt.datetime, dt.timedelta | None] = {}

    def offset(self, moment: dt.datetime) -> dt.timedelta | None:
        if moment not in self._known:
            self._known[moment] = _offset(self.zone, moment)
        return self._known[moment]

    def same_as(self, candidate: dt.tzinfo) -> bool:
        if any(_offset(candidate, m) != self.offset(m) for m in self.checkpoints):
            return False
        moments = (m for t in _zone_transitions(candidate, self.window) for m in (t - _SECOND, t))
        return all(_offset(candidate, m) == self.offset(m) for m in moments)


def _zone_transitions(zone: dt.tzinfo, window: Window) -> Iterator[dt.datetime]:
    """The first instant of each new offset of a (fast) zone in the window, to the second, found by
    daily samples and bisection (no zone changes offset twice in a day)."""
    samples = _steps(window, _DAY)
    previous = _offset(zone, samples[0])
    for low, high in itertools.pairwise(samples):
        current = _offset(zone, high)
        if current != previous:
            yield _bisect(zone, low, high, previous)
        previous = current


def _bisect(zone: dt.tzinfo, low: dt.datetime, high: dt.datetime, offset: dt.timedelta | None) -> dt.datetime:
    while high - low > _SECOND:
        middle = low + (high - low) / 2
        if _offset(zone, middle) == offset:
            low = middle
        else:
            high = middle
    return high


def _steps(window: Window, step: dt.timedelta) -> list[dt.datetime]:
    start, end = (moment.astimezone(UTC) for moment in window)
    return [start + i * step for i in range(int((end - start) / step) + 2)]


def _offset(zone: dt.tzinfo, moment: dt.datetime) -> dt.timedelta | None:
    return moment.astimezone(zone).utcoffset()
