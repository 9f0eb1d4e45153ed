"""Markdown to HTML for TextContent and custommarkdown: raw HTML escaped, link and image targets only where
genui.ui.sanitize's URL policy keeps them."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from genui.ui.sanitize import safe_image_url, safe_url


class _Markdown(MarkdownIt):
    def normalizeLink(self, url: str) -> str:
        # judged as written (entities and escapes decoded), before percent-encoding hides zero-width chars
        return super().normalizeLink(url) if safe_url(url) is not None else ""

    def validateLink(self, url: str) -> bool:
        return safe_url(url) is not None


def _image(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """An image whose source the image policy refuses (mailto:, say) shows its alt text instead."""
    token = tokens[idx]
    if safe_image_url(token.attrGet("src")) is None:
        return escapeHtml(renderer.renderInlineAsText(token.children or [], options, env))
    return renderer.image(tokens, idx, options, env)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    parser = _Markdown("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable(["table", "strikethrough"])
    parser.add_render_rule("image", _image)
    return parser


def render_markdown(text: str) -> str:
    """GFM-ish markdown (tables, strikethrough) to HTML; `<b>` in the source shows as text."""
    html: str = _parser().render(text)
    return html
