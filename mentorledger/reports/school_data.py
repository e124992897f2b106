"""The school-wide roll-up for faculty affairs and deans: every department side by side.

Each department's figures are its chair report's, built from one ledger view (one read, one as-of
instant) with the same methods, so the roll-up and the chair reports cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from mentorledger.config import Config, Window
from mentorledger.reports.basis import load_view
from mentorledger.reports.chair_data import ChairReport, chair_report, department_view
from mentorledger.reports.credit import fte_equivalent, previous_window
from mentorledger.store.ledger import Ledger


@dataclass(frozen=True, slots=True)
class SchoolReport:
    institution: str
    window: Window
    previous: Window
    as_of: dt.datetime
    data_through: dt.datetime
    timezone: str
    fte_basis_hours: float
    generated_at: dt.datetime
    departments: list[ChairReport]
    methods: dict[str, str] = field(default_factory=dict)

    @property
    def minutes(self) -> int:
        return sum(d.totals.minutes for d in self.departments)

    @property
    def fte_equivalent(self) -> float:
        return fte_equivalent(self.minutes, self.window, self.fte_basis_hours)

    @property
    def slug(self) -> str:
        return "school"


def department_names(config: Config) -> list[str]:
    """Departments in the order of ``departments:``, then every other department of people, by name."""
    present = {p.department.casefold(): p.department for p in config.people}
    listed = [present[d.name.casefold()] for d in config.departments if d.name.casefold() in present]
    rest = sorted(set(present.values()) - set(listed), key=str.casefold)
    return listed + rest


def build_school_report(
    config: Config,
    ledger: Ledger,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    as_of: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> SchoolReport:
    # One department's people in memory at a time (flat memory at any number of departments).
    view, window = load_view(config, ledger, start=start, end=end, as_of=as_of, with_previous=True, owners=())
    generated = now or dt.datetime.now(dt.UTC)
    reports = []
    for name in department_names(config):
        department, _ = department_view(config, ledger, name, start=start, end=end, as_of=view.as_of)
        reports.append(chair_report(department, name, window, now=generated))
    return SchoolReport(
        institution=config.institution,
        window=window,
        previous=previous_window(window),
        as_of=view.as_of,
        data_through=view.data_through(window),
        timezone=config.timezone,
        fte_basis_hours=config.fte_basis_hours,
        generated_at=generated,
        departments=reports,
        methods=reports[0].methods if reports else {},
    )
