"""Exports to where dossiers live, on the coverage case as of 2026-03-01: Interfolio FAR (CSV/TSV from
an overridable column mapping), Watermark Faculty Success (XML per screen, sent to a loopback stand-in
of its REST API) and JSON against the published schema."""

from __future__ import annotations

import base64
import csv
import io
import json
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from mentorledger.errors import UserError
from mentorledger.exports.run import export_far, export_json, export_watermark
from mentorledger.exports.summaries import SCHEMA_PATH, schema
from mentorledger.exports.watermark import PASSWORD_ENV, URL_ENV, USER_ENV
from tests.clirunner import run_cli
from tests.reports.case_school import AS_OF, Case, medic

ANA, BEN, CARA = "ana@case.example.edu", "ben@case.example.edu", "cara@case.example.edu"


def far_rows(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


# -- FAR ---------------------------------------------------------------------------------------------


def test_far_has_one_row_per_mentor_per_relationship_or_group_per_academic_year(
    case: Case, tmp_path: Path
) -> None:
    exported = export_far(case.config, case.ledger, tmp_path / "far", as_of=AS_OF)
    assert exported.path.name == "Faculty180_Mentoring_2026-03-01_01.csv"  # FAR's autoload naming
    raw = exported.path.read_bytes()
    raw.decode("utf-8")  # UTF-8, as FAR requires
    rows = far_rows(raw.decode("utf-8"))
    cardiology = [r for r in rows if r["Faculty ID"] in (ANA, BEN, CARA)]
    found = [
        (r["Faculty ID"], r["Activity Type"], r["Role"], r["Mentee"], r["Hours"], r["Data Coverage"])
        for r in cardiology
    ]
    assert found == [
        # Sep 10 and Oct 8 with Mentee A (150 minutes); Feb 25 with Mentee B
        (ANA, "Mentoring relationship", "Mentor", "Mentee A", "2.5", "full"),
        (ANA, "Mentoring relationship", "Near-peer mentor", "Mentee B", "1.0", "full"),
        # tagged meetings, no mentee: one row, so no counted hour is lost; data only through Jan 15
        (BEN, "Other mentoring", "Mentor", "", "3.5", "partial"),
        # no calendar: the relationship is reported, without hours
        (CARA, "Mentoring relationship", "Mentor", "Mentee A", "", "none"),
    ]
    assert {(r["Term"], r["Year"]) for r in rows} == {("Academic Year", "2025")}
    ana_a = cardiology[0]
    assert (ana_a["Start Date"], ana_a["End Date"]) == ("2025-07-01", "2026-03-01")  # to the as-of date
    assert (ana_a["Last Name"], ana_a["First Name"]) == ("Alvarez", "Ana")
    assert sum(1 for r in rows if r["Faculty ID"].startswith("m")) == 40  # one "other mentoring" row each
    assert next(r for r in rows if r["Faculty ID"] == medic(40))["Hours"] == "40.0"


def test_the_far_column_mapping_is_the_institutions_and_tsv_is_one_setting(
    case: Case, tmp_path: Path
) -> None:
    mapping = tmp_path / "our-far.yaml"
    mapping.write_text(
        "section: Advising & Mentoring\nformat: tsv\ncolumns:\n"
        "  - {header: Employee ID, field: local_part}\n  - {header: AY, field: academic_year}\n"
        "  - {header: Hrs, field: hours}\n  - {header: Status, value: Completed}\n",
        encoding="utf-8",
    )
    exported = export_far(case.config, case.ledger, tmp_path / "out", mapping_path=mapping, as_of=AS_OF)
    assert exported.path.name == "Faculty180_AdvisingMentoring_2026-03-01_01.txt"
    rows = far_rows(exported.path.read_text(encoding="utf-8"), delimiter="\t")
    assert list(rows[0]) == ["Employee ID", "AY", "Hrs", "Status"]
    assert rows[0] == {"Employee ID": "ana", "AY": "2025-2026", "Hrs": "2.5", "Status": "Completed"}


def test_a_mapping_mistake_is_one_line_naming_the_file_and_key(case: Case, tmp_path: Path) -> None:
    mapping = tmp_path / "bad.yaml"
    mapping.write_text("section: Mentoring\ncolumns:\n  - {header: Hours, field: hourz}\n", encoding="utf-8")
    with pytest.raises(
        UserError, match=r"bad\.yaml: columns\.0: unknown field 'hourz'; the fields are: email"
    ):
        export_far(case.config, case.ledger, tmp_path / "out", mapping_path=mapping, as_of=AS_OF)


# -- Watermark ------------------------------------------------------------------------------------------


@dataclass
class FacultySuccess:
    """A loopback stand-in for the Faculty Success REST API's data import (POST SchemaData)."""

    status: int = 200
    answer: bytes = b"<?xml version='1.0' encoding='UTF-8'?><Success/>"
    requests: list[dict[str, object]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def faculty_success() -> Iterator[FacultySuccess]:
    state = FacultySuccess()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            self.send_response(state.status)
            self.send_header("Content-Type", "text/xml")
            self.end_headers()
            self.wfile.write(state.answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/login/service/v4"
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


def test_watermark_xml_has_one_record_per_user_and_one_screen_element_per_activity(
    case: Case, tmp_path: Path
) -> None:
    exported = export_watermark(case.config, case.ledger, tmp_path / "w.xml", as_of=AS_OF)
    root = ET.fromstring(exported.path.read_bytes())
    assert root.tag == "Data"
    records = {r.get("username"): r for r in root.findall("Record")}
    assert {"ana", "ben", "cara"} <= set(records)
    ana = [{f.tag: f.text or "" for f in screen} for screen in records["ana"].findall("MENTORING")]
    assert [
        (s["ROLE"], s["MENTEE"], s["HOURS"], s["DTY_START"], s["DTM_END"], s["DTD_END"]) for s in ana
    ] == [
        ("Mentor", "Mentee A", "2.5", "2025", "March", "1"),
        ("Near-peer mentor", "Mentee B", "1.0", "2025", "March", "1"),
    ]
    assert exported.records == len(root.findall("Record/MENTORING"))


def test_watermark_send_posts_the_xml_with_basic_auth_to_the_schema_data_resource(
    case: Case, tmp_path: Path, faculty_success: FacultySuccess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(URL_ENV, faculty_success.url)
    monkeypatch.setenv(USER_ENV, "svc-mentorledger")
    monkeypatch.setenv(PASSWORD_ENV, "s3cret-pw")
    exported = export_watermark(case.config, case.ledger, tmp_path / "w.xml", as_of=AS_OF, deliver=True)
    (request,) = faculty_success.requests
    assert request["path"] == "/login/service/v4/SchemaData/INDIVIDUAL-ACTIVITIES-University"
    headers = request["headers"]
    assert isinstance(headers, dict)
    assert headers["Content-Type"] == "text/xml; charset=utf-8"
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"svc-mentorledger:s3cret-pw").decode()
    assert request["body"] == exported.path.read_bytes()
    assert exported.sent_to == f"{faculty_success.url.split('/login')[0]}/…"


def test_a_refused_import_is_one_line_without_the_password(
    case: Case,
    tmp_path: Path,
    faculty_success: FacultySuccess,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    database_url: str,
) -> None:
    faculty_success.status = 400
    faculty_success.answer = b"<Error><Message>Unknown field HOURS on screen MENTORING</Message></Error>"
    monkeypatch.setenv(URL_ENV, faculty_success.url)
    monkeypatch.setenv(USER_ENV, "svc-mentorledger")
    monkeypatch.setenv(PASSWORD_ENV, "s3cret-pw")
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    result = run_cli(
        capsys, "export", "watermark", "--config", str(case.config_path), "--as-of", "2026-03-01",
        "--out", str(tmp_path / "w.xml"), "--send",
    )  # fmt: skip
    assert result.code == 1
    assert "Watermark answered 400" in result.stderr
    assert "Unknown field HOURS on screen MENTORING" in " ".join(result.stderr.split())
    assert "s3cret-pw" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_send_without_the_environment_says_what_is_missing(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (URL_ENV, USER_ENV, PASSWORD_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(URL_ENV, "https://beta.example.edu/login/service/v4")
    with pytest.raises(UserError, match=f"needs {USER_ENV}, {PASSWORD_ENV} in the environment"):
        export_watermark(case.config, case.ledger, tmp_path / "w.xml", as_of=AS_OF, deliver=True)
    assert not (tmp_path / "w.xml").exists()  # nothing half-done


# -- JSON -----------------------------------------------------------------------------------------------


def test_the_published_schema_is_a_valid_json_schema() -> None:
    Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def test_json_export_validates_against_the_schema_and_keeps_no_data_apart_from_zero(
    case: Case, tmp_path: Path
) -> None:
    exported = export_json(case.config, case.ledger, tmp_path, as_of=AS_OF)
    document = json.loads(exported.path.read_text(encoding="utf-8"))
    Draft202012Validator(schema()).validate(document)
    assert (document["as_of"], document["data_through"]) == ("2026-03-02T05:00:00Z", "2026-03-02T05:00:00Z")
    mentors = {m["email"]: m for m in document["mentors"]}
    assert (mentors[ANA]["minutes"], mentors[ANA]["hours"], mentors[ANA]["scheduled_minutes"]) == (
        210,
        3.5,
        120,
    )
    assert mentors[ANA]["coverage"]["extent"] == "full"
    assert [r["months"] for r in mentors[ANA]["relationships"]] == [18, 5]
    ben = mentors[BEN]
    assert (ben["minutes"], ben["calendar"]["status"], ben["calendar"]["failing_since"]) == (
        210,
        "failing",
        "2026-02-01T12:00:00Z",
    )
    assert (
        ben["coverage"]["extent"],
        ben["coverage"]["data_through"],
        ben["coverage"]["months_with_data"],
    ) == (
        "partial",
        "2026-01-15T12:00:00Z",
        7,
    )
    cara = mentors[CARA]
    assert (cara["minutes"], cara["by_category"], cara["calendar"]["status"]) == (None, None, "not connected")
    assert cara["relationships"][0]["one_on_one_minutes"] is None
    assert {m["month"]: m["minutes"] for m in mentors[ANA]["months"]}["2026-04"] is None
    assert not any(email.startswith("res") for email in mentors)
    assert len(mentors) == 4 + 2 + 40  # everyone with a calendar or a mentee; mentees only are not mentors


def test_a_document_off_the_schema_is_caught() -> None:
    from jsonschema import ValidationError

    from mentorledger.exports.summaries import check

    with pytest.raises(ValidationError):
        check({"format": "mentorledger/mentor-summaries", "version": 1, "mentors": [{"minutes": -1}]})


def test_export_commands_write_files_and_report_one_line(
    case: Case,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
) -> None:
    monkeypatch.setenv("MENTORLEDGER_DATABASE_URL", database_url)
    for kind, name in (
        ("json", "mentor-summaries-2025-07-01-2026-06-30.json"),
        ("far", "Faculty180_Mentoring_2026-03-01_01.csv"),
    ):
        result = run_cli(
            capsys,
            "export",
            kind,
            "--config",
            str(case.config_path),
            "--as-of",
            "2026-03-01",
            "--out",
            str(tmp_path / kind),
        )
        assert result.code == 0, result.stderr
        assert (tmp_path / kind / name).is_file()
        assert name in result.stdout
