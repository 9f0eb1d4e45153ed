"""URL and text sanitizing for untrusted model output (c1 spec: client renders markdown and follows URLs).

Hand-rolled regexes instead of an HTML sanitizer library: we do not keep any HTML at all (the client renders
markdown, never raw HTML), so removing tags is enough and much cheaper than parsing.
"""

from __future__ import annotations

import html
import re

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

# C0/C1 controls except \t \n, plus DEL and bidi overrides / isolates (used to disguise text and URLs).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
# Anything worth a closer look: controls, a tag opener, or an entity that might hide one.
_SUSPICIOUS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff<]")
_DANGEROUS_BLOCK = re.compile(
    r"<(script|style|iframe|object|embed|noscript|template|svg|math)\b[^>]*>.*?(?:</\1\s*>|$)",
    re.IGNORECASE | re.DOTALL,
)
_DANGEROUS_OPEN = re.compile(r"<(script|style|iframe|object|embed|noscript|template|svg|math)\b[^>]*>?", re.I)
# A raw HTML tag (open, close, self-closing, comment, doctype); `<https://x>` autolinks have no tag-name end.
_TAG = re.compile(r"<!--.*?(?:-->|$)|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<![A-Za-z][^<>]*>", re.DOTALL)
_CODE = re.compile(r"(```[\s\S]*?(?:```|$)|~~~[\s\S]*?(?:~~~|$)|`[^`\n]*`)")
_MD_INLINE_LINK = re.compile(r"(\]\(\s*<?)([^)\s>]*)")
_MD_REF_DEF = re.compile(r"^(\s{0,3}\[[^\]\n]+\]:\s*<?)(\S+?)(>?)(?=\s|$)", re.MULTILINE)
_MD_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*:[^<>\s]*)>")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def strip_controls(text: str) -> str:
    """Remove control and bidi-override characters, keeping tab and newline."""
    return _CONTROL.sub("", text.replace("\r\n", "\n"))


def strip_html(text: str) -> str:
    """Drop script-like blocks with their content, then every remaining raw HTML tag (keeping inner text)."""
    text = _DANGEROUS_BLOCK.sub("", text)
    text = _DANGEROUS_OPEN.sub("", text)
    return _TAG.sub("", text)


def sanitize_text(text: str) -> str:
    """Plain text prop: no control characters, no raw HTML."""
    if _SUSPICIOUS.search(text) is None:
        return text
    return strip_html(strip_controls(text))


def is_plain(text: str) -> bool:
    """True when sanitize_text and sanitize_markdown return `text` itself: no control, bidi or other invisible
    character (tab and newline allowed; isprintable() rejects all of _CONTROL), no `<`, no `]` (link syntax).
    A cheap sufficient test (C-speed, unlike a regex scan) for the already-clean strings of most answers."""
    if "<" in text or "]" in text:
        return False
    return text.isprintable() or text.replace("\n", "").replace("\t", "").isprintable()


def safe_url(url: str) -> str | None:
    """The URL if it is http(s), mailto or relative and not obfuscated; None otherwise."""
    candidate = url.strip()
    if not candidate or _CONTROL.search(candidate) or any(ch.isspace() for ch in candidate):
        return None
    decoded = html.unescape(candidate) if "&" in candidate else candidate
    if decoded != candidate and (_CONTROL.search(decoded) or any(ch.isspace() for ch in decoded)):
        return None
    match = _SCHEME.match(decoded)
    if match is not None:
        return candidate if match.group(1).lower() in SAFE_SCHEMES else None
    # No clean scheme: a ':' before any of '/?#' still makes browsers read a scheme, so refuse it.
    head = re.split(r"[/?#]", decoded, maxsplit=1)[0]
    return None if ":" in head else candidate


def _safe_md_links(segment: str) -> str:
    def inline(m: re.Match[str]) -> str:
        return m.group(1) + (safe_url(m.group(2)) or "") if m.group(2) else m.group(0)

    def ref(m: re.Match[str]) -> str:
        return m.group(1) + (safe_url(m.group(2)) or "#") + m.group(3)

    def auto(m: re.Match[str]) -> str:
        return m.group(0) if safe_url(m.group(1)) else ""

    if "](" in segment:
        segment = _MD_INLINE_LINK.sub(inline, segment)
    if "]:" in segment:
        segment = _MD_REF_DEF.sub(ref, segment)
    return _MD_AUTOLINK.sub(auto, segment) if "<" in segment else segment


def _sanitize_md_prose(segment: str) -> str:
    if "<" in segment:
        # Autolinks look like tags to nobody but us: protect safe ones by checking before stripping tags.
        segment = _safe_md_links(segment)
        segment = strip_html(segment)
        return segment
    return _safe_md_links(segment)


def sanitize_markdown(text: str) -> str:
    """Markdown prop: no controls, raw HTML or unsafe link targets; code spans and blocks stay as written."""
    text = strip_controls(text) if _CONTROL.search(text) else text
    if "<" not in text and "](" not in text and "]:" not in text:
        return text
    if "`" not in text and "~~~" not in text:
        return _sanitize_md_prose(text)
    parts = _CODE.split(text)
    # split() with one group: odd indexes are code, shown verbatim by the renderer (never executed).
    return "".join(part if index % 2 else _sanitize_md_prose(part) for index, part in enumerate(parts))
