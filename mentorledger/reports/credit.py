"""Credited mentoring effort inside a report period, from a person's credit periods.

Credit is configured per period (protected hours for the period, or a fraction of an FTE, and/or a
stipend). A report period rarely lines up with a credit period, so both are prorated by the days the
two share: protected hours and stipends by the share of the credit period's days, FTE by days / 365 of
``fte_basis_hours`` per year.
"""

from __future__ import annotations

import datetime as dt

from mentorledger.config import CreditPeriod, Person, Window

DAYS_PER_YEAR = 365
CREDIT_METHOD = (
    "credit periods are prorated by the days they share with the report period: protected hours and "
    f"stipends by the share of the credit period's days, FTE as fte x basis hours x days / {DAYS_PER_YEAR}; "
    "credited hours are logged hours up to that allotment, the rest are uncredited"
)


def window_days(window: Window) -> int:
    return (window.end - window.start).days + 1


def overlap_days(period: CreditPeriod, window: Window) -> int:
    first, last = max(period.start, window.start), min(period.end, window.end)
    return max(0, (last - first).days + 1)


def allotted_minutes(person: Person, window: Window, fte_basis_hours: float) -> int:
    """Minutes of mentoring the institution credits this person inside ``window`` (rounded)."""
    hours = 0.0
    for period in person.credit:
        days = overlap_days(period, window)
        if not days:
            continue
        if period.protected_hours is not None:
            hours += period.protected_hours * days / period.days
        if period.fte is not None:
            hours += period.fte * fte_basis_hours * days / DAYS_PER_YEAR
    return round(hours * 60)


def credit_split(minutes: int | None, allotted: int) -> tuple[int | None, int | None]:
    """(credited, uncredited) minutes: logged minutes up to the allotment are credited; neither is
    known when the minutes are not (no data)."""
    if minutes is None:
        return None, None
    credited = min(minutes, allotted)
    return credited, minutes - credited


def stipend_in(person: Person, window: Window) -> float:
    """Stipend amounts prorated to ``window`` (currency as configured)."""
    total = 0.0
    for period in person.credit:
        if period.stipend is not None:
            total += period.stipend * overlap_days(period, window) / period.days
    return round(total, 2)


def fte_equivalent(minutes: int, window: Window, fte_basis_hours: float) -> float:
    """``minutes`` as a fraction of one full-time person over ``window``."""
    return (minutes / 60) / (fte_basis_hours * window_days(window) / DAYS_PER_YEAR)


def previous_window(window: Window) -> Window:
    """The period of the same length that ends the day before ``window`` starts."""
    length = dt.timedelta(days=window_days(window))
    return Window(start=window.start - length, end=window.start - dt.timedelta(days=1))
