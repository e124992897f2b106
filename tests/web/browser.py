"""Helpers for driving pages in the real browser: accessibility checks with axe-core, labelled-control
checks, and a screenshot of every page looked at."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

BAD_IMPACTS = ("serious", "critical")

_UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea, button, summary')]
  .filter(el => el.type !== 'hidden')
  .filter(el => {
    const name = (el.labels && el.labels.length ? [...el.labels].map(l => l.textContent).join(' ') : '')
      || el.getAttribute('aria-label') || (el.tagName === 'BUTTON' || el.tagName === 'SUMMARY' ? el.textContent : '');
    return !name.trim();
  })
  .map(el => el.outerHTML.slice(0, 120))"""

_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def looked_at(page: Any, axe_source: str, folder: Path, name: str) -> list[dict[str, Any]]:
    """Screenshot the page, then check it: no serious or critical axe-core violation, and every form
    control has an accessible name. Returns the minor violations (for the curious)."""
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    violations: list[dict[str, Any]] = page.evaluate(_AXE)
    bad = [v for v in violations if v["impact"] in BAD_IMPACTS]
    assert not bad, f"{name}: {bad}"
    unlabelled = page.evaluate(_UNLABELLED)
    assert not unlabelled, f"{name}: controls without a label: {unlabelled}"
    return [v for v in violations if v not in bad]


def row_of(page: Any, text: str) -> Any:
    """The entries-table row whose date cell reads ``text`` (e.g. "Tue 14 Oct")."""
    return page.locator("table.entries tbody tr").filter(
        has=page.get_by_role("link", name=re.compile(f"^{text}$"))
    )
