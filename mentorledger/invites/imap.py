"""Reading members' answers from the mailbox that receives them, over IMAP (the standard library's
``imaplib``).

Which mailbox: iTIP replies go to the ORGANIZER's address. Point ``imap:`` at that mailbox, or at a
shared one that receives a copy of the organizers' calendar replies (an Exchange transport rule, a
Google Workspace routing rule or a Sieve ``redirect :copy`` on messages with a ``text/calendar``
part). Settings: ``imap: {host, port, security, mailbox, processed_folder}`` in the YAML; the login
from ``MENTORLEDGER_IMAP_USER`` and ``MENTORLEDGER_IMAP_PASSWORD`` (never in the file, never logged),
a private CA from ``MENTORLEDGER_IMAP_CAFILE``.

What happens to each message (messages are read with ``BODY.PEEK``, so nothing is marked read):

- a reply that was recorded, a duplicate, or a stale one: **moved** to ``processed_folder``
  (created when missing; ``MOVE`` where the server has it, else ``COPY`` + ``\\Deleted`` + expunge);
- anything else (ordinary mail, forged or unknown replies): left where it is, flagged with the
  keyword ``$MentorledgerSkipped`` so it is not read again, and logged without personal text;
- messages over 2 MB are never fetched.

The answer is recorded before the message is moved, so a run that dies in between reads it again
next time and finds a duplicate: nothing is counted twice.
"""

from __future__ import annotations

import datetime as dt
import imaplib
import logging
import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field

from mentorledger.config import Imap
from mentorledger.errors import UserError
from mentorledger.invites.replies import Outcome, apply_reply
from mentorledger.invites.store import InviteStore

USER_ENV, PASSWORD_ENV, CAFILE_ENV = (
    "MENTORLEDGER_IMAP_USER",
    "MENTORLEDGER_IMAP_PASSWORD",
    "MENTORLEDGER_IMAP_CAFILE",
)
DEFAULT_PORTS = {"ssl": 993, "starttls": 143, "none": 143}
SKIPPED = "$MentorledgerSkipped"
MAX_MESSAGE_BYTES = 2_000_000
logger = logging.getLogger("mentorledger.invites.imap")


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    security: str
    mailbox: str
    processed_folder: str
    user: str = field(repr=False)
    password: str = field(repr=False)
    cafile: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_config(cls, imap: Imap, environ: Mapping[str, str] | None = None) -> ImapSettings:
        env = os.environ if environ is None else environ
        user, password = env.get(USER_ENV), env.get(PASSWORD_ENV)
        if not user or not password:
            raise UserError(
                f"reading replies needs {USER_ENV} and {PASSWORD_ENV} in the environment (or use --no-replies)"
            )
        return cls(
            host=imap.host,
            port=imap.port or DEFAULT_PORTS[imap.security],
            security=imap.security,
            mailbox=imap.mailbox,
            processed_folder=imap.processed_folder,
            user=user,
            password=password,
            cafile=env.get(CAFILE_ENV) or None,
        )


@dataclass(slots=True)
class ReplySummary:
    read: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {o.value: 0 for o in Outcome})
    error: str | None = None

    def as_json(self) -> dict[str, object]:
        return {"read": self.read, **self.counts, "error": self.error}


def _quoted(folder: str) -> str:
    return f'"{folder}"'  # names are checked in the configuration: no quotes, backslashes, breaks


def _connect(settings: ImapSettings) -> imaplib.IMAP4:
    context = ssl.create_default_context(cafile=settings.cafile)
    if settings.security == "ssl":
        client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            settings.host, settings.port, ssl_context=context, timeout=settings.timeout
        )
    else:
        client = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout)
        if settings.security == "starttls":
            client.starttls(ssl_context=context)
    client.login(settings.user, settings.password)
    return client


def read_replies(settings: ImapSettings, store: InviteStore, *, now: dt.datetime) -> ReplySummary:
    """Process every unread-by-us message of the mailbox; a failure is reported, never raised."""
    summary = ReplySummary()
    try:
        with _connect(settings) as client:
            _process(client, settings, store, summary, now=now)
    except imaplib.IMAP4.error as exc:
        summary.error = f"the mail server refused: {str(exc)[:120]}"
    except (OSError, ssl.SSLError) as exc:
        summary.error = f"could not reach the mail server {settings.host} ({exc.__class__.__name__})"
    if summary.error:
        logger.warning("Reading invite replies failed: %s", summary.error)
    logger.info("Read %d messages for invite replies: %s", summary.read, summary.counts)
    return summary


def _process(
    client: imaplib.IMAP4,
    settings: ImapSettings,
    store: InviteStore,
    summary: ReplySummary,
    *,
    now: dt.datetime,
) -> None:
    status, _ = client.select(_quoted(settings.mailbox))
    if status != "OK":
        summary.error = f"no mailbox {settings.mailbox!r} on the mail server"
        return
    _, capabilities = client.capability()
    can_move = b"MOVE" in b" ".join(c for c in capabilities if isinstance(c, bytes)).split()
    _, found = client.uid("SEARCH", "UNKEYWORD", SKIPPED, "SMALLER", str(MAX_MESSAGE_BYTES))
    uids = found[0].split() if found and found[0] else []
    processed: list[bytes] = []
    for uid in uids:
        _, data = client.uid("FETCH", uid, "(BODY.PEEK[])")
        raw = next((item[1] for item in data if isinstance(item, tuple)), None)
        if not isinstance(raw, bytes):
            continue
        summary.read += 1
        outcome = apply_reply(store, raw, at=now, label=uid.decode())
        summary.counts[outcome.value] += 1
        if outcome in (Outcome.RECORDED, Outcome.DUPLICATE, Outcome.STALE):
            processed.append(uid)
        else:
            client.uid("STORE", uid, "+FLAGS", f"({SKIPPED})")
    if processed:
        _move(client, processed, settings.processed_folder, can_move=can_move)


def _move(client: imaplib.IMAP4, uids: list[bytes], folder: str, *, can_move: bool) -> None:
    client.create(_quoted(folder))  # "already exists" is a NO answer, not an exception
    message_set = b",".join(uids).decode()
    if can_move:
        status, _ = client.uid("MOVE", message_set, _quoted(folder))
        if status == "OK":
            return
    status, _ = client.uid("COPY", message_set, _quoted(folder))
    if status != "OK":
        raise imaplib.IMAP4.error(f"could not copy replies to {folder!r}")
    client.uid("STORE", message_set, "+FLAGS", "(\\Deleted)")
    client.expunge()
