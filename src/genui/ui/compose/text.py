"""Text as the UI shows it: plain labels from inline markdown, markdown with only safe links, clipping."""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..sanitize import safe_url, sanitize_markdown, sanitize_text

MAX_LABEL = 300  # display choice for one-line texts (titles, items, cells): below the catalog's own cap
LINK_SCHEMES = ("http:", "https:", "mailto:")  # the brief's URL policy: absolute links of these schemes only

# `[text](url "title")` and `![alt](url)`, outside code (callers split code out first).
_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(\s*<?((?:[^()\s>]|\([^()\s]*\))*)>?(?:\s+\"[^\"\n]*\")?\s*\)")
_CODE = re.compile(r"(```[\s\S]*?(?:```|$)|~~~[\s\S]*?(?:~~~|$)|`[^`\n]*`)")
_SPACES = re.compile(r"\s+")
LIST_BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+")  # a list item's marker at the start of a line


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """CommonMark with GFM tables and strikethrough, raw HTML left as text (as the renderer reads it)."""
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def is_safe_link(url: str) -> bool:
    return url.lower().startswith(LINK_SCHEMES) and safe_url(url) is not None


def _link_policy(segment: str) -> str:
    def keep_or_text(m: re.Match[str]) -> str:
        return m.group(0) if is_safe_link(m.group(3)) else m.group(2)

    return _LINK.sub(keep_or_text, segment) if "](" in segment else segment


def safe_markdown(text: str) -> str:
    """Markdown for TextContent: links and images kept only with an http(s)/mailto target (else their text),
    then the ui sanitizer (no raw HTML, no control characters); code stays as written."""
    parts = _CODE.split(text)
    kept = "".join(part if i % 2 else _link_policy(part) for i, part in enumerate(parts))
    return sanitize_markdown(kept)


def _inline_text(tokens: list[Token]) -> str:
    out: list[str] = []
    for token in tokens:
        if token.type in ("text", "code_inline", "html_inline"):
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif token.type == "image":
            out.append(_inline_text(token.children or []))
    return "".join(out)


def plain(markdown: str) -> str:
    """One line of inline markdown as plain text: emphasis and code marks dropped, links -> their text."""
    if not any(ch in markdown for ch in "*_`[]<>\\~&!"):
        return clip(markdown)
    tokens = parser().parseInline(markdown)
    children = tokens[0].children if tokens and tokens[0].children is not None else []
    return clip(_inline_text(children))


def clip(text: str, limit: int = MAX_LABEL) -> str:
    """Whitespace folded, sanitized, cut at a word boundary when longer than `limit` (never mid-word)."""
    text = sanitize_text(_SPACES.sub(" ", text).strip())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > limit // 2 else cut


def capitalized(text: str) -> str:
    """First letter upper-cased (a title or a field label); the rest exactly as written. A first word that
    already mixes cases ("iPhone", "eBay") is left alone."""
    first = text.split(" ", 1)[0]
    if any(ch.isupper() for ch in first[1:]):
        return text
    return text[:1].upper() + text[1:]


def slug(text: str, taken: set[str] | None = None) -> str:
    """A form-control name from a label ("Number of guests" -> "number_of_guests"), unique within `taken`."""
    base = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60] or "field"
    name, n = base, 2
    while taken is not None and name in taken:
        name, n = f"{base}_{n}", n + 1
    if taken is not None:
        taken.add(name)
    return name
