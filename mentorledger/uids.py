"""UIDs that mentorledger issues for peer-group sessions, and how the counting rules recognise them.

A session UID looks like ``<token>.<group-id>@groups.mentorledger``: the token identifies the session
(it never changes for a session), the group id names the group. Group ids are slugs without dots, so
the UID parses back unambiguously.
"""

from __future__ import annotations

GROUP_UID_DOMAIN = "groups.mentorledger"


def group_session_uid(group_id: str, token: str) -> str:
    if "." in group_id or "@" in group_id or "." in token or "@" in token:
        raise ValueError("group ids and session tokens must not contain '.' or '@'")
    return f"{token}.{group_id}@{GROUP_UID_DOMAIN}"


def group_of_uid(uid: str) -> str | None:
    """The group id of a mentorledger session UID, or None for any other UID."""
    local, at, domain = uid.strip().rpartition("@")
    if not at or domain.lower() != GROUP_UID_DOMAIN:
        return None
    _token, dot, group_id = local.partition(".")
    return group_id or None if dot else None
