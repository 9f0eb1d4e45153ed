"""Markdown to HTML for TextContent and custommarkdown: raw HTML escaped, only safe link targets."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt

from genui.web.safety import safe_url


def _validate_link(url: str) -> bool:
    return safe_url(url) is not None


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable(["table", "strikethrough"])
    parser.validateLink = _validate_link  # type: ignore[method-assign]
    return parser


def render_markdown(text: str) -> str:
    """GFM-ish markdown (tables, strikethrough) to HTML; `<b>` in the source shows as text."""
    html: str = _parser().render(text)
    return html
