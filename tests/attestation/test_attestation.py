"""Mentees attest the sessions counted because they took part (issue 11): which sessions they are asked
about, what an answer means, and that a denial is flagged to the mentor and never removes anything."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorledger.attestation.rules import Answer, MentorAttestation, State, for_mentor
from mentorledger.attestation.store import keep_denied, record_answer, recorded_answers
from mentorledger.config import Config
from mentorledger.counting import Category, window_bounds
from mentorledger.explain import Roster
from mentorledger.hours import counted_entries
from mentorledger.reports.basis import LedgerView
from mentorledger.reviews import How, Review
from mentorledger.store.ledger import Ledger
from mentorledger.store.manual import add_manual
from mentorledger.store.reviews import entry_history, undo
from mentorledger.store.schema import ReviewAuditRow
from tests.attestation.support import (
    AS_OF,
    CIRCLE,
    WITH_BEN,
    answer,
    attesting_department,
    event,
    sessions_of,
)
from tests.reviews.support import ana_row, keys, review, rewrite, sync
from tests.unit.support import ANA, BEN, CY


def _mentor_view(config: Config, ledger: Ledger) -> MentorAttestation:
    counted = counted_entries(
        config, ledger, window_bounds(config.effective_window(), config.tz), owner=ANA, as_of=AS_OF
    )
    return for_mentor(counted, Roster.of(config), recorded_answers(ledger, mentors=[ANA]))


def _attested_minutes(config: Config, ledger: Ledger) -> int:
    window = config.effective_window()
    return LedgerView.load(config, ledger, [window], AS_OF).period(ANA, window).attested_minutes


def test_only_sessions_counted_because_a_mentee_took_part_are_asked_about(
    tmp_path: Path, database_url: str
) -> None:
    config = attesting_department(
        tmp_path,
        [
            event("with-ben", 7, "09:00", "09:45", *WITH_BEN),
            # Ben attends a group session: it is group time (rule 3), so he is never asked about it.
            event("circle", 9, "12:00", "13:00", *WITH_BEN, *CIRCLE),
            event("tagged", 14, "08:00", "08:30"),
        ],
    )
    ledger = Ledger.open(database_url)
    sync(config, ledger)
    add_manual(
        ledger,
        owner=ANA,
        actor=ANA,
        start=dt.datetime(2025, 10, 16, 16, tzinfo=dt.UTC),
        minutes=20,
        how=How.PHONE,
        category=Category.MENTEE,
        mentee=CY,
    )
    bens = sessions_of(config, ledger, BEN)
    assert [(s.meeting.start, s.meeting.minutes, s.meeting.origin) for s in bens] == [
        (dt.datetime(2025, 10, 7, 13, tzinfo=dt.UTC), 45, "calendar")
    ]
    (cys,) = sessions_of(config, ledger, CY)  # the mentor's own record of a call is asked about too
    assert (cys.meeting.origin, cys.meeting.minutes, cys.answered) == ("manual", 20, False)


def test_an_answer_applies_only_while_the_session_keeps_its_time(tmp_path: Path, database_url: str) -> None:
    config = attesting_department(tmp_path, [event("with-ben", 7, "09:00", "09:45", *WITH_BEN)])
    ledger = Ledger.open(database_url)
    sync(config, ledger)
    answer(config, ledger, Answer.CONFIRMED)
    assert _mentor_view(config, ledger).states == {
        sessions_of(config, ledger)[0].meeting.event_key: State.ATTESTED
    }
    assert _attested_minutes(config, ledger) == 45

    rewrite(tmp_path, "work.ics", event("with-ben", 8, "09:00", "09:45", *WITH_BEN))  # moved a day
    sync(config, ledger, run_id="moved")
    (moved,) = sessions_of(config, ledger)
    assert not moved.answered
    assert _mentor_view(config, ledger).unattested == 1
    assert _attested_minutes(config, ledger) == 0


def test_a_denied_session_still_counts_and_is_flagged_until_the_mentor_decides(
    tmp_path: Path, database_url: str
) -> None:
    config = attesting_department(tmp_path, [event("with-ben", 7, "09:00", "09:45", *WITH_BEN)])
    ledger = Ledger.open(database_url)
    sync(config, ledger)
    before = ana_row(config, ledger)
    answer(config, ledger, Answer.DENIED)

    assert ana_row(config, ledger) == before  # nothing is removed silently
    view = _mentor_view(config, ledger)
    (event_key,) = view.denials
    assert view.states[event_key] is State.DENIED

    assert keep_denied(ledger, mentor=ANA, event_key=event_key, manual_id=None) == 1
    assert _mentor_view(config, ledger).denials == {}
    actions = [(e.actor, e.action) for e in entry_history(ledger, ANA, event_key)]
    assert actions == [(BEN, "deny"), (ANA, "keep")]  # both facts, in the entry's history

    same = sessions_of(config, ledger)[0].meeting
    assert not record_answer(ledger, same, Answer.DENIED, via="link")  # the same answer changes nothing
    assert _mentor_view(config, ledger).denials == {}  # ...and the decision stands
    answer(config, ledger, Answer.CONFIRMED)
    answer(config, ledger, Answer.DENIED)  # a new denial after the decision is open again
    assert list(_mentor_view(config, ledger).denials) == [event_key]
    review(config, ledger, "with-ben", Review.EXCLUDED, "did not happen")  # the mentor's other choice
    assert _mentor_view(config, ledger).denials == {}
    assert ana_row(config, ledger) == {}


def test_attested_minutes_are_the_mentee_minutes_group_time_did_not_take(
    tmp_path: Path, database_url: str
) -> None:
    config = attesting_department(
        tmp_path,
        [event("with-ben", 7, "09:00", "10:00", *WITH_BEN), event("circle", 7, "09:30", "10:30", *CIRCLE)],
    )
    ledger = Ledger.open(database_url)
    sync(config, ledger)
    answer(config, ledger, Answer.CONFIRMED)
    window = config.effective_window()
    period = LedgerView.load(config, ledger, [window], AS_OF).period(ANA, window)
    assert period.by_category == {"group": 60, "mentee": 30, "tag": 0}
    assert period.attested_minutes == 30
    assert period.attested_share == 30 / 90


def test_an_undo_of_the_mentors_never_reverts_a_mentees_answer(tmp_path: Path, database_url: str) -> None:
    config = attesting_department(tmp_path, [event("with-ben", 7, "09:00", "09:45", *WITH_BEN)])
    ledger = Ledger.open(database_url)
    sync(config, ledger)
    answer(config, ledger, Answer.CONFIRMED)
    with Session(ledger.engine) as session:
        batch = session.scalar(select(ReviewAuditRow.batch).where(ReviewAuditRow.action == "attest"))
    assert batch is not None
    assert undo(ledger, owner=ANA, actor=ANA, batch=batch, calendar_keys=keys(config)).changed == 0
    assert sessions_of(config, ledger)[0].answer is not None
