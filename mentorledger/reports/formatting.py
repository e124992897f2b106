"""How numbers look in human-readable formats; one place, so HTML, PDF, DOCX and Markdown agree.

Machine formats (XLSX, CSV) carry minutes and unrounded hours instead.
"""

from __future__ import annotations


def hours(minutes: int | None) -> str:
    """Minutes as hours with one decimal ("12.5"); an em dash for a suppressed value."""
    return "—" if minutes is None else f"{minutes / 60:.1f}"


def signed_hours(minutes: int) -> str:
    return f"{minutes / 60:+.1f}" if minutes else "0.0"


def percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def decimal(value: float, places: int = 2) -> str:
    return f"{value:.{places}f}"


def fte(value: float) -> str:
    return f"{value:.3f}"


def money(value: float) -> str:
    return f"{value:,.2f}" if value else "—"


def label(value: str) -> str:
    """An enum value as words: near_peer -> near-peer, assistant_professor -> assistant professor."""
    return value.replace("near_peer", "near-peer").replace("_", " ")
