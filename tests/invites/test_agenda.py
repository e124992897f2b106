"""Agendas as a group member reads them: sections, rotations, objectives, action items."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from mentorledger.config import Config
from mentorledger.invites.agenda import Agenda, AgendaContext, plan_agenda, scale_minutes
from tests.invites.conftest import MEMBERS, load_department

NINE = [(f"m{i}@med.example.edu", f"Member {i}") for i in range(9)]


def agendas(config: Config, until: dt.date) -> list[Agenda]:
    group = config.groups[0]
    series = group.series(config.timezone)
    sessions = series.sessions(until)
    names = {p.email: p.name for p in config.people}
    return [
        plan_agenda(
            group,
            AgendaContext(
                s,
                sessions[i - 1] if i else None,
                sessions[i + 1] if i + 1 < len(sessions) else None,
                series.sessions_per_quarter(),
                names,
            ),
        )
        for i, s in enumerate(sessions)
    ]


def test_a_regular_60_minute_session_follows_the_default_template(tmp_path: Path) -> None:
    second = agendas(load_department(tmp_path), dt.date(2025, 9, 30))[1]
    assert not second.quarterly
    assert [(s.title, s.minutes) for s in second.sections] == [
        ("Welcome and ground rules", 5),
        ("Check-ins", 10),
        ("Review of last session's action items", 5),
        ("Works in progress", 15),
        ("SMART objectives review", 10),
        ("Skill share", 10),
        ("New action items and next facilitator", 5),
    ]
    assert [f"{s.start:%H:%M}" for s in second.sections] == [
        "10:00", "10:05", "10:15", "10:20", "10:35", "10:45", "10:55",
    ]  # fmt: skip
    text = second.text()
    assert "Facilitator: Ben Okafor. Timekeeper: Cy Tran." in text
    assert "Tuesday 16 September 2025, 10:00-11:00 (EDT, America/New_York)" in text
    assert "Next facilitator: Cy Tran, next session Tue 30 Sep 2025." in text
    assert max(len(line) for line in text.splitlines()) <= 78


def test_longer_sessions_scale_every_section_and_still_add_up(tmp_path: Path) -> None:
    config = load_department(tmp_path, group_extra="").model_copy()
    group = config.groups[0].model_copy(update={"duration_minutes": 90})
    config = config.model_copy(update={"groups": [group]})
    second = agendas(config, dt.date(2025, 9, 30))[1]
    assert sum(s.minutes for s in second.sections) == 90
    assert second.sections[-1].start + dt.timedelta(minutes=second.sections[-1].minutes) == second.end
    works = next(s for s in second.sections if s.kind == "works_in_progress")
    assert works.minutes in (22, 23)  # 15 of 60 -> 22.5 of 90
    assert scale_minutes([5, 10, 5, 15, 10, 10, 5], 45) == [4, 8, 4, 11, 7, 7, 4]


def test_quarterly_sessions_add_a_mission_and_conflict_of_interest_review(tmp_path: Path) -> None:
    plans = agendas(load_department(tmp_path), dt.date(2026, 1, 31))
    quarterly = [a.start.date() for a in plans if a.quarterly]
    assert quarterly == [dt.date(2025, 9, 2), dt.date(2025, 10, 14), dt.date(2026, 1, 6)]
    for agenda in plans:
        has_review = any("conflict-of-interest" in s.title for s in agenda.sections)
        assert has_review == agenda.quarterly
        assert sum(s.minutes for s in agenda.sections) == 60


def test_facilitators_rotate_and_the_timekeeper_is_someone_else(tmp_path: Path) -> None:
    config = load_department(
        tmp_path, group_extra="    facilitators: [cy@med.example.edu, dee@med.example.edu]\n"
    )
    plans = agendas(config, dt.date(2025, 11, 30))
    assert [a.facilitator for a in plans[:4]] == ["Cy Tran", "Dee Patel", "Cy Tran", "Dee Patel"]
    assert all(a.timekeeper != a.facilitator for a in plans)
    assert all(a.next_facilitator == b.facilitator for a, b in itertools.pairwise(plans))
    presenters = [p for a in plans[:3] for p in a.presenters]
    assert sorted(presenters) == sorted(name for _, name in MEMBERS)  # two a session, everyone in turn


def test_every_member_has_objectives_reviewed_within_every_quarter(tmp_path: Path) -> None:
    config = load_department(
        tmp_path,
        names=dict(NINE),
        members=[e for e, _ in NINE],
        cadence="monthly on the first Wednesday",
        first_session="2025-10-01",
        organizer="m0@med.example.edu",
    )
    plans = agendas(config, dt.date(2026, 12, 31))
    assert all(len(a.reviewed) >= 2 for a in plans)
    for i, first in enumerate(plans):
        window = [a for a in plans[i:] if a.start < first.start + dt.timedelta(weeks=13)]
        if window[-1] is plans[-1]:
            break
        covered = {name for a in window for name in a.reviewed}
        assert covered == {name for _, name in NINE}, f"13 weeks from {first.start:%Y-%m-%d}"


def test_objectives_due_before_the_next_session_are_flagged(tmp_path: Path) -> None:
    objectives = (
        "    objectives:\n"
        "      - {what: Submit K23, measure: submitted, target: 1, due: 2025-09-25, owner: ben@med.example.edu}\n"
        "      - {what: Draft paper, measure: draft, target: 1, due: 2025-09-10, owner: cy@med.example.edu,"
        " status: in_progress}\n"
        "      - {what: Teaching award, measure: nominated, target: 1, due: 2025-12-01,"
        " owner: dee@med.example.edu}\n"
        "      - {what: Old goal, measure: x, target: 1, due: 2025-09-20, owner: eli@med.example.edu,"
        " status: done}\n"
    )
    plans = agendas(load_department(tmp_path, group_extra=objectives), dt.date(2025, 10, 31))
    on_16_sep = "\n".join(next(s for s in plans[1].sections if s.kind == "objectives").lines)
    assert "DUE BEFORE NEXT SESSION: Submit K23 (Ben Okafor, due 25 Sep 2025)" in on_16_sep
    assert "OVERDUE: Draft paper (Cy Tran, due 10 Sep 2025)" in on_16_sep
    assert "Teaching award" not in on_16_sep.split("\n")[0]
    assert "Old goal" not in on_16_sep


def test_open_action_items_carry_forward_until_marked_done(tmp_path: Path) -> None:
    items = (
        "    action_items:\n"
        "      - {what: Share the F31 template, owner: dee@med.example.edu, opened: 2025-09-02}\n"
        "      - {what: Book the skills workshop, owner: eli@med.example.edu, opened: 2025-09-02,"
        " done: 2025-09-20}\n"
    )
    plans = agendas(load_department(tmp_path, group_extra=items), dt.date(2025, 10, 31))

    def review(agenda: Agenda) -> str:
        return "\n".join(next(s for s in agenda.sections if s.kind == "action_review").lines)

    assert "No open action items." in review(plans[0])
    assert "Share the F31 template (Dee Patel)" in review(plans[1])
    assert "Book the skills workshop (Eli Moreno)" in review(plans[1])
    assert "Share the F31 template" in review(plans[3])
    assert "Book the skills workshop" not in review(plans[2])


def test_html_agenda_escapes_what_members_typed(tmp_path: Path) -> None:
    config = load_department(tmp_path, names={"ben@med.example.edu": "<b onmouseover=alert(1)>Ben</b>"})
    html = agendas(config, dt.date(2025, 9, 30))[1].html()
    assert "<b onmouseover" not in html
    assert "&lt;b onmouseover=alert(1)&gt;Ben&lt;/b&gt;" in html
    assert html.startswith("<!DOCTYPE html>")


@given(
    weights=st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=12),
    total=st.integers(min_value=30, max_value=240),
)
def test_scaled_sections_always_fill_the_session_exactly(weights: list[int], total: int) -> None:
    minutes = scale_minutes(weights, total)
    assert sum(minutes) == total
    for weight, got in zip(weights, minutes, strict=True):
        assert abs(got - weight * total / sum(weights)) < 1
