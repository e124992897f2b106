"""What the configuration's problem lines say: the nearest valid key for a typo, and the expected format
(with an example) for every date and time that cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorledger.config import check_config

HEAD = "institution: X\ntimezone: America/New_York\n"
PERSON = "people:\n  - {email: ana@x.edu, name: Ana, department: Peds, rank: professor}\n"
DATE = "write YYYY-MM-DD, e.g. 2026-03-01"
TIME = 'write "HH:MM" in quotes, e.g. "14:00"'


def problems(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "dept.yaml"
    path.write_text(HEAD + PERSON + body, encoding="utf-8")
    found, _config = check_config(path)
    return [line.removeprefix(f"{path}:") for line in found]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("counting: {keyword: [mentoring]}\n", "5: counting.keyword: unknown key (did you mean keywords?)"),
        ("relationship: []\n", "5: relationship: unknown key (did you mean relationships?)"),
        (
            "calendars:\n  - {owner: ana@x.edu, ics: a.ics, ownr: ana@x.edu}\n",
            "6: calendars[0].ownr: unknown key (did you mean owner?)",
        ),
        (
            "groups:\n  - {id: g, name: G, members: [ana@x.edu], inventory: {ana@x.edu: {strength: [x]}}}\n",
            "6: groups[0].inventory.ana@x.edu.strength: unknown key (did you mean strengths?)",
        ),
        (
            "web: {oidc: {metadata_url: 'https://idp.x.edu/.well-known/openid-configuration', client_id: c, "
            "claim: email}}\n",
            "5: web.oidc.claim: unknown key (did you mean email_claim?)",
        ),
        (
            "web: {oidc: {metadata_url: 'https://idp.x.edu/.well-known/openid-configuration', client_id: c, "
            "colour: blue}}\n",
            "5: web.oidc.colour: unknown key (the keys here are: metadata_url, client_id, email_claim, scopes, "
            "label)",
        ),
    ],
)
def test_an_unknown_key_names_the_nearest_valid_key(tmp_path: Path, body: str, expected: str) -> None:
    assert problems(tmp_path, body) == [expected]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "window: {start: 2025-7-1, end: 2026-06-30}\n",
            f"5: window.start: '2025-7-1' is not a date; {DATE}",
        ),
        (
            "window: {start: 07/01/2025, end: 2026-06-30}\n",
            f"5: window.start: '07/01/2025' is not a date; {DATE}",
        ),
        # YAML itself cannot build this date: the parser used to fail with a traceback, no line.
        (
            "window: {start: 2025-07-01, end: 2026-02-30}\n",
            f"5: window.end: '2026-02-30' is not a date (no such day); {DATE}",
        ),
        (
            "relationships:\n  - {mentor: ana@x.edu, mentee: ana@x.edu, kind: dyad, start: soon}\n",
            f"6: relationships[0].start: 'soon' is not a date; {DATE}",
        ),
    ],
)
def test_a_date_that_cannot_be_read_shows_the_format_with_an_example(
    tmp_path: Path, body: str, expected: str
) -> None:
    assert expected in problems(tmp_path, body)


GROUP = "groups:\n  - {id: g, name: G, members: [ana@x.edu], cadence: weekly, first_session: 2026-01-06, organizer: ana@x.edu, "


@pytest.mark.parametrize(
    ("start_time", "expected"),
    [
        ("'9am'", f"6: groups[0].start_time: '9am' is not a time; {TIME}"),
        ("'12:75'", f"6: groups[0].start_time: '12:75' is not a time (no such time of day); {TIME}"),
        # Unquoted, YAML 1.1 reads 25:00 as the number 1500: it was silently 00:25.
        ("25:00", '6: groups[0].start_time: 25:00 is not a time of day; write "HH:MM", e.g. "14:00"'),
    ],
)
def test_a_time_that_cannot_be_read_shows_hh_mm(tmp_path: Path, start_time: str, expected: str) -> None:
    assert problems(tmp_path, GROUP + f"start_time: {start_time}}}\n") == [expected]


@pytest.mark.parametrize("start_time", ["'9:00'", "'09:00'", "9:00"])
def test_a_morning_start_reads_with_or_without_its_leading_zero(tmp_path: Path, start_time: str) -> None:
    path = tmp_path / "dept.yaml"
    path.write_text(HEAD + PERSON + GROUP + f"start_time: {start_time}}}\n", encoding="utf-8")
    found, config = check_config(path)
    assert found == []
    assert config is not None
    assert str(config.groups[0].start_time) == "09:00:00"


def test_a_moved_session_that_is_not_a_date_and_time_shows_the_format(tmp_path: Path) -> None:
    body = GROUP + "start_time: '09:00', rescheduled_sessions: {2026-01-13: 'next week'}}\n"
    [line] = problems(tmp_path, body)
    assert line.endswith(
        "'next week' is not a date and time; write 'YYYY-MM-DD HH:MM' in quotes, e.g. '2026-03-01 14:00'"
    )
