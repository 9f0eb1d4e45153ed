"""TreeWriter for C1 content version 1 (c1-wire-format.md §3): the entity-escaped JSON envelope

    <content thesys="true">{"component":{"component":"Card","props":{"children":[ child, ... ]}},
    "error":null}</content>     (one line on the wire)

written as the tree grows: the envelope and the root open with the first child, each child goes out whole
(its JSON), a streamed text prop grows inside its JSON string, and the brackets close at the end. An open
container is written with its other members first and its growing list last (`{"component":"Form","props":
{"name":"f","children":[`), so what follows is only its children and then its closers. Every piece ends
between children or inside that string, never inside an entity, a key or a component name, so each prefix of
the output closes to a valid tree or to nothing.
"""

from __future__ import annotations

import json
import re
from functools import cache

import orjson

from .c1 import CONTENT_CLOSE, CONTENT_OPEN_V1, escape, write_thinkitem
from .writer import Node, Path, Slot, slot_items

_CARD_START = CONTENT_OPEN_V1 + escape('{"component":{"component":"Card","props":{"children":[')
_PLAIN_END = "]" + escape('}},"error":null}') + CONTENT_CLOSE
_JSON_SPECIAL = re.compile('["\\\\\x00-\x1f\u2028\u2029\ud800-\udfff]')


def _json_body(text: str) -> str:
    """The inside of a JSON string literal for text (no quotes); lone surrogates become U+FFFD."""
    if _JSON_SPECIAL.search(text) is None:
        return text
    text = text.encode("utf-8", "replace").decode("utf-8") if re.search("[\ud800-\udfff]", text) else text
    return json.dumps(text, ensure_ascii=False)[1:-1]


def dumps(value: object) -> str:
    """Compact JSON of a value of the tree."""
    try:
        return orjson.dumps(value).decode()
    except (TypeError, orjson.JSONEncodeError):
        # orjson refuses lone surrogates (a model can write "\ud800"): ASCII-escaped JSON is still valid.
        return json.dumps(value, ensure_ascii=True, separators=(",", ":"))


def _escape_utf8(raw: bytes) -> str:
    """escape(raw.decode()), escaping the bytes first: about twice as fast (the five characters are single
    bytes in UTF-8, never part of a multi-byte sequence)."""
    return (
        raw.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;").replace(b'"', b"&quot;")
        .replace(b"'", b"&#39;").decode()
    )  # fmt: skip


def _escaped_json(value: object) -> str:
    """escape(dumps(value))."""
    try:
        raw = orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):
        return escape(dumps(value))
    return _escape_utf8(raw)


def _members(props: Node) -> str:
    """`,"key":value...` of a props object, or "" when it is empty."""
    return "," + dumps(props)[1:-1] if props else ""


@cache
def _text_start(component: str, prop: str) -> str:
    return escape('{"component":' + dumps(component) + ',"props":{' + dumps(prop) + ':"')


class _Batch:
    """Children written together: their JSON, the first one's prefix, and the most output they can take."""

    __slots__ = ("most", "prefix", "raws")

    def __init__(self) -> None:
        self.raws: list[bytes] = []
        self.prefix = ""
        self.most = 0


def _opening(value: Node, slot: Slot) -> str:
    """JSON of `value` up to and into the list at `slot`, the other members first (so the list, written
    empty, ends the JSON: cut after its `[`)."""
    return dumps(_list_last(value, slot))[: -1 - len(slot)]


def _list_last(value: Node, slot: Slot) -> Node:
    key = slot[0]
    out = {k: v for k, v in value.items() if k != key}
    out[key] = _list_last(value[key], slot[1:]) if len(slot) > 1 else []
    return out


class _Open:
    """An open container: its opening text (written with its first child, never alone: an empty list may be
    invalid), how deep its list sits (closers to write)."""

    __slots__ = ("depth", "head")

    def __init__(self, head: str, depth: int) -> None:
        self.head: str | None = head  # None once written (so it has a child)
        self.depth = depth


