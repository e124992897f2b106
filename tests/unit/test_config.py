"""The configuration file: every problem reported as one line naming the file, the key path and the reason."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from mentorledger.config import Config, Window, check_config, load_config, missing_calendar_files
from mentorledger.counting import RuleBook
from mentorledger.errors import ConfigError
from tests.unit.support import ANA, make_config

GOOD = """\
institution: Example School of Medicine
timezone: America/New_York
window: {start: 2025-07-01, end: 2026-06-30}
counting:
  tags: ["#mentoring"]
people:
  - {email: ana@med.example.edu, name: Ana Ruiz, department: Pediatrics, rank: assistant_professor}
  - {email: ben@med.example.edu, name: Ben Ode, department: Pediatrics, rank: fellow}
relationships:
  - {mentor: ana@med.example.edu, mentee: ben@med.example.edu, kind: near_peer, start: 2025-07-01, end: 2026-03-31}
groups:
  - {id: urim-circle, name: URiM Peer Circle, members: [ana@med.example.edu, ben@med.example.edu]}
calendars:
  - {owner: ana@med.example.edu, ics: calendars/ana.ics}
"""


def write(tmp_path: Path, text: str, name: str = "mentorledger.yaml") -> Path:
    (tmp_path / "calendars").mkdir(exist_ok=True)
    (tmp_path / "calendars" / "ana.ics").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, text)
    problems, config = check_config(path)
    assert config is None
    assert problems, "a bad file must report at least one problem"
    for line in problems:
        assert "\n" not in line, line
        assert path.name in line, line
    return problems


def the_problem(tmp_path: Path, text: str, key_path: str) -> str:
    problems = problems_of(tmp_path, text)
    assert len(problems) == 1, problems
    line = problems[0]
    assert f" {key_path}:" in line, line
    return line


def test_good_file_loads_with_no_problems(tmp_path):
    path = write(tmp_path, GOOD)
    problems, config = check_config(path)
    assert problems == []
    assert config is not None
    assert config.window == Window(start=dt.date(2025, 7, 1), end=dt.date(2026, 6, 30))
    assert [p.email for p in config.people] == ["ana@med.example.edu", "ben@med.example.edu"]
    assert load_config(path).institution == "Example School of Medicine"


def test_unknown_top_level_key_is_an_error(tmp_path):
    line = the_problem(tmp_path, GOOD + "relationship: []\n", "relationship")
    assert "unknown key" in line


def test_unknown_nested_key_is_an_error(tmp_path):
    text = GOOD.replace("rank: fellow}", "rank: fellow, phone: 555-0100}")
    line = the_problem(tmp_path, text, "people[1].phone")
    assert "unknown key" in line


def test_bad_email_is_an_error(tmp_path):
    text = GOOD.replace("{email: ben@med.example.edu,", "{email: ben at med.example.edu,")
    line = the_problem(tmp_path, text, "people[1].email")
    assert "ben at med.example.edu" in line
    assert "e-mail" in line


def test_unknown_rank_is_an_error(tmp_path):
    line = the_problem(tmp_path, GOOD.replace("rank: fellow", "rank: dean"), "people[1].rank")
    assert "'dean'" in line
    assert "assistant_professor" in line


def test_unknown_relationship_kind_is_an_error(tmp_path):
    line = the_problem(tmp_path, GOOD.replace("kind: near_peer", "kind: buddy"), "relationships[0].kind")
    assert "'buddy'" in line


def test_relationship_naming_someone_not_in_people_is_an_error(tmp_path):
    text = GOOD.replace("mentee: ben@med.example.edu", "mentee: zed@med.example.edu")
    line = the_problem(tmp_path, text, "relationships[0].mentee")
    assert "zed@med.example.edu" in line
    assert "not in people" in line


def test_group_member_not_in_people_is_an_error(tmp_path):
    text = GOOD.replace(
        "members: [ana@med.example.edu, ben@med.example.edu]",
        "members: [ana@med.example.edu, zed@med.example.edu]",
    )
    line = the_problem(tmp_path, text, "groups[0].members[1]")
    assert "zed@med.example.edu" in line


def test_window_end_before_start_is_an_error(tmp_path):
    line = the_problem(tmp_path, GOOD.replace("end: 2026-06-30}", "end: 2025-06-30}"), "window")
    assert "before" in line
    assert "2025-06-30" in line


def test_relationship_end_before_start_is_an_error(tmp_path):
    line = the_problem(tmp_path, GOOD.replace("end: 2026-03-31}", "end: 2025-03-31}"), "relationships[0]")
    assert "before" in line
    assert "2025-03-31" in line


def test_missing_calendar_file_is_a_warning_not_an_error(tmp_path):
    # A file that is not there fails that calendar at sync time; the configuration itself is valid.
    path = write(tmp_path, GOOD.replace("calendars/ana.ics", "calendars/nope.ics"))
    problems, config = check_config(path)
    assert problems == []
    assert config is not None
    [(loc, reason)] = missing_calendar_files(config.calendars, config.base_dir)
    assert tuple(loc) == ("calendars", 0, "ics")
    assert "'calendars/nope.ics' not found" in reason
    assert str(tmp_path / "calendars" / "nope.ics") in reason
    assert "sync will report this calendar as failed" in reason


def test_unsupported_calendar_url_scheme_is_an_error(tmp_path):
    line = the_problem(
        tmp_path, GOOD.replace("calendars/ana.ics", "ftp://files.example.edu/ana.ics"), "calendars[0].ics"
    )
    assert "only http, https and webcal URLs are supported" in line


def test_bad_time_zone_is_an_error(tmp_path):
    line = the_problem(tmp_path, GOOD.replace("America/New_York", "Eastern Time"), "timezone")
    assert "Eastern Time" in line
    assert "time zone" in line


def test_problem_lines_carry_the_line_number_of_the_key(tmp_path):
    line = the_problem(tmp_path, GOOD.replace("rank: fellow", "rank: dean"), "people[1].rank")
    assert line.startswith(f"{tmp_path / 'mentorledger.yaml'}:8: ")  # Ben is on line 8 of GOOD


def test_check_config_reports_every_schema_problem_at_once(tmp_path):
    text = (
        GOOD.replace("America/New_York", "Mars/Olympus")
        .replace("rank: fellow", "rank: dean")
        .replace("{email: ana@med.example.edu, name", "{email: not-an-email, name")
        .replace("kind: near_peer", "kind: buddy")
        + "colour: blue\n"
    )
    problems = problems_of(tmp_path, text)
    for key_path in ("timezone", "people[1].rank", "people[0].email", "relationships[0].kind", "colour"):
        assert sum(f" {key_path}:" in line for line in problems) == 1, (key_path, problems)
    assert len(problems) == 5


def test_check_config_reports_every_cross_reference_problem_at_once(tmp_path):
    text = (
        GOOD.replace("mentee: ben@med.example.edu", "mentee: zed@med.example.edu")
        .replace(
            "members: [ana@med.example.edu, ben@med.example.edu]",
            "members: [ana@med.example.edu, yul@med.example.edu]",
        )
        .replace("calendars/ana.ics", "ftp://files.example.edu/ana.ics")
    )
    problems = problems_of(tmp_path, text)
    for key_path in ("relationships[0].mentee", "groups[0].members[1]", "calendars[0].ics"):
        assert sum(f" {key_path}:" in line for line in problems) == 1, (key_path, problems)
    assert len(problems) == 3


def test_check_config_reports_schema_and_cross_reference_problems_together(tmp_path):
    # One pass must show the administrator everything to fix: a bad rank does not hide the unknown
    # mentee or the unsupported calendar URL.
    text = (
        GOOD.replace("rank: fellow", "rank: dean")
        .replace("mentee: ben@med.example.edu", "mentee: zed@med.example.edu")
        .replace("calendars/ana.ics", "ftp://files.example.edu/ana.ics")
    )
    problems = problems_of(tmp_path, text)
    for key_path in ("people[1].rank", "relationships[0].mentee", "calendars[0].ics"):
        assert sum(f" {key_path}:" in line for line in problems) == 1, (key_path, problems)


def test_load_config_raises_config_error_with_all_problems(tmp_path):
    path = write(
        tmp_path, GOOD.replace("rank: fellow", "rank: dean").replace("America/New_York", "Nowhere/City")
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert len(caught.value.problems) == 2
    assert "\n" not in str(caught.value)


def test_missing_config_file_is_one_line(tmp_path):
    problems, config = check_config(tmp_path / "absent.yaml")
    assert config is None
    assert len(problems) == 1
    assert "absent.yaml" in problems[0]
    assert "not found" in problems[0]


def test_invalid_yaml_is_one_line_with_the_file_name(tmp_path):
    path = write(tmp_path, "institution: [unclosed\ntimezone: America/New_York\n")
    problems, config = check_config(path)
    assert config is None
    assert len(problems) == 1
    assert path.name in problems[0]
    assert "YAML" in problems[0]


def test_emails_are_normalised_to_lower_case(tmp_path):
    text = GOOD.replace("{email: ana@med.example.edu,", "{email: Ana@Med.Example.EDU,")
    text = text.replace("{owner: ana@med.example.edu,", "{owner: ANA@MED.EXAMPLE.EDU,")
    config = load_config(write(tmp_path, text))
    assert config.people[0].email == "ana@med.example.edu"
    assert config.calendars[0].owner == "ana@med.example.edu"


def test_counting_defaults():
    config = make_config()
    assert (config.counting.tags, config.counting.keywords, config.counting.count_transparent) == (
        ["#mentoring"],
        [],
        False,
    )


# -- default window ----------------------------------------------------------------------------------


def _academic_year(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.year if day.month >= 7 else day.year - 1
    return dt.date(first, 7, 1), dt.date(first + 1, 6, 30)


def test_default_window_is_the_academic_year_containing_today():
    config = make_config(window=None)
    today = dt.datetime.now(ZoneInfo("America/New_York")).date()
    start, end = _academic_year(today)
    window = config.effective_window()
    assert (window.start, window.end) == (start, end)
    assert (window.start.month, window.start.day, window.end.month, window.end.day) == (7, 1, 6, 30)
    assert window.start <= today <= window.end
    assert (RuleBook(config).window.start, RuleBook(config).window.end) == (start, end)


@pytest.mark.parametrize(
    ("today", "start", "end"),
    [
        (dt.date(2026, 1, 15), dt.date(2025, 7, 1), dt.date(2026, 6, 30)),
        (dt.date(2025, 7, 1), dt.date(2025, 7, 1), dt.date(2026, 6, 30)),
        (dt.date(2025, 6, 30), dt.date(2024, 7, 1), dt.date(2025, 6, 30)),
        (dt.date(2025, 12, 31), dt.date(2025, 7, 1), dt.date(2026, 6, 30)),
    ],
)
def test_default_window_boundaries(today, start, end):
    window = make_config(window=None).effective_window(today)
    assert (window.start, window.end) == (start, end)


def test_default_window_when_the_key_is_absent_from_the_file(tmp_path):
    text = "\n".join(line for line in GOOD.splitlines() if not line.startswith("window:")) + "\n"
    config = load_config(write(tmp_path, text))
    assert config.window is None
    today = dt.datetime.now(ZoneInfo("America/New_York")).date()
    window = config.effective_window()
    assert (window.start, window.end) == _academic_year(today)


def test_configured_window_is_used_as_given():
    config = make_config(window={"start": "2025-09-01", "end": "2025-12-31"})
    assert config.effective_window(dt.date(2030, 1, 1)) == Window(
        start=dt.date(2025, 9, 1), end=dt.date(2025, 12, 31)
    )


def test_internal_attribute_names_are_unknown_keys_in_a_file(tmp_path):
    # base_dir is not a YAML key; SPEC: "Unknown keys are an error, not silently ignored."
    with pytest.raises(ValidationError):
        Config.model_validate({"institution": "X", "timezone": "UTC", "base_dir": "/etc"})
    problems = problems_of(tmp_path, GOOD + "base_dir: /etc\n")
    assert len(problems) == 1
    assert "base_dir" in problems[0]
    assert "unknown key" in problems[0]


def test_calendar_owner_address_is_normalised():
    assert make_config(calendars=[{"owner": ANA.upper(), "google": "primary"}]).calendars[0].owner == ANA
