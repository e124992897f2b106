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
from zoneinfo import ZoneInfo

from mentorledger.config import Config, Group, ObjectiveStatus, Person, Relationship, Window
from mentorledger.counting import Category, clipped_minutes
from mentorledger.coverage import Extent, PersonSync, last_instant_date
from mentorledger.errors import UserError
from mentorledger.hours import minutes_by_owner
from mentorledger.reports.basis import LedgerView, MonthRow, PeriodHours, monthly
from mentorledger.reports.credit import (
    allotted_minutes,
    credit_split,
    fte_equivalent,
    overlap_days,
    stipend_in,
)
from mentorledger.reports.formatting import coverage_note, hours, money, through
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
    hours: PeriodHours

    @property
    def minutes(self) -> int | None:
        return self.hours.minutes

    @property
    def by_category(self) -> dict[str, int] | None:
        return self.hours.by_category


@dataclass(frozen=True, slots=True)
class MenteeRow:
    label: str  # "Mentee C" unless the mentee consented to be named
    named: bool
    stage: str
    kind: str
    start: dt.date
    end: dt.date | None
    months: int  # measured to the as-of date (or the relationship's end, if earlier)
    minutes: int | None  # one-on-one time (mentee category) with this mentee in the period
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
    minutes: int | None


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
    as_of: dt.datetime
    data_through: dt.datetime
    timezone: str
    sync: PersonSync
    fte_basis_hours: float
    generated_at: dt.datetime
    period: PeriodHours
    fte_equivalent: float | None
    years: list[YearRow]
    months: list[MonthRow]
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
    stipend: float
    paragraph: str
    prompts: list[str]

    @property
    def slug(self) -> str:
        return self.email.split("@")[0].replace(".", "-")

    @property
    def minutes(self) -> int | None:
        return self.period.minutes

    @property
    def by_category(self) -> dict[str, int] | None:
        return self.period.by_category

    @property
    def entries(self) -> int:
        return self.period.entries

    @property
    def credited_minutes(self) -> int | None:
        return credit_split(self.minutes, self.allotted_minutes)[0]

    @property
    def uncredited_minutes(self) -> int | None:
        return credit_split(self.minutes, self.allotted_minutes)[1]


