"""A mentor's dossier summary as data: the one computation the DOCX, PDF and Markdown render.

Shaped like the mentoring/advising domain of an educator portfolio (quantity, quality, engagement):
how much, with whom (de-identified unless the mentee consented to be named), in which groups, and the
credit received beside the raw hours. The paragraph states only what the data shows; the mentor's own
narrative is left as prompts, because the tool never invents claims.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace

from mentorledger.config import Config, ObjectiveStatus, Person, Relationship, Window
from mentorledger.counting import Category, clipped_minutes
from mentorledger.errors import UserError
from mentorledger.hours import compute_hours, ledger_entries, minutes_by_owner
from mentorledger.reports.credit import allotted_minutes, fte_equivalent, overlap_days, stipend_in
from mentorledger.store.ledger import Ledger

LONG_RELATIONSHIP_DAYS = 365
STAGE_OF_RANK = {
    "student": "student",
    "resident": "resident",
    "fellow": "fellow",
    "instructor": "junior faculty",
    "assistant_professor": "junior faculty",
    "associate_professor": "faculty",
    "professor": "faculty",
}
PROMPTS = [
    "Your mentoring philosophy and approach: what you aim for with each mentee, in your own words.",
    "Evidence of quality: mentee evaluations, letters, or awards for mentoring (attach or cite them).",
    "Mentee outcomes you can document (publications, grants, positions, promotions), with the mentee's consent.",
    "Your role in each group listed under engagement: what changed because of your work.",
    "Anything the calendar cannot see: mentoring by phone, e-mail or in the clinic.",
]


@dataclass(frozen=True, slots=True)
class YearRow:
    label: str
    start: dt.date
    end: dt.date
    minutes: int
    by_category: dict[str, int]


@dataclass(frozen=True, slots=True)
class MenteeRow:
    label: str  # "Mentee C" unless the mentee consented to be named
    named: bool
    stage: str
    kind: str
    start: dt.date
    end: dt.date | None
    months: int
    minutes: int  # one-on-one time (mentee category) with this mentee in the period
    outcomes: list[str]


@dataclass(frozen=True, slots=True)
class GroupRow:
    name: str
    role: str  # founder, facilitator or member
    mission: str | None
    objectives_met: int
    objectives_total: int
    objectives: list[tuple[str, bool]]
    sessions: int
    minutes: int


@dataclass(frozen=True, slots=True)
class CreditRow:
    start: dt.date
    end: dt.date
    protected_hours: float | None
    fte: float | None
    stipend: float | None
    days_in_period: int


@dataclass(frozen=True, slots=True)
class DossierSummary:
    institution: str
    email: str
    name: str
    rank: str
    track: str | None
    department: str
    last_promotion: dt.date | None
    window: Window
    fte_basis_hours: float
    generated_at: dt.datetime
    minutes: int
    by_category: dict[str, int]
    entries: int
    fte_equivalent: float
    years: list[YearRow]
    mentees: list[MenteeRow]
    mentees_by_stage: dict[str, int]
    mentees_by_kind: dict[str, int]
    long_relationships: int
    near_peer_roles: int
    group_sessions: int
    group_sessions_facilitated: int
    groups: list[GroupRow]
    credit: list[CreditRow]
    allotted_minutes: int
    credited_minutes: int
    uncredited_minutes: int
    stipend: float
    paragraph: str
    prompts: list[str]

    @property
    def slug(self) -> str:
        return self.email.split("@")[0].replace(".", "-")


def mentee_label(index: int) -> str:
    """A, B, ..., Z, AA, AB, ...: a stable pseudonym by order of relationship start."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"Mentee {letters}"


def dossier_window(config: Config, person: Person, start: dt.date | None, end: dt.date | None) -> Window:
    """Default: from the last promotion (else the configured window's start) to the window's end."""
    default = config.effective_window()
    first = start or person.last_promotion or default.start
    last = end or default.end
    if last < first:
        raise UserError(f"the dossier period ends ({last}) before it starts ({first}); pass --from and --to")
    return Window(start=first, end=last)


