"""``invites``: the peer groups' meeting requests, through the send-group-invites flow."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from mentorledger.cli.app import ConfigOption, VerboseOption, app, err, load, out, refuse_to_fork, shown
from mentorledger.cli.flows import prefect_environment
from mentorledger.cli.outputs import output_folder
from mentorledger.config import Config
from mentorledger.errors import UserError


@app.command()
def invites(
    config: ConfigOption = None,
    group: Annotated[str | None, typer.Option("--group", help="Only this group (its id).")] = None,
    send: Annotated[
        bool, typer.Option("--send", help="E-mail the invites (needs the smtp section).")
    ] = False,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write .ics and .eml files here instead of sending.")
    ] = None,
    horizon_days: Annotated[
        int, typer.Option(min=1, max=366, help="Sessions starting within this many days.")
    ] = 28,
    replies: Annotated[
        bool,
        typer.Option(
            "--replies/--no-replies",
            help="First read members' answers from the imap mailbox (if configured).",
        ),
    ] = True,
    verbose: VerboseOption = False,
) -> None:
    """Peer-group meeting requests with agendas: send them, or write them to files (the default)."""
    loaded = load(config)
    assert loaded.source_path is not None
    if send and out_dir is not None:
        raise UserError("give either --send or --out DIR, not both")
    if group is not None and all(g.id != group for g in loaded.groups):
        known = ", ".join(g.id for g in loaded.groups) or "none"
        raise UserError(f"no group {group!r} in {shown(loaded.source_path)}; the groups are: {known}")
    if send and loaded.smtp is None:
        raise UserError(
            f"{shown(loaded.source_path)}: no smtp section; add smtp.host (and port, security) or use --out DIR"
        )
    if replies and loaded.imap is not None:
        from mentorledger.invites.imap import ImapSettings

        ImapSettings.from_config(loaded.imap)  # missing credentials: one line now, not a failed flow run
    refuse_to_fork(loaded)  # a new ledger would not know what was sent: every invite would go again
    if not send and out_dir is None:
        out_dir = Path("out") / "invites"
        err.print(f"Not sending (no --send): writing the invites to {out_dir}/")
    output_folder(out_dir or Path("out") / "invites", "invites")
    summary = run_invites(
        loaded,
        group_id=group,
        send=send,
        out_dir=out_dir or Path("out") / "invites",
        database_url=None,
        horizon_days=horizon_days,
        read_replies=replies,
        verbose=verbose,
    )
    print_invites(summary)
    if summary["failed"]:
        err.print(
            f"[red]error[/red]: {len(summary['failed'])} message(s) could not be delivered; they were not "
            "recorded as sent and will be sent on the next run. Check the mail server and run again."
        )
        raise typer.Exit(1)


def run_invites(
    config: Config,
    *,
    group_id: str | None,
    send: bool,
    out_dir: Path,
    database_url: str | None,
    horizon_days: int = 28,
    read_replies: bool = True,
    verbose: bool = False,
) -> dict[str, Any]:
    assert config.source_path is not None
    with prefect_environment(config, verbose=verbose, what="invites", database_url=database_url):
        from flows.send_group_invites import send_group_invites  # Prefect loads only for flows

        with err.status("Planning and writing the invites…"):
            summary: dict[str, Any] = send_group_invites(
                config_path=str(config.source_path),
                group_id=group_id,
                horizon_days=horizon_days,
                send=send,
                out_dir=str(out_dir),
                database_url=database_url,
                read_replies=read_replies,
            )
    return summary


def print_invites(summary: dict[str, Any]) -> None:
    verb = "Sent" if summary["mode"] == "send" else "Wrote"
    replies = summary.get("replies")
    if replies:
        if replies.get("error"):
            err.print(
                f"[yellow]warning[/yellow]: could not read replies: {replies['error']}", highlight=False
            )
        else:
            out.print(
                f"Replies: read {replies['read']} message(s): {replies['recorded']} answer(s) recorded, "
                f"{replies['duplicate']} already known, {replies['stale']} out of date, "
                f"{replies['ignored']} ignored, {replies['not-itip']} not calendar replies",
                highlight=False,
                soft_wrap=True,
            )
    for r in summary["groups"]:
        if not r["scheduled"]:
            out.print(f"{r['group']}: no cadence configured, no invites", highlight=False)
            continue
        out.print(
            f"{r['group']}: {r['sessions_in_horizon']} sessions ahead; {verb.lower()} {r['requests']} "
            f"invitation(s), {r['cancels']} cancellation(s); {r['unchanged']} unchanged",
            highlight=False,
            soft_wrap=True,
        )
        upcoming = r.get("next_session")
        if upcoming:
            start = dt.datetime.fromisoformat(upcoming["start"])
            out.print(
                f"  next session {start:%a %d %b %H:%M}: {upcoming['coming']} coming, {upcoming['maybe']} maybe, "
                f"{upcoming['not_coming']} not coming, {upcoming['unanswered']} not answered"
                + (f"; facilitator's digest {verb.lower()}" if r.get("digests") else ""),
                highlight=False,
                soft_wrap=True,
            )
    for failure in summary["failed"]:
        err.print(
            f"[red]failed[/red]: {failure['group']} {failure['method']} to {len(failure['recipients'])} "
            f"recipient(s): {failure['reason']}",
            highlight=False,
        )
    out.print(f"{verb} invites; feeds and files in {summary['out_dir']}", highlight=False, soft_wrap=True)
