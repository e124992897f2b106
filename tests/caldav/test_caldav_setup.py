"""CalDAV settings: the collection URL in the file, and logins per server or per calendar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mentorledger.config import CaldavCalendar, check_config
from mentorledger.errors import SourceError
from mentorledger.sources.caldav.credentials import load_logins, logins_from_value
from mentorledger.sources.protocol import Runtime

HEAD = """\
institution: Test
timezone: America/New_York
people:
  - {email: ana@med.example.edu, name: Ana, department: Peds, rank: professor}
calendars:
"""


def test_the_longest_matching_url_wins_so_a_calendar_can_override_its_server() -> None:
    logins = logins_from_value(
        [
            {"url": "https://caldav.example.org/", "username": "dept", "password": "p1"},
            {"url": "https://caldav.example.org/dav/ana/work/", "username": "ana", "password": "p2"},
        ],
        "test",
    )
    work = logins.for_url("https://caldav.example.org/dav/ana/work/")
    home = logins.for_url("https://caldav.example.org/dav/ana/home/")
    assert (work and work.username, home and home.username) == ("ana", "dept")
    assert logins.for_url("https://other.example.org/cal/") is None
    assert "p2" not in repr(work)


def test_the_file_may_be_yaml_and_a_bad_entry_is_named(tmp_path: Path) -> None:
    path = tmp_path / "caldav.yaml"
    path.write_text("- {url: 'https://x.example.org/', username: ana}\n", encoding="utf-8")
    with pytest.raises(SourceError, match="entry 1 needs url, username and password"):
        load_logins(Runtime(), environ={"MENTORLEDGER_CALDAV_CREDENTIALS": str(path)})


def test_without_a_file_calendars_are_read_without_authentication() -> None:
    assert load_logins(Runtime(), environ={}).entries == ()


def test_logins_can_come_from_a_secret_block() -> None:
    def load_secret(name: str) -> Any:
        assert name == "caldav-logins"
        return '[{"url": "https://x.example.org/", "username": "ana", "password": "p"}]'

    logins = load_logins(
        Runtime(load_secret=load_secret), environ={"MENTORLEDGER_CALDAV_CREDENTIALS_BLOCK": "caldav-logins"}
    )
    assert [login.username for login in logins.entries] == ["ana"]


def test_a_collection_url_with_a_password_in_it_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dept.yaml"
    path.write_text(
        HEAD + "  - {owner: ana@med.example.edu, caldav: 'https://ana:pw@x.example.org/c/'}\n",
        encoding="utf-8",
    )
    (line,) = check_config(path)[0]
    assert "calendars[0].caldav: the URL carries a user name or password" in line
    assert "pw@" not in line


def test_a_collection_is_shown_by_host_and_name_only() -> None:
    calendar = CaldavCalendar(
        owner="ana@med.example.edu", caldav="https://p42-caldav.icloud.com/1234567/calendars/home/"
    )
    assert calendar.label == "https://p42-caldav.icloud.com/…/home/"
