"""``mentorledger web``: check the settings, open the ledger, and serve the app with uvicorn.

Behind a reverse proxy, uvicorn trusts X-Forwarded-For / X-Forwarded-Proto only from
``web.trusted_proxies`` (so the client address used by the rate limits, and https for Secure cookies,
are the real ones). The access log never shows a sign-in token.
"""

from __future__ import annotations

import logging
import re
import sys
from urllib.parse import urlencode

import uvicorn

from mentorledger.config import Config
from mentorledger.hours import compute_hours
from mentorledger.store.ledger import Ledger
from mentorledger.store.web_auth import issue_link
from mentorledger.sync import SyncContext, sync_batch
from mentorledger.web.app import create_app
from mentorledger.web.settings import web_settings

_TOKEN = re.compile(r"(token=)[^&\s\"]+")


class RedactTokens(logging.Filter):
    """Sign-in tokens are credentials: never in a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(_TOKEN.sub(r"\1…", a) if isinstance(a, str) else a for a in record.args)
        record.msg = _TOKEN.sub(r"\1…", str(record.msg))
        return True


def demo_mentor(config: Config, ledger: Ledger) -> str:
    """The demo signs in as the mentor with the most counted mentoring (synced first if need be)."""
    report = compute_hours(config, ledger)
    if not report.mentors:
        sys.stdout.write(
            "The ledger has no entries for this configuration yet: syncing its calendars (demo only)\n"
        )
        sync_batch(SyncContext(config=config, ledger=ledger, run_id="web-demo"), config.calendars)
        report = compute_hours(config, ledger)
    if report.mentors:
        return report.mentors[0].email
    return config.people[0].email


def serve(config: Config, *, host: str, port: int, demo: bool) -> None:
    settings = web_settings(config, host=host, port=port, demo=demo)
    ledger = Ledger.open(config_path=config.source_path)
    app = create_app(config, settings=settings, ledger=ledger)
    if demo and config.people:
        email = demo_mentor(config, ledger)
        name = next(p.name for p in config.people if p.email == email)
        token = issue_link(ledger, email, "/me")
        sys.stdout.write(
            f"Demo: open {settings.public_url}/login/link?{urlencode({'token': token})}\n"
            f"      to sign in as {name} <{email}> (a one-time link, valid 15 minutes; "
            "links for anyone else in the roster are printed here when asked for on the sign-in page)\n"
        )
        sys.stdout.flush()
    logging.getLogger("uvicorn.access").addFilter(RedactTokens())
    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=True,
        forwarded_allow_ips=",".join(config.web.trusted_proxies),
        log_level="info",
    )
