"""The chair's and faculty affairs' pages over HTTP (issue 11): the same numbers as the chair report,
only one's own departments, every report format, sync health failing first, and "sync now" in the
web process with a progress page that works without JavaScript."""

from __future__ import annotations

import re
import time

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorledger.asof import resolve_as_of
from mentorledger.reports.chair_data import build_chair_report
from mentorledger.reports.drilldown import person_key
from mentorledger.reports.formatting import hours
from mentorledger.reports.outputs import write_chair
from mentorledger.store.schema import EntryRow, ManualEntryRow
from tests.web.department import ANA, BEN, CHAIR, DEAN, SAM, SURGERY_CHAIR, Site, csrf_of

AS_OF = "2026-03-01"


def _hours_by_email(page: str) -> dict[str, str]:
    rows = re.findall(r'<tr data-email="([^"]+)".*?data-key="hours">([^<]+)<', page, flags=re.S)
    return dict(rows)


def test_the_dashboard_shows_the_chair_reports_numbers_and_files(school: Site, tmp_path: object) -> None:
    chair = school.signed_in(CHAIR)
    assert chair.get("/chair").headers["location"] == "/chair/pediatrics"
    page = chair.get("/chair/pediatrics", params={"as_of": AS_OF})
    assert page.status_code == 200
    report = build_chair_report(
        school.config, school.ledger, "Pediatrics", as_of=resolve_as_of(AS_OF, school.config.tz)
    )
    assert _hours_by_email(page.text) == {r.email: hours(r.minutes) for r in report.rows}
    assert f'data-key="total_hours">{hours(report.totals.minutes)} h<' in page.text
    assert "never see" in page.text
    assert "Check-in" not in page.text
    assert "#mentoring" not in page.text
    for fmt, magic in (("html", b"<!DOCTYPE html>"), ("pdf", b"%PDF"), ("xlsx", b"PK"), ("csv", b"Name,")):
        answer = chair.get(f"/chair/pediatrics/report.{fmt}", params={"as_of": AS_OF})
        assert answer.status_code == 200, fmt
        assert answer.content.startswith(magic), fmt
        assert "attachment" in answer.headers["content-disposition"]
    written = write_chair(report, ["csv"], tmp_path)["csv"].read_bytes()  # type: ignore[arg-type]
    assert chair.get("/chair/pediatrics/report.csv", params={"as_of": AS_OF}).content == written


def test_a_persons_page_has_their_months_by_category_and_nothing_of_their_entries(school: Site) -> None:
    chair = school.signed_in(CHAIR)
    page = chair.get(f"/chair/pediatrics/people/{person_key(ANA)}", params={"as_of": AS_OF})
    assert page.status_code == 200
    assert "Ana Ruiz" in page.text
    months = re.search(r'<table class="months" id="person-months">(.*?)</table>', page.text, flags=re.S)
    assert months is not None
    total = re.search(r'<tr class="total"><th scope="row">All</th>(.*?)</tr>', months.group(1), flags=re.S)
    assert total is not None
    cells = re.findall(r"<td>([^<]*)</td>", total.group(1))
    assert cells[3:5] == ["3.0", "1.0"]  # October and November
    assert cells[-1] == "4.0"
    for hidden in ("Ben Cho", "URiM Peer Circle", "Check-in", "/me/entries"):  # mentee, group, title, entries
        assert hidden not in page.text, hidden


def test_a_chair_sees_only_their_own_department_and_no_entry(school: Site) -> None:
    chair = school.signed_in(CHAIR)
    with Session(school.ledger.engine) as session:
        entry = session.scalar(select(EntryRow.id).where(EntryRow.owner == ANA))
    for path in (
        "/chair/surgery",
        "/chair/surgery/report.pdf",
        f"/chair/surgery/people/{person_key(SAM)}",
        f"/chair/pediatrics/people/{person_key(SAM)}",  # not in Pediatrics
        "/chair/pediatrics/report.docx",
        "/chair/nowhere",
        f"/me/entries/{entry}",
        "/me/entries",
        "/me/manual/1",
        "/mentee",
        "/admin",
        "/admin/departments/pediatrics",
        "/admin/sync",
    ):
        assert chair.get(path).status_code == 404, path
    token = csrf_of(chair.get("/chair/pediatrics").text)
    for path in (
        f"/me/entries/{entry}/exclude",
        f"/me/entries/{entry}/keep",
        "/admin/sync",
        "/mentee/confirm-all",
    ):
        assert chair.post(path, data={"csrf_token": token, "reason": "x"}).status_code == 404, path
    surgery = school.signed_in(SURGERY_CHAIR)
    assert surgery.get("/chair").headers["location"] == "/chair/surgery"
    assert surgery.get("/chair/pediatrics").status_code == 404
    with Session(school.ledger.engine) as session:
        assert session.scalar(select(EntryRow.review).where(EntryRow.id == entry)) == "pending"
        assert session.scalar(select(ManualEntryRow.id)) is None


def test_faculty_affairs_sees_every_department_and_failing_calendars_first(school: Site) -> None:
    dean = school.signed_in(DEAN)
    page = dean.get("/admin").text
    assert re.findall(r'<tr data-department="([^"]+)"', page) == ["Pediatrics", "Surgery"]
    assert dean.get("/admin/departments/surgery").status_code == 200
    assert dean.get("/admin/school.xlsx").content.startswith(b"PK")
    health = dean.get("/admin/sync").text
    owners = re.findall(r'<th scope="row">([^<]+)<span class="note">', health)
    assert owners == ["Sam Ortiz", "Ana Ruiz", "Ben Cho"]  # the failing calendar first
    assert re.search(r'<code>sam\.ics</code><span class="reason" data-key="error">[^<]+</span>', health)


def _wait_for(client: httpx.Client, path: str, text: str, seconds: float = 20) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = client.get(path).text
        if text in page:
            return page
        time.sleep(0.1)
    raise AssertionError(f"{path} never said {text!r}")


def test_sync_now_runs_in_the_background_and_reports_each_calendar(school: Site) -> None:
    dean = school.signed_in(DEAN)
    health = dean.get("/admin/sync").text
    keys = re.findall(r'name="calendar" value="([0-9a-f]+)"', health)
    token = csrf_of(health)
    started = dean.post("/admin/sync", data={"csrf_token": token})  # every calendar
    job_page = started.headers["location"]
    assert re.fullmatch(r"/admin/sync/jobs/\d+", job_page)
    done = _wait_for(dean, job_page, "Sync finished")
    assert '<meta http-equiv="refresh"' not in done
    assert "3 of 3</strong> calendars synced, 1 failed" in done  # the surgeon's cannot be read
    assert re.search(
        r"Sam Ortiz</th><td><code>sam\.ics</code></td><td><span class=\"sync failing\">failed", done
    )
    one = dean.post("/admin/sync", data={"csrf_token": token, "calendar": keys[1]})
    finished = _wait_for(dean, one.headers["location"], "Sync finished")
    assert "1 of 1</strong> calendar synced" in finished
    assert dean.post("/admin/sync", data={"csrf_token": token, "calendar": "0" * 32}).status_code == 404
    assert school.signed_in(ANA).get(job_page).status_code == 404
    assert school.signed_in(BEN).post("/admin/sync", data={"csrf_token": token}).status_code in (403, 404)
