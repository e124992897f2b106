"""How every number and label looks, in every renderer (HTML, PDF, DOCX, Markdown, XLSX, CSV, e-mail
and run artifacts), so that all of them agree to the last digit.

- Hours have one decimal, rounded half up from exact minutes (351 minutes are 5.9 h); FTE three;
  shares one decimal of a percent. Spreadsheet cells hold the same rounded numbers with a matching
  number format, and the CSV writes exactly those numbers.
- "no data" is never written as 0; a change against a period without data is blank.
- Codes become words: ``assistant_professor`` -> "Assistant professor", ``near_peer`` -> "Near-peer".
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from mentorledger.coverage import Extent, PeriodCoverage, PersonSync, SyncStatus, last_instant_date

NO_DATA = "no data"
DASH = "—"

_WORDS = {"near_peer": "near-peer"}


def _rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def hours_value(minutes: int | None) -> float | None:
    """Minutes as hours rounded half up to 0.1: the number every format shows."""
    return None if minutes is None else float(_rounded(Decimal(minutes) / 60, 1))


def hours(minutes: int | None) -> str:
    """ "12.5"; "no data" when there is none."""
    return NO_DATA if minutes is None else f"{hours_value(minutes):.1f}"


def hours_or_blank(minutes: int | None) -> str:
    """A secondary figure (a category, credited hours): blank when there is no data (the row's hours
    already say "no data")."""
    return "" if minutes is None else hours(minutes)


NOT_YET = "not yet"


def month_hours(minutes: int | None, begun: bool) -> str:
    """A month's hours: "not yet" for a month after the as-of instant, "no data" for one not covered."""
    return NOT_YET if not begun else hours(minutes)


def signed_hours(minutes: int | None) -> str:
    """A change: "+1.5", "-2.0", "0.0"; blank when either period had no data."""
    if minutes is None:
        return ""
    value = hours_value(minutes) or 0.0
    return f"{value:+.1f}" if value else "0.0"


def fte_value(value: float | None) -> float | None:
    return None if value is None else float(_rounded(Decimal(repr(value)), 3))


def fte(value: float | None) -> str:
    return NO_DATA if value is None else f"{fte_value(value):.3f}"


def share_value(value: float) -> float:
    """A share (0-1) rounded to 0.1 percentage point."""
    return float(_rounded(Decimal(repr(value)), 3))


def percent(share: float) -> str:
    return f"{share_value(share) * 100:.1f}%"


def share(value: float | None) -> str:
    """A share of the hours (confirmed, attested, added by hand): "42.5%"; blank without hours."""
    return "" if value is None else percent(value)


def decimal(value: float, places: int = 2) -> str:
    return f"{_rounded(Decimal(repr(value)), places):.{places}f}"


def money(value: float) -> str:
    return f"{value:,.2f}" if value else DASH


def label(value: str) -> str:
    """A code as words with a capital: assistant_professor -> Assistant professor."""
    words = _WORDS.get(value, value.replace("_", " "))
    return words[:1].upper() + words[1:]


def day(value: dt.date) -> str:
    return value.isoformat()


def data_through_line(data_through: dt.datetime, as_of: dt.datetime, tz: ZoneInfo) -> str:
    """ "2026-03-01 (America/New_York)", or with the as-of instant when the period ended before it."""
    shown = f"{through(data_through, tz)} ({tz.key})"
    if as_of > data_through:
        shown += f", the end of the period; as of {through(as_of, tz)}"
    return shown


def through(moment: dt.datetime, tz: ZoneInfo) -> str:
    """An instant data runs through, in local time: a local midnight closes the day before
    ("2026-03-01" for the end of March 1), any other instant shows its time."""
    local = moment.astimezone(tz)
    if local.time() == dt.time():
        return last_instant_date(moment, tz).isoformat()
    return f"{local:%Y-%m-%d %H:%M}"