class V1Writer:
    """Writes the tree as C1 v1 content; `max_chars` bounds the whole output (think items included)."""

    def __init__(self, max_chars: int = 4_000_000) -> None:
        self.parts: list[str] = []
        self.chars = 0
        self._max = max_chars
        self._open = False  # <content> and the root opened
        self._batch: _Batch | None = None
        self._stack: list[_Open] = []  # open containers below the root, innermost last

    @property
    def room(self) -> int:
        """Characters the output may still take."""
        return self._max - self.chars

    def _emit(self, piece: str) -> None:
        self.parts.append(piece)
        self.chars += len(piece)

    def _child_prefix(self) -> str:
        if self._open:
            return ","
        self._open = True
        return _CARD_START

    def think(self, title: str, content: str, ephemeral: bool) -> bool:
        if self._open:
            return False
        self._emit(write_thinkitem(title, content, ephemeral))
        return True

    def _check(self, parent: Path) -> None:
        if len(parent) != len(self._stack):
            raise ValueError(f"{parent} is not the innermost open container")

    def _nested(self, body: str) -> bool:
        """Write a child of the innermost open container, after the openings not written yet (a container is
        written with its first child: a written one has a child, an unwritten one none)."""
        stack = self._stack
        if stack[-1].head is None:  # the usual case: only a comma before the child
            start = len(stack)
            text = "," + body
        else:
            start = len(stack) - 1
            while start and stack[start - 1].head is not None:
                start -= 1
            pieces = []
            for i in range(start, len(stack)):
                if i == 0:
                    pieces.append("," if self._open else _CARD_START)
                elif i == start:  # its parent is written
                    pieces.append(",")
                pieces.append(stack[i].head or "")
            text = "".join(pieces) + body
        if self.chars + len(text) > self._max:
            return False
        for i in range(start, len(stack)):
            stack[i].head = None
        if start == 0:
            self._open = True
        self._emit(text)
        return True

    def append_child(self, parent: Path, node: Node) -> bool:
        if parent or self._stack:
            self._check(parent)
            self._flush_held()
            return self._nested(_escaped_json(node))
        batch = self._batch
        if batch is not None and self._batched(batch, node):
            return True
        body = _escaped_json(node)
        if self.chars + len(body) > self._max:
            return False
        self._emit(self._child_prefix() + body)
        return True

    def hold(self) -> None:
        self._batch = _Batch()

    def _flush_held(self) -> None:
        """Write held children now (the order of the output is the order of the events)."""
        if self._batch is not None:
            self._flush(self._batch)

    def release(self) -> None:
        batch = self._batch
        self._batch = None
        if batch is not None:
            self._flush(batch)

    def _batched(self, batch: _Batch, node: Node) -> bool:
        """Add the child to the batch (escaped later with the rest, in one pass) when its room is certain
        even if every character became `&quot;` (6 chars, at most one per byte) after a 1-char comma.
        Otherwise write the batch so far and return False: the child goes one by one, checked exactly."""
        try:
            raw = orjson.dumps(node)
        except (TypeError, orjson.JSONEncodeError):
            raw = b""  # orjson refuses it (see dumps)
        size = 6 * len(raw) + 1
        if raw and self.chars + batch.most + size <= self._max:
            if not batch.raws:
                batch.prefix = self._child_prefix()
                size += len(batch.prefix)
            batch.most += size
            batch.raws.append(raw)
            return True
        self._flush(batch)
        return False

    def _flush(self, batch: _Batch) -> None:
        """Write the batched children: the batch's first prefix, then their JSON joined by commas, escaped."""
        if batch.raws:
            # `,` is the prefix of every later child, and escaping leaves it as it is
            self._emit(batch.prefix + _escape_utf8(b",".join(batch.raws)))
            batch.raws.clear()
            batch.most = 0

    def open_child(self, parent: Path, node: Node, slot: Slot) -> bool:
        self._check(parent)
        self._flush_held()
        items = slot_items(node, slot) or []
        self._stack.append(_Open(escape(_opening(node, slot)), len(slot)))
        if items and not self._nested(",".join(_escaped_json(item) for item in items)):
            self._stack.pop()  # written now with the children it comes with, or not at all
            return False
        return True

    def close_child(self, extra: Node) -> None:
        self._flush_held()
        top = self._stack.pop()
        if top.head is None:  # never written: a container without children is not shown at all
            self._emit(escape("]" + _members(extra) + "}" * top.depth))

    def open_text(self, parent: Path, component: str, prop: str, text: str) -> bool:
        if parent or self._stack:
            self._check(parent)
            self._flush_held()
            return self._nested(_text_start(component, prop) + escape(_json_body(text)))
        self._flush_held()  # children held before it go first
        body = escape(_json_body(text))
        if self.chars + len(body) > self._max:
            return False
        self._emit(self._child_prefix() + _text_start(component, prop) + body)
        return True

    def append_text(self, text: str) -> bool:
        body = escape(_json_body(text))
        if self.chars + len(body) > self._max:
            return False
        self.parts.append(body)  # _emit inlined: this runs for every streamed delta
        self.chars += len(body)
        return True

    def close_text(self, props: Node) -> None:
        self._emit(escape('"' + _members(props) + "}}"))

    def finish(self, root_props: Node, error: str | None = None) -> None:
        while self._stack:
            self.close_child({})
        if not self._open:
            self._emit(self._child_prefix())  # no child came: an empty Card, still a valid tree
        if root_props or error is not None:
            end = _members(root_props) + '}},"error":' + dumps(error) + "}"
            self._emit("]" + escape(end) + CONTENT_CLOSE)
        else:
            self._emit(_PLAIN_END)  # the usual end, escaped once
