"""URL look-alikes for the property tests of the URL policy (genui.ui.sanitize), and an independent check.

`lookalike_urls()` builds URLs the way an attacker disguises them: a dangerous scheme in mixed case, with HTML
entities, with whitespace, control, bidi and zero-width characters inside the scheme or anywhere, spaces,
protocol-relative prefixes (also with backslashes); and harmless URLs with the same characters slipped in.
`policy_violation(url, image=...)` says what a browser would make of a URL that the policy should have refused
(None when it is fine); it is written from the browser's side, not from genui's code.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st
from markdown_it import MarkdownIt

BAD_SCHEMES = ("javascript", "vbscript", "data", "file", "blob", "jav\u0430script")  # the last: Cyrillic a
GOOD_URLS = (
    "https://example.com/a?b=c#d",
    "http://x.org/p",
    "mailto:a@b.c",
    "/relative",
    "page.html",
    "#top",
)
SNEAKY = (
    "\t", "\n", "\r", "\x00", "\x0b", "\x0c", " ", "\x1f", "\x7f", "\x85", "\u00a0", "\u2028", "\u2029",
    "\u3000", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
    "\u200e", "\u200f", "\u061c", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
)  # fmt: skip
PREFIXES = ("", "", "", "//", "\\\\", "/\\", "\\/", "///", " ", "\t")
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES = frozenset({"http", "https"})


def _entity(ch: str, style: int) -> str:
    named = {":": "&colon;", "\t": "&Tab;", "\n": "&NewLine;", "(": "&lpar;", "/": "&sol;"}
    if style == 0 and ch in named:
        return named[ch]
    if style == 1:
        return f"&#x{ord(ch):x};"
    if style == 2:
        return f"&#{ord(ch)}"  # no semicolon: browsers still decode it
    return f"&#{ord(ch)};"


@st.composite
def lookalike_urls(draw: Any) -> str:
    """A URL disguised as described in the module docstring."""
    dangerous = draw(st.booleans())
    base = f"{draw(st.sampled_from(BAD_SCHEMES))}:alert(1)" if dangerous else draw(st.sampled_from(GOOD_URLS))
    chars = list(base)
    if draw(st.booleans()):  # mixed case
        chars = [c.upper() if draw(st.booleans()) else c.lower() for c in chars]
    for _ in range(draw(st.integers(0, 3))):  # entities
        index = draw(st.integers(0, len(chars) - 1))
        if len(chars[index]) == 1:
            chars[index] = _entity(chars[index], draw(st.integers(0, 3)))
    scheme_end = max(base.find(":"), 1)
    for _ in range(draw(st.integers(0, 3))):  # invisible and separator characters, often inside the scheme
        inside = draw(st.booleans())
        index = draw(st.integers(0, scheme_end if inside else len(chars)))
        chars.insert(index, draw(st.sampled_from(SNEAKY)))
    return draw(st.sampled_from(PREFIXES)) + "".join(chars)


def browser_view(url: str) -> str:
    """What a browser's URL parser starts from: entities decoded (an attribute value), C0 controls and spaces
    stripped at the ends, ASCII tab and newlines removed anywhere, backslashes read as slashes."""
    text = html.unescape(url).strip("".join(map(chr, range(0x21))))
    return re.sub("[\t\n\r]", "", text).replace("\\", "/")


def policy_violation(url: str, *, image: bool) -> str | None:
    """Why `url` should not have reached an href/src (or a URL prop), or None when it is fine."""
    for text in (url.strip(" \t\n\r\f"), html.unescape(url).strip(" \t\n\r\f")):
        for ch in text:
            if unicodedata.category(ch)[0] in "CZ":
                return f"character U+{ord(ch):04X} ({unicodedata.category(ch)})"
    seen = browser_view(url)
    if not seen:
        return "empty"
    if seen.startswith("//"):
        return "protocol-relative"
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", seen)
    allowed = IMAGE_SCHEMES if image else LINK_SCHEMES
    if scheme is not None and scheme.group(1).lower() not in allowed:
        return f"scheme {scheme.group(1)!r}"
    if scheme is None and ":" in re.split("[/?#]", seen, maxsplit=1)[0]:
        return "a ':' a browser may read as a scheme"
    return None


class _Recorder(MarkdownIt):
    """A CommonMark parser that takes every link and records each destination as written (decoded)."""

    def __init__(self) -> None:
        super().__init__("commonmark")
        self.seen: list[str] = []

    def normalizeLink(self, url: str) -> str:
        self.seen.append(url)
        return super().normalizeLink(url)

    def validateLink(self, url: str) -> bool:
        return True


def markdown_destinations(markdown: str) -> list[str]:
    """Every link, image, autolink and reference destination a CommonMark client reads in `markdown`."""
    recorder = _Recorder()
    recorder.parse(markdown)
    return recorder.seen


def card_with(url: str) -> dict[str, Any]:
    """A Card with `url` in every kind of URL prop and in markdown links of every form."""
    children = [
        _node("Image", alt="a", src=url),
        _node("ImageGallery", imagesAlt=["a"], imagesSrc=[url]),
        _node("List", variant="image", items=[{"title": "t", "image": {"src": url, "alt": "a"}}]),
        _node(
            "MiniCardBlock", children=[_node("MiniCard", lhs=_node("ProfileTile", title="p", imageSrc=url))]
        ),
        _node(
            "ButtonGroup",
            children=[
                _node("Button", children="Go", name="go", action={"type": "open_url", "props": {"url": url}})
            ],
        ),
        _node("TextContent", textMarkdown=markdown_with(url)),
    ]
    return _node("Card", children=children, sources=[{"url": url, "title": "t", "sourceName": "s"}])


def markdown_with(url: str) -> str:
    return f"See [a link]({url}) and ![an image]({url}) and <{url}> and [ref].\n\n[ref]: {url}\n"


def _node(component: str, **props: Any) -> dict[str, Any]:
    return {"component": component, "props": props}


def all_violations(urls: Sequence[tuple[str, bool]]) -> list[tuple[str, str]]:
    return [(url, why) for url, image in urls if (why := policy_violation(url, image=image)) is not None]
