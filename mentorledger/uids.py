"""UIDs that mentorledger issues for peer-group sessions, and how the counting rules recognise them.

A session UID looks like ``<token>.<group-id>@<uid-domain>``. The token identifies the session (its
originally scheduled date, ``20251007``; ``20251007-o2`` after the session was handed to a second new
organizer, see ``invites.plan``), the group id names the group, and the domain names the institution,
so two institutions whose groups share an id and a date never issue the same UID.

The domain is the configuration's ``uid_domain``, or by default one derived from ``institution``:
``example-school-of-medicine.groups.mentorledger``. Releases before the domain existed issued
``<token>.<group-id>@groups.mentorledger`` (``LEGACY_UID_DOMAIN``); sessions already sent keep the
UID they were sent with (the invite store remembers it), and the counting rules keep recognising it.
Group ids are slugs without dots, so a UID parses back unambiguously.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Collection

LEGACY_UID_DOMAIN = "groups.mentorledger"
GROUP_UID_DOMAIN = LEGACY_UID_DOMAIN  # the name older callers import
_DOMAIN_SUFFIX = "groups.mentorledger"
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def institution_uid_domain(institution: str) -> str:
    """The default UID domain for an institution: its name as a DNS label, under groups.mentorledger."""
    ascii_name = unicodedata.normalize("NFKD", institution).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:50].strip("-")
    if not slug:  # a name in a script without a Latin transliteration: a stable hash of it
        slug = "i" + hashlib.sha256(institution.encode()).hexdigest()[:12]
    return f"{slug}.{_DOMAIN_SUFFIX}"


def valid_uid_domain(value: str) -> str:
    """A UID domain as configured: DNS labels (letters, digits, '-'), at least two of them."""
    domain = value.strip().lower().rstrip(".")
    labels = domain.split(".")
    if len(labels) < 2 or len(domain) > 200 or not all(_LABEL.match(label) for label in labels):
        raise ValueError(f"{value!r} is not a domain name (for example groups.med.example.edu)")
    return domain


def group_session_uid(group_id: str, token: str, domain: str = LEGACY_UID_DOMAIN) -> str:
    if "." in group_id or "@" in group_id or "." in token or "@" in token:
        raise ValueError("group ids and session tokens must not contain '.' or '@'")
    return f"{token}.{group_id}@{domain}"


def group_of_uid(uid: str, domains: Collection[str] = (LEGACY_UID_DOMAIN,)) -> str | None:
    """The group id of a mentorledger session UID issued under one of ``domains``, or None."""
    local, at, domain = uid.strip().rpartition("@")
    if not at or domain.lower() not in {d.lower() for d in domains}:
        return None
    _token, dot, group_id = local.partition(".")
    return group_id or None if dot else None
