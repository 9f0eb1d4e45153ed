"""The texts the renderer accepts, read into C1 parts: a C1 Response (v1 JSON or v2 OpenUI Lang content,
fenced or bare, entity-escaped), an OpenUI 1.0 stored message (`]]>openui:` marker lines), or a bare
answer with no C1 element at all (v1 JSON, or an OpenUI Lang program as OpenUI's gateway streams it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from genui.ui.c1 import C1Part, parse_c1
from genui.ui.openui import read_envelope, stream_safe_length

_ENVELOPE = re.compile(r"(?:\A|\n)\]\]>openui:[a-z]")
_OPENUI = {"version": "2"}


@dataclass(frozen=True)
class ContentTree:
    version: int  # 1: a v1 component tree; 2: a materialized OpenUI Lang tree
    root: dict[str, Any]


def read_parts(text: str, *, partial: bool) -> list[C1Part]:
    """The parts of any accepted input; `partial`: a streamed prefix that may stop anywhere."""
    if not isinstance(text, str):
        return []
    if _ENVELOPE.search(text):
        if partial:  # a last line that is, or may become, a marker waits for its newline
            text = text[: stream_safe_length(text)]
        return [C1Part("content", dict(_OPENUI), read_envelope(text).content)]
    parts = parse_c1(text, partial=partial).parts
    if parts and all(part.kind == "text" for part in parts) and not text.lstrip().startswith("{"):
        # no C1 element and not v1 JSON: a bare program, raw (a gateway answer is not entity-escaped)
        return [C1Part("content", dict(_OPENUI), text)]
    return parts


def is_openui(part: C1Part) -> bool:
    """Whether a content part holds OpenUI Lang (C1 `version="2"` or later) rather than v1 JSON."""
    return part.kind == "content" and part.attrs.get("version", "1").strip() not in ("1", "")
