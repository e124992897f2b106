"""A session's planned agenda: who facilitates, who presents, whose objectives are reviewed, what is due.

The default template is the peer-group meeting the seed framework describes, for 60 minutes:

    welcome and ground rules (facilitator, timekeeper)   5
    check-ins                                            10
    review of last session's action items                 5
    works in progress (1-2 rotating presenters)          15
    review of members' SMART objectives                  10
    skill share                                          10
    new action items and next facilitator                 5

Section lengths are weights: they are scaled to the session's length (largest-remainder rounding, so
they always add up to exactly the session). The first session of each calendar quarter adds a mission
and conflict-of-interest review (weight 10), taken proportionally from the other sections.

Rotations are pure functions of the session's index, so re-planning a session always yields the same
people. Objective reviews cover ``k`` members per session, ``k = max(2, ceil(members / sessions in the
sparsest 13 weeks))``: with the members taken in turn, any 13-week stretch reviews every member.

The text is plain (no markup, lines under 78 characters) so it reads well in any mail or calendar
client; ``html()`` renders the same content through a jinja2 template with autoescaping.

A session skipped for a holiday takes no place in the rotations; the next session's agenda names it
("The session of Thu 27 Nov 2025 was skipped: Thanksgiving Day."). Who is coming (the answers read
back, ``attendance``) is shown in its own block, which ``text(attendance=False)`` leaves out: answers
change what the agenda shows but never cause an invite to be sent again (see ``plan.fingerprint``).
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from jinja2 import Environment

from mentorledger.config import ActionItem, AgendaSection, Group, Objective
from mentorledger.invites.attendance import Attendance
from mentorledger.invites.schedule import Session
from mentorledger.invites.text import single_line

DEFAULT_TEMPLATE: tuple[AgendaSection, ...] = (
    AgendaSection(title="Welcome and ground rules", minutes=5, kind="welcome"),
    AgendaSection(title="Check-ins", minutes=10, kind="checkins"),
    AgendaSection(title="Review of last session's action items", minutes=5, kind="action_review"),
    AgendaSection(title="Works in progress", minutes=15, kind="works_in_progress"),
    AgendaSection(title="SMART objectives review", minutes=10, kind="objectives"),
    AgendaSection(title="Skill share", minutes=10, kind="skill_share"),
    AgendaSection(title="New action items and next facilitator", minutes=5, kind="wrap_up"),
)
MISSION_REVIEW = AgendaSection(
    title="Mission and conflict-of-interest review", minutes=10, kind="mission_review"
)
GROUND_RULES = "Confidentiality, one voice at a time, candour with kindness, start and end on time."
_WIDTH = 76
_Namer = Callable[[str], str]  # e-mail -> display name


@dataclass(frozen=True, slots=True)
class PlannedSection:
    title: str
    kind: str
    start: dt.datetime
    minutes: int
    lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Agenda:
    group_name: str
    number: int  # 1-based session number
    start: dt.datetime
    end: dt.datetime
    facilitator: str
    timekeeper: str
    next_facilitator: str
    presenters: tuple[str, ...]
    reviewed: tuple[str, ...]
    quarterly: bool
    mission: str | None
    goals: tuple[str, ...]
    location: str | None
    video_link: str | None
    sections: tuple[PlannedSection, ...] = field(default_factory=tuple)
    facilitator_email: str = ""
    skipped: tuple[str, ...] = ()  # "The session of ... was skipped: <why>."
    attendance: tuple[str, ...] = ()  # "Coming (3): ...", one line per kind of answer

    @property
    def summary(self) -> str:
        return f"{self.group_name} - session {self.number}"

    def text(self, *, attendance: bool = True) -> str:
        """The agenda as plain text, readable in any client (``attendance``: with who is coming)."""
        out = [
            f"{self.group_name}: session {self.number}",
            f"{_when(self.start, self.end)} ({self.start.tzname()}, {_zone(self.start)})",
        ]
        if self.location:
            out.append(f"Where: {self.location}")
        if self.video_link:
            out.append(f"Video: {self.video_link}")
        out.append(f"Facilitator: {self.facilitator}. Timekeeper: {self.timekeeper}.")
        for note in self.skipped:
            out += _wrap(note, "")
        if attendance and self.attendance:
            out += ["", "WHO IS COMING", *self.attendance]
        if self.mission:
            out += ["", *_wrap(f"Mission: {self.mission}", "")]
        if self.goals:
            out += ["", "Goals:"] + [line for goal in self.goals for line in _wrap(f"- {goal}", "  ")]
        out += ["", "AGENDA"]
        for section in self.sections:
            out.append(f"{section.start:%H:%M}  {section.title} ({section.minutes} min)")
            for line in section.lines:
                out += _wrap(line, "       ", first="       ")
        return "\n".join(out) + "\n"

    def html(self) -> str:
        """The same agenda as a small HTML document (autoescaped: names and text cannot inject markup)."""
        return _HTML.render(agenda=self, when=_when(self.start, self.end), zone=_zone(self.start))


def _zone(moment: dt.datetime) -> str:
    return str(getattr(moment.tzinfo, "key", moment.tzinfo))


def _when(start: dt.datetime, end: dt.datetime) -> str:
    return f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M}-{end:%H:%M}"


def _wrap(text: str, indent: str, *, first: str = "") -> list[str]:
    return textwrap.wrap(text, _WIDTH, initial_indent=first, subsequent_indent=indent) or [first]


_HTML = Environment(autoescape=True).from_string(
    """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{ agenda.summary }}</title></head>
