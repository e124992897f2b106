"""--as-of: a date is the end of that local day; a time or an offset is exact; a mistake is one line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mentorledger.asof import resolve_as_of
from mentorledger.errors import UserError
from mentorledger.hours import compute_hours
from mentorledger.store.ledger import Ledger
from tests.unit.support import write_config

NY = ZoneInfo("America/New_York")


def test_a_date_means_the_end_of_that_local_day() -> None:
    assert resolve_as_of("2026-03-01", NY) == dt.datetime(2026, 3, 2, 5, tzinfo=dt.UTC)
    # across the spring DST change the day still ends at local midnight (EDT from March 8)
    assert resolve_as_of("2026-03-08", NY) == dt.datetime(2026, 3, 9, 4, tzinfo=dt.UTC)


def test_a_time_is_local_and_an_offset_is_honoured() -> None:
    assert resolve_as_of("2026-03-01T12:00", NY) == dt.datetime(2026, 3, 1, 17, tzinfo=dt.UTC)
    assert resolve_as_of("2026-03-01 12:00", NY) == dt.datetime(2026, 3, 1, 17, tzinfo=dt.UTC)
    assert resolve_as_of("2026-03-01T12:00+01:00", NY) == dt.datetime(2026, 3, 1, 11, tzinfo=dt.UTC)
    assert resolve_as_of("2026-03-01T12:00:00Z", NY) == dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)


def test_no_value_is_now() -> None:
    before = dt.datetime.now(dt.UTC)
    assert before <= resolve_as_of(None, NY) <= dt.datetime.now(dt.UTC)


def test_a_malformed_value_is_a_user_error_naming_the_forms() -> None:
    for text in ("2026-13-01", "March 1", "2026-03-01T25:00"):
        with pytest.raises(
            UserError,
            match=r"--as-of .* write YYYY-MM-DD or YYYY-MM-DDTHH:MM, e.g. 2026-03-01 or 2026-03-01T14:00",
        ):
            resolve_as_of(text, NY)


def test_without_a_configured_window_the_period_is_the_academic_year_of_the_as_of_date(
    tmp_path: Path, database_url: str
) -> None:
    config = write_config(tmp_path, [])
    unconfigured = config.model_copy(update={"window": None})
    ledger = Ledger.open(database_url)
    report = compute_hours(unconfigured, ledger, as_of=resolve_as_of("2025-12-01", NY))
    assert (report.window.start, report.window.end) == (dt.date(2025, 7, 1), dt.date(2026, 6, 30))
    report = compute_hours(unconfigured, ledger, as_of=resolve_as_of("2027-02-01", NY))
    assert (report.window.start, report.window.end) == (dt.date(2026, 7, 1), dt.date(2027, 6, 30))
