"""Ranks from the titles HR and faculty-affairs exports carry.

"Associate Professor of Pediatrics", "Asst. Prof.", "Clinical Fellow", "Resident Physician", "PGY-2",
"MS3": the configuration's ``rank`` is one of a few words, the exports say it a hundred ways. Faculty
ranks are looked for first, so "Assistant Professor and Fellowship Director" is an assistant professor
and "Professor, Chief Resident Liaison" a professor; a title none of the rules knows maps to ``other``
(the import says so, per row).
"""

from __future__ import annotations

import re

from mentorledger.config import Rank

# (pattern over the lower-cased title with punctuation turned into spaces, rank), first match wins.
_RULES: tuple[tuple[re.Pattern[str], Rank], ...] = tuple(
    (re.compile(pattern), rank)
    for pattern, rank in (
        (r"\bassoc(iate)?\s+prof(essor)?\b", Rank.ASSOCIATE_PROFESSOR),
        (r"\b(asst|assistant)\s+prof(essor)?\b", Rank.ASSISTANT_PROFESSOR),
        (r"\bprof(essor)?\b", Rank.PROFESSOR),
        (r"\b(instructor|lecturer)\b", Rank.INSTRUCTOR),
        (r"\b(fellow|fellowship trainee|post ?doc(toral)?( scholar| researcher)?)\b", Rank.FELLOW),
        (r"\b(resident|residency|house (officer|staff)|intern|pgy\s*\d+|registrar)\b", Rank.RESIDENT),
        (r"\b(student|ms\s*[1-4]|m[1-4]|md candidate|md phd candidate|medical trainee)\b", Rank.STUDENT),
    )
)
_RANK_WORDS = {rank.value.replace("_", " "): rank for rank in Rank}


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def rank_value(text: str) -> Rank | None:
    """A value that already names a rank: ``associate_professor``, "Associate Professor", "fellow"."""
    return _RANK_WORDS.get(_plain(text))


def rank_of_title(title: str) -> Rank | None:
    """The rank a job title implies, or None when no rule knows the title."""
    plain = _plain(title)
    exact = _RANK_WORDS.get(plain)
    if exact is not None:
        return exact
    for pattern, rank in _RULES:
        if pattern.search(plain):
            return rank
    return None
