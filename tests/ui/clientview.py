"""A pure-Python model of how a C1 client reads a streamed prefix (c1-wire-format.md §3), genui-independent.

For a prefix: find the `<content thesys="true">` body (maybe unterminated), entity-unescape it, close the JSON
leniently the way a client does (close an open string, drop a trailing comma, close brackets), `json.loads`,
then validate the whole tree with jsonschema. Cuts the spec says render nothing (inside an entity, a key, a
component name, a literal or an escape, or right after `"key":`) count as "invalid": a server must never stop
there. `StreamReader` gives the same answers as reading each prefix from scratch, but resumes its scan where
the previous prefix ended and validates each Card child once, so long streams stay cheap to check.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator

EMPTY, VALID, INVALID = "empty", "valid", "invalid"

_OPEN = re.compile(r'<content thesys="true"(?:\s+version="1")?>')
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_TOKEN = re.compile(
    r'(?P<str>"(?:[^"\\]|\\.)*")|(?P<cut>"(?:[^"\\]|\\.)*\\?\Z)|(?P<ws>\s+)|(?P<punct>[{}\[\],:])'
    r'|(?P<word>[^\s{}\[\],:"]+)'
)
_CUT_ESCAPE = re.compile(r"(\\+)(?:u[0-9a-fA-F]{0,3})?\Z")
_LITERALS = ("true", "false", "null")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?\Z")
_CLOSERS = {"}": "{", "]": "["}


@dataclass
class Reading:
    status: str  # EMPTY | VALID | INVALID
    tree: dict[str, Any] | None = None
    why: str = ""


class _JsonCloser:
    """Resumable lenient closer: feed it the growing decoded text; close() answers for the current prefix."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.keys: list[str | None] = []  # per open container: current key (objects) or None (arrays)
        self.out: list[str] = []
        self.expect_key = False  # at a key position in an object
        self.dangling = 0  # 1: a key waits for its colon, 2: a key and colon wait for the value
        self.pos = 0  # text[:pos] is consumed into the state
        self.broken = False

    def _value_allowed(self) -> bool:
        in_object = bool(self.stack) and self.stack[-1] == "{"
        return self.dangling == 2 if in_object else self.dangling == 0

    def _consume(self, kind: str | None, tok: str) -> bool:
        """Apply one complete token; False when the text can never become a valid prefix."""
        if kind == "ws":
            self.out.append(tok)
            return True
        if kind == "str" and self.expect_key:
            self.keys[-1] = json.loads(tok)
            self.expect_key = False
            self.dangling = 1
        elif tok == ":":
            if self.dangling != 1:
                return False
            self.dangling = 2
        elif tok in "}]":
            if not self.stack or _CLOSERS[tok] != self.stack[-1] or self.dangling:
                return False
            self.stack.pop()
            self.keys.pop()
            self.expect_key = False
        elif tok == ",":
            if self.dangling:
                return False
            self.expect_key = bool(self.stack) and self.stack[-1] == "{"
        elif self.expect_key or not self._value_allowed():
            return False
        elif tok in "{[":
            self.stack.append(tok)
            self.keys.append(None)
            self.expect_key = tok == "{"
            self.dangling = 0
        elif kind == "word" and tok not in _LITERALS and _NUMBER.match(tok) is None:
            return False  # a bare word must be a whole number or literal
        else:
            self.dangling = 0
        self.out.append(tok)
        return True

    def close(self, text: str) -> str | None:
        """Closed JSON for text (which extends every text seen before), or None if it renders nothing."""
        if self.broken:
            return None
        tail: re.Match[str] | None = None
        for m in _TOKEN.finditer(text, self.pos):
            if m.start() != self.pos:
                self.broken = True
                return None
            kind = m.lastgroup
            if m.end() == len(text) and kind in ("cut", "word"):
                tail = m  # may still grow: judge it without consuming it
                break
            if not self._consume(kind, m.group()):
                self.broken = True
                return None
            self.pos = m.end()
        if tail is None and self.pos != len(text):
            return None
        extra = ""
        if tail is not None:
            tok = tail.group()
            if tail.lastgroup == "word":
                whole = tok in _LITERALS or _NUMBER.match(tok) is not None
                if not self._value_allowed() or self.expect_key or not whole:
                    return None  # a literal cut in half (`tru`)
                extra = tok
            else:
                if self.expect_key or not self._value_allowed():
                    return None  # cut inside a key
                if self.keys and self.keys[-1] == "component":
                    return None  # cut inside a component name
                escape = _CUT_ESCAPE.search(tok)
                if escape is not None and len(escape.group(1)) % 2 == 1:
                    return None  # cut inside an escape
                extra = tok + '"'
        elif self.dangling:
            return None  # right after `"key":` or a dangling `"key"`
        closed = ("".join(self.out) + extra).rstrip()
        if closed.endswith(","):
            closed = closed[:-1]
        return closed + "".join("}" if opener == "{" else "]" for opener in reversed(self.stack))


def close_json(text: str) -> str | None:
    """Close a JSON prefix like a client: None where the spec says the prefix renders nothing."""
    return _JsonCloser().close(text)


