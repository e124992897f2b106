"""The dossier's lists and tables, cell by cell, shared by the Word and Markdown renderers so every
format shows the same figures in the same order; a renderer only decides how a table looks."""

from __future__ import annotations

from dataclasses import dataclass

from mentorledger.reports.dossier_data import DossierSummary
from mentorledger.reports.formatting import hours, label


@dataclass(frozen=True, slots=True)
class Table:
    header: list[str]
    rows: list[list[object]]


def quantity_lines(s: DossierSummary) -> list[str]:
    return [
        f"Mentoring hours: {hours(s.minutes)}",
        f"Mentees: {len(s.mentees)}",
        f"Relationships of 12 months or more: {s.long_relationships}",
        f"Group sessions: {s.group_sessions} ({s.group_sessions_facilitated} in groups led)",
        f"Near-peer roles: {s.near_peer_roles}",
        "Mentees by career stage: "
        + ("; ".join(f"{k}: {n}" for k, n in s.mentees_by_stage.items()) or "none"),
        "Mentees by relationship: "
        + ("; ".join(f"{label(k)}: {n}" for k, n in s.mentees_by_kind.items()) or "none"),
    ]


def hours_by_year(s: DossierSummary) -> Table:
    def row(name: str, dates: str, minutes: int, by_category: dict[str, int]) -> list[object]:
        return [name, dates, hours(minutes), *(hours(by_category[c]) for c in ("mentee", "group", "tag"))]

    return Table(
        ["Academic year", "Dates", "Hours", "Mentee", "Group", "Tag"],
        [row(y.label, f"{y.start} – {y.end}", y.minutes, y.by_category) for y in s.years]
        + [row("Period", "", s.minutes, s.by_category)],
    )


def mentees(s: DossierSummary) -> Table:
    return Table(
        [
            "Mentee",
            "Career stage",
            "Relationship",
            "Since",
            "Until",
            "Months",
            "One-on-one hours",
            "Outcomes",
        ],
        [
            [
                m.label,
                m.stage,
                label(m.kind),
                m.start,
                m.end or "ongoing",
                m.months,
                hours(m.minutes),
                "; ".join(m.outcomes),
            ]
            for m in s.mentees
        ],
    )


def engagement(s: DossierSummary) -> Table:
    return Table(
        ["Group", "Role", "Mission", "Objectives met", "Sessions", "Hours"],
        [
            [
                g.name,
                g.role,
                g.mission or "",
                f"{g.objectives_met} of {g.objectives_total}",
                g.sessions,
                hours(g.minutes),
            ]
            for g in s.groups
        ],
    )
