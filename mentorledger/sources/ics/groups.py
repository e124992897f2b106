"""An ICS feed split into series: the raw lines of each UID group (a VEVENT master and its overrides
share a UID; events without a UID form one group), and the context every group is read in (the
calendar's header properties, such as X-WR-TIMEZONE, and its VTIMEZONEs).

Hashing each group's lines tells which series changed since the last read, so only those are parsed
and expanded again. Files whose structure is not one plain VCALENDAR (several calendars, a bare
VEVENT, unbalanced BEGIN/END, events nested in other components) are not split: they are read whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from icalendar.prop import vText

NO_UID = ""  # the group of every VEVENT without a UID


@dataclass(slots=True)
class Group:
    lines: list[str] = field(default_factory=list)

    @property
    def digest(self) -> str:
        return _digest(self.lines)


@dataclass(slots=True)
class SplitCalendar:
    opening: str  # the BEGIN:VCALENDAR line as written
    context: list[str]  # header properties and VTIMEZONE blocks
    groups: dict[str, Group]  # by UID, in file order

    @property
    def context_digest(self) -> str:
        return _digest(self.context)

    def text_of(self, uids: Iterable[str]) -> bytes:
        """A calendar of the context and these groups only: what a partial read parses."""
        lines = [self.opening, *self.context]
        for uid in uids:
            lines.extend(self.groups[uid].lines)
        lines.append("END:VCALENDAR")
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def split_calendar(data: bytes) -> SplitCalendar | None:
    """The feed's groups and context, or None when its structure is not one plain VCALENDAR."""
    lines = data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n").split("\n")
    index = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if index == len(lines) or lines[index].strip().upper() != "BEGIN:VCALENDAR":
        return None
    split = SplitCalendar(lines[index], [], {})
    block: list[str] | None = None
    depth = 0
    ended = False
    for line in lines[index + 1 :]:
        if ended:
            if line.strip():
                return None  # content after END:VCALENDAR: another calendar, read whole
            continue
        upper = line.strip().upper() if line[:1] not in (" ", "\t") else ""
        if block is None:
            if upper.startswith("BEGIN:"):
                block, depth = [line], 1
            elif upper == "END:VCALENDAR":
                ended = True
            elif line.strip():
                split.context.append(line)
            continue
        block.append(line)
        if upper.startswith("BEGIN:"):
            depth += 1
        elif upper.startswith("END:"):
            depth -= 1
            if depth == 0:
                if not _place(split, block):
                    return None
                block = None
    return split if ended and block is None else None


def _place(split: SplitCalendar, block: list[str]) -> bool:
    name = block[0].strip().upper()[len("BEGIN:") :]
    if name == "VEVENT":
        split.groups.setdefault(_uid_of(block), Group()).lines.extend(block)
    elif name == "VTIMEZONE":
        split.context.extend(block)
    elif any(line.strip().upper() == "BEGIN:VEVENT" for line in block):
        return False  # a VEVENT inside another component: the full read finds it, a split would not
    return True  # VTODO, VJOURNAL, ...: nothing is read from them


def _uid_of(block: list[str]) -> str:
    """The UID as icalendar reads it (unfolded, unescaped), from the event's own properties."""
    unfolded: list[str] = []
    for line in block[1:]:
        if line[:1] in (" ", "\t") and unfolded:
            unfolded[-1] += line[1:]
        else:
            unfolded.append(line)
    depth = 0
    for line in unfolded:
        upper = line.strip().upper()
        if upper.startswith("BEGIN:"):
            depth += 1
        elif upper.startswith("END:"):
            depth -= 1
        elif depth == 0 and _name_of(line) == "UID":
            return str(vText.from_ical(_value_of(line)))
    return NO_UID


def _name_of(line: str) -> str:
    end = min((i for i in (line.find(";"), line.find(":")) if i >= 0), default=len(line))
    return line[:end].strip().upper()


def _value_of(line: str) -> str:
    """The value after the first colon outside a quoted parameter."""
    quoted = False
    for i, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[i + 1 :]
    return ""


def _digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8", errors="replace")).hexdigest()[:32]


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