def academic_years(window: Window) -> list[Window]:
    """The academic years (Jul 1 - Jun 30) that meet ``window``, each clipped to it."""
    years = []
    first = window.start.year if window.start.month >= 7 else window.start.year - 1
    year = first
    while dt.date(year, 7, 1) <= window.end:
        years.append(
            Window(
                start=max(window.start, dt.date(year, 7, 1)), end=min(window.end, dt.date(year + 1, 6, 30))
            )
        )
        year += 1
    return years


def _stage(config: Config, rel: Relationship) -> str:
    if rel.mentee_stage:
        return rel.mentee_stage
    mentee = config.person(rel.mentee)
    return STAGE_OF_RANK.get(str(mentee.rank), "other") if mentee else "not recorded"


def build_dossier(
    config: Config,
    ledger: Ledger,
    mentor: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    now: dt.datetime | None = None,
) -> DossierSummary:
    person = config.person(mentor)
    if person is None:
        raise UserError(f"{mentor} is not in people of the configuration; check the address")
    window = dossier_window(config, person, start, end)
    email = person.email

    total = next(
        iter(compute_hours(config, ledger, start=window.start, end=window.end, mentor=email).mentors), None
    )
    minutes = total.minutes if total else 0
    by_category = {str(c): (total.by_category.get(c, 0) if total else 0) for c in Category}
    years = []
    for year in academic_years(window):
        row = next(
            iter(compute_hours(config, ledger, start=year.start, end=year.end, mentor=email).mentors), None
        )
        label = f"{year.start.year if year.start.month >= 7 else year.start.year - 1}"
        label = f"{label}-{(int(label) + 1) % 100:02d}"
        years.append(
            YearRow(
                label=label,
                start=year.start,
                end=year.end,
                minutes=row.minutes if row else 0,
                by_category={str(c): (row.by_category.get(c, 0) if row else 0) for c in Category},
            )
        )

    entries, bounds = ledger_entries(config, ledger, window, mentor=email)
    relationships = sorted(
        (
            r
            for r in config.relationships
            if r.mentor == email and r.start <= window.end and (r.end is None or r.end >= window.start)
        ),
        key=lambda r: (r.start, r.mentee),
    )
    mentee_rows = []
    for i, rel in enumerate(relationships):
        mentee = config.person(rel.mentee)
        # With every group session in the union, a minute shared with a group session stays group time,
        # as in the totals (rule 5); what is left in the mentee category is time with this mentee.
        with_mentee = [
            e
            for e in entries
            if e.category is Category.GROUP
            or (e.category is Category.MENTEE and rel.mentee in e.participants)
        ]
        counted = minutes_by_owner(with_mentee, bounds).get(email)
        last = min(rel.end or window.end, window.end)
        days = (last - rel.start).days + 1
        named = rel.consent_to_name and mentee is not None
        mentee_rows.append(
            MenteeRow(
                label=mentee.name if named and mentee else mentee_label(i),
                named=named,
                stage=_stage(config, rel),
                kind=str(rel.kind),
                start=rel.start,
                end=rel.end,
                months=max(0, round(days / 30.44)),
                minutes=counted[0][Category.MENTEE] if counted else 0,
                outcomes=list(rel.outcomes),
            )
        )

    group_rows = []
    sessions_all: set[str] = set()
    sessions_led: set[str] = set()
    for group in config.groups:
        if email not in group.members:
            continue
        role = (
            "founder"
            if email in group.founded_by
            else "facilitator"
            if email in group.facilitators
            else "member"
        )
        in_group = [e for e in entries if e.category is Category.GROUP and e.group_id == group.id]
        counted = minutes_by_owner(in_group, bounds).get(email)
        sessions = {e.event_key for e in in_group if clipped_minutes(e.start, e.end, *bounds) > 0}
        sessions_all |= sessions
        if role != "member":
            sessions_led |= sessions
        group_rows.append(
            GroupRow(
                name=group.name,
                role=role,
                mission=group.mission,
                objectives_met=sum(o.status is ObjectiveStatus.DONE for o in group.objectives),
                objectives_total=len(group.objectives),
                objectives=[(o.what, o.status is ObjectiveStatus.DONE) for o in group.objectives],
                sessions=len(sessions),
                minutes=sum(counted[0].values()) if counted else 0,
            )
        )

    basis = config.fte_basis_hours
    allotted = allotted_minutes(person, window, basis)
    credited = min(minutes, allotted)
    summary = DossierSummary(
        institution=config.institution,
        email=email,
        name=person.name,
        rank=str(person.rank),
        track=person.track,
        department=person.department,
        last_promotion=person.last_promotion,
        window=window,
        fte_basis_hours=basis,
        generated_at=now or dt.datetime.now(dt.UTC),
        minutes=minutes,
        by_category=by_category,
        entries=total.entries if total else 0,
        fte_equivalent=fte_equivalent(minutes, window, basis),
        years=years,
        mentees=mentee_rows,
        mentees_by_stage=dict(sorted(Counter(r.stage for r in mentee_rows).items())),
        mentees_by_kind=dict(sorted(Counter(r.kind for r in mentee_rows).items())),
        long_relationships=sum(1 for r in relationships if _days(r, window) >= LONG_RELATIONSHIP_DAYS),
        near_peer_roles=sum(1 for r in relationships if str(r.kind) == "near_peer"),
        group_sessions=len(sessions_all),
        group_sessions_facilitated=len(sessions_led),
        groups=group_rows,
        credit=[
            CreditRow(c.start, c.end, c.protected_hours, c.fte, c.stipend, overlap_days(c, window))
            for c in person.credit
            if overlap_days(c, window)
        ],
        allotted_minutes=allotted,
        credited_minutes=credited,
        uncredited_minutes=minutes - credited,
        stipend=stipend_in(person, window),
        paragraph="",
        prompts=list(PROMPTS),
    )
    return _with_paragraph(summary)


