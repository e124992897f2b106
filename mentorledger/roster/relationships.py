"""Mentoring relationships from a faculty-affairs export: mentor, mentee, kind, start, end.

Mentor and mentee must be people of the roster (import people first); kinds are read from the words
programs use ("one-on-one", "near-peer", "sponsorship"); dates are YYYY-MM-DD unless
``--date-format`` says otherwise (US exports often write 7/1/2025: ``--date-format %m/%d/%Y``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from mentorledger.config import RelationshipKind
from mentorledger.roster.people import email_of
from mentorledger.roster.table import Field, Problem, Row, Table, one_per_key, read_table

RELATIONSHIP_FIELDS = (
    Field(
        "mentor",
        ("mentor", "mentor email", "mentor e-mail", "mentor email address"),
        "--mentor-column",
        required=True,
    ),
    Field(
        "mentee",
        (
            "mentee",
            "mentee email",
            "mentee e-mail",
            "mentee email address",
            "protege",
            "protégé",
            "protege email",
        ),
        "--mentee-column",
        required=True,
    ),
    Field(
        "kind",
        ("kind", "type", "relationship", "relationship type", "mentoring type", "mentorship type"),
        "--kind-column",
    ),
    Field(
        "start",
        ("start", "start date", "begin", "begin date", "since", "from"),
        "--start-column",
        required=True,
    ),
    Field("end", ("end", "end date", "until", "through", "to"), "--end-column"),
    Field(
        "mentee_stage",
        ("mentee stage", "stage", "career stage", "mentee career stage", "mentee level"),
        "--stage-column",
    ),
)
ISO_DATE = "%Y-%m-%d"
_KINDS = {
    "dyad": RelationshipKind.DYAD,
    "one on one": RelationshipKind.DYAD,
    "1 on 1": RelationshipKind.DYAD,
    "1 1": RelationshipKind.DYAD,
    "individual": RelationshipKind.DYAD,
    "traditional": RelationshipKind.DYAD,
    "near peer": RelationshipKind.NEAR_PEER,
    "nearpeer": RelationshipKind.NEAR_PEER,
    "peer": RelationshipKind.PEER,
    "peer mentoring": RelationshipKind.PEER,
    "sponsor": RelationshipKind.SPONSOR,
    "sponsorship": RelationshipKind.SPONSOR,
}


@dataclass(frozen=True, slots=True)
class RelationshipRecord:
    line: int
    mentor: str
    mentee: str
    kind: str
    start: dt.date
    end: dt.date | None
    mentee_stage: str | None

    @property
    def key(self) -> tuple[str, str, dt.date]:
        """Who mentors whom since when: the same pair may have a second, later relationship."""
        return (self.mentor, self.mentee, self.start)


@dataclass
class RelationshipsFile:
    records: list[RelationshipRecord]
    problems: list[Problem]
    columns: frozenset[str]  # the fields the file has a column for (only these are updated)


def kind_of(text: str) -> RelationshipKind | None:
    return _KINDS.get(" ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split()))


def read_relationships(
    file: Path,
    columns: dict[str, str | None],
    *,
    roster: Collection[str],
    kind: str | None = None,
    date_format: str = ISO_DATE,
) -> RelationshipsFile:
    """Every row as a relationship between two people of ``roster``, or the row's problems."""
    table = read_table(file, RELATIONSHIP_FIELDS, columns)
    if "kind" not in table.columns and kind is None:
        from mentorledger.errors import UserError

        raise UserError(
            f"{file}: no kind column (kind, type, relationship type, ...); name it with --kind-column, "
            "or give every row the same with --kind dyad|near_peer|peer|sponsor"
        )
    result = RelationshipsFile([], [], frozenset(table.columns) | ({"kind"} if kind else set()))
    found = [
        (row, _relationship(table, row, roster, kind, date_format, result.problems)) for row in table.rows
    ]
    result.records = one_per_key(
        table,
        found,
        lambda r: r.key,
        "mentee",
        "the same relationship (mentor, mentee, start)",
        result.problems,
    )
    return result


def _relationship(
    table: Table,
    row: Row,
    roster: Collection[str],
    default_kind: str | None,
    date_format: str,
    problems: list[Problem],
) -> RelationshipRecord | None:
    before = len(problems)
    mentor = _member(table, row, "mentor", roster, problems)
    mentee = _member(table, row, "mentee", roster, problems)
    if mentor is not None and mentor == mentee:
        problems.append(table.problem(row, "mentee", f"{mentee} cannot mentor themselves"))
    text = row.get("kind") or (default_kind or "")
    kind = kind_of(text)
    if kind is None:
        problems.append(
            table.problem(
                row, "kind", f"{text!r} is not a kind of relationship: use dyad, near_peer, peer or sponsor"
            )
        )
    start = _date(table, row, "start", date_format, problems, required=True)
    end = _date(table, row, "end", date_format, problems, required=False)
    if start is not None and end is not None and end < start:
        problems.append(table.problem(row, "end", f"{end} is before the start {start}"))
    if len(problems) > before:
        return None
    if mentor is None or mentee is None or kind is None or start is None:  # pragma: no cover - reported above
        return None
    stage = " ".join(row.get("mentee_stage").split()) or None
    return RelationshipRecord(row.line, mentor, mentee, kind.value, start, end, stage)


def _member(
    table: Table, row: Row, role: str, roster: Collection[str], problems: list[Problem]
) -> str | None:
    text = row.get(role)
    email = email_of(text) if text else None
    if email is None:
        problems.append(table.problem(row, role, f"{text!r} is not an e-mail address" if text else "empty"))
        return None
    if email not in roster:
        problems.append(
            table.problem(
                row, role, f"{email} is not in people; import them first with `mentorledger import people`"
            )
        )
        return None
    return email


def _date(
    table: Table, row: Row, name: str, date_format: str, problems: list[Problem], *, required: bool
) -> dt.date | None:
    text = row.get(name)
    if not text:
        if required:
            problems.append(table.problem(row, name, "empty; write the date as YYYY-MM-DD, e.g. 2026-03-01"))
        return None
    try:
        return dt.datetime.strptime(text, date_format).date()
    except ValueError:
        example = dt.date(2026, 3, 1).strftime(date_format)
        expected = "YYYY-MM-DD" if date_format == ISO_DATE else date_format
        hint = "" if date_format != ISO_DATE else " (for month/day/year exports pass --date-format %m/%d/%Y)"
        problems.append(
            table.problem(row, name, f"{text!r} is not a date; write {expected}, e.g. {example}{hint}")
        )
        return None
