"""The loop: an invite mentorledger sent, accepted into a member's calendar, is counted as `group`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar

from mentorledger.config import load_config
from mentorledger.hours import compute_hours
from mentorledger.invites.plan import plan_group
from mentorledger.store.ledger import Ledger
from mentorledger.sync import SyncContext, calendar_ref, sync_batch
from tests.invites.conftest import department_yaml

NOW = dt.datetime(2025, 9, 1, 12, 0, tzinfo=dt.UTC)


def member_calendar_with(
    invite: bytes, member: str, partstat: str, *, keep_only: set[str] | None = None
) -> bytes:
    """What the member's calendar holds after answering: the VEVENT with their PARTSTAT, no METHOD."""
    received = icalendar.Calendar.from_ical(invite)
    calendar = icalendar.Calendar()
    calendar.add("PRODID", "-//member's calendar client//EN")
    calendar.add("VERSION", "2.0")
    for component in received.subcomponents:
        if component.name == "VEVENT":
            attendees = component.pop("ATTENDEE")
            for attendee in attendees if isinstance(attendees, list) else [attendees]:
                email = str(attendee).removeprefix("mailto:")
                if keep_only is not None and email not in keep_only:
                    continue
                if email == member:
                    attendee.params["PARTSTAT"] = partstat
                component.add("ATTENDEE", attendee)
        calendar.add_component(component)
    return bytes(calendar.to_ical())


def setup(tmp_path: Path, partstat: str, keep_only: set[str] | None = None) -> Path:
    config_path = tmp_path / "dept.yaml"
    config_path.write_text(department_yaml(), encoding="utf-8")
    config = load_config(config_path)
    plan = plan_group(config, config.groups[0], sent={}, now=NOW, horizon=dt.timedelta(days=14))
    invite = plan.updates[0].messages[0].calendar
    (tmp_path / "ben.ics").write_bytes(
        member_calendar_with(invite, "ben@med.example.edu", partstat, keep_only=keep_only)
    )
    config_path.write_text(
        department_yaml() + "calendars:\n  - {owner: ben@med.example.edu, ics: ben.ics}\n", encoding="utf-8"
    )
    return config_path


def minutes_of_ben(config_path: Path, database_url: str) -> dict[str, int]:
    config = load_config(config_path)
    ledger = Ledger.open(database_url)
    outcomes = sync_batch(SyncContext(config=config, ledger=ledger, run_id="loop"), config.calendars)
    assert [o.outcome for o in outcomes] == ["synced"]
    report = compute_hours(config, ledger)
    ben = [m for m in report.mentors if m.email == "ben@med.example.edu"]
    return {str(c): n for c, n in ben[0].by_category.items()} if ben else {}


def test_an_accepted_invite_is_counted_as_group_time(tmp_path: Path, database_url: str) -> None:
    config_path = setup(tmp_path, "ACCEPTED")
    assert minutes_of_ben(config_path, database_url) == {"group": 60, "mentee": 0, "tag": 0}
    config = load_config(config_path)
    entries = Ledger.open(database_url).entries(
        [calendar_ref(c).calendar_key for c in config.calendars],
        dt.datetime(2025, 7, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 7, 1, tzinfo=dt.UTC),
    )
    assert [(e.rule, e.category) for e in entries] == [("group:urim-circle:invite", "group")]


def test_the_uid_alone_marks_it_as_the_groups_even_with_few_attendees(
    tmp_path: Path, database_url: str
) -> None:
    # Only the organizer and Ben remain on the event: too few members for the 3-member rule.
    config_path = setup(tmp_path, "ACCEPTED", keep_only={"ben@med.example.edu"})
    assert minutes_of_ben(config_path, database_url)["group"] == 60


def test_a_declined_invite_is_not_counted(tmp_path: Path, database_url: str) -> None:
    config_path = setup(tmp_path, "DECLINED")
    assert minutes_of_ben(config_path, database_url) == {}