def _days(rel: Relationship, window: Window) -> int:
    return (min(rel.end or window.end, window.end) - rel.start).days + 1


def hours_text(minutes: int) -> str:
    """Hours as every format prints them: one decimal."""
    return f"{minutes / 60:.1f}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _with_paragraph(s: DossierSummary) -> DossierSummary:
    """A factual paragraph: every clause is a number or a name from the summary, nothing else."""
    cat = s.by_category
    parts = [
        f"From {s.window.start:%B %-d, %Y} to {s.window.end:%B %-d, %Y}, {s.name} logged "
        f"{hours_text(s.minutes)} hours of mentoring, counted from calendar entries under the published "
        f"counting rules ({hours_text(cat['mentee'])} h with assigned mentees, {hours_text(cat['group'])} h in "
        f"peer-mentoring groups, {hours_text(cat['tag'])} h in other meetings marked as mentoring)."
    ]
    if s.mentees:
        stages = ", ".join(f"{n} {stage}" for stage, n in s.mentees_by_stage.items())
        parts.append(
            f"{s.name} mentored {_plural(len(s.mentees), 'mentee')} in this period ({stages}); "
            f"{s.long_relationships} of these relationships lasted 12 months or longer"
            + (
                f", and {s.near_peer_roles} {'was' if s.near_peer_roles == 1 else 'were'} near-peer."
                if s.near_peer_roles
                else "."
            )
        )
    led = [g for g in s.groups if g.role != "member"]
    if s.groups:
        parts.append(
            f"{s.name} took part in {_plural(len(s.groups), 'peer-mentoring group')} "
            f"({_plural(s.group_sessions, 'counted session')})"
            + (
                f", founding or facilitating {', '.join(g.name for g in led)} "
                f"({_plural(s.group_sessions_facilitated, 'session')})."
                if led
                else "."
            )
        )
    if s.allotted_minutes or s.stipend:
        parts.append(
            f"Credited mentoring effort for the period was {hours_text(s.allotted_minutes)} hours"
            + (f" and a stipend of {s.stipend:,.2f}" if s.stipend else "")
            + f", against {hours_text(s.minutes)} hours logged."
        )
    else:
        parts.append(
            "No credited mentoring effort (protected time, FTE or stipend) is recorded for the period."
        )
    return _replace_paragraph(s, " ".join(parts))


def _replace_paragraph(s: DossierSummary, paragraph: str) -> DossierSummary:
    return replace(s, paragraph=paragraph)
