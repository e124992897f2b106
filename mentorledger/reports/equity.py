"""Load by self-reported group, for the chair report's optional equity section: aggregates only, with
small cells suppressed so that no answer can be tied to a named row (SPEC privacy: n < 5)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from mentorledger.config import Config

MIN_CELL = 5  # equity cells with fewer people are suppressed (SPEC privacy: n < 5)
EQUITY_FIELDS: dict[str, str] = {
    "gender": "Gender (self-reported)",
    "race_ethnicity": "Race / ethnicity (self-reported)",
    "urim": "Under-represented in medicine (self-reported)",
    "first_generation": "First-generation (self-reported)",
}
NOT_REPORTED = "not reported"
SUPPRESSED_LABEL = "other answers (suppressed)"
SUPPRESSION_REASON = f"fewer than {MIN_CELL} people, or needed to protect such a group"
SUPPRESSION_METHOD = (
    f"answers given by fewer than {MIN_CELL} people are suppressed, with one more answer when needed so "
    "that none can be derived from the totals; suppressed answers are merged into one unlabelled row; "
    "a table where one answer covers everyone is suppressed entirely"
)


class Loaded(Protocol):
    """What an equity cell adds up: one mentor with data in the period."""

    @property
    def email(self) -> str: ...

    @property
    def minutes(self) -> int | None: ...

    @property
    def uncredited_minutes(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class EquityCell:
    """One self-reported group's aggregate; a suppressed cell carries no numbers at all."""

    label: str
    people: int | None
    minutes: int | None
    uncredited_minutes: int | None
    suppressed: bool
    reason: str = ""  # why, when suppressed


@dataclass(frozen=True, slots=True)
class EquityTable:
    field: str
    title: str
    cells: list[EquityCell]


def _label(value: object) -> str:
    if value is None or value == "":
        return NOT_REPORTED
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip().lower()  # "Woman" and "woman " are one answer


def equity_tables(config: Config, rows: Sequence[Loaded]) -> list[EquityTable]:
    """Aggregate load by self-reported group, with primary and complementary suppression."""
    tables = []
    for name, title in EQUITY_FIELDS.items():
        groups: dict[str, list[Loaded]] = defaultdict(list)
        for row in rows:
            answers = config.self_reported.get(row.email)
            groups[_label(getattr(answers, name) if answers else None)].append(row)
        tables.append(EquityTable(name, title, suppress(groups)))
    return tables


def suppress(groups: dict[str, list[Loaded]]) -> list[EquityCell]:
    """The cells of one table, safe to show beside a named faculty table.

    1. A cell with fewer than MIN_CELL people is suppressed.
    2. If that leaves exactly one suppressed cell, the next smallest is suppressed too, so the table
       total (everyone in the faculty table) minus the shown cells cannot give it away.
    3. Suppressed cells are merged into one row without their answers, so a rare answer's existence
       is not shown either.
    4. If one reported answer covers everyone, showing it would label every named row: all suppressed.
    """
    sizes = {label: len(members) for label, members in groups.items()}
    hidden = {label for label, n in sizes.items() if n < MIN_CELL}
    if len(hidden) == 1 and len(sizes) > 1:
        rest = sorted((n, label) for label, n in sizes.items() if label not in hidden)
        hidden.add(rest[0][1])
    total = sum(sizes.values())
    if any(n == total and label != NOT_REPORTED for label, n in sizes.items()):
        hidden = set(sizes)
    cells = [
        EquityCell(
            label=label,
            people=len(groups[label]),
            minutes=sum(r.minutes or 0 for r in groups[label]),
            uncredited_minutes=sum(r.uncredited_minutes or 0 for r in groups[label]),
            suppressed=False,
        )
        for label in sorted(set(groups) - hidden, key=lambda lbl: (lbl == NOT_REPORTED, lbl))
    ]
    if hidden:
        cells.append(
            EquityCell(SUPPRESSED_LABEL, None, None, None, suppressed=True, reason=SUPPRESSION_REASON)
        )
    return cells
