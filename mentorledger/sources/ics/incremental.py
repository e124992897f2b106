"""Reading a changed ICS feed with work proportional to the change.

The cursor keeps, for each UID group of the feed (see ``groups``), the hash of its raw lines and the
ledger keys it produced. When the feed changes but its context (header properties, VTIMEZONEs), the
window and the zone are the same, only the groups whose lines changed, and new groups, are parsed and
expanded; the result is ``Changes``: their instances, plus a deletion for every key a changed or
removed group no longer produces. Anything else (no usable cursor, another context, a file that
cannot be split) is a full read, a ``Snapshot``, which records the groups for next time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mentorledger.instances import Instance, occurrence_key
from mentorledger.sources.ics.groups import SplitCalendar, cursor_groups, group_keys, split_calendar
from mentorledger.sources.ics.parse import ParsedCalendar, parse_ics
from mentorledger.sources.protocol import Changes, Cursor, Item, Read, ReadRequest, Snapshot

Parse = Callable[[bytes], ParsedCalendar]


def read_feed(content: bytes, request: ReadRequest, previous: Cursor | None, cursor: Cursor) -> Read:
    """Read ``content``; ``cursor`` carries the new validators and is extended with the groups."""

    def parse(data: bytes) -> ParsedCalendar:
        return parse_ics(data, start=request.window[0], end=request.window[1], fallback_tz=request.tz)

    split = split_calendar(content)
    scope = _scope(request, split)
    old = _previous_groups(previous, scope)
    if split is not None and old is not None:
        partial = _partial_read(split, old, request, scope, cursor, parse)
        if partial is not None:
            return partial
    return _full_read(content, request, split, scope, cursor, parse)


def _scope(request: ReadRequest, split: SplitCalendar | None) -> dict[str, Any]:
    """What the recorded groups are valid for: the same context, window and zone."""
    return {
        "context": None if split is None else split.context_digest,
        "window": [moment.isoformat() for moment in request.window],
        "tz": str(request.tz),
    }


def _previous_groups(previous: Cursor | None, scope: Mapping[str, Any]) -> dict[str, list[Any]] | None:
    if previous is None or scope["context"] is None:
        return None
    data = previous.data
    if any(data.get(name) != value for name, value in scope.items()):
        return None
    groups = data.get("groups")
    return groups if isinstance(groups, dict) else None


def _keyed(request: ReadRequest, parsed: ParsedCalendar) -> list[tuple[Instance, str]]:
    return [(i, occurrence_key(request.calendar_key, i)) for i in parsed.instances]


def _full_read(
    content: bytes,
    request: ReadRequest,
    split: SplitCalendar | None,
    scope: dict[str, Any],
    cursor: Cursor,
    parse: Parse,
) -> Snapshot:
    parsed = parse(content if split is None else split.text_of(split.groups))
    keyed = _keyed(request, parsed)
    items = [Item(key, instance) for instance, key in keyed]
    keys = None if split is None else group_keys(split, ((i.uid, key) for i, key in keyed))
    if split is None or keys is None:
        return Snapshot(items, cursor, parsed.problems)
    data = {**cursor.data, **scope, "groups": cursor_groups(split, keys)}
    return Snapshot(items, Cursor(cursor.version, cursor.token, data), parsed.problems)


def _partial_read(
    split: SplitCalendar,
    old: dict[str, list[Any]],
    request: ReadRequest,
    scope: dict[str, Any],
    cursor: Cursor,
    parse: Parse,
) -> Changes | None:
    """Only the changed and new groups parsed; None if their instances cannot be placed in groups."""
    changed = [uid for uid, group in split.groups.items() if _digest_of(old.get(uid)) != group.digest]
    removed = [uid for uid in old if uid not in split.groups]
    if not changed and not removed:
        return Changes((), Cursor(cursor.version, cursor.token, {**cursor.data, **scope, "groups": old}))
    parsed = parse(split.text_of(changed)) if changed else ParsedCalendar()
    keyed = _keyed(request, parsed)
    new_keys = group_keys(split, ((i.uid, key) for i, key in keyed), only=changed)
    if new_keys is None:  # an instance outside every group: read everything, as without a cursor
        return None
    produced = {key for _, key in keyed}
    gone = sorted({key for uid in (*changed, *removed) for key in _keys_of(old.get(uid))} - produced)
    items = [Item(key, instance) for instance, key in keyed] + [Item(key, None) for key in gone]
    keys = {uid: _keys_of(old.get(uid)) for uid in split.groups}
    keys.update(new_keys)
    data = {**cursor.data, **scope, "groups": cursor_groups(split, keys)}
    return Changes(items, Cursor(cursor.version, cursor.token, data), parsed.problems)


def _digest_of(record: Any) -> str | None:
    return record[0] if isinstance(record, list) and record and isinstance(record[0], str) else None


def _keys_of(record: Any) -> list[str]:
    if isinstance(record, list) and len(record) > 1 and isinstance(record[1], list):
        return [key for key in record[1] if isinstance(key, str)]
    return []
