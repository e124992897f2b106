"""The dossier summary as Markdown: easy to paste into a portfolio system or an e-mail."""

from __future__ import annotations

from collections.abc import Sequence

from mentorledger.reports.dossier_data import DossierSummary
from mentorledger.reports.formatting import fte, hours, label, money


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def dossier_markdown(s: DossierSummary) -> str:
    basis = f"{s.fte_basis_hours:g}"
    meta = [label(s.rank)]
    if s.track:
        meta.append(f"{s.track} track")
    if s.last_promotion:
        meta.append(f"last promotion {s.last_promotion}")
    lines = [
        f"# Mentoring and advising summary: {s.name}",
        "",
        f"{s.institution} · {s.department} · {' · '.join(meta)}",
        "",
        f"Period {s.window.start} to {s.window.end} · FTE basis {basis} hours per 1.0 FTE per year · "
        f"generated {s.generated_at:%Y-%m-%d %H:%M} UTC",
        "",
        "## Summary",
        "",
        s.paragraph,
        "",
        "## Quantity",
        "",
        f"- Mentoring hours: {hours(s.minutes)}",
        f"- Mentees: {len(s.mentees)}",
        f"- Relationships of 12 months or more: {s.long_relationships}",
        f"- Group sessions: {s.group_sessions} ({s.group_sessions_facilitated} in groups led)",
        f"- Near-peer roles: {s.near_peer_roles}",
        "- Mentees by career stage: "
        + ("; ".join(f"{k}: {n}" for k, n in s.mentees_by_stage.items()) or "none"),
        "- Mentees by relationship: "
        + ("; ".join(f"{label(k)}: {n}" for k, n in s.mentees_by_kind.items()) or "none"),
        "",
        *_table(
            ["Academic year", "Dates", "Hours", "Mentee", "Group", "Tag"],
            [
                [
                    y.label,
                    f"{y.start} – {y.end}",
                    hours(y.minutes),
                    hours(y.by_category["mentee"]),
                    hours(y.by_category["group"]),
                    hours(y.by_category["tag"]),
                ]
                for y in s.years
            ]
            + [
                [
                    "Period",
                    "",
                    hours(s.minutes),
                    hours(s.by_category["mentee"]),
                    hours(s.by_category["group"]),
                    hours(s.by_category["tag"]),
                ]
            ],
        ),
        "",
        "## Mentees",
        "",
        *_table(
            [
                "Mentee",
                "Career stage",
                "Relationship",
                "Since",
                "Until",
                "Months",
                "One-on-one hours",
                "Outcomes",
            ],
            [
                [
                    m.label,
                    m.stage,
                    label(m.kind),
                    m.start,
                    m.end or "ongoing",
                    m.months,
                    hours(m.minutes),
                    "; ".join(m.outcomes),
                ]
                for m in s.mentees
            ],
        ),
        "",
        "Mentees are de-identified unless they consented to be named.",
        "",
        "## Engagement",
        "",
        *_table(
            ["Group", "Role", "Mission", "Objectives met", "Sessions", "Hours"],
            [
                [
                    g.name,
                    g.role,
                    g.mission or "",
                    f"{g.objectives_met} of {g.objectives_total}",
                    g.sessions,
                    hours(g.minutes),
                ]
                for g in s.groups
            ],
        ),
        "",
        "## Credit received",
        "",
        f"- Hours logged: {hours(s.minutes)} (FTE equivalent {fte(s.fte_equivalent)})",
        f"- Credited effort (protected time or FTE, prorated): {hours(s.allotted_minutes)}",
        f"- Credited hours: {hours(s.credited_minutes)}",
        f"- Uncredited hours: {hours(s.uncredited_minutes)}",
        f"- Stipend (prorated): {money(s.stipend)}",
        "",
        "## Your narrative",
        "",
        "The figures above come only from calendars and the configuration. Complete these in your own words:",
        "",
        *[f"- {p}" for p in s.prompts],
        "",
    ]
    return "\n".join(lines)
