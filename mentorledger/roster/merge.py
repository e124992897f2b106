"""Merging imported records into the configuration's ``people`` and ``relationships``.

A person is matched by e-mail, a relationship by mentor, mentee and start. A matched entry gets the
fields the export has a column for, and keeps every other key (credit, last_promotion, consent, ...);
a new one is appended; entries the export does not mention stay as they are. Nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from ruamel.yaml.comments import CommentedMap

from mentorledger.roster.people import PersonRecord
from mentorledger.roster.relationships import RelationshipRecord
from mentorledger.roster.yamlfile import (
    Change,
    Plan,
    RosterFile,
    address,
    comparable,
    entries,
    flow_entry,
    safe_scalar,
)

PERSON_KEYS = ("name", "department", "rank")


def plan_people(roster: RosterFile, records: Sequence[PersonRecord]) -> Plan:
    section = roster.section("people")
    by_email = {address(item.get("email")): item for _i, item in entries(section)}
    plan = Plan("people")
    for record in records:
        values = {"name": record.name, "department": record.department, "rank": record.rank}
        existing = by_email.get(record.email)
        if existing is None:
            section.append(flow_entry([("email", record.email), *values.items()]))
            by_email[record.email] = section[-1]
            plan.added.append(Change(record.email, tuple((k, None, v) for k, v in values.items())))
            continue
        _update(existing, record.email, values, plan)
    plan.kept = len(by_email) - len(plan.added) - len(plan.updated) - plan.unchanged
    plan.text = roster.render("people") if plan.changes else roster.original
    return plan


def plan_relationships(
    roster: RosterFile, records: Sequence[RelationshipRecord], columns: Collection[str]
) -> Plan:
    """``columns``: the fields the export has; a relationship's other keys are left alone."""
    section = roster.section("relationships")
    by_key: dict[tuple[Any, ...], CommentedMap] = {
        (address(item.get("mentor")), address(item.get("mentee")), comparable(item.get("start"))): item
        for _i, item in entries(section)
    }
    plan = Plan("relationships")
    for record in records:
        values: dict[str, Any] = {"kind": record.kind}
        for name in ("end", "mentee_stage"):
            if name in columns:
                values[name] = getattr(record, name)
        who = f"{record.mentor} mentors {record.mentee} from {record.start}"
        existing = by_key.get(record.key)
        if existing is None:
            fields: list[tuple[str, Any]] = [
                ("mentor", record.mentor),
                ("mentee", record.mentee),
                ("kind", record.kind),
            ]
            fields += [("start", record.start), ("end", values.get("end"))]
            fields += [("mentee_stage", values.get("mentee_stage"))]
            section.append(flow_entry(fields))
            by_key[record.key] = section[-1]
            plan.added.append(Change(who, tuple((k, None, v) for k, v in values.items() if v is not None)))
            continue
        _update(existing, who, values, plan)
    plan.kept = len(by_key) - len(plan.added) - len(plan.updated) - plan.unchanged
    plan.text = roster.render("relationships") if plan.changes else roster.original
    return plan


def _update(entry: CommentedMap, who: str, values: dict[str, Any], plan: Plan) -> None:
    """Set the fields that differ (None removes an optional key), recording each change."""
    changed = []
    for key, value in values.items():
        before = comparable(entry.get(key))
        if before == value:
            continue
        changed.append((key, before, value))
        if value is None:
            del entry[key]
        else:
            entry[key] = safe_scalar(value)
    if changed:
        plan.updated.append(Change(who, tuple(changed)))
    else:
        plan.unchanged += 1
