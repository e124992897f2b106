"""People from an HR export: one record per row, e-mails normalised, ranks from ranks or titles.

The header map (``PEOPLE_FIELDS``; documented in config/README.md) finds each field under the names
exports use; ``--email-column`` and the other flags name a column instead. A row's problems name its
line and column; a title no rule knows becomes rank ``other`` with a warning, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mentorledger.config.base import _EMAIL, normalize_email
from mentorledger.roster.table import Field, Problem, Row, Table, one_per_key, read_table
from mentorledger.roster.titles import rank_of_title, rank_value

PEOPLE_FIELDS = (
    Field(
        "email",
        (
            "email",
            "e-mail",
            "email address",
            "e-mail address",
            "work email",
            "primary email",
            "university email",
            "institutional email",
            "mail",
        ),
        "--email-column",
        required=True,
    ),
    Field(
        "name",
        ("name", "full name", "display name", "preferred name", "faculty name", "employee name"),
        "--name-column",
    ),
    Field("first_name", ("first name", "given name", "preferred first name", "first"), "--first-name-column"),
    Field("last_name", ("last name", "surname", "family name", "last"), "--last-name-column"),
    Field(
        "department",
        (
            "department",
            "dept",
            "department name",
            "home department",
            "primary department",
            "academic department",
            "dept name",
        ),
        "--department-column",
    ),
    Field("rank", ("rank", "academic rank", "faculty rank"), "--rank-column"),
    Field(
        "title",
        (
            "title",
            "job title",
            "position",
            "position title",
            "academic title",
            "appointment",
            "faculty title",
        ),
        "--title-column",
    ),
)
_ANGLE_ADDRESS = re.compile(r"<([^<>]+)>")


@dataclass(frozen=True, slots=True)
class PersonRecord:
    line: int
    email: str
    name: str
    department: str
    rank: str


@dataclass
class PeopleFile:
    records: list[PersonRecord]
    problems: list[Problem]
    warnings: list[Problem]


def email_of(text: str) -> str | None:
    """An address as exports write it ("Ana.Ruiz@Med.EDU ", "mailto:...", "Ana Ruiz <ana@...>"),
    normalised; None when it is not an e-mail address."""
    match = _ANGLE_ADDRESS.search(text)
    address = normalize_email(match.group(1) if match else text)
    return address if _EMAIL.match(address) else None


def read_people(file: Path, columns: dict[str, str | None], *, department: str | None = None) -> PeopleFile:
    """Every row of an HR export as a person, or the problems that keep it from being one."""
    table = read_table(file, PEOPLE_FIELDS, columns)
    if "name" not in table.columns and not {"first_name", "last_name"} <= set(table.columns):
        raise_missing(
            table, "a name column (name, full name, ...) or first name and last name columns", "--name-column"
        )
    if "department" not in table.columns and department is None:
        raise_missing(
            table,
            "a department column (department, dept, ...)",
            "--department-column, or --department NAME for every row",
        )
    if "rank" not in table.columns and "title" not in table.columns:
        raise_missing(
            table,
            "a rank or title column (rank, title, job title, position, ...)",
            "--rank-column or --title-column",
        )
    result = PeopleFile([], [], [])
    found = [(row, _person(table, row, department, result)) for row in table.rows]
    result.records = one_per_key(
        table, found, lambda person: person.email, "email", "this e-mail address", result.problems
    )
    return result


def raise_missing(table: Table, what: str, flags: str) -> None:
    from mentorledger.errors import UserError

    listed = ", ".join(repr(header) for header in table.columns.values())
    raise UserError(f"{table.file}: no {what}; name it with {flags} (found: {listed})")


def _person(table: Table, row: Row, department: str | None, result: PeopleFile) -> PersonRecord | None:
    problems: list[Problem] = []
    raw_email = row.get("email")
    email = email_of(raw_email) if raw_email else None
    if email is None:
        reason = (
            "empty; every person needs an e-mail address"
            if not raw_email
            else f"{raw_email!r} is not an e-mail address"
        )
        problems.append(table.problem(row, "email", reason))
    name = " ".join(row.get("name").split()) or " ".join(
        f"{row.get('first_name')} {row.get('last_name')}".split()
    )
    if not name:
        problems.append(
            table.problem(
                row, "name" if "name" in table.columns else "last_name", "empty; give the person's name"
            )
        )
    dept = " ".join(row.get("department").split()) or (department or "")
    if not dept:
        problems.append(
            table.problem(
                row, "department", "empty; give the department (or --department NAME for rows without one)"
            )
        )
    rank = _rank(table, row, problems, result.warnings)
    result.problems.extend(problems)
    if problems or email is None or rank is None:
        return None
    return PersonRecord(row.line, email, name, dept, rank)


def _rank(table: Table, row: Row, problems: list[Problem], warnings: list[Problem]) -> str | None:
    given = row.get("rank")
    if given:
        rank = rank_value(given) or rank_of_title(given)
        if rank is None:
            problems.append(
                table.problem(
                    row,
                    "rank",
                    f"{given!r} is not a rank: use instructor, assistant_professor, associate_professor, "
                    "professor, fellow, resident, student or other (or a title such as 'Assistant Professor')",
                )
            )
            return None
        return rank.value
    title = row.get("title")
    if not title:
        column = "title" if "title" in table.columns else "rank"
        problems.append(
            table.problem(row, column, "empty; give a rank or a title such as 'Associate Professor'")
        )
        return None
    rank = rank_of_title(title)
    if rank is None:
        warnings.append(
            table.problem(
                row, "title", f"{title!r} is not a title mentorledger knows; imported as rank other"
            )
        )
        return "other"
    return rank.value
