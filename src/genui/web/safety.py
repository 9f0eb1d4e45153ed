"""URL and text safety for rendered HTML: model output is untrusted input."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def esc(value: object) -> str:
    """HTML-escape any value for text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def safe_url(value: object) -> str | None:
    """The URL when it is http(s), mailto or relative; None for javascript:, data:, vbscript: and the like."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > 4096:
        return None
    # browsers ignore tabs/newlines/control chars inside a scheme ("java\tscript:"), so judge without them
    squeezed = _CONTROL.sub("", url)
    if squeezed.startswith("//"):
        return url  # protocol-relative: inherits http(s)
    try:
        scheme = urlsplit(squeezed).scheme.lower()
    except ValueError:
        return None
    if not scheme:
        if ":" in squeezed.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
            return None
        return url
    return url if scheme in _SAFE_SCHEMES else None


def safe_image_src(value: object) -> str | None:
    """Image sources follow the same rule (no data: URLs: they can smuggle SVG with script)."""
    return safe_url(value)
