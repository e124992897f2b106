"""Cross-checks: problems a schema cannot see. References between sections (a mentor who is not in
``people``), duplicates, calendar files that do not exist, report settings that overlap, group roles
held by non-members. Each yields ``(location, reason)`` pairs that loading turns into problem lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any

from mentorledger.config.base import _EMAIL, normalize_email
from mentorledger.config.calendars import check_calendar_entries
from mentorledger.config.models import Config, Group
from mentorledger.invites.schedule import offset_fits_zone, wall_clock_problems

Located = tuple[Sequence[str | int], str]


def cross_check(data: dict[str, Any]) -> list[Located]:
    """Problems a schema cannot see: references between sections, duplicates, unsupported URLs.

    Works on the raw YAML data, leniently (malformed items are the schema's to report), so that these
    problems are reported together with schema errors rather than after they are fixed."""
    problems: list[Located] = []
    known: dict[str, int] = {}
    for i, person in _items(data, "people"):
        email = _raw_email(person.get("email"))
        if email is None:
            continue
        if email in known:
            problems.append(
                (("people", i, "email"), f"{email} is listed twice (also people[{known[email]}])")
            )
        known.setdefault(email, i)

    # A malformed roster address is the schema's error; checking references against a roster we could
    # not read would add a false "not in people" for each of them.
    roster_readable = all(_EMAIL.match(email) for email in known)

    def check_known(loc: tuple[str | int, ...], value: Any) -> None:
        email = _raw_email(value)
        if roster_readable and email is not None and email not in known:
            problems.append((loc, f"{email} is not in people; add them to people or fix the address"))

    for i, rel in _items(data, "relationships"):
        for role in ("mentor", "mentee"):
            check_known(("relationships", i, role), rel.get(role))

    seen_groups: dict[str, int] = {}
    for i, group in _items(data, "groups"):
        group_id = group.get("id")
        if isinstance(group_id, str):
            if group_id in seen_groups:
                problems.append(
                    (
                        ("groups", i, "id"),
                        f"group id {group_id!r} is used twice (also groups[{seen_groups[group_id]}])",
                    )
                )
            seen_groups.setdefault(group_id, i)
        members = group.get("members")
        seen_members: set[str] = set()
        for j, member in enumerate(members if isinstance(members, list) else []):
            check_known(("groups", i, "members", j), member)
            email = _raw_email(member)
            if email in seen_members:
                problems.append((("groups", i, "members", j), f"{email} is listed twice in this group"))
            if email is not None:
                seen_members.add(email)

    for i, cal in _items(data, "calendars"):
        check_known(("calendars", i, "owner"), cal.get("owner"))
    problems += check_calendar_entries(_items(data, "calendars"), top_level=data)
    return problems


def _items(data: dict[str, Any], section: str) -> list[tuple[int, dict[str, Any]]]:
    values = data.get(section)
    if not isinstance(values, list):
        return []
    return [(i, item) for i, item in enumerate(values) if isinstance(item, dict)]


def _raw_email(value: Any) -> str | None:
    return normalize_email(value) if isinstance(value, str) and value.strip() else None


def cross_check_reports(config: Config) -> Iterable[Located]:
    """References and overlaps in the report settings: credit periods, group roles, departments.
    Run on a valid configuration only (they read typed values)."""
    known = {p.email for p in config.people}
    for i, person in enumerate(config.people):
        periods = sorted(enumerate(person.credit), key=lambda item: item[1].start)
        for (_, earlier), (j, later) in pairwise(periods):
            if later.start <= earlier.end:
                yield (
                    ("people", i, "credit", j),
                    f"credit period {later.start}..{later.end} overlaps {earlier.start}..{earlier.end}; "
                    "merge or shorten them so hours are not credited twice",
                )
    for i, group in enumerate(config.groups):
        for j, email in enumerate(group.founded_by):
            if email not in group.members:
                yield (
                    ("groups", i, "founded_by", j),
                    f"{email} is not a member of this group; add them to members",
                )

    departments = {p.department for p in config.people}
    for i, department in enumerate(config.departments):
        if department.name not in departments:
            yield (
                ("departments", i, "name"),
                f"no one in people belongs to department {department.name!r}; check the spelling",
            )
    for email in config.self_reported:
        if email not in known:
            yield ("self_reported", email), f"{email} is not in people; add them to people or fix the address"


def check_group_roles(i: int, group: Group) -> Iterable[Located]:
    """Organizer, facilitators, owners and inventory entries must be members of the group."""
    members = set(group.members)

    def outside(email: str) -> str:
        return f"{email} is not a member of group {group.id!r}; add them to its members or fix the address"

    if group.organizer is not None and group.organizer not in members:
        yield ("groups", i, "organizer"), outside(group.organizer)
    for j, email in enumerate(group.facilitators):
        if email not in members:
            yield ("groups", i, "facilitators", j), outside(email)
    for j, objective in enumerate(group.objectives):
        if objective.owner not in members:
            yield ("groups", i, "objectives", j, "owner"), outside(objective.owner)
    for j, item in enumerate(group.action_items):
        if item.owner not in members:
            yield ("groups", i, "action_items", j, "owner"), outside(item.owner)
    for email in group.inventory:
        if email not in members:
            yield ("groups", i, "inventory", email), outside(email)
    if group.schedules_meetings and not group.series("UTC").first_session_fits():
        yield (
            ("groups", i, "first_session"),
            f"{group.first_session:%A %Y-%m-%d} is not a day the cadence {group.cadence!r} meets on; "
            "give the date of the first regular session",
        )
    if group.schedules_meetings and (group.cancelled_sessions or group.rescheduled_sessions):
        asked = [*group.cancelled_sessions, *group.rescheduled_sessions]
        scheduled = set(group.series("UTC").scheduled_dates(max(asked)))
        for day in sorted(set(asked) - scheduled):
            key = "cancelled_sessions" if day in group.cancelled_sessions else "rescheduled_sessions"
            yield (
                ("groups", i, key),
                f"{day} is not a session date of this group's cadence; use the date the session was scheduled for",
            )


def check_group_clock(i: int, group: Group, default_timezone: str) -> Iterable[Located]:
    """Session starts the zone's clocks skip or repeat (rejected with the two readings to choose
    from), and offset-qualified moves whose offset the zone never shows. Sessions are checked from
    the first one to a year past today (or past the first session, if that is later)."""
    if not group.schedules_meetings:
        return
    zone = group.timezone or default_timezone
    series = group.series(zone)
    for day, moved in group.rescheduled_sessions.items():
        if moved.tzinfo is not None and not offset_fits_zone(moved, series.tz):
            yield (
                ("groups", i, "rescheduled_sessions", str(day)),
                f"{moved.isoformat(' ', 'minutes')} is not a time {zone} shows; drop the offset or use the zone's own",
            )
    today = dt.datetime.now(series.tz).date()
    until = max(today, group.first_session or today) + dt.timedelta(days=366)
    for problem in wall_clock_problems(series, until):
        key: tuple[str | int, ...] = (
            ("groups", i, "rescheduled_sessions", str(problem.day))
            if problem.moved
            else ("groups", i, "start_time")
        )
        yield key, problem.describe(zone)
