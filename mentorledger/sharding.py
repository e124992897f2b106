"""Which shard of an institution a calendar belongs to: a pure function of its key and the shard count.

Beyond a few thousand calendars the hourly sync starts one flow run per shard. Assignment must be
stable (a calendar stays in its shard from run to run, on every machine and Python version, so
Python's salted ``hash`` is out) and even (a digest of the key, modulo the shard count).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from mentorledger.config import CalendarSource, Config
from mentorledger.errors import UserError
from mentorledger.sync import calendar_ref


def shard_of(calendar_key: str, shards: int) -> int:
    """The shard (0 .. shards-1) of a calendar key."""
    if shards < 1:
        raise UserError(f"shards must be at least 1, not {shards}")
    digest = hashlib.sha256(calendar_key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % shards


def check_shard(shard: int | None, shards: int) -> None:
    """A readable error for a shard number that cannot exist."""
    if shards < 1:
        raise UserError(f"shards must be at least 1, not {shards}")
    if shard is not None and not 0 <= shard < shards:
        raise UserError(f"shard {shard} does not exist: with shards={shards} it must be 0 to {shards - 1}")


def in_shard(sources: Sequence[CalendarSource], shard: int | None, shards: int) -> list[CalendarSource]:
    """The configured calendars of one shard (all of them when ``shard`` is None)."""
    check_shard(shard, shards)
    if shard is None:
        return list(sources)
    return [s for s in sources if shard_of(calendar_ref(s).calendar_key, shards) == shard]


def shard_run_key(window: str, shard: int, shards: int) -> str:
    """The idempotency key of one shard's run in one schedule window: a repeat start is a no-op."""
    return f"sync:{window}:shard-{shard}-of-{shards}"


def select_sources(
    config: Config,
    *,
    shard: int | None = None,
    shards: int = 1,
    owners: Sequence[str] | None = None,
    calendar_keys: Sequence[str] | None = None,
) -> list[CalendarSource]:
    """The calendars one run syncs: one shard's, only these owners' when ``owners`` is given, and
    only the calendars with these keys when ``calendar_keys`` is (a "sync now" of one calendar)."""
    sources = in_shard(config.calendars, shard, shards)
    if calendar_keys is not None:
        wanted_keys = set(calendar_keys)
        sources = [s for s in sources if calendar_ref(s).calendar_key in wanted_keys]
    if owners is None:
        return sources
    wanted = {o.strip().lower() for o in owners}
    unknown = sorted(wanted - {s.owner.lower() for s in config.calendars})
    if unknown:
        raise UserError(
            f"no calendar configured for {', '.join(unknown)} in {config.source_path}; "
            "check the e-mail address against calendars[].owner"
        )
    return [s for s in sources if s.owner.lower() in wanted]
