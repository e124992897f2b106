"""Mentoring activities as faculty-activity systems record them: one row per mentor per mentee
relationship or peer group per academic year, with the role and the hours of that year; meetings
counted by a tag (no mentee or group) make one "other mentoring" row, so no counted hour is lost.

Built from the dossier computation for each academic year (``dossier_summary``), so the hours of a
row are the dossier's: one-on-one time with that mentee, or time in that group's sessions. A year no
calendar of the mentor covered has no hours ("no data"), not 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mentorledger.config import Config, Person, Window
from mentorledger.coverage import PeriodCoverage
from mentorledger.reports.basis import LedgerView
from mentorledger.reports.dossier_data import academic_years, dossier_summary

ROLE_OF_KIND = {
    "dyad": "Mentor",
    "near_peer": "Near-peer mentor",
    "peer": "Peer mentor",
    "sponsor": "Sponsor",
}
ROLE_IN_GROUP = {"founder": "Group founder", "facilitator": "Group facilitator", "member": "Group member"}
RELATIONSHIP = "Mentoring relationship"
GROUP = "Peer-mentoring group"
OTHER = "Other mentoring"  # meetings counted by a tag or keyword: no mentee or group to hang them on


@dataclass(frozen=True, slots=True)
class ActivityRow:
    person: Person
    year: Window  # the academic year, clipped to the export period
    activity: str  # RELATIONSHIP, GROUP or OTHER
    role: str
    kind: str  # the relationship kind code, "group" or "other"
    counterpart: str  # the mentee's pseudonym (or name, with consent), the group's name, or ""
    mentee_stage: str
    start: dt.date  # of the activity within the year
    end: dt.date
    minutes: int | None
    sessions: int | None  # group sessions counted; None for a relationship
    coverage: PeriodCoverage

    @property
    def academic_year(self) -> str:
        first = self.year.start.year if self.year.start.month >= 7 else self.year.start.year - 1
        return f"{first}-{first + 1}"


def mentors(config: Config) -> list[Person]:
    """Everyone who mentors: a mentor in a relationship, a group member, or a calendar owner."""
    active = {r.mentor for r in config.relationships} | {m for g in config.groups for m in g.members}
    active |= {c.owner for c in config.calendars}
    return [p for p in config.people if p.email in active]


def activity_rows(view: LedgerView, window: Window) -> list[ActivityRow]:
    rows: list[ActivityRow] = []
    for person in mentors(view.config):
        for year in academic_years(window):
            rows.extend(_year_rows(view, person, year))
    return rows


def _year_rows(view: LedgerView, person: Person, year: Window) -> list[ActivityRow]:
    summary = dossier_summary(view, person, year)
    coverage = summary.period.coverage
    last = min(year.end, view.as_of_date())
    rows = [
        ActivityRow(
            person=person,
            year=year,
            activity=RELATIONSHIP,
            role=ROLE_OF_KIND.get(m.kind, "Mentor"),
            kind=m.kind,
            counterpart=m.label,
            mentee_stage=m.stage,
            start=max(m.start, year.start),
            end=min(m.end or last, last),
            minutes=m.minutes,
            sessions=None,
            coverage=coverage,
        )
        for m in summary.mentees
    ]
    rows += [
        ActivityRow(
            person=person,
            year=year,
            activity=GROUP,
            role=ROLE_IN_GROUP[g.role],
            kind="group",
            counterpart=g.name,
            mentee_stage="",
            start=year.start,
            end=max(year.start, last),
            minutes=g.minutes,
            sessions=g.sessions,
            coverage=coverage,
        )
        for g in summary.groups
        if g.sessions or g.minutes is None  # a group that did not meet that year is no activity
    ]
    tagged = summary.period.category("tag")
    if tagged:
        rows.append(
            ActivityRow(
                person=person,
                year=year,
                activity=OTHER,
                role="Mentor",
                kind="other",
                counterpart="",
                mentee_stage="",
                start=year.start,
                end=max(year.start, last),
                minutes=tagged,
                sessions=None,
                coverage=coverage,
            )
        )
    return rows
