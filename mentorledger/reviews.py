"""Counting rules v2, items 8 and 9: what a mentor's reviews and hand-made entries do to the numbers.

8. **Reviews.** A mentor confirms or excludes the entries counted from their calendars. An excluded
   entry does not count (it stays in the ledger and the audit, and an undo brings it back). A review
   belongs to the meeting, not to one copy of it: the same occurrence on two of the mentor's calendars
   is one entry to review, and it is excluded when any copy is. A confirmed entry whose meeting later
   moves returns to pending (the ledger's write path does that on re-sync); nothing else a re-sync
   does touches a review.
9. **Manual entries.** Mentoring that never reaches a calendar (a phone call, an e-mail thread, a
   hallway consult) is added by hand, with ``origin: manual``. It joins the same minute union as
   calendar entries (rule 5), so it never double-counts a calendar meeting at the same time.

Every counted minute also has exactly one *review state* (``Evidence``), so that
``confirmed_minutes + pending_minutes + manual_minutes == minutes`` for every mentor and period:
a minute is **confirmed** if a confirmed calendar entry covers it, else **pending** if any other
calendar entry covers it, else **manual** (only an entry added by hand covers it). Calendar evidence
outranks a hand-made entry because the calendar shows the meeting took place; a mentor's own
confirmation outranks both.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING

from mentorledger.counting import Category

if TYPE_CHECKING:  # the ledger's write path imports this module for the review states
    from mentorledger.store.ledger import StoredEntry

CALENDAR, MANUAL = "calendar", "manual"  # an entry's origin


class Review(StrEnum):
    """A calendar entry's review state, as stored in ``entries.review``."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    EXCLUDED = "excluded"


class Evidence(StrEnum):
    """Which review state a counted minute is credited to (see the module docstring)."""

    CONFIRMED = "confirmed"
    PENDING = "pending"
    MANUAL = "manual"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Evidence.CONFIRMED: 3, Evidence.PENDING: 2, Evidence.MANUAL: 1}


class How(StrEnum):
    """How a hand-made entry's mentoring happened."""

    PHONE = "phone"
    VIDEO = "video"
    EMAIL = "email"
    IN_PERSON = "in_person"

    @property
    def label(self) -> str:
        return _HOW_LABELS[self]


_HOW_LABELS = {How.PHONE: "Phone", How.VIDEO: "Video call", How.EMAIL: "E-mail", How.IN_PERSON: "In person"}


def manual_category(mentee: str | None, group_id: str | None) -> Category:
    """A hand-made entry's category: group when it names a group, mentee when it names a mentee, else
    tag (mentoring the mentor marked as such, like a ``#mentoring`` title)."""
    if group_id:
        return Category.GROUP
    if mentee:
        return Category.MENTEE
    return Category.TAG


def evidence_of(entry: StoredEntry) -> Evidence:
    if entry.origin == MANUAL:
        return Evidence.MANUAL
    return Evidence.CONFIRMED if entry.review == Review.CONFIRMED else Evidence.PENDING


def occurrence_review(states: Iterable[str]) -> Review:
    """The review of an occurrence from those of its copies: excluded if any copy is (an exclusion
    holds until the mentor undoes it), else confirmed if any copy is, else pending."""
    seen = set(states)
    if Review.EXCLUDED in seen:
        return Review.EXCLUDED
    return Review.CONFIRMED if Review.CONFIRMED in seen else Review.PENDING
