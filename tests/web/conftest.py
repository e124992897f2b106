"""Fixtures for the web tests: the department served on loopback, a real SMTP server for the sign-in
mails, and one real browser (Debian's chromium driven by Playwright) for the whole session."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.smtpserver import Inbox, smtp_server
from tests.web.department import Site, running_site, synced_ledger, two_departments, write_department

CHROMIUM = Path("/usr/bin/chromium")
# The browser flags ENVIRONMENT.md asks for. Playwright gives every launch a fresh temporary profile
# (its own --user-data-dir, which it does not let callers pass to launch()); nothing is shared.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_VERSION = "4.14.1"  # axe-core from the npm registry, pinned; installed once into a cache folder
SCREENSHOTS = ROOT / "var" / "screenshots"


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def site(tmp_path: Path, database_url: str, inbox: Inbox) -> Iterator[Site]:
    config = write_department(tmp_path, inbox.port)
    with running_site(config, synced_ledger(config, database_url)) as running:
        yield running


@pytest.fixture
def school(tmp_path: Path, database_url: str, inbox: Inbox) -> Iterator[Site]:
    """The department with attestation on, and a second department (Surgery) with a failing calendar."""
    config = write_department(tmp_path, inbox.port, **two_departments(inbox.port))
    with running_site(config, synced_ledger(config, database_url)) as running:
        yield running


def _missing(what: str) -> None:
    message = f"{what}; .ci/run installs it (apt-get install chromium / npm)"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(f"SKIPPING BROWSER TESTS: {message}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (its own cookies) and page, downloads allowed."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's browser build, from an npm install cached per version (never committed)."""
    cache = Path(
        os.environ.get(
            "MENTORLEDGER_AXE_CACHE", Path.home() / ".cache" / "mentorledger" / f"axe-core-{AXE_VERSION}"
        )
    )
    script = cache / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        if npm is None:
            _missing("npm is not installed (needed to fetch axe-core)")
        assert npm is not None
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(cache),
                f"axe-core@{AXE_VERSION}",
                "--no-audit",
                "--no-fund",
                "--silent",
            ],
            check=True,
            timeout=300,
        )
    return script.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def screenshots(pytestconfig: pytest.Config) -> Path:
    folder = SCREENSHOTS / str(pytestconfig.getoption("--backend"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SCREENSHOTS.exists() and any(SCREENSHOTS.rglob("*.png")):
        terminalreporter.write_line(f"web page screenshots: {SCREENSHOTS}/<backend>/")
