"""The mentor's own pages: the year at a glance, entries month by month, one entry, and the review
actions (confirm, exclude with a reason, count again, confirm a period, undo an action).

Every lookup goes through the store *with the viewer's address*, so another person's entry, or an
action of theirs, is NotFoundError, answered with 404 like an id that does not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from mentorledger.attestation.store import keep_denied
from mentorledger.config import Window
from mentorledger.counting import window_bounds
from mentorledger.hours import reviewed_occurrences
from mentorledger.reviews import Review
from mentorledger.store.review_audit import AuditEvent, NotFoundError
from mentorledger.store.reviews import (
    confirm_period,
    entry_history,
    exclusion_reasons,
    owned_entry,
    set_review,
    undo,
)
from mentorledger.web.access import Access, area, signed_in
from mentorledger.web.chart import month_chart
from mentorledger.web.context import web_context
from mentorledger.web.render import notify, page
from mentorledger.web.roles import Viewer
from mentorledger.web.routes.auth import safe_next, see_other
from mentorledger.web.views import (
    CATEGORIES,
    CATEGORY_LABELS,
    calendar_view,
    mentor_attestation,
    month_view,
    months_of,
    overview,
)

router = area(Access.MENTOR)
Mentor = Annotated[Viewer, Depends(signed_in)]

CATEGORY_TEXT = {
    "group": "peer-group sessions",
    "mentee": "meetings with your mentees",
    "tag": "other meetings marked as mentoring",
}
ACTIONS = {
    "confirm": "confirmed",
    "exclude": "excluded",
    "reset": "set back to awaiting review",
    "moved": "moved on the calendar, so set back to awaiting review",
    "undo": "undone",
    "add": "added",
    "remove": "removed",
    "restore": "restored",
    "attest": "confirmed by the mentee: the session took place",
    "deny": "the mentee said the session did not take place",
    "keep": "kept counting after the mentee's answer",
}


def describe(event: AuditEvent) -> str:
    return ACTIONS.get(event.action, event.action).capitalize()


def year_label(window: Window) -> str:
    if window.start.year == window.end.year:
        return str(window.start.year)
    return f"{window.start.year}–{window.end.year % 100:02d}"


@router.get("/me", response_class=HTMLResponse)
def my_overview(request: Request, viewer: Mentor) -> Response:
    context = web_context(request)
    data = overview(context, viewer.email)
    categories = [(c, CATEGORY_LABELS[c], CATEGORY_TEXT[str(c)]) for c in CATEGORIES]
    return page(
        request,
        "mentor/overview.html",
        title="Your mentoring",
        data=data,
        chart=month_chart(data.months),
        categories=categories,
        year_label=year_label(data.window),
    )


def _month(value: str | None, window: Window, today: dt.date) -> dt.date | None:
    months = months_of(window)
    if value is None:
        current = today.replace(day=1)
        return current if current in months else months[-1 if today > window.end else 0]
    try:
        first = dt.date.fromisoformat(f"{value}-01")
    except ValueError:
        return None
    return first if first in months else None


@router.get("/me/entries", response_class=HTMLResponse)
def my_entries(request: Request, viewer: Mentor, month: str | None = None) -> Response:
    context = web_context(request)
    window = context.config.effective_window()
    first = _month(month, window, dt.datetime.now(context.config.tz).date())
    if first is None:
        raise HTTPException(404)
    view = month_view(context, viewer.email, first)
    return page(request, "mentor/month.html", title=f"Entries, {first:%B %Y}", month=view)


def _entry_or_404(request: Request, viewer: Viewer, entry_id: int) -> tuple[str, dt.datetime]:
    context = web_context(request)
    try:
        return owned_entry(context.ledger, viewer.email, entry_id, context.calendar_keys)
    except NotFoundError:
        raise HTTPException(404) from None


@router.get("/me/entries/{entry_id}", response_class=HTMLResponse)
def my_entry(request: Request, viewer: Mentor, entry_id: int) -> Response:
    context = web_context(request)
    event_key, start = _entry_or_404(request, viewer, entry_id)
    copies = context.ledger.entries(
        context.calendar_keys,
        start,
        start + dt.timedelta(days=2),
        owner=viewer.email,
        include_excluded=True,
        event_key=event_key,
    )
    (entry,) = reviewed_occurrences(copies)
    reasons = exclusion_reasons(context.ledger, viewer.email, [event_key])
    excluded = entry.review == Review.EXCLUDED
    attestation = mentor_attestation(context, viewer.email, [] if excluded else [entry])
    view = calendar_view(context, entry, reasons.get(event_key) if excluded else None, attestation)
    return page(
        request,
        "mentor/entry.html",
        title=f"Entry, {view.start:%-d %b %Y}",
        heading="Calendar entry",
        e=view,
        history=entry_history(context.ledger, viewer.email, event_key),
        describe=describe,
        back_to="entry",
    )


def _back_to(request: Request, start: dt.datetime, entry_id: int, back: str) -> Response:
    if back == "entry":
        return see_other(f"/me/entries/{entry_id}")
    local = start.astimezone(web_context(request).config.tz)
    return see_other(f"/me/entries?month={local:%Y-%m}")


def _review(
    request: Request, viewer: Viewer, entry_id: int, review: Review, reason: str | None, back: str
) -> Response:
    context = web_context(request)
    _, start = _entry_or_404(request, viewer, entry_id)
    batch = set_review(
        context.ledger,
        owner=viewer.email,
        actor=viewer.email,
        entry_id=entry_id,
        review=review,
        reason=reason,
        calendar_keys=context.calendar_keys,
    )
    local = start.astimezone(context.config.tz)
    what = {
        Review.CONFIRMED: "Confirmed",
        Review.EXCLUDED: "Excluded",
        Review.PENDING: "Set back to awaiting review:",
    }[review]
    notify(
        request, f"{what} the entry of {local:%a %-d %b, %H:%M}.", undo=batch.id if batch.changed else None
    )
    return _back_to(request, start, entry_id, back)


@router.post("/me/entries/{entry_id}/confirm")
def confirm_entry(
    request: Request, viewer: Mentor, entry_id: int, back: Annotated[str, Form()] = ""
) -> Response:
    return _review(request, viewer, entry_id, Review.CONFIRMED, None, back)


@router.post("/me/entries/{entry_id}/exclude")
def exclude_entry(
    request: Request,
    viewer: Mentor,
    entry_id: int,
    reason: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    if not reason.strip():
        _, start = _entry_or_404(request, viewer, entry_id)
        notify(request, "Nothing was excluded: say why the entry does not count.")
        return _back_to(request, start, entry_id, back)
    return _review(request, viewer, entry_id, Review.EXCLUDED, reason, back)


@router.post("/me/entries/{entry_id}/reset")
def reset_entry(
    request: Request, viewer: Mentor, entry_id: int, back: Annotated[str, Form()] = ""
) -> Response:
    return _review(request, viewer, entry_id, Review.PENDING, None, back)


@router.post("/me/entries/{entry_id}/keep")
def keep_entry(request: Request, viewer: Mentor, entry_id: int) -> Response:
    """The mentor keeps counting a session a mentee said did not take place (audited)."""
    context = web_context(request)
    event_key, start = _entry_or_404(request, viewer, entry_id)
    kept = keep_denied(context.ledger, mentor=viewer.email, event_key=event_key, manual_id=None)
    local = start.astimezone(context.config.tz)
    notify(
        request,
        f"Kept the entry of {local:%a %-d %b, %H:%M}." if kept else "Nothing to decide on that entry.",
    )
    return see_other(f"/me/entries/{entry_id}")


@router.post("/me/confirm")
def confirm_days(
    request: Request,
    viewer: Mentor,
    first: Annotated[str, Form()] = "",
    last: Annotated[str, Form()] = "",
) -> Response:
    """Confirm every pending entry from ``first`` to ``last`` (local dates, inside the window)."""
    context = web_context(request)
    window = context.config.effective_window()
    try:
        period = Window(
            start=max(dt.date.fromisoformat(first), window.start),
            end=min(dt.date.fromisoformat(last), window.end),
        )
    except ValueError:
        raise HTTPException(400) from None
    start, end = window_bounds(period, context.config.tz)
    batch = confirm_period(
        context.ledger,
        owner=viewer.email,
        actor=viewer.email,
        start=start,
        end=end,
        calendar_keys=context.calendar_keys,
    )
    days = f"{period.start:%-d %b}" + (f" to {period.end:%-d %b}" if period.end != period.start else "")
    plural = "entry" if batch.changed == 1 else "entries"
    notify(
        request, f"Confirmed {batch.changed} {plural} from {days}.", undo=batch.id if batch.changed else None
    )
    return see_other(f"/me/entries?month={period.start:%Y-%m}")


@router.post("/me/actions/{action_id}/undo")
def undo_action(
    request: Request, viewer: Mentor, action_id: str, back: Annotated[str, Form()] = "/me/entries"
) -> Response:
    context = web_context(request)
    try:
        batch = undo(
            context.ledger,
            owner=viewer.email,
            actor=viewer.email,
            batch=action_id,
            calendar_keys=context.calendar_keys,
        )
    except NotFoundError:
        raise HTTPException(404) from None
    notify(request, "Undone." if batch.changed else "Nothing to undo: those entries changed again since.")
    return see_other(safe_next(back) if back.startswith("/me") else "/me/entries")
