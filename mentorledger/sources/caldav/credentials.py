"""CalDAV credentials: per calendar or per server, from a file named by
``MENTORLEDGER_CALDAV_CREDENTIALS`` or a Prefect Secret block named by
``MENTORLEDGER_CALDAV_CREDENTIALS_BLOCK``; never the YAML file, never logged.

The file (YAML or JSON) is a list of ``{url, username, password}``. ``url`` is a calendar collection
or any prefix of one (a server, an account): the longest prefix of a calendar's URL wins, so one entry
can cover a whole server and another override it for one calendar. A calendar no entry covers is read
without authentication. An app-specific password (iCloud, Fastmail) goes in ``password``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mentorledger.errors import SourceError
from mentorledger.sources.protocol import Runtime
from mentorledger.sources.secrets import secret_from_block

CREDENTIALS_ENV = "MENTORLEDGER_CALDAV_CREDENTIALS"
CREDENTIALS_BLOCK_ENV = "MENTORLEDGER_CALDAV_CREDENTIALS_BLOCK"
_FORMAT = "a list of {url, username, password} entries (see README)"


@dataclass(frozen=True, slots=True)
class Login:
    url: str
    username: str
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Logins:
    entries: Sequence[Login] = ()

    def for_url(self, url: str) -> Login | None:
        """The entry with the longest URL prefix of ``url``, or None (no authentication)."""
        matching = [login for login in self.entries if url.startswith(login.url)]
        return max(matching, key=lambda login: len(login.url), default=None)


def logins_from_value(value: Any, origin: str) -> Logins:
    if isinstance(value, str):
        try:
            value = yaml.safe_load(value)
        except yaml.YAMLError:
            raise SourceError(
                f"CalDAV credentials in {origin} are not YAML or JSON; expected {_FORMAT}"
            ) from None
    if isinstance(value, Mapping) and "logins" in value:
        value = value["logins"]
    if not isinstance(value, list):
        raise SourceError(f"CalDAV credentials in {origin} are not a list; expected {_FORMAT}")
    entries = []
    for i, item in enumerate(value):
        if not isinstance(item, Mapping) or not all(
            isinstance(item.get(k), str) and item[k] for k in ("url", "username", "password")
        ):
            raise SourceError(
                f"CalDAV credentials in {origin}: entry {i + 1} needs url, username and password"
            )
        entries.append(Login(item["url"], item["username"], item["password"]))
    return Logins(tuple(entries))


def load_logins(runtime: Runtime, environ: Mapping[str, str] | None = None) -> Logins:
    """The Secret block's logins (when the runtime has a store), else the file's, else none."""
    env = os.environ if environ is None else environ
    found = secret_from_block(runtime, CREDENTIALS_BLOCK_ENV, env)
    if found is not None:
        return logins_from_value(*found)
    location = env.get(CREDENTIALS_ENV, "").strip()
    if not location:
        return Logins()
    path = Path(location).expanduser()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(
            f"cannot read the CalDAV credentials file {path} ({exc.__class__.__name__}); check {CREDENTIALS_ENV}"
        ) from None
    return logins_from_value(text, f"file {path}")
