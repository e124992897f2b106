"""The one shape every calendar source produces: an expanded event instance.

Every calendar source turns its events into ``Instance`` objects, so the counting rules exist once.
An instance holds the title and categories only in memory, for the tag rule; they are never stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Attendee:
    email: str  # normalised: lower-case, no mailto:
    partstat: str = "NEEDS-ACTION"  # upper-case iCalendar PARTSTAT


@dataclass(frozen=True, slots=True)
class Instance:
    """One occurrence of an event, with aware start and end (all-day instances carry midnight UTC)."""

    uid: str
    # The occurrence's identity inside its series (original start, UTC ISO), or None for a one-off event,
    # so that moving a one-off meeting updates its entry instead of replacing it.
    recurrence_id: str | None
    start: dt.datetime
    end: dt.datetime
    all_day: bool = False
    cancelled: bool = False
    transparent: bool = False
    organizer: str | None = None
    attendees: tuple[Attendee, ...] = ()
    # Which copy is newer when one occurrence appears on several calendars: SEQUENCE, then LAST-MODIFIED.
    revision: str = ""
    summary: str = field(default="", repr=False)
    categories: tuple[str, ...] = field(default=(), repr=False)

    @property
    def occurrence(self) -> str:
        """UID plus occurrence: the same meeting on two calendars has the same value."""
        return f"{self.uid}\x1f{self.recurrence_id or ''}"

    @property
    def event_key(self) -> str:
        """A stable, non-reversible key for this occurrence across calendars (rule 5: counted once)."""
        return stable_hash(self.occurrence)


def revision_of(sequence: int, modified: dt.datetime | None) -> str:
    """A string that sorts like (SEQUENCE, LAST-MODIFIED): later edits sort higher."""
    stamp = modified.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S") if modified else ""
    return f"{max(sequence, 0):08d}|{stamp}"


def occurrence_key(calendar_key: str, instance: Instance) -> str:
    """The source key of an occurrence on one calendar, for sources whose events are identified by UID
    and occurrence alone."""
    return stable_hash(calendar_key, instance.occurrence)


def stable_hash(*parts: str) -> str:
    """A short hex digest of the parts; used for keys that must not reveal what they identify."""
    digest = hashlib.sha256("\x1e".join(parts).encode("utf-8"))
    return digest.hexdigest()[:32]
