"""``web``: the web app for mentors (and, for now, landing pages for chairs and administrators)."""

from __future__ import annotations

from typing import Annotated

import typer

from mentorledger.cli.app import ConfigOption, app, load, refuse_to_fork


@app.command()
def web(
    config: ConfigOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool, typer.Option("--demo", help="Loopback only, no e-mail: print a one-time sign-in link here.")
    ] = False,
) -> None:
    """Serve the web app: mentors see, confirm, exclude and add to their own entries."""
    from mentorledger.web.serve import serve  # the web stack loads only for this command

    loaded = load(config)
    refuse_to_fork(loaded)  # reviews written to a new, empty ledger would be lost from the old one
    serve(loaded, host=host, port=port, demo=demo)
