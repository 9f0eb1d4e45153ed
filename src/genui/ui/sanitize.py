"""The one text, markdown and URL safety policy of genui: the repairer applies it to model output, the
renderer to whatever C1 it draws (c1 spec: clients render markdown and follow URLs).

URL policy (`safe_url` for links, `safe_image_url` for image sources). After stripping ASCII whitespace at its
ends, a URL is kept only if
- it holds no whitespace and no control, format (bidi, zero-width), separator, surrogate, private-use or
  unassigned character, before or after entity decoding (`str.isprintable()` rejects exactly the categories
  C* and Z* except the ASCII space, which is refused on its own);
- entity-decoded as a browser would (`html.unescape`: `&#106;`, `&colon;`, `&Tab;`, missing semicolons), its
  scheme, case-folded, is http, https or mailto (images: http or https only), or it has no scheme at all: a
  relative path, fragment or query, with no ':' before its first '/', '?' or '#';
- it is not protocol-relative (`//host`, also written with backslashes, which browsers read as slashes): on a
  page opened from disk that becomes `file://host`.
`data:` images are refused too: an SVG data URL can carry script, and a model has no business inlining files.

Hand-rolled regexes instead of an HTML sanitizer library: we do not keep any HTML at all (the client renders
markdown, never raw HTML), so removing tags is enough and much cheaper than parsing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
SAFE_IMAGE_SCHEMES = frozenset({"http", "https"})
_ASCII_WHITESPACE = " \t\n\r\f"

# C0/C1 controls except \t \n, plus DEL and bidi overrides / isolates (used to disguise text and URLs).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
# Anything worth a closer look: controls, a tag opener, or an entity that might hide one.
_SUSPICIOUS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff<]")
_DANGEROUS_BLOCK = re.compile(
    r"<(script|style|iframe|object|embed|noscript|template|svg|math)\b[^>]*>.*?(?:</\1\s*>|$)",
    re.IGNORECASE | re.DOTALL,
)
_DANGEROUS_OPEN = re.compile(r"<(script|style|iframe|object|embed|noscript|template|svg|math)\b[^>]*>?", re.I)
# A raw HTML tag (open, close, self-closing, comment, declaration, processing instruction, CDATA);
# `<https://x>` autolinks have no tag-name end.
_TAG = re.compile(
    r"<!--.*?(?:-->|$)|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<![A-Za-z][^<>]*>|<\?.*?(?:\?>|$)"
    r"|<!\[CDATA\[.*?(?:\]\]>|$)",
    re.DOTALL,
)
# Code as CommonMark reads it, roughly: a fence opens and closes at the start of a line (up to three spaces
# in); a code span pairs single backticks on one line.
_CODE = re.compile(
    r"((?:\A|(?<=\n))[ ]{0,3}(?:```[\s\S]*?(?:\n[ ]{0,3}```|\Z)|~~~[\s\S]*?(?:\n[ ]{0,3}~~~|\Z))|`[^`\n]*`)"
)
# CommonMark link destinations: `<...>` (spaces allowed, no line break), or a run of backslash escapes
# and of characters other than ASCII spaces and controls (NBSP, bidi and zero-width characters belong to
# it). A run that meets a '(' may go on past the next ')' (balanced parentheses): it is judged up to the
# next ASCII space, which holds the whole destination. Before it: spaces, tabs, at most one line break.
_MD_GAP = r"[ \t]*\n?[ \t]*"
_MD_DEST = r"<(?:\\.|[^<>\n\\])*+>?|(?:\\.|[^\x00-\x20()\\])*+\([^\x00-\x20]*|(?:\\.|[^\x00-\x20()\\])*+\\?"
_MD_INLINE_LINK = re.compile(r"(\]\(" + _MD_GAP + ")(" + _MD_DEST + ")")
# A reference definition's target, wherever `]:` stands: a label may span lines and sit in a quote or a list.
_MD_REF_DEF = re.compile(r"(\]:" + _MD_GAP + r")(<[^<>\n]*>?|[^\x00-\x20]+)")
_MD_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*:[^<>\x00-\x20]*)>")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def strip_controls(text: str) -> str:
    """Remove control and bidi-override characters, keeping tab and newline."""
    return _CONTROL.sub("", text.replace("\r\n", "\n"))


def strip_html(text: str) -> str:
    """Drop script-like blocks with their content, then every remaining raw HTML tag (keeping inner text)."""
    text = _DANGEROUS_BLOCK.sub("", text)
    text = _DANGEROUS_OPEN.sub("", text)
    for _ in range(3):
        stripped = _TAG.sub("", text)
        if stripped == text:
            return text
        text = stripped  # a tag can form where others were removed (`<<b>b onclick=...>`): look again
    # still forming after three passes (a deep nest of them): make what is left inert instead, in one pass
    return _TAG.sub(lambda m: "&lt;" + m.group(0)[1:], text)


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


def _printable(text: str) -> bool:
    """No character of the categories C* or Z* (see the module docstring); isprintable runs at C speed."""
    return text.isprintable() and " " not in text


def _judge_url(url: object, schemes: frozenset[str]) -> str | None:
    if not isinstance(url, str):
        return None
    candidate = url.strip(_ASCII_WHITESPACE)
    if not candidate or not _printable(candidate):
        return None
    decoded = html.unescape(candidate) if "&" in candidate else candidate
    if decoded is not candidate and not _printable(decoded):
        return None
    if decoded.replace("\\", "/").startswith("//"):
        return None  # protocol-relative: `file://host` on a page opened from disk
    match = _SCHEME.match(decoded)
    if match is not None:
        return candidate if match.group(1).lower() in schemes else None
    # No clean scheme: a ':' before any of '/?#' still makes browsers read a scheme, so refuse it.
    head = re.split(r"[/?#]", decoded, maxsplit=1)[0]
    return None if ":" in head else candidate


def safe_url(url: object) -> str | None:
    """The link target (stripped) if the URL policy keeps it (http, https, mailto, relative); else None."""
    return _judge_url(url, SAFE_SCHEMES)


def safe_image_url(url: object) -> str | None:
    """The image source (stripped) if the URL policy keeps it (http, https or relative); None otherwise."""
    return _judge_url(url, SAFE_IMAGE_SCHEMES)


def _md_destination_safe(dest: str) -> bool:
    """Whether a markdown link destination, read as CommonMark reads it, passes the URL policy."""
    if dest.startswith("<"):
        dest = dest[1:-1] if dest.endswith(">") else dest[1:]
    elif "\\" in dest:
        if (len(dest) - len(dest.rstrip("\\"))) % 2:
            return False  # a lone backslash at the end escapes what comes next: a line break, a space...
        dest = _MD_ESCAPE.sub(r"\1", dest)
    return safe_url(dest) is not None


def _judge_targets(pattern: re.Pattern[str], text: str, judge: Callable[[re.Match[str]], str | None]) -> str:
    """`text` with each match of `pattern` (group 2: a target) replaced by `judge(match)`, or kept when it
    returns None. A kept target is searched again from its start: a `](` inside it may open a link of its
    own (the `](` before it need not be one: `](/([x](javascript:...)`)."""
    out: list[str] = []
    kept_to = 0  # text[:kept_to] is in `out`
    start = 0
    while (match := pattern.search(text, start)) is not None:
        replacement = judge(match)
        if replacement is None:
            start = match.start(2) if match.group(2) else match.end()
            continue
        out.append(text[kept_to : match.start()])
        out.append(replacement)
        kept_to = start = match.end()
    out.append(text[kept_to:])
    return "".join(out)


def _safe_md_links(segment: str) -> str:
    def inline(m: re.Match[str]) -> str | None:
        if not m.group(2) or _md_destination_safe(m.group(2)):
            return None
        # drop the target and close the link here, so nothing after it can become the target instead
        closed = m.string.startswith(")", m.end())
        return m.group(1) if closed else m.group(1) + ")"

    def ref(m: re.Match[str]) -> str | None:
        return None if _md_destination_safe(m.group(2)) else m.group(1) + "#"

    def auto(m: re.Match[str]) -> str:
        return m.group(0) if safe_url(m.group(1)) else ""

    if "](" in segment:
        segment = _judge_targets(_MD_INLINE_LINK, segment, inline)
    if "]:" in segment:
        segment = _judge_targets(_MD_REF_DEF, segment, ref)
    return _MD_AUTOLINK.sub(auto, segment) if "<" in segment else segment


def _fence_marker(code: str) -> str:
    """The marker of a code match that is a fence ("" for a code span)."""
    marker = code.lstrip(" ")[:3]
    return marker if marker in ("```", "~~~") else ""


def open_fence(text: str) -> str:
    """The marker (three backticks or tildes) of a code fence `text` leaves open, as sanitize_markdown reads
    code; "" when it leaves none."""
    if "```" not in text and "~~~" not in text:
        return ""
    last = None
    for match in _CODE.finditer(text):
        last = match
    if last is None or last.end() != len(text):
        return ""
    code = last.group(0)
    marker = _fence_marker(code)
    closed = re.search(r"\n[ ]{0,3}" + re.escape(marker) + r"\Z", code) is not None
    return "" if not marker or closed else marker


def span_safe_cut(text: str, cut: int) -> int:
    """`cut` moved back, if need be, so that it falls in no code span as sanitize_markdown pairs backticks
    in `text`: not inside one, and not after a backtick of the last line that pairs with none yet (a later
    one may close it, and the span would then swallow what follows). A cut inside a code fence is fine:
    what follows is read with the fence's marker in front."""
    line = text.rfind("\n") + 1  # a span never crosses a line
    end = 0  # where the last code seen ends
    for match in _CODE.finditer(text):
        tick = text.find("`", max(end, line), match.start())
        if tick >= 0 or match.start() >= cut:
            return cut if tick < 0 else min(cut, tick)
        end = match.end()
        if end > cut and not _fence_marker(match.group(0)):
            return match.start()
    tick = text.find("`", max(end, line))
    return cut if tick < 0 else min(cut, tick)


