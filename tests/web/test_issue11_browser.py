"""Mentees, chairs and faculty affairs in a real browser (issue 11): a mentee confirms a session from
the e-mailed link and denies one on their page; the denial reaches the mentor, who keeps counting it;
a chair reads their dashboard, a person's months and downloads the report, and never reaches another
department; an administrator syncs a calendar now and watches it complete. Every page is
screenshotted and checked with axe-core."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.smtpserver import Inbox
from tests.web.attest import attest_links, mail_text, send_month
from tests.web.browser import looked_at, row_of
from tests.web.department import ANA, BEN, CHAIR, DEAN, Site
from tests.web.test_browser import sign_in

pytestmark = pytest.mark.browser


def test_a_mentee_confirms_from_the_mail_and_denies_on_the_page_and_the_mentor_decides(
    school: Site, inbox: Inbox, page: Any, axe_source: str, screenshots: Path
) -> None:
    assert send_month(school, inbox).sent == [BEN]
    text = mail_text(inbox, BEN)
    (screenshots / "mail-attestation-request.txt").write_text(text, encoding="utf-8")
    yes_7 = attest_links(text)[0]
    page.goto(yes_7)
    page.get_by_role("heading", name="Confirm this session").wait_for()
    looked_at(page, axe_source, screenshots, "30-attest-link")
    page.get_by_role("button", name="Yes, we met").click()
    page.get_by_text("1 session confirmed.").wait_for()
    looked_at(page, axe_source, screenshots, "31-attest-thanks")
    page.goto(re.search(r"(http://\S+/mail/off\?token=\S+)", text).group(1))  # type: ignore[union-attr]
    looked_at(page, axe_source, screenshots, "32-mail-off")

    sign_in(page, school.link(BEN, "/mentee"))
    page.get_by_role("heading", name="Your mentoring sessions").wait_for()
    looked_at(page, axe_source, screenshots, "33-mentee-sessions")
    assert page.locator("tr.confirmed").count() == 1  # the one confirmed from the mail
    page.get_by_role("button", name=re.compile("^No, we did not for Tue 21 Oct, 16:00 with Ana Ruiz")).click()
    page.get_by_role("status").filter(has_text="1 session marked as not having taken place").wait_for()
    looked_at(page, axe_source, screenshots, "34-mentee-answered")
    page.get_by_role("link", name="E-mails", exact=True).click()
    looked_at(page, axe_source, screenshots, "35-mail-settings")

    assert ANA in send_month(school, inbox, "digest").sent  # the digest tells Ana, too
    digest = mail_text(inbox, ANA)
    (screenshots / "mail-mentor-digest.txt").write_text(digest, encoding="utf-8")
    assert "Tue 21 Oct 2025, 16:00: Ben Cho said it did not take place" in digest

    page.context.clear_cookies()
    sign_in(page, school.link(ANA, "/me"))
    flag = page.locator(".callout.warn")
    assert "your mentee said it did not take place" in flag.inner_text()
    looked_at(page, axe_source, screenshots, "36-mentor-flagged")
    flag.get_by_role("link", name="Decide").click()
    page.get_by_role("heading", name="Ben Cho said this session did not take place").wait_for()
    looked_at(page, axe_source, screenshots, "37-mentor-decides")
    page.get_by_role("button", name="Keep counting it").click()
    page.get_by_role("status").filter(has_text="Kept the entry of Tue 21 Oct, 16:00.").wait_for()
    history = page.locator("table.history").inner_text()
    assert "Ben Cho\tThe mentee said the session did not take place" in history
    assert "you\tKept counting after the mentee's answer" in history
    looked_at(page, axe_source, screenshots, "38-mentor-kept")
    page.goto(f"{school.url}/me/entries?month=2025-10")
    assert "Mentee: took place" in row_of(page, "Tue 7 Oct").inner_text()
    assert "Mentee: did not happen" in row_of(page, "Tue 21 Oct").inner_text()
    looked_at(page, axe_source, screenshots, "39-entries-with-answers")


def test_a_chair_reads_the_dashboard_drills_down_and_downloads_but_never_reaches_another_department(
    school: Site, page: Any, axe_source: str, screenshots: Path
) -> None:
    sign_in(page, school.link(CHAIR))
    page.wait_for_url(f"{school.url}/chair/pediatrics")
    assert page.locator('[data-key="total_hours"]').inner_text() == "5.5 h"
    looked_at(page, axe_source, screenshots, "40-chair-dashboard")
    page.locator("#faculty").get_by_role("link", name="Ana Ruiz").click()
    page.get_by_role("heading", name="Ana Ruiz").wait_for()
    looked_at(page, axe_source, screenshots, "41-chair-person")
    page.get_by_role("link", name="‹ Pediatrics").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename.startswith("effort-pediatrics-")
    for path in ("/chair/surgery", "/me/entries/1", "/admin/sync"):
        page.goto(f"{school.url}{path}")
        assert page.get_by_role("heading", name="Page not found").is_visible(), path
    looked_at(page, axe_source, screenshots, "42-chair-other-department")


def test_faculty_affairs_syncs_a_calendar_now_and_sees_it_complete(
    school: Site, page: Any, axe_source: str, screenshots: Path
) -> None:
    sign_in(page, school.link(DEAN))
    page.wait_for_url(f"{school.url}/admin")
    looked_at(page, axe_source, screenshots, "43-admin-school")
    page.get_by_role("link", name="Surgery").click()
    page.get_by_role("heading", name="Surgery: mentoring effort").wait_for()
    looked_at(page, axe_source, screenshots, "44-admin-department")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sync health").click()
    page.get_by_role("heading", name="Calendar sync health").wait_for()
    assert page.locator("#health tbody tr").first.locator("th").inner_text().startswith("Sam Ortiz")
    looked_at(page, axe_source, screenshots, "45-sync-health")
    page.get_by_role("button", name="Sync now ana.ics of Ana Ruiz").click()
    page.wait_for_url(re.compile(r"/admin/sync/jobs/\d+$"))
    page.screenshot(path=str(screenshots / "46-sync-progress.png"), full_page=True)
    page.get_by_role("heading", name="Sync finished").wait_for()  # the page reloads itself until then
    assert page.get_by_role("status").inner_text() == "1 of 1 calendar synced. Done."
    looked_at(page, axe_source, screenshots, "47-sync-finished")
