"""A client's view of a streamed `<artifact>` (artifacts-and-visualize.md §2.7), independent of genui's
reader: find the element, entity-decode its body, close the JSON prefix the way a client does
(clientview.close_json) and validate the whole tree with jsonschema against the declared artifact schema. v2
programs are checked with genui's OpenUI validator (tests/node/openui checks the same with lang-core)."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from jsonschema import Draft202012Validator

from genui.ui import openui
from genui.ui.artifacts import viewer_library
from genui.ui.artifacts.v1 import json_schema
from ui.clientview import close_json

# A request with material of every kind the composer reads (the fast, browser and judge tests share it).
Q4_MATERIAL = """Create a presentation about our Q4 results

# Q4 review

Revenue grew in every region.

## Revenue by quarter

| Quarter | Revenue | Cost |
|---|---|---|
| Q1 | $3.1M | $2.0M |
| Q2 | $3.4M | $2.1M |
| Q3 | $3.9M | $2.2M |
| Q4 | $4.2M | $2.4M |

## Highlights

- Berlin office opened
- Three new customers: Acme, Globex, Initech

## Key numbers

- Customers: 1,240
- Churn: 2.1%
- NPS: 61

## Share by region

- North: 40%
- South: 35%
- West: 25%

## Outlook
"""

_OPEN = re.compile(r'<artifact type="(slides|report)" id="([^"]*)" version="(\d+)">')
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#39|#x27|apos);")


def artifact_tree(prefix: str) -> dict[str, Any] | None:
    """The envelope a client shows for a prefix holding an `<artifact>`; AssertionError when it shows none
    (an invalid prefix), None before the element's body starts."""
    match = _OPEN.search(prefix)
    if match is None:
        return None
    body = prefix[match.end() :]
    end = body.find("</artifact>")
    body = body[:end] if end >= 0 else body
    assert "<" not in body, "raw '<' in the artifact body"
    amp = body.rfind("&")
    assert amp < 0 or ";" in body[amp:], "prefix cut inside an entity"
    assert body.count("&") == len(_ENTITY.findall(body)), "unknown entity"
    decoded = html.unescape(body)
    if not decoded:
        return None
    closed = close_json(decoded)
    assert closed is not None, f"prefix cut where a client shows nothing: ...{decoded[-80:]!r}"
    envelope = json.loads(closed)
    errors = list(Draft202012Validator(json_schema(match.group(1))).iter_errors(envelope))
    assert not errors, f"{list(errors[0].absolute_path)}: {errors[0].message[:300]}"
    assert isinstance(envelope, dict)
    return envelope


def check_v1_stream(chunks: list[str]) -> dict[str, Any]:
    """Every prefix at a chunk boundary shows a valid tree and items only grow; returns the final envelope."""
    text = ""
    shown = -1
    envelope: dict[str, Any] | None = None
    for chunk in chunks:
        text += chunk
        envelope = artifact_tree(text)
        if envelope is None:
            continue
        root = envelope["component"]
        count = len(root["props"]["slides" if root["component"] == "Presentation" else "pages"])
        assert count >= shown, "the artifact lost items while streaming"
        shown = count
    assert envelope is not None and text.endswith("</artifact>")
    return envelope


def check_v2_stream(chunks: list[str], kind: str, *, patch_of: str | None = None) -> str:
    """Every prefix is whole statements (newline-ended) whose program validates, with only forward references
    to items still to come unresolved; a patch is checked merged into its base. Returns the final program."""
    library = viewer_library(kind)
    text = ""
    for chunk in chunks:
        text += chunk
        assert text.endswith("\n"), f"a prefix ends inside a statement: ...{text[-60:]!r}"
        program = openui.merge_statements(patch_of, text) if patch_of is not None else text
        result = openui.validate(program, library)
        bad = [e.to_dict() for e in result.errors if e.code != "unresolved"]
        assert not bad, (bad, program)
        assert result.root is not None
    final = openui.merge_statements(patch_of, text) if patch_of is not None else text
    result = openui.validate(final, library)
    assert result.valid, [e.to_dict() for e in result.errors]
    return final
