"""Standalone HTML documents: a rendered C1 Response (`genui render`) and the playground shell."""

from __future__ import annotations

from genui.web.assets import PUBLIC_ASSETS, asset, asset_text, inline_css, inline_js
from genui.web.escape import esc
from genui.web.render import render_html


def render_page(c1_text: str, *, title: str = "genui", theme: str = "light") -> str:
    """A complete, self-contained HTML document (inline CSS and JS) that opens from disk.

    `theme` is "light" or "dark" (anything else means light). The content is visible without JS; the
    inline module only adds tabs, form capture and the `genui:send` / `genui:action` events.
    """
    theme = "dark" if theme == "dark" else "light"
    return (
        f'<!doctype html>\n<html lang="en" data-theme="{theme}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{inline_css()}\n"
        "body{margin:0;padding:24px;background:var(--gu-surface);}</style>\n</head>\n<body>\n"
        f'<main class="gu-page">{render_html(c1_text)}</main>\n'
        f'<script type="module">{inline_js()}</script>\n</body>\n</html>\n'
    )


def playground_html() -> str:
    """The playground page, with every asset URL carrying its content hash."""
    html = asset_text("playground.html")
    for name in PUBLIC_ASSETS:
        html = html.replace("{{" + name + "}}", asset(name).version)
    return html
