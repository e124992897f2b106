"""An ICS feed split into series: the raw lines of each UID group (a VEVENT master and its overrides
share a UID; events without a UID form one group), and the context every group is read in (the
calendar's header properties, such as X-WR-TIMEZONE, and its VTIMEZONEs).

Hashing each group's lines tells which series changed since the last read, so only those are parsed
and expanded again. What is parsed leaves out the properties no counting rule reads (descriptions,
locations, attachments, time stamps): a third of icalendar's work on a typical export, and text the
ledger must never hold is never even parsed. Files whose structure is not one plain VCALENDAR (several calendars, a bare
VEVENT, unbalanced BEGIN/END, events nested in other components) are not split: they are read whole.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from icalendar.prop import vText

NO_UID = ""  # the group of every VEVENT without a UID


@dataclass(slots=True)
class Group:
    blocks: list[str] = field(default_factory=list)  # the raw text of each VEVENT, in file order

    @property
    def digest(self) -> str:
        return _digest(self.blocks)


@dataclass(slots=True)
class SplitCalendar:
    opening: str  # the BEGIN:VCALENDAR line as written
    context: list[str]  # header properties and VTIMEZONE blocks, raw text
    groups: dict[str, Group]  # by UID, in file order

    @property
    def context_digest(self) -> str:
        return _digest(self.context)

    def text_of(self, uids: Iterable[str]) -> bytes:
        """A calendar of the context and these groups only, without the properties nothing reads:
        what a read parses. A UID-less event keeps every line, because its content is its identity
        (``series.series_key``)."""
        parts = [self.opening, *self.context]
        for uid in uids:
            blocks = self.groups[uid].blocks
            parts.extend(blocks if uid == NO_UID else (without_unread(block) for block in blocks))
        parts.append("END:VCALENDAR\n")
        return "".join(parts).encode("utf-8")


# Event properties that no counting rule, key or revision reads (rules v1 read DTSTART, DTEND, DURATION,
# the recurrence properties, STATUS, TRANSP, ORGANIZER, ATTENDEE, SEQUENCE, LAST-MODIFIED, SUMMARY and
# CATEGORIES), with their folded continuation lines.
_UNREAD = re.compile(
    r"^(?:DESCRIPTION|X-ALT-DESC|LOCATION|COMMENT|ATTACH|CONTACT|URL|CONFERENCE|IMAGE|DTSTAMP|CREATED)"
    r"[;:][^\n]*\n(?:[ \t][^\n]*\n)*",
    re.MULTILINE | re.IGNORECASE,
)
_BOUNDARY = re.compile(r"^(BEGIN|END):[ \t]*([^\n]*?)[ \t]*$", re.MULTILINE | re.IGNORECASE)
_UID = re.compile(r"^UID[;:]", re.MULTILINE | re.IGNORECASE)


def split_calendar(data: bytes) -> SplitCalendar | None:
    """The feed's groups and context, or None when its structure is not one plain VCALENDAR.

    Only the BEGIN/END lines are looked at (a regular expression over the text): a text value cannot
    hold a line break, so a line starting with BEGIN: or END: is always a component boundary."""
    text = data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    boundaries = list(_BOUNDARY.finditer(text))
    if not boundaries or text[: boundaries[0].start()].strip():
        return None
    first, last = boundaries[0], boundaries[-1]
    if (first[1].upper(), first[2].upper()) != ("BEGIN", "VCALENDAR") or text[last.end() :].strip():
        return None
    if (last[1].upper(), last[2].upper()) != ("END", "VCALENDAR"):
        return None
    split = SplitCalendar(text[: first.end() + 1], [], {})
    depth, opened, position = 0, first, first.end() + 1
    for boundary in boundaries[1:-1]:
        if boundary[1].upper() == "BEGIN":
            if depth == 0:
                _add_context(split, text[position : boundary.start()])
                opened = boundary
            depth += 1
            continue
        depth -= 1
        if depth < 0:
            return None
        if depth == 0:
            position = boundary.end() + 1
            if not _place(split, opened[2].upper(), text[opened.start() : position]):
                return None
    if depth != 0:
        return None
    _add_context(split, text[position : last.start()])
    return split


def without_unread(block: str) -> str:
    """A VEVENT's raw text without the properties in ``_UNREAD`` (a VALARM's inside it included)."""
    return _UNREAD.sub("", block)


def _add_context(split: SplitCalendar, properties: str) -> None:
    """Calendar properties between components (X-WR-TIMEZONE, METHOD, ...): part of every read."""
    if properties.strip():
        split.context.append(properties)


def _place(split: SplitCalendar, name: str, block: str) -> bool:
    if name == "VEVENT":
        split.groups.setdefault(_uid_of(block), Group()).blocks.append(block)
    elif name == "VTIMEZONE":
        split.context.append(block)
    elif re.search(r"^BEGIN:[ \t]*VEVENT", block, re.MULTILINE | re.IGNORECASE):
        return False  # a VEVENT inside another component: the full read finds it, a split would not
    return True  # VTODO, VJOURNAL, ...: nothing is read from them


def _uid_of(block: str) -> str:
    """The UID as icalendar reads it (unfolded, unescaped), from the event's own properties (not
    those of a VALARM inside it, which may have a UID of its own)."""
    nested = [m.start() for m in _BOUNDARY.finditer(block)][1:-1]  # nested BEGIN/END positions
    for match in _UID.finditer(block):
        if sum(1 for position in nested if position < match.start()) % 2:
            continue  # inside a nested component (only one level is real-world)
        end = match.start()
        while True:  # the property, unfolded
            end = block.find("\n", end)
            if end < 0 or block[end + 1 : end + 2] not in (" ", "\t"):
                break
            end += 1
        line = re.sub(r"\n[ \t]", "", block[match.start() : None if end < 0 else end])
        value = _value_of(line)
        return str(vText.from_ical(value)) if "\\" in value else value
    return NO_UID


def _value_of(line: str) -> str:
    """The value after the first colon outside a quoted parameter."""
    quoted = False
    for i, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[i + 1 :]
    return ""


def _digest(parts: list[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", errors="replace"))
    return digest.hexdigest()[:32]


def group_keys(
    split: SplitCalendar, keyed: Iterable[tuple[str, str]], only: Iterable[str] | None = None
) -> dict[str, list[str]] | None:
    """Which ledger keys each group produced, from (instance UID, key) pairs; every group of ``only``
    (default: all) appears, with no keys if it has no instance in the window. None if an instance
    cannot be placed in a group (the next read is then a full one)."""
    groups = list(split.groups if only is None else only)
    result: dict[str, list[str]] = {uid: [] for uid in groups}
    for uid, key in keyed:
        if uid in result:
            result[uid].append(key)
        elif NO_UID in result:  # a UID-less event: its key is made up by the parser
            result[NO_UID].append(key)
        else:
            return None
    return result


def cursor_groups(split: SplitCalendar, keys: Mapping[str, list[str]]) -> dict[str, list[object]]:
    """The cursor's record of the groups: UID -> [digest of its lines, the keys it produced]."""
    return {uid: [split.groups[uid].digest, sorted(keys.get(uid, []))] for uid in split.groups}
