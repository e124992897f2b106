"""Why an entry counted, in plain words, from what the ledger stores: the matched ``rule``, the roster
``participants`` and the ``group_id`` (titles are never stored, so they are never quoted).

"Ben Cho, your mentee, attended"; "4 members of URiM Peer Circle"; "#mentoring in the title".
Used by the mentor's pages (and by anything else that shows a mentor their own entries).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mentorledger.config import Config, Relationship
from mentorledger.reviews import How
from mentorledger.store.ledger import StoredEntry


@dataclass(frozen=True, slots=True)
class Roster:
    """The configuration's names, groups and relationships, indexed once for a page full of entries."""

    names: dict[str, str]
    groups: dict[str, tuple[str, frozenset[str]]]  # id -> (name, members)
    mentees_of: dict[str, list[Relationship]]
    tz: dt.tzinfo

    @classmethod
    def of(cls, config: Config) -> Roster:
        mentees: dict[str, list[Relationship]] = {}
        for rel in config.relationships:
            mentees.setdefault(rel.mentor, []).append(rel)
        return cls(
            names={p.email: p.name for p in config.people},
            groups={g.id: (g.name, frozenset(g.members)) for g in config.groups},
            mentees_of=mentees,
            tz=config.tz,
        )

    def name(self, email: str) -> str:
        return self.names.get(email, email)

    def group_name(self, group_id: str | None) -> str:
        if group_id is None:
            return "a peer group"
        return self.groups[group_id][0] if group_id in self.groups else group_id

    def mentees_present(self, entry: StoredEntry) -> list[str]:
        """The owner's mentees among the participants, on the entry's local date."""
        day = entry.start.astimezone(self.tz).date()
        active = {r.mentee for r in self.mentees_of.get(entry.owner, []) if r.active_on(day)}
        return [p for p in entry.participants if p in active]

    def present(self, entry: StoredEntry) -> list[str]:
        """Names of the roster members who took part (other than the owner), sorted."""
        return sorted((self.name(p) for p in entry.participants), key=str.casefold)


def _join(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def why_it_counted(entry: StoredEntry, roster: Roster) -> str:
    kind, _, detail = entry.rule.partition(":")
    if kind == "group":
        name = roster.group_name(entry.group_id)
        if detail.endswith(":invite"):
            return f"A {name} session (a mentorledger invite)"
        members = roster.groups.get(entry.group_id or "", ("", frozenset()))[1]
        present = len(({entry.owner} | set(entry.participants)) & members)
        return f"{present} members of {name}"
    if kind == "mentee":
        mentees = [roster.name(e) for e in roster.mentees_present(entry)]
        if not mentees:
            return "A mentee of yours took part"
        return f"{_join(mentees)}, your {'mentee' if len(mentees) == 1 else 'mentees'}, attended"
    if kind == "tag":
        return f"{detail} in the title"
    if kind == "category":
        return f"Calendar category “{detail.title()}”"
    if kind == "keyword":
        return f"The word “{detail}” in the title"
    if kind == "manual":
        how = How(detail).label if detail in How._value2member_map_ else detail
        if entry.group_id:
            return f"Added by you ({how.lower()}): {roster.group_name(entry.group_id)}"
        if entry.participants:
            return f"Added by you ({how.lower()}) with {_join([roster.name(p) for p in entry.participants])}"
        return f"Added by you ({how.lower()})"
    return entry.rule
