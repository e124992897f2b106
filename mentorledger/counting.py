"""Counting rules v1 (SPEC "Counting rules"): which instances are mentoring, and in which category.

Pure functions over ``Instance`` objects, shared by every calendar source. Rule numbers in the
docstrings refer to the published rules.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from mentorledger.config import Config, Relationship, Window
from mentorledger.instances import Instance, occurrence_key, stable_hash
from mentorledger.uids import group_of_uid

RULES_VERSION = "v1"
_T = TypeVar("_T")


class Category(StrEnum):
    GROUP = "group"
    MENTEE = "mentee"
    TAG = "tag"

    @property
    def priority(self) -> int:
        """Higher wins when intervals overlap (rule 3 and rule 5)."""
        return _PRIORITY[self]


_PRIORITY = {Category.GROUP: 3, Category.MENTEE: 2, Category.TAG: 1}
CATEGORIES_BY_PRIORITY = sorted(Category, key=lambda c: c.priority, reverse=True)


class DropReason(StrEnum):
    """Why an instance is not counted (rule 2, and rule 3's 'anything else')."""

    CANCELLED = "cancelled"
    ALL_DAY = "all_day"
    ZERO_LENGTH = "zero_length"
    TRANSPARENT = "transparent"
    DECLINED = "declined"
    NOT_MENTORING = "not_mentoring"


@dataclass(frozen=True, slots=True)
class Match:
    category: Category
    rule: str  # which rule matched, e.g. "group:urim-circle", "mentee", "tag:#mentoring"
    group_id: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """A counted instance as the ledger stores it: times, category, rule, roster participants, keys."""

    source_key: str  # calendar + UID + occurrence: the ledger's identity for re-sync
    event_key: str  # UID + occurrence: the same meeting on two calendars of one owner
    owner: str
    start: dt.datetime  # UTC
    end: dt.datetime  # UTC
    category: Category
    rule: str
    group_id: str | None
    participants: tuple[str, ...]  # roster members among organizer and attendees, other than the owner
    revision: str = ""  # see Instance.revision

    @property
    def fingerprint(self) -> str:
        """Changes whenever anything stored about the entry changes (edited event, new rule outcome)."""
        return stable_hash(
            self.start.isoformat(),
            self.end.isoformat(),
            self.category,
            self.rule,
            self.group_id or "",
            ",".join(self.participants),
            self.revision,
        )


@dataclass(slots=True)
class CalendarCount:
    entries: list[Entry] = field(default_factory=list)
    dropped: Counter[DropReason] = field(default_factory=Counter)


class RuleBook:
    """The configuration compiled for counting: who is in which group, who mentors whom, which words."""

    def __init__(self, config: Config) -> None:
        self.tz = config.tz
        self.window = config.effective_window()
        self.count_transparent = config.counting.count_transparent
        self.tags = [tag.casefold() for tag in config.counting.tags]
        self.category_names = {tag.casefold().removeprefix("#") for tag in config.counting.tags}
        self.keywords = [
            (keyword, re.compile(rf"(?<!\w){re.escape(keyword)}(?!\w)", re.IGNORECASE))
            for keyword in config.counting.keywords
        ]
        self.roster = frozenset(person.email for person in config.people)
        self.groups = {group.id: frozenset(group.members) for group in config.groups}
        self.uid_domains = config.session_uid_domains  # the UIDs of this institution's invites
        # Only a configured uid_domain enters the fingerprint: the default one is derived from the
        # institution, and no calendar read before it existed can hold its UIDs, so ledgers written
        # before invites had per-institution domains keep their fingerprints (and sync "unchanged").
        self._fingerprinted_uid_domain = config.uid_domain
        self._groups_of: dict[str, list[str]] = {}
        for group in config.groups:
            for member in group.members:
                self._groups_of.setdefault(member, []).append(group.id)
        self._mentees_of: dict[str, list[Relationship]] = {}
        for rel in config.relationships:
            self._mentees_of.setdefault(rel.mentor, []).append(rel)
        self._config = config

    def groups_of(self, owner: str) -> list[str]:
        return self._groups_of.get(owner, [])

    def mentees_of(self, owner: str) -> list[Relationship]:
        return self._mentees_of.get(owner, [])

    def fingerprint(self, owner: str, window: Window | None = None) -> str:
        """Everything that can change how ``owner``'s calendar is counted; a feed whose content and
        fingerprint are both unchanged need not be read again."""
        window = window or self.window
        return stable_hash(
            json.dumps(
                {
                    "rules": RULES_VERSION,
                    "tz": str(self.tz),
                    "window": [window.start.isoformat(), window.end.isoformat()],
                    "transparent": self.count_transparent,
                    "tags": self.tags,
                    "keywords": [k for k, _ in self.keywords],
                    "roster": sorted(self.roster),
                    "groups": {g: sorted(self.groups[g]) for g in self.groups_of(owner)},
                    "mentees": sorted(
                        (r.mentee, r.start.isoformat(), r.end.isoformat() if r.end else "")
                        for r in self.mentees_of(owner)
                    ),
                }
                | ({"uid_domain": self._fingerprinted_uid_domain} if self._fingerprinted_uid_domain else {}),
                sort_keys=True,
            )
        )


def window_bounds(window: Window, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, end+1 00:00) in the configured zone, as aware UTC datetimes."""
    start = dt.datetime.combine(window.start, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(window.end + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def drop_reason(instance: Instance, owner: str, *, count_transparent: bool) -> DropReason | None:
    """Rule 2: cancelled, all-day, zero or negative length, transparent, or declined by the owner."""
    if instance.cancelled:
        return DropReason.CANCELLED
    if instance.all_day:
        return DropReason.ALL_DAY
    if instance.end <= instance.start:
        return DropReason.ZERO_LENGTH
    if instance.transparent and not count_transparent:
        return DropReason.TRANSPARENT
    if any(a.email == owner and a.partstat == "DECLINED" for a in instance.attendees):
        return DropReason.DECLINED
    return None


def classify(instance: Instance, owner: str, book: RuleBook) -> Match | None:
    """Rule 3: the highest-priority category that matches, or None (not mentoring)."""
    people = {a.email for a in instance.attendees}
    if instance.organizer:
        people.add(instance.organizer)
    people.add(owner)

    uid_group = group_of_uid(instance.uid, book.uid_domains)
    for group_id in book.groups_of(owner):
        if uid_group == group_id:
            return Match(Category.GROUP, f"group:{group_id}:invite", group_id)
        if len(people & book.groups[group_id]) >= 3:
            return Match(Category.GROUP, f"group:{group_id}", group_id)

    local_day = instance.start.astimezone(book.tz).date()
    others = people - {owner}
    for rel in book.mentees_of(owner):
        if rel.mentee in others and rel.active_on(local_day):
            return Match(Category.MENTEE, f"mentee:{rel.kind}")

    summary = instance.summary.casefold()
    for tag in book.tags:
        if tag in summary:
            return Match(Category.TAG, f"tag:{tag}")
    for category in instance.categories:
        if category.casefold() in book.category_names:
            return Match(Category.TAG, f"category:{category.casefold()}")
    for keyword, pattern in book.keywords:
        if pattern.search(instance.summary):
            return Match(Category.TAG, f"keyword:{keyword.casefold()}")
    return None


def count_instances(
    instances: Iterable[Instance], *, owner: str, calendar_key: str, book: RuleBook
) -> CalendarCount:
    """Rules 2 and 3 over one calendar's instances: the entries to store, and why others were dropped."""
    result = CalendarCount()
    for instance in instances:
        counted = count_instance(instance, owner=owner, calendar_key=calendar_key, book=book)
        if isinstance(counted, Entry):
            result.entries.append(counted)
        else:
            result.dropped[counted] += 1
    return result


def count_instance(
    instance: Instance, *, owner: str, calendar_key: str, book: RuleBook
) -> Entry | DropReason:
    """Rules 2 and 3 over one instance: the entry to store, or why it is not counted."""
    reason = drop_reason(instance, owner, count_transparent=book.count_transparent)
    match = None if reason else classify(instance, owner, book)
    if match is None:
        return reason or DropReason.NOT_MENTORING
    participants = {a.email for a in instance.attendees}
    if instance.organizer:
        participants.add(instance.organizer)
    return Entry(
        source_key=occurrence_key(calendar_key, instance),
        event_key=instance.event_key,
        owner=owner,
        start=instance.start.astimezone(dt.UTC),
        end=instance.end.astimezone(dt.UTC),
        category=match.category,
        rule=match.rule,
        group_id=match.group_id,
        participants=tuple(sorted((participants & book.roster) - {owner})),
        revision=instance.revision,
    )


# --------------------------------------------------------------------------------------------------------
# Rule 5: minutes


@dataclass(frozen=True, slots=True)
class Interval:
    start: dt.datetime
    end: dt.datetime
    category: Category


def _minute(moment: dt.datetime) -> int:
    """Whole minutes since the epoch; seconds are dropped, so ledgers are exact to the minute."""
    return int(moment.timestamp()) // 60


def clipped_minutes(
    start: dt.datetime, end: dt.datetime, clip_start: dt.datetime, clip_end: dt.datetime
) -> int:
    """Whole minutes of [start, end) inside [clip_start, clip_end)."""
    return max(0, min(_minute(end), _minute(clip_end)) - max(_minute(start), _minute(clip_start)))


def allocate_minutes(
    intervals: Sequence[Interval], clip_start: dt.datetime, clip_end: dt.datetime
) -> dict[Category, int]:
    """Rule 5: the union of the intervals clipped to [clip_start, clip_end), each minute given to the
    highest-priority category covering it. Overlaps are never counted twice."""
    return allocate_clipped(
        clip_spans(((i.start, i.end, i.category) for i in intervals), clip_start, clip_end)
    )


MinuteSpan = tuple[int, int, _T]  # [start, end) in whole minutes since the epoch, and what it carries


def clip_spans(
    spans: Iterable[tuple[dt.datetime, dt.datetime, _T]], clip_start: dt.datetime, clip_end: dt.datetime
) -> list[MinuteSpan[_T]]:
    """The spans in whole minutes (``_minute``) clipped to [clip_start, clip_end), empty ones dropped:
    done once per entry, however many rankings (categories, review states) are then made of them."""
    lo, hi = _minute(clip_start), _minute(clip_end)
    clipped: list[MinuteSpan[_T]] = []
    for start_at, end_at, item in spans:  # _minute, inlined: this loop runs for every counted entry
        start = max(int(start_at.timestamp()) // 60, lo)
        end = min(int(end_at.timestamp()) // 60, hi)
        if end > start:
            clipped.append((start, end, item))
    return clipped


def allocate_clipped(spans: Sequence[MinuteSpan[Category]]) -> dict[Category, int]:
    """``allocate_minutes`` of spans already clipped (``clip_spans``)."""
    ranked = rank_clipped([(start, end, category.priority) for start, end, category in spans])
    return {category: ranked.get(category.priority, 0) for category in Category}


def rank_minutes(
    spans: Iterable[tuple[dt.datetime, dt.datetime, int]], clip_start: dt.datetime, clip_end: dt.datetime
) -> dict[int, int]:
    """The union of ``(start, end, rank)`` spans clipped to [clip_start, clip_end), in whole minutes,
    each minute credited to the highest rank covering it: rule 5's union, for any ranking (categories;
    review states in rule 8). The values add up to the union's length; absent ranks got no minute."""
    return rank_clipped(clip_spans(spans, clip_start, clip_end))


def rank_clipped(spans: Sequence[MinuteSpan[int]]) -> dict[int, int]:
    """``rank_minutes`` of spans already clipped (``clip_spans``). The minutes whose highest rank is r
    are those covered by a span ranked r or higher and by none ranked higher than r, so each rank's
    share is the difference of two unions' lengths (few ranks: a category, a review state)."""
    ordered = sorted(spans)
    ranked: dict[int, int] = {}
    above = 0  # minutes covered by a span ranked higher than the current rank
    for rank in sorted({r for _, _, r in ordered}, reverse=True):
        covered = _union_length([(start, end) for start, end, r in ordered if r >= rank])
        if covered > above:
            ranked[rank] = covered - above
        above = covered
    return ranked


def _union_length(spans: Sequence[tuple[int, int]]) -> int:
    """Minutes covered by the union of these non-empty spans, sorted by start."""
    if not spans:
        return 0
    total = 0
    run_start, run_end = spans[0]
    for start, end in spans[1:]:
        if start > run_end:
            total += run_end - run_start
            run_start, run_end = start, end
        elif end > run_end:
            run_end = end
    return total + run_end - run_start
