"""`mentorledger import people|relationships`: HR exports into the configuration, in place.

Every test goes through the real command line and reads the result back as a configuration.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mentorledger.config import load_config
from tests.clirunner import Result, run_cli
from tests.unit.support import written

DATA = Path(__file__).resolve().parents[1] / "data" / "roster"
DEMO = Path(__file__).resolve().parents[2] / "config" / "demo" / "department.yaml"
ANA = "ana.ruiz@riverside-med.example.edu"


@pytest.fixture
def department(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A fresh department made by `mentorledger init`; returns its configuration file."""
    result = run_cli(
        capsys, "init", str(tmp_path / "peds"), "--timezone", "America/Chicago", "--institution", "Riverside"
    )
    assert result.code == 0, result.stderr
    return tmp_path / "peds" / "department.yaml"


def imported(
    capsys: pytest.CaptureFixture[str], what: str, csv_file: Path, config: Path, *args: str
) -> Result:
    return run_cli(capsys, "import", what, str(csv_file), "--config", str(config), *args)


def test_people_come_from_export_headers_with_emails_normalised_and_ranks_from_titles(
    department: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = imported(capsys, "people", DATA / "faculty.csv", department)

    assert result.code == 0, result.stderr
    people = {(p.email, p.name, p.department, p.rank.value) for p in load_config(department).people}
    assert people == {
        (ANA, "Ana Ruiz", "Pediatrics", "assistant_professor"),
        ("ben.cho@riverside-med.example.edu", "Ben Cho", "Pediatrics", "resident"),
        ("cy.tran@riverside-med.example.edu", "Cy Tran", "Pediatrics", "fellow"),
        ("dee.patel@riverside-med.example.edu", "Dee Patel", "Pediatrics", "associate_professor"),
        ("eli.moreno@riverside-med.example.edu", "Eli Moreno", "Pediatrics", "other"),
        ("fay.okafor@riverside-med.example.edu", "Fay Okafor", "Pediatrics", "professor"),
    }
    assert "6 people read: 6 to add, 0 to update, 0 unchanged." in result.stdout
    assert result.stderr.splitlines() == [
        f"warning: {DATA / 'faculty.csv'}:6: column 'Job Title': 'Nurse Practitioner' is not a title "
        "mentorledger knows; imported as rank other"
    ]


def test_a_dry_run_lists_each_change_and_writes_nothing(
    department: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = department.read_bytes()

    result = imported(capsys, "people", DATA / "faculty.csv", department, "--dry-run")

    assert result.code == 0
    assert department.read_bytes() == before
    assert f"  + {ANA}: name Ana Ruiz, department Pediatrics, rank assistant_professor" in result.stdout
    assert "Dry run: " in result.stdout
    assert load_config(department).people == []


def test_importing_into_a_real_file_changes_only_the_roster_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "department.yaml"
    shutil.copytree(DEMO.parent / "calendars", tmp_path / "calendars")
    shutil.copy(DEMO, config)
    before = config.read_text(encoding="utf-8").splitlines()
    export = written(
        tmp_path / "hr.csv",
        "email,name,department,title\n"
        "amara.okafor@riverside-med.example.edu,Amara Okafor,Pediatrics,Professor of Pediatrics\n"
        "new.person@riverside-med.example.edu,New Person,Pediatrics,Resident Physician\n",
    )

    result = imported(capsys, "people", export, config)

    assert result.code == 0, result.stderr
    after = config.read_text(encoding="utf-8").splitlines()
    changed = [(i, old, new) for i, (old, new) in enumerate(zip(before, after, strict=False)) if old != new]
    promoted = (
        "  - {email: amara.okafor@riverside-med.example.edu, name: Amara Okafor, department: Pediatrics, "
        "rank: professor}"
    )
    assert [new for _i, _old, new in changed][:1] == [promoted]
    added = (
        "  - {email: new.person@riverside-med.example.edu, name: New Person, department: Pediatrics, "
        "rank: resident}"
    )
    last_person = before.index(next(line for line in before if "ibrahim.haddad" in line))
    assert after[: last_person + 1] == [
        promoted if line.startswith("  - {email: amara") else line for line in before[: last_person + 1]
    ]
    assert after[last_person + 1] == added
    assert after[last_person + 2 :] == before[last_person + 1 :]  # comments, groups, calendars: untouched
    assert "1 to add, 1 to update, 0 unchanged, 15 in the file but not in the export (kept)" in result.stdout


def test_updating_a_person_keeps_the_keys_the_export_does_not_have(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = written(
        tmp_path / "dept.yaml",
        "institution: X\ntimezone: UTC\npeople:\n"
        "  - email: ana@x.edu   # the program's founder\n"
        "    name: Ana\n    department: Peds\n    rank: assistant_professor\n"
        "    last_promotion: 2022-07-01\n"
        "    credit:\n      - {start: 2025-07-01, end: 2026-06-30, protected_hours: 40}\n",
    )
    export = written(
        tmp_path / "hr.csv", "Email,Name,Department,Rank\nANA@x.edu,Ana Ruiz,Peds,Associate Professor\n"
    )

    result = imported(capsys, "people", export, config)

    assert result.code == 0, result.stderr
    assert (
        "~ ana@x.edu: name Ana -> Ana Ruiz, rank assistant_professor -> associate_professor" in result.stdout
    )
    [ana] = load_config(config).people
    assert (ana.name, ana.rank.value, str(ana.last_promotion), ana.credit[0].protected_hours) == (
        "Ana Ruiz",
        "associate_professor",
        "2022-07-01",
        40,
    )
    assert "# the program's founder" in config.read_text(encoding="utf-8")


def test_row_problems_name_the_line_and_column_and_nothing_is_written(
    department: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = written(
        tmp_path / "hr.csv",
        "email,name,department,rank\n"
        "ana@x.edu,Ana,Peds,professor\n"
        "not-an-address,Ben,Peds,professor\n"
        "cy@x.edu,Cy,,professor\n"
        "dee@x.edu,Dee,Peds,dean\n"
        "ANA@x.edu,Ana again,Peds,professor\n",
    )
    before = department.read_bytes()

    result = imported(capsys, "people", export, department)

    assert result.code == 2
    assert department.read_bytes() == before
    assert result.stderr.splitlines() == [
        f"error: {export}:3: column 'email': 'not-an-address' is not an e-mail address",
        f"error: {export}:4: column 'department': empty; give the department (or --department NAME for rows "
        "without one)",
        f"error: {export}:5: column 'rank': 'dean' is not a rank: use instructor, assistant_professor, "
        "associate_professor, professor, fellow, resident, student or other (or a title such as 'Assistant "
        "Professor')",
        f"error: {export}:6: column 'email': this e-mail address is also on line 2",
        f"error: {export}: 4 problem(s); nothing was imported. Fix the rows and run the import again.",
    ]


def test_a_header_without_an_email_column_says_which_flag_names_it(
    department: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = written(
        tmp_path / "hr.csv", "Work Address,Name,Department,Title\nana@x.edu,Ana,Peds,Instructor\n"
    )

    missing = imported(capsys, "people", export, department)
    named = imported(capsys, "people", export, department, "--email-column", "work address")

    assert missing.code == 2
    assert missing.stderr.strip() == (
        f"error: {export}:1: no email column (looked for email, e-mail, email address, e-mail address, ...); "
        "name it with --email-column COLUMN (the columns are: 'Work Address', 'Name', 'Department', 'Title')"
    )
    assert named.code == 0, named.stderr
    assert [p.email for p in load_config(department).people] == ["ana@x.edu"]


def test_semicolon_separated_windows_exports_are_read(
    department: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "hr.csv"
    export.write_bytes("E-Mail;Nombre;Dept;Position\nj@x.edu;José Núñez;Cirugía;Profesor\n".encode("cp1252"))

    result = imported(capsys, "people", export, department, "--name-column", "Nombre")

    assert result.code == 0, result.stderr
    [person] = load_config(department).people
    assert (person.name, person.department) == ("José Núñez", "Cirugía")
    assert person.rank.value == "other"  # "Profesor" is no title the rules know: said, not guessed


def test_text_yaml_would_read_as_something_else_stays_text(
    department: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = written(
        tmp_path / "hr.csv", "email,name,department,rank\nno@x.edu,No,Yes,fellow\nn2@x.edu,1e3,10:00,fellow\n"
    )

    result = imported(capsys, "people", export, department)

    assert result.code == 0, result.stderr
    assert [(p.name, p.department) for p in load_config(department).people] == [
        ("No", "Yes"),
        ("1e3", "10:00"),
    ]


def test_relationships_come_with_kinds_and_dates_from_the_export(
    department: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert imported(capsys, "people", DATA / "faculty.csv", department).code == 0

    result = imported(capsys, "relationships", DATA / "mentoring.csv", department)

    assert result.code == 0, result.stderr
    found = {
        (r.mentor.split(".")[0], r.mentee.split(".")[0], r.kind.value, str(r.start), str(r.end))
        for r in load_config(department).relationships
    }
    assert found == {
        ("ana", "ben", "near_peer", "2025-07-01", "None"),
        ("dee", "cy", "dyad", "2025-07-01", "2026-06-30"),
        ("fay", "ana", "sponsor", "2025-09-01", "None"),
    }


def test_an_end_date_follows_the_export_on_the_next_import(
    department: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert imported(capsys, "people", DATA / "faculty.csv", department).code == 0
    export = tmp_path / "m.csv"
    row = f"{ANA},ben.cho@riverside-med.example.edu,dyad,2025-07-01"
    export.write_text(f"mentor,mentee,kind,start,end\n{row},2026-01-31\n", encoding="utf-8")
    assert imported(capsys, "relationships", export, department).code == 0
    export.write_text(f"mentor,mentee,kind,start,end\n{row},\n", encoding="utf-8")

    reopened = imported(capsys, "relationships", export, department)

    assert reopened.code == 0
    assert "end 2026-01-31 -> None" in reopened.stdout
    [relationship] = load_config(department).relationships
    assert relationship.end is None


def test_relationship_rows_with_unknown_people_bad_dates_or_kinds_are_errors(
    department: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert imported(capsys, "people", DATA / "faculty.csv", department).code == 0
    export = written(
        tmp_path / "m.csv",
        "mentor,mentee,type,start date,end date\n"
        f"{ANA},zed@riverside-med.example.edu,dyad,2025-07-01,\n"
        f"{ANA},ben.cho@riverside-med.example.edu,coaching,7/1/2025,\n"
        f"{ANA},cy.tran@riverside-med.example.edu,peer,2025-09-01,2025-08-01\n",
    )

    result = imported(capsys, "relationships", export, department)

    assert result.code == 2
    assert result.stderr.splitlines() == [
        f"error: {export}:2: column 'mentee': zed@riverside-med.example.edu is not in people; import them first "
        "with `mentorledger import people`",
        f"error: {export}:3: column 'type': 'coaching' is not a kind of relationship: use dyad, near_peer, peer "
        "or sponsor",
        f"error: {export}:3: column 'start date': '7/1/2025' is not a date; write YYYY-MM-DD, e.g. 2026-03-01 "
        "(for month/day/year exports pass --date-format %m/%d/%Y)",
        f"error: {export}:4: column 'end date': 2025-08-01 is before the start 2025-09-01",
        f"error: {export}: 4 problem(s); nothing was imported. Fix the rows and run the import again.",
    ]
    assert load_config(department).relationships == []


def test_us_dates_are_read_with_a_date_format(
    department: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert imported(capsys, "people", DATA / "faculty.csv", department).code == 0
    export = written(
        tmp_path / "m.csv", f"mentor,mentee,start\n{ANA},ben.cho@riverside-med.example.edu,7/1/2025\n"
    )

    result = imported(
        capsys, "relationships", export, department, "--date-format", "%m/%d/%Y", "--kind", "near_peer"
    )

    assert result.code == 0, result.stderr
    [relationship] = load_config(department).relationships
    assert (str(relationship.start), relationship.kind.value) == ("2025-07-01", "near_peer")


def test_a_thousand_people_import_in_one_pass(
    department: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    titles = [
        "Assistant Professor",
        "Associate Professor of Medicine",
        "PGY-1",
        "Clinical Fellow",
        "Professor",
    ]
    export = tmp_path / "hr.csv"
    rows = [f"p{i:04d}@x.edu,Person {i},Dept {i % 7},{titles[i % 5]}" for i in range(1000)]
    export.write_text("email,name,department,title\n" + "\n".join(rows) + "\n", encoding="utf-8")

    first = imported(capsys, "people", export, department)
    again = imported(capsys, "people", export, department)

    assert first.code == 0, first.stderr
    people = load_config(department).people
    assert len(people) == 1000
    assert (people[999].email, people[999].rank.value) == ("p0999@x.edu", "professor")
    assert "1000 people read: 0 to add, 0 to update, 1000 unchanged." in again.stdout


def test_an_import_that_would_break_the_configuration_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = written(
        tmp_path / "dept.yaml",
        "institution: X\ntimezone: UTC\ndepartments:\n  - {name: Pediatrics, chairs: [ana@x.edu]}\n"
        "people:\n  - {email: ana@x.edu, name: Ana, department: Pediatrics, rank: professor}\n",
    )
    before = config.read_bytes()
    export = written(tmp_path / "hr.csv", "email,name,department,rank\nana@x.edu,Ana,Surgery,professor\n")

    result = imported(capsys, "people", export, config)

    assert result.code == 2
    assert config.read_bytes() == before
    assert result.stderr.strip() == (
        f"error: the import would leave {config} with a problem, so nothing was written: {config}:4: "
        "departments[0].name: no one in people belongs to department 'Pediatrics'; check the spelling"
    )
    assert list(tmp_path.glob(".dept.yaml.*")) == []  # no temporary file left behind
