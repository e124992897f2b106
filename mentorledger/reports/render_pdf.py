"""PDF from the report's HTML with WeasyPrint: the same page a browser shows, paginated for print."""

from __future__ import annotations

import logging
from pathlib import Path


def html_to_pdf(html: str, path: Path) -> Path:
    from weasyprint import HTML  # slow to import; only PDF output needs it

    # WeasyPrint and fontTools log every font subset at INFO/WARNING; keep the user's console readable.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    HTML(string=html).write_pdf(str(path))
    return path
