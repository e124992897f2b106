"""Who is coming to a session: the members' recorded answers (iTIP REPLY), read back over IMAP.

An answer counts for a session only while it answers the session as it stands: a reply to a version
whose time has since changed is stale (see ``store.InviteStore.answers``). The organizer is counted
as coming (their own ATTENDEE entry is ACCEPTED). Only the answer itself is kept, never a comment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

ANSWERS = ("ACCEPTED", "TENTATIVE", "DECLINED")


@dataclass(frozen=True, slots=True)
class Attendance:
    coming: tuple[str, ...]
    maybe: tuple[str, ...]
    not_coming: tuple[str, ...]
    unanswered: tuple[str, ...]

    @classmethod
    def of(cls, members: Sequence[str], organizer: str | None, answers: Mapping[str, str]) -> Attendance:
        def having(state: str) -> tuple[str, ...]:
            return tuple(m for m in members if m != organizer and answers.get(m) == state)

        coming = tuple(m for m in members if m == organizer) + having("ACCEPTED")
        answered = set(coming) | {m for m in members if answers.get(m) in ANSWERS}
        return cls(
            coming=coming,
            maybe=having("TENTATIVE"),
            not_coming=having("DECLINED"),
            unanswered=tuple(m for m in members if m not in answered),
        )

    def counts(self) -> dict[str, int]:
        return {
            "coming": len(self.coming),
            "maybe": len(self.maybe),
            "not_coming": len(self.not_coming),
            "unanswered": len(self.unanswered),
        }

    def lines(self, name: Callable[[str], str]) -> list[str]:
        """One line per kind of answer with the members' names (empty kinds left out)."""
        out = []
        for label, emails in (
            ("Coming", self.coming),
            ("Maybe", self.maybe),
            ("Not coming", self.not_coming),
            ("Not answered yet", self.unanswered),
        ):
            if emails:
                out.append(f"{label} ({len(emails)}): {', '.join(name(e) for e in emails)}")
        return out
