"""A mentor in a real browser (chromium, headless): signs in from the e-mailed link, excludes an entry,
adds one by hand, sees the command line agree, downloads the dossier. Every page is screenshotted
and checked with axe-core; forms work from the keyboard; a name carrying a script tag stays text."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from pypdf import PdfReader

from tests.clirunner import run_cli
from tests.smtpserver import Inbox
from tests.web.browser import looked_at, row_of
from tests.web.department import ANA, BEN, CHAIR, DEAN, SCRIPT_NAME, Site, mailed_link

pytestmark = pytest.mark.browser


def sign_in(page: Any, link: str) -> None:
    """Open a sign-in link, press its button, and wait until the signed-in page has loaded."""
    page.goto(link)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login/link" not in url)
    page.wait_for_load_state()


def tab_to(page: Any, element_id: str, most: int = 12) -> None:
    """Press Tab until the element with this id has the focus (a keyboard user's way there)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def _hours_row(
    site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    monkeypatch.setenv(
        "MENTORLEDGER_DATABASE_URL", str(site.ledger.engine.url.render_as_string(hide_password=False))
    )
    result = run_cli(
        capsys, "hours", "--config", str(site.config.source_path), "--format", "json", "--mentor", ANA
    )
    assert result.code == 0, result.stderr
    (row,) = json.loads(result.stdout)["mentors"]
    return dict(row)


def test_a_mentor_signs_in_excludes_adds_and_the_command_line_and_dossier_agree(
    site: Site,
    inbox: Inbox,
    page: Any,
    axe_source: str,
    screenshots: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = _hours_row(site, capsys, monkeypatch)
    assert (before["minutes"], before["by_category"]) == (240, {"group": 60, "mentee": 90, "tag": 90})

    page.goto(f"{site.url}/me")  # signed out: sent to sign in, and back afterwards
    looked_at(page, axe_source, screenshots, "01-sign-in")
    page.get_by_label("Your work e-mail address").fill(ANA)
    page.get_by_role("button", name="E-mail me a sign-in link").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    looked_at(page, axe_source, screenshots, "02-link-sent")

    page.goto(mailed_link(inbox, ANA))
    looked_at(page, axe_source, screenshots, "03-open-link")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name=re.compile("Your mentoring")).wait_for()
    assert page.url == f"{site.url}/me"
    assert page.locator(".card.total .v").inner_text() == "4.0 h"
    looked_at(page, axe_source, screenshots, "04-overview")

    page.get_by_role("link", name="Review entries").click()
    page.get_by_role("heading", name="Your entries, October 2025").wait_for()
    looked_at(page, axe_source, screenshots, "05-entries-month")
    huddle = row_of(page, "Tue 14 Oct")
    assert "#mentoring in the title" in huddle.inner_text()
    huddle.locator("summary", has_text="Exclude").click()
    huddle.get_by_label("Why does it not count?").fill("A clinic huddle, not mentoring")
    huddle.get_by_role("button", name=re.compile("^Exclude Tue 14 Oct")).click()
    page.get_by_role("status").filter(has_text="Excluded the entry of Tue 14 Oct, 08:00.").wait_for()
    assert "Excluded" in row_of(page, "Tue 14 Oct").locator(".badge").inner_text()
    assert "A clinic huddle, not mentoring" in row_of(page, "Tue 14 Oct").inner_text()
    looked_at(page, axe_source, screenshots, "06-after-exclude")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Add an entry").click()
    page.get_by_label("Minutes").fill("0")
    page.get_by_role("button", name="Add entry").click()
    page.get_by_role("alert").wait_for()
    looked_at(page, axe_source, screenshots, "07-add-entry-errors")
    page.get_by_label("Date").fill("2025-10-16")
    page.get_by_label("Start time").fill("12:00")
    page.get_by_label("Minutes").fill("40")
    page.get_by_label("Phone").check()
    page.get_by_label("With (optional)").select_option(label="Ben Cho")
    page.get_by_label("Private note (optional)").fill("Talked through his fellowship applications")
    page.get_by_role("button", name="Add entry").click()
    page.get_by_role("status").filter(has_text="Added 40 minutes on Thu 16 Oct, 12:00.").wait_for()
    added = row_of(page, "Thu 16 Oct")
    assert "Added by you (phone) with Ben Cho" in added.inner_text()
    assert "Talked through his fellowship applications" in added.inner_text()
    looked_at(page, axe_source, screenshots, "08-after-add")

    after = _hours_row(site, capsys, monkeypatch)
    assert after["minutes"] == 240 - 30 + 40
    assert after["by_category"] == {"group": 60, "mentee": 130, "tag": 60}
    assert (after["confirmed_minutes"], after["pending_minutes"], after["manual_minutes"]) == (0, 210, 40)
    assert after["entries"] == before["entries"]  # one entry out, one in

    page.get_by_role("link", name="Overview").click()
    assert page.locator(".card.total .v").inner_text() == "4.2 h"  # 250 minutes, as hours shows
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Word (.docx)").click()
    docx = Document(download.value.path())
    assert "logged 4.2 hours of mentoring" in "\n".join(p.text for p in docx.paragraphs)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    pdf = PdfReader(download.value.path())
    assert "4.2" in "".join(p.extract_text() for p in pdf.pages)
    assert download.value.suggested_filename.endswith(".pdf")

    page.goto(f"{site.url}/me/entries?month=2025-10")
    page.get_by_role("button", name=re.compile("^Confirm all 3 in October")).click()
    page.get_by_role("status").filter(has_text="Confirmed 3 entries from 1 Oct to 31 Oct.").wait_for()
    assert _hours_row(site, capsys, monkeypatch)["confirmed_minutes"] == 150
    page.get_by_role("status").get_by_role("button", name="Undo").click()
    page.get_by_role("status").filter(has_text="Undone.").wait_for()
    assert _hours_row(site, capsys, monkeypatch)["confirmed_minutes"] == 0

    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You are signed out.").wait_for()
    page.goto(f"{site.url}/me")
    assert page.url.startswith(f"{site.url}/login")


def test_every_other_page_is_accessible(site: Site, page: Any, axe_source: str, screenshots: Path) -> None:
    sign_in(page, site.link(ANA))
    page.goto(f"{site.url}/me/entries?month=2025-10")
    row_of(page, "Thu 9 Oct").get_by_role("link").click()
    page.get_by_role("heading", name=re.compile("Calendar entry")).wait_for()
    looked_at(page, axe_source, screenshots, "10-entry-detail")
    page.get_by_role("button", name=re.compile("^Confirm")).click()
    page.get_by_role("heading", name="History").wait_for()
    looked_at(page, axe_source, screenshots, "11-entry-confirmed-history")
    for path, name in (
        ("/me/manual/new", "12-add-entry"),
        ("/rules", "13-rules"),
        ("/me/entries/999999", "14-not-found"),
    ):
        page.goto(f"{site.url}{path}")
        looked_at(page, axe_source, screenshots, name)
    page.goto(f"{site.url}/login/link?token=used-or-made-up")
    looked_at(page, axe_source, screenshots, "15-link-no-longer-works")
    for email, path, name in (
        (CHAIR, "/chair/pediatrics", "16-chair-dashboard"),
        (DEAN, "/admin", "17-admin-school"),
    ):
        page.context.clear_cookies()
        sign_in(page, site.link(email))
        page.wait_for_url(f"{site.url}{path}")
        looked_at(page, axe_source, screenshots, name)


def test_a_name_with_a_script_tag_is_shown_as_text(site: Site, page: Any, screenshots: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, site.link(ANA, "/me/entries?month=2025-10"))
    circle = row_of(page, "Thu 9 Oct")
    assert SCRIPT_NAME in circle.inner_text()
    assert page.locator("table.entries script").count() == 0
    page.goto(f"{site.url}/me/manual/new")
    page.wait_for_timeout(100)
    assert dialogs == []


def test_mentor_b_following_links_to_mentor_as_entries_sees_not_found(
    site: Site, page: Any, screenshots: Path
) -> None:
    sign_in(page, site.link(ANA, "/me/entries?month=2025-10"))
    page.get_by_role("heading", name="Your entries, October 2025").wait_for()
    hrefs = page.locator("table.entries a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs
    page.context.clear_cookies()
    sign_in(page, site.link(BEN))
    page.get_by_role("heading", name=re.compile("Your mentoring")).wait_for()
    for href in hrefs:
        page.goto(f"{site.url}{href}")
        assert page.get_by_role("heading", name="Page not found").is_visible(), href
    page.screenshot(path=str(screenshots / "18-other-mentors-entry.png"), full_page=True)


def test_review_and_add_work_from_the_keyboard_alone(
    site: Site, page: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    page.goto(site.link(ANA, "/me/entries?month=2025-10"))
    page.get_by_role("button", name="Sign in").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your entries, October 2025").wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to main content"

    summary = row_of(page, "Tue 21 Oct").locator("summary")
    summary.focus()
    page.keyboard.press("Enter")  # opens the exclude form
    page.keyboard.press("Tab")
    page.keyboard.type("Rescheduled, did not happen")
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Excluded the entry of Tue 21 Oct, 16:00.").wait_for()

    page.goto(f"{site.url}/me/manual/new")
    page.get_by_role("link", name="Skip to main content").focus()
    tab_to(page, "day")
    page.keyboard.type("10172025")  # chromium's date field: month, day, year
    tab_to(page, "start")
    page.keyboard.type("0930AM")
    tab_to(page, "minutes")
    page.keyboard.press("Control+A")
    page.keyboard.type("20")
    tab_to(page, "how-phone")  # the radio group: Phone is chosen; an arrow key moves the choice
    page.keyboard.press("ArrowRight")
    tab_to(page, "add-entry")
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Added 20 minutes on Fri 17 Oct, 09:30.").wait_for()
    row = _hours_row(site, capsys, monkeypatch)
    assert (row["minutes"], row["manual_minutes"]) == (240 - 45 + 20, 20)
    assert "Added by you (video call)" in row_of(page, "Fri 17 Oct").inner_text()
