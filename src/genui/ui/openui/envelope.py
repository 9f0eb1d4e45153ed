"""OpenUI 1.0 stored-message envelope (`]]>openui:KIND?query` marker lines) and `]]>openui:config` turns.

    ]]>openui:content?library=acme%402.0.0
    root = Card([t])
    ]]>openui:context
    {"formState": {...}}
    ]]>openui:end

A marker is a whole line; the newline before it belongs to no body. The last `content` wins, a `context`
counts only after it, text before the first marker is content only when no content marker exists, text
with no marker at all is content, and `end` says the message finished.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote_plus

MARKER_PREFIX = "]]>openui:"
CONFIG_MARKER = "]]>openui:config"
_MARKER = re.compile(r"\]\]>openui:([a-z]+)(?:\?([^\r\n]*))?\r?\Z")
_NOT_MISSING: Any = object()


@dataclass(frozen=True, slots=True)
class Envelope:
    content: str
    context: Any = None  # JSON when the body parses, else its text; None when absent
    attrs: dict[str, str] = field(default_factory=dict)  # the content marker's query attributes
    finished: bool = False  # an `end` marker was read


def _attrs(query: str | None) -> dict[str, str]:
    return dict(parse_qsl(query, keep_blank_values=True)) if query else {}


def encode_attrs(attrs: Mapping[str, str]) -> str:
    """Form encoding as OpenUI writes it: encodeURIComponent, then !'()~ escaped, spaces as `+`."""

    def part(text: str) -> str:
        return quote_plus(text, safe="*").replace("~", "%7E")

    return "&".join(f"{part(key)}={part(value)}" for key, value in attrs.items())


def read_envelope(text: str) -> Envelope:
    """The content, context, attributes and end flag of a stored message (marker-less text is content)."""
    lines = text.split("\n")
    sections: list[tuple[str, str | None, list[str]]] = []  # (kind, query, body lines)
    preamble: list[str] = []
    current: list[str] = preamble
    for line in lines:
        match = _MARKER.match(line)
        if match is None:
            current.append(line)
            continue
        current = []
        sections.append((match.group(1), match.group(2), current))
    if not sections:
        return Envelope(text)
    content_index = max((i for i, (kind, _, _) in enumerate(sections) if kind == "content"), default=-1)
    finished = any(kind == "end" for kind, _, _ in sections)
    if content_index < 0:
        return Envelope("\n".join(preamble), None, {}, finished)
    _, query, body = sections[content_index]
    context: Any = None
    for kind, _, context_body in sections[content_index + 1 :]:
        if kind == "context":
            raw = "\n".join(context_body)
            try:
                context = json.loads(raw)
            except ValueError:
                context = raw
    return Envelope("\n".join(body), context, _attrs(query), finished)


def write_envelope(
    content: str, context: Any = _NOT_MISSING, *, attrs: Mapping[str, str] | None = None, end: bool = True
) -> str:
    """A stored message: content marker (+ attrs), body, optional context (strings as is, else JSON), end."""
    head = f"{MARKER_PREFIX}content" + (f"?{encode_attrs(attrs)}" if attrs else "")
    parts = [head, content]
    if context is not _NOT_MISSING:
        body = (
            context
            if isinstance(context, str)
            else json.dumps(context, ensure_ascii=False, separators=(",", ":"))
        )
        parts += [f"{MARKER_PREFIX}context", body]
    if end:
        parts.append(f"{MARKER_PREFIX}end")
    return "\n".join(parts)


def stream_safe_length(text: str) -> int:
    """How much of a streamed envelope may be read now: a last line that is (or may still become) a
    marker is held back until its newline arrives."""
    start = text.rfind("\n") + 1
    last = text[start:]
    if not last:
        return len(text)
    if last.startswith(MARKER_PREFIX) or MARKER_PREFIX.startswith(last):
        return max(0, start - 1) if start else 0
    return len(text)


def parse_openui_config(text: str) -> tuple[dict[str, Any], str]:
    """A `]]>openui:config` system turn: its JSON object and the prose after it (ValueError if malformed)."""
    if not text.startswith(CONFIG_MARKER):
        raise ValueError(f"an OpenUI config turn starts with {CONFIG_MARKER!r} on its own line")
    rest = text[len(CONFIG_MARKER) :]
    if rest.startswith("\r\n"):
        rest = rest[2:]
    elif rest.startswith("\n"):
        rest = rest[1:]
    else:
        raise ValueError(f"{CONFIG_MARKER!r} must be followed by a newline and one line of JSON")
    line, _, prose = rest.partition("\n")
    try:
        config = json.loads(line)
    except ValueError as exc:
        raise ValueError(f"the line after {CONFIG_MARKER!r} is not valid JSON: {exc}") from None
    if not isinstance(config, dict):
        raise ValueError(
            f"the line after {CONFIG_MARKER!r} must be a JSON object, not {type(config).__name__}"
        )
    return config, prose
