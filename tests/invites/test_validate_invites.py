"""What ``validate`` says about invite settings: clocks that skip or repeat a session's start, holiday
calendars, UID domains, and a sending account in another domain than the organizer's."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from mentorledger.config import check_config, load_config
from mentorledger.uids import LEGACY_UID_DOMAIN, group_of_uid, institution_uid_domain
from tests.clirunner import run_cli
from tests.invites.conftest import department_yaml


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "dept.yaml"
    path.write_text(text, encoding="utf-8")
    return check_config(path)[0]


def test_a_weekly_start_in_the_spring_forward_gap_is_rejected_with_both_readings(tmp_path: Path) -> None:
    # Sundays at 02:30 in New York: on 8 March 2026 the clocks jump from 02:00 to 03:00.
    text = department_yaml(cadence="weekly on Sunday", first_session="2025-09-07", start_time="'02:30'")
    found = problems_of(tmp_path, text)
    gap = [p for p in found if "2026-03-08" in p]
    assert len(gap) == 1, found
    assert ": groups[0].start_time: " in gap[0]
    assert "02:30 on Sun 2026-03-08 does not exist in America/New_York" in gap[0]
    assert "{2026-03-08: '2026-03-08 01:30'} or {2026-03-08: '2026-03-08 03:30'}" in gap[0]


def test_a_start_in_the_repeated_hour_is_rejected_with_both_offsets(tmp_path: Path) -> None:
    # 1 November 2026, 01:30 happens twice in New York (EDT, then EST).
    text = department_yaml(cadence="weekly on Sunday", first_session="2025-09-07", start_time="'01:30'")
    found = [p for p in problems_of(tmp_path, text) if "2026-11-01" in p]
    assert len(found) == 1, found
    assert "happens twice in America/New_York" in found[0]
    assert "'2026-11-01 01:30-04:00'" in found[0]
    assert "'2026-11-01 01:30-05:00'" in found[0]


def test_choosing_one_of_the_offered_readings_makes_the_file_valid(tmp_path: Path) -> None:
    base = department_yaml(cadence="weekly on Sunday", first_session="2025-09-07", start_time="'01:30'")
    found = problems_of(tmp_path, base)
    assert found
    # Take the first reading each message offers, as a coordinator would copy it.
    fixes = [re.search(r"\{(\d{4}-\d\d-\d\d: '[^']+')\}", p) for p in found]
    text = base + "    rescheduled_sessions:\n" + "".join(f"      {m.group(1)}\n" for m in fixes if m)
    assert problems_of(tmp_path, text) == []
    config = load_config(tmp_path / "dept.yaml")
    series = config.groups[0].series(config.timezone)
    moved = next(s for s in series.sessions(dt.date(2026, 11, 2)) if s.token == "20261101")
    assert moved.start.utcoffset() is not None
    assert moved.start.utcoffset().total_seconds() == -4 * 3600  # the first 01:30 (EDT)


def test_an_offset_the_zone_never_shows_is_rejected(tmp_path: Path) -> None:
    text = department_yaml(group_extra="    rescheduled_sessions: {2025-09-16: '2025-09-16 10:00+02:00'}\n")
    found = problems_of(tmp_path, text)
    assert any("is not a time America/New_York shows" in p for p in found), found


def test_holiday_calendars_are_checked_against_the_holidays_package(tmp_path: Path) -> None:
    good = department_yaml().replace("people:", "holidays: {country: US, subdivision: MA}\npeople:", 1)
    assert problems_of(tmp_path, good) == []
    wrong_country = department_yaml().replace("people:", "holidays: {country: XQ}\npeople:", 1)
    assert any("not a country the holidays package knows" in p for p in problems_of(tmp_path, wrong_country))
    wrong_state = department_yaml().replace("people:", "holidays: {country: US, subdivision: ZZ}\npeople:", 1)
    assert any("'ZZ' is not a subdivision of US" in p for p in problems_of(tmp_path, wrong_state))


def test_the_uid_domain_comes_from_the_institution_unless_configured(tmp_path: Path) -> None:
    assert (
        institution_uid_domain("Example School of Medicine")
        == "example-school-of-medicine.groups.mentorledger"
    )
    assert institution_uid_domain("Universität Zürich") == "universitat-zurich.groups.mentorledger"
    assert institution_uid_domain("東京大学").startswith("i")  # no Latin letters: a stable hash
    assert institution_uid_domain("東京大学") == institution_uid_domain("東京大学")
    path = tmp_path / "dept.yaml"
    path.write_text(department_yaml().replace("people:", "uid_domain: Groups.Med.Example.EDU\npeople:", 1))
    assert load_config(path).session_uid_domain == "groups.med.example.edu"
    domains = load_config(path).session_uid_domains
    assert group_of_uid("20250902.urim-circle@groups.med.example.edu", domains) == "urim-circle"
    assert group_of_uid(f"20250902.urim-circle@{LEGACY_UID_DOMAIN}", domains) == "urim-circle"  # sent before
    assert group_of_uid("20250902.urim-circle@other-school.groups.mentorledger", domains) is None
    bad = department_yaml().replace("people:", "uid_domain: 'not a domain@x'\npeople:", 1)
    assert any("uid_domain" in p and "is not a domain name" in p for p in problems_of(tmp_path, bad))


def test_validate_warns_when_the_sending_account_is_in_another_domain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MENTORLEDGER_SMTP_FROM", raising=False)
    text = department_yaml().replace(
        "people:", "smtp: {host: smtp.example.org, from_address: bot@mailer.example.org}\npeople:", 1
    )
    path = tmp_path / "dept.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli(capsys, "validate", "--config", str(path))
    assert result.code == 0
    warning = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warning) == 1, result.stderr
    assert f"{path}:4: smtp.from_address: invites come From: ana@med.example.edu" in warning[0]
    assert "SPF" in warning[0]
    assert "DKIM for med.example.edu" in warning[0]
    aligned = text.replace("bot@mailer.example.org", "bot@med.example.edu")
    path.write_text(aligned, encoding="utf-8")
    result = run_cli(capsys, "validate", "--config", str(path))
    assert result.code == 0
    assert "warning" not in result.stderr
