"""Who someone is to the web app, from the configuration alone (nothing about roles is stored).

- **mentor**: anyone in ``people``; sees and reviews their own entries only.
- **mentee**: a mentee in ``relationships``, when ``attestation`` is enabled; sees and answers only
  their own sessions with their mentors (date, time, minutes), never anyone else's.
- **chair**: listed in ``departments[].chairs``; sees their departments' aggregates (issue 11).
- **admin**: listed in the top-level ``admins``; faculty affairs, every department (issue 11).

One person may hold several roles (a chair who also mentors). Someone with no role cannot sign in.
Roles are worked out again on every request, so removing a person from the file ends their access.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mentorledger.config import Config
from mentorledger.exports.activities import mentors


class Role(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"
    CHAIR = "chair"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in person and what they may see."""

    email: str
    name: str
    roles: frozenset[Role]
    chair_of: tuple[str, ...] = ()  # department names
    mentors: bool = True  # has a calendar, a mentee or a group: the mentor's pages come first

    def has(self, role: Role) -> bool:
        return role in self.roles

    @property
    def home(self) -> str:
        """Where signing in lands: the mentor's own page first (for someone who mentors), then the
        mentee's, the chair's, the admin's."""
        if Role.MENTOR in self.roles and (self.mentors or Role.MENTEE not in self.roles):
            return "/me"
        for role, path in ((Role.MENTEE, "/mentee"), (Role.CHAIR, "/chair"), (Role.ADMIN, "/admin")):
            if role in self.roles:
                return path
        return "/"


@dataclass(frozen=True, slots=True)
class Directory:
    """The roles of everyone the configuration names, indexed once."""

    viewers: dict[str, Viewer]

    @classmethod
    def of(cls, config: Config) -> Directory:
        names = {p.email: p.name for p in config.people}
        chairs: dict[str, list[str]] = {}
        for department in config.departments:
            for email in department.chairs:
                chairs.setdefault(email, []).append(department.name)
        admins = set(config.admins)
        mentees = {r.mentee for r in config.relationships} if config.attestation.enabled else set()
        mentoring = {person.email for person in mentors(config)}  # the monthly digest's recipients
        viewers: dict[str, Viewer] = {}
        for email in set(names) | set(chairs) | admins:
            roles = {Role.MENTOR} if email in names else set()
            roles |= {Role.MENTEE} if email in mentees else set()
            roles |= {Role.CHAIR} if email in chairs else set()
            roles |= {Role.ADMIN} if email in admins else set()
            viewers[email] = Viewer(
                email,
                names.get(email, email),
                frozenset(roles),
                tuple(chairs.get(email, ())),
                mentors=email in mentoring,
            )
        return cls(viewers)

    def viewer(self, email: str) -> Viewer | None:
        return self.viewers.get(email.strip().lower())
