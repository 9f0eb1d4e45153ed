"""Read a (possibly streamed, truncated) C1 Response into parts the renderer understands.

Hand-rolled instead of `genui.ui.c1.parse_c1` because a streamed prefix may stop inside a tag, an
entity or an element body, which a reader for complete messages rejects; the entity decoding is shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from genui.web.entities import unescape

ELEMENTS = ("content", "thinkitem", "custommarkdown", "artifact", "artifact_diff", "context")
_OPEN_TAG = re.compile(r"<(content|thinkitem|custommarkdown|artifact_diff|artifact|context)((?:\s[^<>]*)?)>")
_ATTR = re.compile(r"""([A-Za-z_][\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_PARTIAL_ENTITY = re.compile(r"&#?[A-Za-z0-9]{0,10}$")


@dataclass
class Part:
    kind: str  # one of ELEMENTS, or "text" for stray text outside any element
    attrs: dict[str, str] = field(default_factory=dict)
    body: str = ""  # raw (still escaped) body
    complete: bool = True  # the closing tag was seen


@dataclass
class ThinkItem:
    title: str
    content: str
    ephemeral: bool


def read_parts(text: str, *, partial: bool) -> list[Part]:
    """Split C1 text into elements; with `partial`, an unterminated last element keeps what it has."""
    parts: list[Part] = []
    pos = 0
    n = len(text)
    while pos < n:
        match = _OPEN_TAG.search(text, pos)
        if match is None:
            stray = _strip_partial_tag(text[pos:]) if partial else text[pos:]
            if stray.strip():
                parts.append(Part("text", body=stray))
            break
        stray = text[pos : match.start()]
        if stray.strip():
            parts.append(Part("text", body=stray))
        name = match.group(1)
        attrs = {
            m.group(1): m.group(2) if m.group(2) is not None else m.group(3) or ""
            for m in _ATTR.finditer(match.group(2))
        }
        close_tag = f"</{name}>"
        end = text.find(close_tag, match.end())
        if end == -1:
            body = text[match.end() :]
            if partial:
                body = _strip_partial_close(body, close_tag)
            parts.append(Part(name, attrs, body, complete=False))
            break
        parts.append(Part(name, attrs, text[match.end() : end]))
        pos = end + len(close_tag)
    return parts


def _strip_partial_tag(stray: str) -> str:
    """Drop a tag that is still being written at the end of a prefix (`<conte`)."""
    idx = stray.rfind("<")
    if idx != -1 and ">" not in stray[idx:]:
        return stray[:idx]
    return stray


def _strip_partial_close(body: str, close_tag: str) -> str:
    """Drop the beginning of a closing tag (`</cont`) at the end of a prefix."""
    for k in range(min(len(close_tag) - 1, len(body)), 0, -1):
        if body.endswith(close_tag[:k]):
            return body[:-k]
    return body


def decode(body: str, *, partial: bool) -> str:
    """Entity-decode an element body; in a prefix an entity cut in half is not shown yet."""
    if partial:
        body = _PARTIAL_ENTITY.sub("", body)
    return unescape(body)


_THINK_TITLE = re.compile(r"<thinkitemtitle>(.*?)(?:</thinkitemtitle>|$)", re.S)
_THINK_CONTENT = re.compile(r"<thinkitemcontent>(.*?)(?:</thinkitemcontent>|$)", re.S)


def read_thinkitem(part: Part, *, partial: bool) -> ThinkItem:
    title = _THINK_TITLE.search(part.body)
    content = _THINK_CONTENT.search(part.body)
    cut = partial and not part.complete
    return ThinkItem(
        title=decode(_strip_partial_tag(title.group(1)) if title else "", partial=cut),
        content=decode(_strip_partial_tag(content.group(1)) if content else "", partial=cut),
        ephemeral=part.attrs.get("ephemeral", "").lower() == "true",
    )
