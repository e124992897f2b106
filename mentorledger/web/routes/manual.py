"""Adding mentoring by hand (rule 9), and removing or restoring a hand-made entry."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from mentorledger.attestation.store import keep_denied
from mentorledger.manual_input import check_manual, choices
from mentorledger.reviews import How
from mentorledger.store.manual import (
    ManualEntry,
    add_checked,
    manual_entry,
    manual_history,
    set_manual_active,
)
from mentorledger.store.review_audit import NotFoundError
from mentorledger.web.access import Access, area, signed_in
from mentorledger.web.context import web_context
from mentorledger.web.render import notify, page
from mentorledger.web.roles import Viewer
from mentorledger.web.routes.auth import see_other
from mentorledger.web.routes.mentor import describe
from mentorledger.web.views import manual_view, mentor_attestation

router = area(Access.MENTOR)
Mentor = Annotated[Viewer, Depends(signed_in)]
HOWS = [(str(how), how.label) for how in How]


def _form_page(
    request: Request, viewer: Viewer, form: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    context = web_context(request)
    window = context.config.effective_window()
    mentees, groups = choices(context.config, viewer.email)
    today = dt.datetime.now(context.config.tz).date()
    return page(
        request,
        "mentor/manual_new.html",
        status=status,
        title="Add mentoring by hand",
        form=form,
        errors=errors,
        hows=HOWS,
        mentees=mentees,
        groups=groups,
        window=window,
        latest=min(today, window.end),
    )


@router.get("/me/manual/new", response_class=HTMLResponse)
def new_manual(request: Request, viewer: Mentor) -> Response:
    context = web_context(request)
    window = context.config.effective_window()
    today = dt.datetime.now(context.config.tz).date()
    day = min(max(today, window.start), window.end)
    form = {"day": day.isoformat(), "start": "", "minutes": "30", "how": "phone", "with": "", "note": ""}
    return _form_page(request, viewer, form, {})


@router.post("/me/manual", response_class=HTMLResponse)
def create_manual(
    request: Request,
    viewer: Mentor,
    day: Annotated[str, Form()] = "",
    start: Annotated[str, Form()] = "",
    minutes: Annotated[str, Form()] = "",
    how: Annotated[str, Form()] = "",
    with_whom: Annotated[str, Form(alias="with")] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    context = web_context(request)
    form = {"day": day, "start": start, "minutes": minutes, "how": how, "with": with_whom, "note": note}
    entry, errors = check_manual(
        context.config,
        viewer.email,
        day=day,
        start=start,
        minutes=minutes,
        how=how,
        with_whom=with_whom,
        note=note,
    )
    if entry is None:
        return _form_page(request, viewer, form, errors, status=400)
    _, batch = add_checked(context.ledger, owner=viewer.email, actor=viewer.email, entry=entry)
    local = entry.start.astimezone(context.config.tz)
    notify(request, f"Added {entry.minutes} minutes on {local:%a %-d %b, %H:%M}.", undo=batch.id)
    return see_other(f"/me/entries?month={local:%Y-%m}")


def _owned(request: Request, viewer: Viewer, manual_id: int) -> ManualEntry:
    try:
        return manual_entry(web_context(request).ledger, viewer.email, manual_id)
    except NotFoundError:
        raise HTTPException(404) from None


@router.get("/me/manual/{manual_id}", response_class=HTMLResponse)
def show_manual(request: Request, viewer: Mentor, manual_id: int) -> Response:
    context = web_context(request)
    entry = _owned(request, viewer, manual_id)
    events = manual_history(context.ledger, viewer.email, manual_id)
    attestation = mentor_attestation(context, viewer.email, [entry.as_stored()] if entry.active else [])
    view = manual_view(context, entry, attestation)
    return page(
        request,
        "mentor/entry.html",
        title=f"Entry, {view.start:%-d %b %Y}",
        heading="Added by you",
        e=view,
        history=events,
        describe=describe,
        back_to="entry",
    )


def _set_active(request: Request, viewer: Viewer, manual_id: int, active: bool, back: str) -> Response:
    context = web_context(request)
    entry = _owned(request, viewer, manual_id)
    batch = set_manual_active(
        context.ledger, owner=viewer.email, actor=viewer.email, manual_id=manual_id, active=active
    )
    local = entry.start.astimezone(context.config.tz)
    notify(
        request,
        f"{'Restored' if active else 'Removed'} the entry of {local:%a %-d %b, %H:%M}.",
        undo=batch.id if batch.changed else None,
    )
    return see_other(f"/me/manual/{manual_id}" if back == "entry" else f"/me/entries?month={local:%Y-%m}")


@router.post("/me/manual/{manual_id}/keep")
def keep_manual(request: Request, viewer: Mentor, manual_id: int) -> Response:
    """The mentor keeps counting a hand-made entry a mentee said did not take place (audited)."""
    context = web_context(request)
    entry = _owned(request, viewer, manual_id)
    kept = keep_denied(
        context.ledger, mentor=viewer.email, event_key=entry.as_stored().event_key, manual_id=manual_id
    )
    local = entry.start.astimezone(context.config.tz)
    notify(
        request,
        f"Kept the entry of {local:%a %-d %b, %H:%M}." if kept else "Nothing to decide on that entry.",
    )
    return see_other(f"/me/manual/{manual_id}")


@router.post("/me/manual/{manual_id}/remove")
def remove_manual(
    request: Request, viewer: Mentor, manual_id: int, back: Annotated[str, Form()] = ""
) -> Response:
    return _set_active(request, viewer, manual_id, False, back)


@router.post("/me/manual/{manual_id}/restore")
def restore_manual(
    request: Request, viewer: Mentor, manual_id: int, back: Annotated[str, Form()] = ""
) -> Response:
    return _set_active(request, viewer, manual_id, True, back)