def _strip_md_html(text: str) -> str:
    """strip_html outside code spans and blocks."""
    if "<" not in text:
        return text
    if "`" not in text and "~~~" not in text:
        return strip_html(text)
    parts = _CODE.split(text)
    # split() with one group: odd indexes are code, shown verbatim by the renderer (never executed)
    return "".join(part if index % 2 else strip_html(part) for index, part in enumerate(parts))


def sanitize_markdown(text: str) -> str:
    """Markdown prop: no controls, raw HTML or unsafe link targets; code spans and blocks keep their tags.

    Link targets are judged everywhere, code included (a link that opens before a code span takes the span's
    text into its target; a link inside code loses nothing but its unsafe target), tags outside code. Each
    can bring the other about: removing a tag joins a link (`[x]<b>(...)`), removing a target can end a code
    span early. So both run until nothing changes: the result sanitizes to itself."""
    text = strip_controls(text) if _CONTROL.search(text) else text
    for _ in range(4):
        if "<" not in text and "](" not in text and "]:" not in text:
            return text
        clean = _strip_md_html(_safe_md_links(text))
        if clean == text:
            return text
        text = clean
    # still changing after four rounds (a deep nest of constructs that form as others go): make all inert
    return text.replace("<", "&lt;").replace("](", "] (").replace("]:", "] :")