<body style="font-family: sans-serif">
<h2>{{ agenda.group_name }}: session {{ agenda.number }}</h2>
<p>{{ when }} ({{ zone }})
{%- if agenda.location %}<br>Where: {{ agenda.location }}{% endif %}
{%- if agenda.video_link %}<br>Video: <a href="{{ agenda.video_link }}">{{ agenda.video_link }}</a>{% endif %}
<br>Facilitator: {{ agenda.facilitator }}. Timekeeper: {{ agenda.timekeeper }}.</p>
{%- for note in agenda.skipped %}
<p>{{ note }}</p>{% endfor %}
{%- if agenda.attendance %}
<p><strong>Who is coming</strong></p><ul>{% for line in agenda.attendance %}<li>{{ line }}</li>{% endfor %}</ul>{% endif %}
{%- if agenda.mission %}
<p><strong>Mission:</strong> {{ agenda.mission }}</p>{% endif %}
{%- if agenda.goals %}
<p><strong>Goals</strong></p><ul>{% for goal in agenda.goals %}<li>{{ goal }}</li>{% endfor %}</ul>{% endif %}
<table cellpadding="4">
{%- for s in agenda.sections %}
<tr><td valign="top">{{ s.start.strftime("%H:%M") }}</td><td><strong>{{ s.title }}</strong> ({{ s.minutes }} min)
{%- if s.lines %}<ul>{% for line in s.lines %}<li>{{ line }}</li>{% endfor %}</ul>{% endif %}</td></tr>
{%- endfor %}
</table>
</body></html>
"""
)


def scale_minutes(weights: Sequence[int], total: int) -> list[int]:
    """Scale weights to whole minutes that add up to ``total`` exactly (largest remainder)."""
    weight_sum = sum(weights)
    exact = [w * total / weight_sum for w in weights]
    minutes = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (minutes[i] - exact[i], i))
    for i in by_remainder[: total - sum(minutes)]:
        minutes[i] += 1
    return minutes


def reviews_per_session(members: int, sessions_per_quarter: int) -> int:
    """How many members' objectives each session reviews so that everyone is covered every quarter."""
    return min(members, max(2, math.ceil(members / max(1, sessions_per_quarter))))


def _rotate(items: Sequence[str], start: int, count: int) -> tuple[str, ...]:
    count = min(count, len(items))
    return tuple(items[(start + j) % len(items)] for j in range(count))