def coverage_note(coverage: PeriodCoverage, tz: ZoneInfo) -> str:
    """ "" when the period is fully covered; "no data"; or "data for 7 of 12 months, through …"."""
    if coverage.extent is Extent.FULL:
        return ""
    if coverage.extent is Extent.NONE or coverage.data_through is None:
        return NO_DATA
    months = f"data for {coverage.months_with_data} of {coverage.months} months"
    until = coverage.until
    if until is not None and last_instant_date(coverage.data_through, tz) >= last_instant_date(until, tz):
        return months  # a gap earlier in the period; the data runs to the end
    return f"{months}, through {through(coverage.data_through, tz)}"


def sync_text(sync: PersonSync, tz: ZoneInfo) -> str:
    """ "connected", "failing since 2026-02-01", "never synced" or "not connected"."""
    if sync.status is SyncStatus.FAILING and sync.failing_since is not None:
        return f"failing since {sync.failing_since.astimezone(tz):%Y-%m-%d}"
    return str(sync.status)


# -- spreadsheet and CSV cells ---------------------------------------------------------------------------


class Kind(StrEnum):
    """What a column holds: decides the cell's value, its number format and its CSV text."""

    TEXT = "text"
    HOURS = "hours"  # the value is minutes; shown as hours
    HOURS_VALUE = "hours-value"  # the value is already hours (a median, a percentile)
    CHANGE = "change"  # minutes of a change: blank, not "no data", when either period had none
    MINUTES = "minutes"
    FTE = "fte"
    SHARE = "share"
    RATIO = "ratio"  # e.g. a Gini coefficient
    MONEY = "money"
    COUNT = "count"
    DATE = "date"
    LABEL = "label"  # a code shown as words


NUMBER_FORMATS = {
    Kind.HOURS: "0.0",
    Kind.CHANGE: "+0.0;-0.0;0.0",
    Kind.HOURS_VALUE: "0.0",
    Kind.MINUTES: "0",
    Kind.FTE: "0.000",
    Kind.SHARE: "0.0%",
    Kind.RATIO: "0.000",
    Kind.MONEY: "#,##0.00",
    Kind.COUNT: "0",
    Kind.DATE: "yyyy-mm-dd",
}
_MISSING = {Kind.HOURS: NO_DATA, Kind.MINUTES: NO_DATA, Kind.FTE: NO_DATA}


def cell(kind: Kind, value: object) -> object:
    """The value a spreadsheet cell holds: numbers rounded as displayed, words for codes, "no data"
    for hours without data (text, so a SUM never reads it as 0), "" for any other blank."""
    if value is None:
        return _MISSING.get(kind, "")
    if kind in (Kind.HOURS, Kind.CHANGE) and isinstance(value, int):
        return hours_value(value)
    if kind is Kind.HOURS_VALUE and isinstance(value, float | int):
        return float(_rounded(Decimal(repr(float(value))), 1))
    if kind is Kind.FTE and isinstance(value, float):
        return fte_value(value)
    if kind in (Kind.SHARE, Kind.RATIO) and isinstance(value, float):
        return share_value(value)
    if kind is Kind.MONEY and isinstance(value, float | int):
        return round(float(value), 2)
    if kind is Kind.COUNT and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind is Kind.LABEL and isinstance(value, str):
        return label(value)
    return value


def csv_text(kind: Kind, value: object) -> str:
    """The CSV text of a cell: the same rounded value the spreadsheet holds, at its precision."""
    shown = cell(kind, value)
    if isinstance(shown, float):
        if kind is Kind.SHARE:
            return f"{shown * 100:.1f}%"
        if kind is Kind.CHANGE:
            return f"{shown:+.1f}" if shown else "0.0"
        places = {Kind.HOURS: 1, Kind.HOURS_VALUE: 1, Kind.FTE: 3, Kind.RATIO: 3, Kind.MONEY: 2}.get(kind, 2)
        return f"{shown:.{places}f}"
    if isinstance(shown, dt.date):
        return shown.isoformat()
    return str(shown)
