"""Google Calendar event JSON (Calendar API v3 ``Event`` resources) to ``Instance`` objects.

The mapping keeps Google and ICS sources interchangeable: an instance of a recurring series gets the
series' ``iCalUID`` as its UID and its original start (UTC ISO, exactly as the ICS reader writes a
RECURRENCE-ID) as its occurrence, so the same meeting has the same ``event_key`` whether it was read
from Google or from an ICS export of the same calendar. Titles stay in memory for the tag rule only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mentorledger.config import normalize_email
from mentorledger.instances import Attendee, Instance, revision_of

UTC = dt.UTC

# Google's responseStatus -> iCalendar PARTSTAT (what the counting rules read).
PARTSTAT = {
    "accepted": "ACCEPTED",
    "declined": "DECLINED",
    "tentative": "TENTATIVE",
    "needsAction": "NEEDS-ACTION",
}


@dataclass(frozen=True, slots=True)
class GoogleItem:
    """One item of an events.list page: its Google id, and the instance it describes (None when the
    item is a deletion marker without times, as Google sends for deleted events)."""

    event_id: str
    instance: Instance | None

    @property
    def cancelled(self) -> bool:
        return self.instance is None or self.instance.cancelled


def read_item(event: Mapping[str, Any], *, owner: str, default_tz: dt.tzinfo) -> GoogleItem:
    """Map one Event resource. ``default_tz`` (the configured zone, as for ICS) reads all-day dates
    and a dateTime that carries neither an offset nor a timeZone.

    Raises ValueError for an item that is neither cancelled nor has a usable start."""
    event_id = str(event.get("id") or "")
    cancelled = str(event.get("status", "")).lower() == "cancelled"
    start_field = event.get("start") or {}
    if not start_field.get("dateTime") and not start_field.get("date"):
        if cancelled:
            return GoogleItem(event_id or str(event.get("iCalUID", "")), None)
        raise ValueError("event without a start")
    start, all_day = _moment(start_field, default_tz)
    end_field = event.get("end") or {}
    end = _moment(end_field, default_tz)[0] if end_field.get("dateTime") or end_field.get("date") else start
    uid = str(event.get("iCalUID") or "") or f"{event_id}@google.com"
    instance = Instance(
        uid=uid,
        recurrence_id=_recurrence_id(event, default_tz),
        start=start,
        end=end,
        all_day=all_day,
        cancelled=cancelled,
        transparent=str(event.get("transparency", "")).lower() == "transparent",
        organizer=_organizer(event.get("organizer"), owner),
        attendees=tuple(_attendees(event.get("attendees"), owner)),
        revision=revision_of(_int(event.get("sequence")), _updated(event.get("updated"))),
        summary=str(event.get("summary") or ""),
    )
    return GoogleItem(event_id or instance.occurrence, instance)


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _updated(value: Any) -> dt.datetime | None:
    """RFC 3339 ``updated`` (e.g. 2025-10-01T12:00:00.000Z) as an aware datetime, or None."""
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _moment(field: Mapping[str, Any], default_tz: dt.tzinfo) -> tuple[dt.datetime, bool]:
    """(aware UTC datetime, is all-day) of an EventDateTime: dateTime honours its offset, else its
    timeZone, else the default zone; a date is midnight in the default zone, as the ICS reader does."""
    if field.get("dateTime"):
        moment = dt.datetime.fromisoformat(str(field["dateTime"]))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=_zone(field.get("timeZone")) or default_tz)
        return moment.astimezone(UTC), False
    day = dt.date.fromisoformat(str(field["date"]))
    return dt.datetime.combine(day, dt.time(0), tzinfo=default_tz).astimezone(UTC), True


def _recurrence_id(event: Mapping[str, Any], default_tz: dt.tzinfo) -> str | None:
    """The occurrence inside its series: the original start, UTC ISO; None for a one-off event.

    Only instances of recurring events carry ``originalStartTime``; if a server sends
    ``recurringEventId`` without it, the instance's own start is its original start."""
    original = event.get("originalStartTime")
    if original and (original.get("dateTime") or original.get("date")):
        return _moment(original, default_tz)[0].isoformat()
    if event.get("recurringEventId") and event.get("start"):
        return _moment(event["start"], default_tz)[0].isoformat()
    return None


def _zone(name: Any) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _organizer(value: Any, owner: str) -> str | None:
    if not isinstance(value, Mapping):
        return None
    if value.get("self"):
        return owner
    email = str(value.get("email") or "").strip()
    return normalize_email(email) if email else None


def _attendees(value: Any, owner: str) -> Iterable[Attendee]:
    """Attendees with their PARTSTAT. The ``self: true`` row is the calendar's owner, whatever alias
    Google shows, so "declined by the owner" (rule 2) works for aliases too."""
    for item in value or ():
        if not isinstance(item, Mapping):
            continue
        email = owner if item.get("self") else normalize_email(str(item.get("email") or ""))
        if email:
            yield Attendee(
                email=email, partstat=PARTSTAT.get(str(item.get("responseStatus")), "NEEDS-ACTION")
            )
