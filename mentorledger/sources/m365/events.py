"""Graph ``event`` resources (as ``calendarView/delta`` returns them) to ``Instance`` objects.

The mapping keeps Graph interchangeable with an ICS export of the same mailbox:

- UID: a single meeting's ``iCalUId``; an occurrence or exception carries an ``iCalUId`` of its own,
  different per occurrence, so it takes its series master's ``iCalUId`` (read once per series).
- occurrence: ``originalStart`` (UTC ISO, as the ICS reader writes a RECURRENCE-ID); None for a
  single meeting, so moving it updates its entry.
- ``isCancelled`` -> cancelled; ``showAs: free`` -> transparent; the mailbox owner's own
  ``responseStatus.response == declined`` -> the owner declined; ``isAllDay`` -> all-day; organizer
  and attendees (with their responses) -> participants. Times are UTC (``Prefer: outlook.timezone``).
Titles and categories stay in memory for the tag rule only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mentorledger.config import normalize_email
from mentorledger.instances import Attendee, Instance, revision_of

UTC = dt.UTC
SERIES_TYPES = frozenset({"occurrence", "exception"})
# Graph's responseType -> iCalendar PARTSTAT (what the counting rules read).
PARTSTAT = {
    "accepted": "ACCEPTED",
    "declined": "DECLINED",
    "tentativelyaccepted": "TENTATIVE",
    "organizer": "ACCEPTED",
    "notresponded": "NEEDS-ACTION",
    "none": "NEEDS-ACTION",
}


def series_master(event: Mapping[str, Any]) -> str | None:
    """The id of the series master an occurrence or exception belongs to; None for a single meeting."""
    master = event.get("seriesMasterId")
    if isinstance(master, str) and master and str(event.get("type", "")).lower() != "seriesmaster":
        return master
    return None


def read_event(
    event: Mapping[str, Any], *, owner: str, series_uid: str | None, default_tz: dt.tzinfo
) -> Instance:
    """Map one event; ``series_uid`` is its series master's ``iCalUId`` (None for a single meeting).
    Raises ValueError (or KeyError, TypeError) for an event without usable times or UID."""
    all_day = bool(event.get("isAllDay"))
    start = _moment(event.get("start"), default_tz, all_day=all_day)
    end = _moment(event.get("end"), default_tz, all_day=all_day) if event.get("end") else start
    uid = series_uid or str(event.get("iCalUId") or "")
    if not uid:
        raise ValueError("event without an iCalUId")
    return Instance(
        uid=uid,
        recurrence_id=_original_start(event, start, default_tz) if series_uid else None,
        start=start,
        end=end,
        all_day=all_day,
        cancelled=bool(event.get("isCancelled")),
        transparent=str(event.get("showAs", "")).lower() == "free",
        organizer=_address(event.get("organizer")),
        attendees=tuple(_attendees(event, owner)),
        revision=revision_of(0, _offset_time(event.get("lastModifiedDateTime"))),
        summary=str(event.get("subject") or ""),
        categories=tuple(str(c) for c in event.get("categories") or () if isinstance(c, str) and c.strip()),
    )


def _moment(field: Any, default_tz: dt.tzinfo, *, all_day: bool) -> dt.datetime:
    """A Graph dateTimeTimeZone as aware UTC. All-day events are midnight of their date in the
    configured zone, as the ICS reader reads a DATE."""
    if not isinstance(field, Mapping) or not field.get("dateTime"):
        raise ValueError("event without a start or end time")
    local = dt.datetime.fromisoformat(_seven_digits(str(field["dateTime"])))
    if all_day:
        return dt.datetime.combine(local.date(), dt.time(0), tzinfo=default_tz).astimezone(UTC)
    if local.tzinfo is None:
        local = local.replace(tzinfo=_zone(field.get("timeZone")))
    return local.astimezone(UTC)


def _seven_digits(text: str) -> str:
    """Graph writes 7 fractional digits (2025-10-01T14:00:00.0000000); keep at most 6."""
    head, dot, fraction = text.partition(".")
    if not dot:
        return text
    digits = "".join(ch for ch in fraction if ch.isdigit())
    rest = fraction[len(digits) :]
    return f"{head}.{digits[:6]}{rest}" if digits else head + rest


def _zone(name: Any) -> dt.tzinfo:
    text = str(name or "UTC").strip()
    if text.upper() in ("UTC", "Z", "COORDINATED UNIVERSAL TIME"):
        return UTC
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("time zone is not an IANA name (ask Graph for UTC)") from None


def _offset_time(value: Any) -> dt.datetime | None:
    """A DateTimeOffset (``2025-10-01T14:00:00Z``) as an aware datetime, or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(_seven_digits(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _original_start(event: Mapping[str, Any], start: dt.datetime, default_tz: dt.tzinfo) -> str:
    """The occurrence's original start in its series, UTC ISO (an unmoved occurrence: its start)."""
    original = _offset_time(event.get("originalStart"))
    if original is None:
        return start.isoformat()
    if event.get("isAllDay"):
        return dt.datetime.combine(original.date(), dt.time(0), tzinfo=default_tz).astimezone(UTC).isoformat()
    return original.astimezone(UTC).isoformat()


def _address(value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return None
    email = value.get("emailAddress")
    address = email.get("address") if isinstance(email, Mapping) else None
    if not isinstance(address, str) or "@" not in address:
        return None
    return normalize_email(address)


def _attendees(event: Mapping[str, Any], owner: str) -> Iterable[Attendee]:
    """Attendees with their responses; the mailbox owner's own response is ``responseStatus``."""
    own = event.get("responseStatus")
    own_response = str(own.get("response", "")).lower() if isinstance(own, Mapping) else ""
    seen_owner = False
    for item in event.get("attendees") or ():
        email = _address(item) if isinstance(item, Mapping) else None
        if email is None:
            continue
        status = item.get("status")
        response = str(status.get("response", "")).lower() if isinstance(status, Mapping) else ""
        if email == owner:
            seen_owner = True
            response = own_response if own_response not in ("", "none") else response
        yield Attendee(email=email, partstat=PARTSTAT.get(response, "NEEDS-ACTION"))
    if not seen_owner and own_response == "declined":
        yield Attendee(email=owner, partstat="DECLINED")
