"""Static assets shipped inside the package (read once, served with content-hash versioned URLs)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}
PUBLIC_ASSETS = ("genui.js", "genui.css", "playground.js", "playground.css", "artifacts.js", "artifacts.css")


@dataclass(frozen=True)
class Asset:
    name: str
    body: bytes
    media_type: str
    version: str  # short content hash, used as ?v= for cache busting


@cache
def asset(name: str) -> Asset:
    """One packaged asset; KeyError for anything not in the static folder's public list."""
    if name not in PUBLIC_ASSETS and name != "playground.html":
        raise KeyError(name)
    body = resources.files("genui.web").joinpath("static", name).read_bytes()
    suffix = name[name.rfind(".") :]
    return Asset(name, body, _TYPES[suffix], hashlib.sha256(body).hexdigest()[:12])


def asset_text(name: str) -> str:
    return asset(name).body.decode("utf-8")


def inline_css() -> str:
    return asset_text("genui.css")


def inline_js() -> str:
    # "</" would end the inline <script> element early
    return asset_text("genui.js").replace("</", "<\\/")