class ClientView:
    """Reads C1 prefixes like a client; validates with the catalog's validation schema (jsonschema)."""

    def __init__(self, validation_schema: dict[str, Any]) -> None:
        self.schema = validation_schema
        self.validator = Draft202012Validator(validation_schema)
        defs = validation_schema.get("$defs", {})
        card_props = defs.get("CardProps", {})
        children_schema = card_props.get("properties", {}).get("children", {})
        self.max_children: int | None = children_schema.get("maxItems")
        item = children_schema.get("items", {})
        self.child_validator = Draft202012Validator({**item, "$defs": defs})
        self.child_cache: dict[str, str | None] = {}

    def child_error(self, child: object) -> str | None:
        key = json.dumps(child, sort_keys=True)
        if key not in self.child_cache:
            error = next(iter(self.child_validator.iter_errors(child)), None)
            found = None if error is None else f"{list(error.absolute_path)}: {error.message[:200]}"
            self.child_cache[key] = found
        return self.child_cache[key]

    def tree_error(self, tree: object) -> str | None:
        """Whole-tree validation: the Card without children, the child count, then each child (cached)."""
        if not isinstance(tree, dict) or not isinstance(tree.get("props"), dict):
            return "root is not a node"
        children = tree["props"].get("children")
        if not isinstance(children, list):
            return "Card children is not a list"
        shell = {**tree, "props": {**tree["props"], "children": []}}
        error = next(iter(self.validator.iter_errors(shell)), None)
        if error is not None:
            return f"{list(error.absolute_path)}: {error.message[:200]}"
        if self.max_children is not None and len(children) > self.max_children:
            return f"{len(children)} children"
        for index, child in enumerate(children):
            message = self.child_error(child)
            if message is not None:
                return f"child {index}: {message}"
        return None

    def stream(self) -> StreamReader:
        return StreamReader(self)

    def read(self, prefix: str) -> Reading:
        """Read one prefix from scratch."""
        return StreamReader(self).push(prefix)

    def final_tree(self, text: str) -> dict[str, Any]:
        """The tree of a complete response; AssertionError unless closed, cleanly escaped and valid."""
        m = _OPEN.search(text)
        assert m is not None, "no <content> element"
        end = text.find("</content>", m.end())
        assert end >= 0, "content element not closed"
        body = text[m.end() : end]
        assert "<" not in body and body.count("&") == len(_ENTITY.findall(body)), "bad escaping"
        envelope = json.loads(html.unescape(body))
        assert set(envelope) == {"component", "error"} and envelope["error"] is None, envelope.keys()
        tree = envelope["component"]
        assert tree.get("component") == "Card"
        errors = list(self.validator.iter_errors(tree))
        assert not errors, errors[0].message
        assert isinstance(tree, dict)
        return tree


class StreamReader:
    """Reads successive prefixes of one C1 stream (each push extends the previous text)."""

    def __init__(self, view: ClientView) -> None:
        self.view = view
        self.text = ""
        self.body_start = -1
        self.decoded = ""
        self.raw_done = 0  # body chars decoded so far (up to a point with no cut entity)
        self.closer = _JsonCloser()
        self.bad = ""

    def push(self, piece: str) -> Reading:
        self.text += piece
        if self.body_start < 0:
            m = _OPEN.search(self.text)
            if m is None:
                return Reading(EMPTY)
            self.body_start = m.end()
        if self.bad:
            return Reading(INVALID, why=self.bad)
        end = self.text.find("</content>", self.body_start + self.raw_done)
        body_end = end if end >= 0 else len(self.text)
        region = self.text[self.body_start + self.raw_done : body_end]
        if "<" in region:
            self.bad = "raw '<' in the content body"
            return Reading(INVALID, why=self.bad)
        amp = region.rfind("&")
        cut = amp >= 0 and ";" not in region[amp:]
        whole = region[:amp] if cut else region
        if whole.count("&") != len(_ENTITY.findall(whole)):
            self.bad = "unknown entity"
            return Reading(INVALID, why=self.bad)
        self.decoded += html.unescape(whole)
        self.raw_done += len(whole)
        if cut:
            return Reading(INVALID, why="entity cut in half")
        if not self.decoded.strip():
            return Reading(EMPTY)
        closed = self.closer.close(self.decoded)
        if closed is None:
            return Reading(INVALID, why="prefix cut where a client renders nothing")
        try:
            envelope = json.loads(closed)
        except ValueError as exc:
            return Reading(INVALID, why=f"not JSON after closing: {exc}")
        if not isinstance(envelope, dict) or set(envelope) - {"component", "error"}:
            return Reading(INVALID, why="not an envelope")
        error = envelope.get("error")
        if error is not None and not isinstance(error, str):
            return Reading(INVALID, why="error is neither null nor a string")
        tree = envelope.get("component")
        if tree is None:
            return Reading(EMPTY)
        message = self.view.tree_error(tree)
        if message is not None:
            return Reading(INVALID, tree if isinstance(tree, dict) else None, why=message)
        assert isinstance(tree, dict)
        return Reading(VALID if tree["props"]["children"] else EMPTY, tree)


def check_stream(view: ClientView, yields: list[str]) -> list[Reading]:
    """Assert property (a) over the successive outputs of a stream: every prefix empty or valid, and never
    back to empty once valid. Returns the readings."""
    reader = view.stream()
    seen_valid = False
    readings = []
    for piece in yields:
        if not piece:
            continue
        reading = reader.push(piece)
        tail = reader.text[-300:]
        assert reading.status != INVALID, f"invalid prefix ({reading.why}): ...{tail!r}"
        if reading.status == VALID:
            seen_valid = True
        else:
            assert not seen_valid, f"UI went back to empty: ...{tail!r}"
        readings.append(reading)
    return readings
