"""Streaming writers: a whole page/slide at a time, so every prefix a client reads is a valid artifact.

v1: `<artifact type id version>` + the entity-escaped envelope, opened up to the item list, then one complete
item per `append`, closed by `finish` (the concatenation equals `c1.write_artifact` of the whole envelope).
v2: the root statement first (title literal first), then one complete statement per page/slide; when the
final list differs from the one announced, the root is re-declared before the last slide (lang-core 0.2.18's
streaming parser ignores a root re-declared on the very last line).
"""

from __future__ import annotations

import json
from typing import Any

from ..c1 import escape
from .v1 import ITEMS_KEY, Item, root
from .v2 import item_statement, root_statement


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def artifact_open_tag(kind: str, artifact_id: str, version: int) -> str:
    return f'<artifact type="{escape(kind)}" id="{escape(artifact_id)}" version="{version}">'


class V1Writer:
    def __init__(self, kind: str, artifact_id: str, version: int, title: str, subtitle: str | None = None):
        self.kind = kind
        self.artifact_id = artifact_id
        self.version = version
        self.title = title
        self.subtitle = subtitle
        self.count = 0

    def open(self) -> str:
        head = _dumps({"component": root(self.kind, self.title, [], self.subtitle), "error": None})
        cut = head.rindex(f'"{ITEMS_KEY[self.kind]}":[') + len(ITEMS_KEY[self.kind]) + 4
        return artifact_open_tag(self.kind, self.artifact_id, self.version) + escape(head[:cut])

    def append(self, item: Item) -> str:
        text = ("," if self.count else "") + _dumps(item)
        self.count += 1
        return escape(text)

    def finish(self, error: str | None = None) -> str:
        return escape(']}},"error":' + _dumps(error) + "}") + "</artifact>"


class V2Writer:
    """`planned`: the ids the root announces first (None: unknown, the root lists what is appended)."""

    def __init__(self, kind: str, title: str, subtitle: str | None, planned: list[str] | None = None):
        self.kind = kind
        self.title = title
        self.subtitle = subtitle
        self.planned = list(planned or [])
        self.written: list[str] = []
        self.held = ""  # the last item, kept back while the root may still change

    def open(self) -> str:
        return root_statement(self.kind, self.title, self.subtitle, self.planned)

    def append(self, item_id: str, content: dict[str, Any]) -> str:
        statement = item_statement(self.kind, item_id, content)
        self.written.append(item_id)
        if self.written == self.planned[: len(self.written)]:
            out, self.held = self.held + statement, ""
            return out
        out, self.held = self.held, statement
        return out

    def finish(self) -> str:
        if self.written == self.planned:
            return self.held
        return root_statement(self.kind, self.title, self.subtitle, self.written) + self.held
