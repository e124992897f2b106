"""The dossier's lists and tables, cell by cell, shared by the Word and Markdown renderers so every
format shows the same figures in the same order; a renderer only decides how a table looks."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from mentorledger.reports.basis import PeriodHours
from mentorledger.reports.dossier_data import DossierSummary
from mentorledger.reports.formatting import (
    coverage_note,
    data_through_line,
    fte,
    hours,
    hours_or_blank,
    label,
    money,
    month_hours,
    share,
    sync_text,
    through,
)


@dataclass(frozen=True, slots=True)
class Table:
    header: list[str]
    rows: list[list[object]]


def data_line(s: DossierSummary) -> str:
    """The as-of line every format prints under the title."""
    tz = ZoneInfo(s.timezone)
    line = f"Data through {data_through_line(s.data_through, s.as_of, tz)}"
    note = coverage_note(s.period.coverage, tz)
    if note:
        line += f"; the calendars cover the period in part: {note}"
    line += f". Calendar: {sync_text(s.sync, tz)}. Meetings that had not ended by then are not counted"
    if s.period.scheduled_minutes:
        line += f" ({hours(s.period.scheduled_minutes)} scheduled hours are shown apart)"
    return line + "."


def quantity_lines(s: DossierSummary) -> list[str]:
    return [
        f"Mentoring hours: {hours(s.minutes)}",
        f"Mentees: {len(s.mentees)}",
        f"Relationships of 12 months or more (to {through(s.as_of, ZoneInfo(s.timezone))}): {s.long_relationships}",
        f"Group sessions: {s.group_sessions} ({s.group_sessions_facilitated} in groups led)",
        f"Near-peer roles: {s.near_peer_roles}",
        "Mentees by career stage: "
        + ("; ".join(f"{k}: {n}" for k, n in s.mentees_by_stage.items()) or "none"),
        "Mentees by relationship: "
        + ("; ".join(f"{label(k)}: {n}" for k, n in s.mentees_by_kind.items()) or "none"),
    ]


def hours_by_year(s: DossierSummary) -> Table:
    tz = ZoneInfo(s.timezone)

    def row(name: str, dates: str, period: PeriodHours) -> list[object]:
        by_category = [hours_or_blank(period.category(c)) for c in ("mentee", "group", "tag")]
        return [name, dates, hours(period.minutes), *by_category, coverage_note(period.coverage, tz)]

    return Table(
        ["Academic year", "Dates", "Hours", "Mentee", "Group", "Tag", "Data"],
        [row(y.label, f"{y.start} – {y.end}", y.hours) for y in s.years] + [row("Period", "", s.period)],
    )


def evidence(s: DossierSummary) -> Table:
    """How the period's hours are supported (issue 12 item 6): the mentor's review, entries added by
    hand, and the mentee-category hours the mentees attested."""
    p = s.period

    def row(what: str, minutes: int) -> list[object]:
        return [what, hours(minutes) if p.has_data else hours(None), share(p.share(minutes))]

    return Table(
        ["How the hours are supported", "Hours", "Share of hours"],
        [
            row("Confirmed by the mentor on review", p.confirmed_minutes),
            row("Awaiting the mentor's review", p.pending_minutes),
            row("Added by hand (the mentor's own record)", p.manual_minutes),
            row("Attested by mentees (mentee-category hours)", p.attested_minutes),
        ],
    )


def attested_line(s: DossierSummary) -> str:
    """ "1.5 of 2.0 mentee-category hours were attested by the mentees"."""
    mentee = s.period.category("mentee")
    if mentee is None:
        return "Mentee-category hours attested by the mentees: no data"
    return (
        f"{hours(s.period.attested_minutes)} of {hours(mentee)} mentee-category hours were attested by the "
        "mentees (each confirmed that the meeting took place); group sessions are not attested by mentees"
    )


def hours_by_month(s: DossierSummary) -> Table:
    return Table(
        ["Month", "Hours", "Scheduled hours (not counted)"],
        [
            [
                m.label,
                month_hours(m.minutes, m.begun),
                hours(m.scheduled_minutes) if m.scheduled_minutes else "",
            ]
            for m in s.months
        ],
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


def credit(s: DossierSummary) -> Table:
    return Table(
        ["Item", "Value"],
        [
            ["Hours logged", hours(s.minutes)],
            ["FTE equivalent of hours logged", fte(s.fte_equivalent)],
            ["Credited effort (protected time or FTE, prorated)", hours(s.allotted_minutes)],
            ["Credited hours", hours(s.credited_minutes)],
            ["Uncredited hours", hours(s.uncredited_minutes)],
            ["Stipend (prorated)", money(s.stipend)],
        ],
    )