def mentee_label(index: int) -> str:
    """A, B, ..., Z, AA, AB, ...: a stable pseudonym by order of relationship start."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"Mentee {letters}"


def dossier_window(
    config: Config,
    person: Person,
    start: dt.date | None,
    end: dt.date | None,
    *,
    today: dt.date | None = None,
) -> Window:
    """Default: from the last promotion (else the configured window's start) to the window's end
    (without a configured window: of the academic year containing ``today``, the as-of date)."""
    default = config.effective_window(today)
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
    as_of: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> DossierSummary:
    person = config.person(mentor)
    if person is None:
        raise UserError(f"{mentor} is not in people of the configuration; check the address")
    as_of = as_of or dt.datetime.now(dt.UTC)
    window = dossier_window(config, person, start, end, today=last_instant_date(as_of, config.tz))
    return dossier_summary(LedgerView.load(config, ledger, [window], as_of), person, window, now=now)


def dossier_summary(
    view: LedgerView, person: Person, window: Window, *, now: dt.datetime | None = None
) -> DossierSummary:
    """The dossier of ``person`` over ``window`` from an already loaded view."""
    config, email = view.config, person.email
    period = view.period(email, window)
    years = [YearRow(_year_label(y), y.start, y.end, view.period(email, y)) for y in academic_years(window)]
    relationships = mentor_relationships(view, email, window)
    mentee_rows = [
        _mentee_row(view, email, window, i, rel, period.has_data) for i, rel in enumerate(relationships)
    ]
    group_rows, sessions_all, sessions_led = _groups(view, email, window, period.has_data)
    basis = config.fte_basis_hours
    as_of_day = view.as_of_date()
    summary = DossierSummary(
        institution=config.institution,
        email=email,
        name=person.name,
        rank=str(person.rank),
        track=person.track,
        department=person.department,
        last_promotion=person.last_promotion,
        window=window,
        as_of=view.as_of,
        data_through=view.data_through(window),
        timezone=config.timezone,
        sync=view.sync(email),
        fte_basis_hours=basis,
        generated_at=now or dt.datetime.now(dt.UTC),
        period=period,
        fte_equivalent=None if period.minutes is None else fte_equivalent(period.minutes, window, basis),
        years=years,
        months=monthly(view, [email], window),
        mentees=mentee_rows,
        mentees_by_stage=dict(sorted(Counter(r.stage for r in mentee_rows).items())),
        mentees_by_kind=dict(sorted(Counter(r.kind for r in mentee_rows).items())),
        long_relationships=sum(
            1 for r in relationships if relationship_days(r, as_of_day) >= LONG_RELATIONSHIP_DAYS
        ),
        near_peer_roles=sum(1 for r in relationships if str(r.kind) == "near_peer"),
        group_sessions=sessions_all,
        group_sessions_facilitated=sessions_led,
        groups=group_rows,
        credit=[
            CreditRow(c.start, c.end, c.protected_hours, c.fte, c.stipend, overlap_days(c, window))
            for c in person.credit
            if overlap_days(c, window)
        ],
        allotted_minutes=allotted_minutes(person, window, basis),
        stipend=stipend_in(person, window),
        paragraph="",
        prompts=list(PROMPTS),
    )
    return replace(summary, paragraph=paragraph(summary))


def _year_label(year: Window) -> str:
    first = year.start.year if year.start.month >= 7 else year.start.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def mentor_relationships(view: LedgerView, email: str, window: Window) -> list[Relationship]:
    """The mentor's relationships that meet ``window`` and had begun by the as-of date, by start."""
    as_of_day = view.as_of_date()
    return sorted(
        (
            r
            for r in view.config.relationships
            if r.mentor == email
            and r.start <= min(window.end, as_of_day)
            and (r.end is None or r.end >= window.start)
        ),
        key=lambda r: (r.start, r.mentee),
    )


def pseudonym_order(config: Config, email: str) -> dict[tuple[str, dt.date], int]:
    """Each of the mentor's relationships' place by start date, over all of them: "Mentee B" is the
    same mentee in every period, every dossier and every export."""
    ordered = sorted(
        (r for r in config.relationships if r.mentor == email), key=lambda r: (r.start, r.mentee)
    )
    return {(r.mentee, r.start): i for i, r in enumerate(ordered)}


def relationship_days(rel: Relationship, as_of_day: dt.date) -> int:
    """How long a relationship has lasted, to the as-of date (or its end, if earlier)."""
    last = min(rel.end or as_of_day, as_of_day)
    return max(0, (last - rel.start).days + 1)


def one_on_one_minutes(view: LedgerView, email: str, mentee: str, window: Window) -> int:
    """Time with one mentee in ``window``. With every group session in the union, a minute shared with
    a group session stays group time, as in the totals (rule 5); what is left in the mentee category
    is time with this mentee."""
    entries = [
        e
        for e in view.counted(email, window)
        if e.category is Category.GROUP or (e.category is Category.MENTEE and mentee in e.participants)
    ]
    counted = minutes_by_owner(entries, view.bounds(window)).get(email)
    return counted[0][Category.MENTEE] if counted else 0


def group_minutes(view: LedgerView, email: str, group_id: str, window: Window) -> tuple[int, set[str]]:
    """Minutes in one group's sessions in ``window``, and the sessions (event keys) counted."""
    bounds = view.bounds(window)
    entries = [
        e for e in view.counted(email, window) if e.category is Category.GROUP and e.group_id == group_id
    ]
    counted = minutes_by_owner(entries, bounds).get(email)
    sessions = {e.event_key for e in entries if clipped_minutes(e.start, e.end, *bounds) > 0}
    return (sum(counted[0].values()) if counted else 0), sessions


def _mentee_row(
    view: LedgerView, email: str, window: Window, index: int, rel: Relationship, has_data: bool
) -> MenteeRow:
    mentee = view.config.person(rel.mentee)
    named = rel.consent_to_name and mentee is not None
    return MenteeRow(
        label=mentee.name if named and mentee else mentee_label(index),
        named=named,
        stage=_stage(view.config, rel),
        kind=str(rel.kind),
        start=rel.start,
        end=rel.end,
        months=max(0, round(relationship_days(rel, view.as_of_date()) / 30.44)),
        minutes=one_on_one_minutes(view, email, rel.mentee, window) if has_data else None,
        outcomes=list(rel.outcomes),
    )


def group_role(group: Group, email: str) -> str:
    if email in group.founded_by:
        return "founder"
    return "facilitator" if email in group.facilitators else "member"


def _groups(view: LedgerView, email: str, window: Window, has_data: bool) -> tuple[list[GroupRow], int, int]:
    rows = []
    sessions_all: set[str] = set()
    sessions_led: set[str] = set()
    for group in view.config.groups:
        if email not in group.members:
            continue
        role = group_role(group, email)
        minutes, sessions = group_minutes(view, email, group.id, window)
        sessions_all |= sessions
        if role != "member":
            sessions_led |= sessions
        rows.append(
            GroupRow(
                name=group.name,
                role=role,
                mission=group.mission,
                objectives_met=sum(o.status is ObjectiveStatus.DONE for o in group.objectives),
                objectives_total=len(group.objectives),
                objectives=[(o.what, o.status is ObjectiveStatus.DONE) for o in group.objectives],
                sessions=len(sessions),
                minutes=minutes if has_data else None,
            )
        )
    return rows, len(sessions_all), len(sessions_led)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def paragraph(s: DossierSummary) -> str:
    """A factual paragraph: every clause is a number, a date or a name from the summary, nothing else."""
    tz = ZoneInfo(s.timezone)
    period = f"From {s.window.start:%B %-d, %Y} to {s.window.end:%B %-d, %Y}"
    cat = s.by_category
    if s.minutes is None or cat is None:
        parts = [
            f"{period}, no calendar of {s.name}'s was synced for the period, so mentorledger has no data "
            "on their mentoring hours (no data is not zero hours)."
        ]
    else:
        parts = [
            f"{period}, {s.name} logged {hours(s.minutes)} hours of mentoring, counted from calendar "
            f"entries under the published counting rules ({hours(cat['mentee'])} h with assigned mentees, "
            f"{hours(cat['group'])} h in peer-mentoring groups, {hours(cat['tag'])} h in other meetings "
            f"marked as mentoring), with data through {through(_known_through(s), tz)}."
        ]
        gaps = [y.label for y in s.years if y.minutes is None]
        if gaps:
            parts.append(f"There is no data for {_join(gaps)}: no calendar of theirs was synced for it.")
        if s.period.coverage.extent is Extent.PARTIAL and not gaps:
            parts.append(f"The calendars cover the period in part ({coverage_note(s.period.coverage, tz)}).")
    if s.mentees:
        stages = ", ".join(f"{n} {stage}" for stage, n in s.mentees_by_stage.items())
        parts.append(
            f"{s.name} mentored {_plural(len(s.mentees), 'mentee')} in this period ({stages}); "
            f"{s.long_relationships} of these relationships had lasted 12 months or longer by "
            f"{through(s.as_of, tz)}"
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
        logged = "no data on hours logged" if s.minutes is None else f"{hours(s.minutes)} hours logged"
        parts.append(
            f"Credited mentoring effort for the period was {hours(s.allotted_minutes)} hours"
            + (f" and a stipend of {money(s.stipend)}" if s.stipend else "")
            + f", against {logged}."
        )
    else:
        parts.append(
            "No credited mentoring effort (protected time, FTE or stipend) is recorded for the period."
        )
    return " ".join(parts)


def _known_through(s: DossierSummary) -> dt.datetime:
    through_ = s.period.coverage.data_through
    return min(through_, s.data_through) if through_ else s.data_through


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
