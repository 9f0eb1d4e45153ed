"""HTML escaping for the renderer's output (what a value may show as; whether a URL may be used is
genui.ui.sanitize's policy)."""

from __future__ import annotations

import html


def esc(value: object) -> str:
    """HTML-escape any value for text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)