def _quarter(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3


@dataclass(frozen=True, slots=True)
class AgendaContext:
    """What an agenda needs beyond the group: its place in the series and how to name people."""

    session: Session
    previous: Session | None
    next: Session | None
    sessions_per_quarter: int
    names: Mapping[str, str]
    skipped_before: tuple[Session, ...] = ()  # sessions skipped since the previous one was held
    attendance: Attendance | None = None


def plan_agenda(group: Group, context: AgendaContext) -> Agenda:
    """The agenda of one session of ``group``."""
    session, names = context.session, context.names
    members = list(group.members)
    index = session.index

    def name(email: str) -> str:
        return single_line(names.get(email, email))

    facilitators = list(group.facilitators) or members
    facilitator = facilitators[index % len(facilitators)]
    next_facilitator = facilitators[(index + 1) % len(facilitators)]
    others = [m for m in members if m != facilitator] or members
    timekeeper = others[index % len(others)]
    presenter_count = 2 if group.duration_minutes >= 45 and len(members) >= 4 else 1
    presenters = _rotate(members, index * presenter_count, presenter_count)
    k = reviews_per_session(len(members), context.sessions_per_quarter)
    reviewed = _rotate(members, index * k, k)
    day = session.start.date()
    quarterly = context.previous is None or _quarter(context.previous.start.date()) != _quarter(day)

    template = list(group.agenda_template or DEFAULT_TEMPLATE)
    if quarterly and not any(s.kind == "mission_review" for s in template):
        template.insert(1 if template and template[0].kind == "welcome" else 0, MISSION_REVIEW)
    minutes = scale_minutes([s.minutes for s in template], group.duration_minutes)

    next_day = context.next.start.date() if context.next is not None else None
    lines_for = {
        "welcome": [
            f"Facilitator: {name(facilitator)}. Timekeeper: {name(timekeeper)}.",
            f"Ground rules: {GROUND_RULES}",
        ],
        "checkins": ["Each member: one win, one challenge, one thing you need from the group."],
        "action_review": _action_lines(group.action_items, day, name),
        "works_in_progress": [
            f"Presenting: {', '.join(name(p) for p in presenters)} (paper, grant, project or career decision)."
        ],
        "objectives": _objective_lines(group.objectives, reviewed, day, next_day, name),
        "skill_share": _skill_share_lines(group, index, name),
        "wrap_up": [
            "Agree new action items (what, who, by when).",
            f"Next facilitator: {name(next_facilitator)}"
            + (f", next session {next_day:%a %d %b %Y}." if next_day else "."),
        ],
        "mission_review": [
            "Revisit the mission and goals: still right for the group?",
            "Conflicts of interest: each member declares any new ones (reviews, grants, promotions).",
        ],
        "custom": [],
    }
    sections: list[PlannedSection] = []
    at = session.start
    for section, length in zip(template, minutes, strict=True):
        if length <= 0:
            continue
        lines = tuple(single_line(line) for line in lines_for[section.kind])
        sections.append(PlannedSection(single_line(section.title), section.kind, at, length, lines))
        at += dt.timedelta(minutes=length)
    return Agenda(
        group_name=single_line(group.name),
        number=index + 1,
        start=session.start,
        end=session.end,
        facilitator=name(facilitator),
        timekeeper=name(timekeeper),
        next_facilitator=name(next_facilitator),
        presenters=tuple(name(p) for p in presenters),
        reviewed=tuple(name(r) for r in reviewed),
        quarterly=quarterly,
        mission=single_line(group.mission) if group.mission else None,
        goals=tuple(single_line(goal) for goal in group.goals),
        location=single_line(group.location) if group.location else None,
        video_link=single_line(group.video_link) if group.video_link else None,
        sections=tuple(sections),
        facilitator_email=facilitator,
        skipped=tuple(
            single_line(f"The session of {s.start:%a %d %b %Y} was skipped: {s.skipped}.")
            for s in context.skipped_before
        ),
        attendance=tuple(single_line(line) for line in context.attendance.lines(name))
        if context.attendance is not None
        else (),
    )


def open_action_items(items: Sequence[ActionItem], day: dt.date) -> list[ActionItem]:
    """Items agreed before ``day`` and not marked done by then: they carry forward to this session."""
    return [i for i in items if i.opened < day and (i.done is None or i.done > day)]


def _action_lines(items: Sequence[ActionItem], day: dt.date, name: _Namer) -> list[str]:
    carried = open_action_items(items, day)
    if not carried:
        return ["No open action items."]
    return [f"[open since {i.opened:%d %b}] {i.what} ({name(i.owner)})" for i in carried]


def flagged_objectives(
    objectives: Sequence[Objective], day: dt.date, next_day: dt.date | None
) -> list[Objective]:
    """Open objectives due before the next session (or already overdue)."""
    horizon = next_day or day + dt.timedelta(days=28)
    return [o for o in objectives if o.open and o.due < horizon]


def _objective_lines(
    objectives: Sequence[Objective],
    reviewed: Sequence[str],
    day: dt.date,
    next_day: dt.date | None,
    name: _Namer,
) -> list[str]:
    lines = []
    for objective in flagged_objectives(objectives, day, next_day):
        state = "OVERDUE" if objective.due < day else "DUE BEFORE NEXT SESSION"
        lines.append(f"{state}: {objective.what} ({name(objective.owner)}, due {objective.due:%d %b %Y})")
    for member in reviewed:
        own = [o for o in objectives if o.owner == member and o.open]
        if not own:
            lines.append(f"{name(member)}: no open SMART objective yet; draft one with the group.")
        for o in own:
            lines.append(
                f"{name(member)}: {o.what}. Measure: {o.measure}; target: {o.target}; "
                f"due {o.due:%d %b %Y}; {o.status.value.replace('_', ' ')}."
            )
    return lines


def _skill_share_lines(group: Group, index: int, name: _Namer) -> list[str]:
    offering = [(m, group.inventory[m]) for m in group.members if m in group.inventory]
    offering = [(m, inv) for m, inv in offering if inv.strengths or inv.experiences]
    if not offering:
        return ["A member shares a skill, resource or lesson learned, then questions."]
    member, inventory = offering[index % len(offering)]
    topic = ", ".join([*inventory.strengths, *inventory.experiences][:3])
    return [f"{name(member)} shares from their experience: {topic}."]
