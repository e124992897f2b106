"""A source's secret from the orchestration layer's store (a Prefect Secret block), when the
environment names one and the runtime has a store; every source reads its blocks this way."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from mentorledger.errors import SourceError
from mentorledger.sources.protocol import Runtime


def secret_from_block(
    runtime: Runtime, variable: str, environ: Mapping[str, str] | None = None
) -> tuple[Any, str] | None:
    """(the block's value, where it came from) for the block named by ``variable``; None when the
    variable is unset or there is no secret store (then the source reads its files instead)."""
    env = os.environ if environ is None else environ
    block = env.get(variable, "").strip()
    if not block or runtime.load_secret is None:
        return None
    try:
        return runtime.load_secret(block), f"Prefect Secret block {block!r}"
    except LookupError:
        raise SourceError(
            f"Prefect Secret block {block!r} not found; create it or unset {variable}"
        ) from None
