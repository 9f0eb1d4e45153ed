"""StreamRepairer: the model's raw text deltas in, C1 Response text deltas out (streaming-repair.md).

We never forward the model's bytes. The tokenizer walks the skeleton of what the model writes (envelope,
Card, children lists, layout wrappers, TextContent text) and hands every other subtree over whole; each
complete child is repaired by the catalog and appended to OUR serialization, which only ever grows:

    <content thesys="true">{"component":{"component":"Card","props":{"children":[ child, ... ]}},"error":null}

then `</content>` (the body entity-escaped). Root-level TextContent text is streamed inside its string so a
long paragraph grows on screen. Every delta we return ends between complete children or inside that text
string, never inside an entity, key or component name, so each prefix of the output closes
(c1-wire-format.md §3) to a valid tree or to nothing.
"""

from __future__ import annotations

import json
import re
import weakref
from typing import Any, Protocol

import orjson

from .c1 import write_thinkitem
from .catalog import LAYOUT_WRAPPERS, fold
from .sanitize import sanitize_markdown, strip_controls
from .tokenizer import MISSING, JsonScalar, JsonTokenizer, loads_lenient

_CONTENT_OPEN = '<content thesys="true">'
_CONTENT_CLOSE = "</content>"
_CARD_OPEN = '{"component":{"component":"Card","props":{"children":['
_TEXT_OPEN = '{"component":"TextContent","props":{"textMarkdown":"'
_ENVELOPE_CLOSE = '}},"error":null}'
_TEXT_PROBE = "probe"
_EMPTY_ANSWER = "The model returned an empty answer."


# Streamed markdown is sanitized piece by piece; a piece may not end inside a construct the sanitizer must
# see whole: a tag or autolink (`<x ...`), a link target (`](url`), a reference target (`]: url`).
_HOLD = re.compile(
    r"<(script|style|iframe|object|embed|noscript|template|svg|math)\b(?:(?!</\1).)*\Z"  # dropped whole
    r"|<(?:[A-Za-z/!?][^>]*)?\Z|\]\Z"
    # a link or reference target still open (the destination grammar of sanitize._MD_DEST and _MD_REF_DEF)
    r"|\]\([ \t]*\n?[ \t]*(?:<(?:\\.|[^<>\n\\])*+\\?|(?:\\.|[^\x00-\x20()\\])*+\\?(?:\([^\x00-\x20]*)?)\Z"
    r"|\]:[ \t]*\n?[ \t]*(?:<[^<>\n]*|[^\x00-\x20]*)\Z",
    re.IGNORECASE | re.DOTALL,
)
# Text sanitize_markdown returns unchanged and that cannot start a held construct (no < [ ] or controls).
_PLAIN_TEXT = re.compile("[^<\\[\\]\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]*\\Z")
_MAX_HOLD = 400  # beyond this a construct is neutralized (tag opener escaped, link broken) and released
_JSON_SPECIAL = re.compile('["\\\\\x00-\x1f\u2028\u2029\ud800-\udfff]')
_ENTITY_SPECIAL = re.compile("[&<>\"']")
_FENCE_LINE = re.compile(r"^\s*(```|~~~)[\w-]*\s*$", re.MULTILINE)
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')
_ONE_BRACKET = bytes.maketrans(b"[]", b"{}")
_QUOTED = re.compile(rb'"[^"]*"')


class RepairCatalog(Protocol):
    """What the repairer needs from genui.ui.Catalog."""

    def new_state(self, repairs: list[str] | None = None) -> Any: ...

    def repair_nodes(
        self, node: object, repairs: list[str] | None = None, *, state: Any = None
    ) -> list[dict[str, Any]]: ...

    def repair_tree(self, node: object, repairs: list[str] | None = None) -> dict[str, Any]: ...


def escape_entities(text: str) -> str:
    """Same output as genui.ui.c1.escape (tested), with a no-op fast path: it runs on every streamed delta."""
    if _ENTITY_SPECIAL.search(text) is None:
        return text
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
        .replace("'", "&#39;")
    )  # fmt: skip


# The constant pieces, escaped once (escaping goes character by character, so pieces escape apart).
_CARD_START = _CONTENT_OPEN + escape_entities(_CARD_OPEN)
_TEXT_START = escape_entities(_TEXT_OPEN)
_CARD_END = escape_entities(_ENVELOPE_CLOSE) + _CONTENT_CLOSE


def _json_body(text: str) -> str:
    """The inside of a JSON string literal for text (no quotes); lone surrogates become U+FFFD."""
    if _JSON_SPECIAL.search(text) is None:
        return text
    text = text.encode("utf-8", "replace").decode("utf-8") if re.search("[\ud800-\udfff]", text) else text
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _dumps(value: object) -> str:
    try:
        return orjson.dumps(value).decode()
    except (TypeError, orjson.JSONEncodeError):
        # orjson refuses lone surrogates (a model can write "\ud800"): ASCII-escaped JSON is still valid.
        return json.dumps(value, ensure_ascii=True, separators=(",", ":"))


def _escape_utf8(raw: bytes) -> str:
    """escape_entities(raw.decode()), escaping the bytes first: about twice as fast (the five characters are
    single bytes in UTF-8, never part of a multi-byte sequence)."""
    return (
        raw.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;").replace(b'"', b"&quot;")
        .replace(b"'", b"&#39;").decode()
    )  # fmt: skip


def _escaped_json(value: object) -> str:
    """escape_entities(_dumps(value))."""
    try:
        raw = orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):
        return escape_entities(_dumps(value))
    return _escape_utf8(raw)


# ---- skeleton frames ------

_NODE, _PROPS, _LIST = 0, 1, 2
_UNKNOWN, _ENVELOPE, _WRAPPER, _TEXT, _GENERIC = 0, 1, 2, 3, 4


class _Frame:
    __slots__ = ("fields", "kind", "name", "node", "props", "role", "streamed", "text_open", "top")

    def __init__(self, kind: int, top: bool, node: _Frame | None = None) -> None:
        self.kind = kind
        self.top = top  # part of the answer's top-level value chain (envelope -> Card)
        self.node = node  # for _PROPS: the node frame these props belong to
        self.role = _UNKNOWN
        self.name: str | None = None
        self.fields: dict[str, object] = {}
        self.props: dict[str, object] = {}
        self.streamed = False
        self.text_open = False


def _plain_card_children(text: str) -> list[object] | None:
    """The children of `text` when it is exactly one strict-JSON Card (bare or in the envelope) with only
    children; None for anything the streaming walk must handle itself."""
    body = text.strip()
    if not (body.startswith("{") and body.endswith("}")):
        return None
    try:
        value = orjson.loads(body)  # strict: NaN, huge ints, lone surrogates take the streaming walk
    except orjson.JSONDecodeError:
        return None
    if (
        isinstance(value, dict)
        and set(value) == {"component", "error"}
        and isinstance(value["component"], dict)
    ):
        if value["error"] is not None:
            return None
        value = value["component"]
    if not isinstance(value, dict) or set(value) != {"component", "props"} or value["component"] != "Card":
        return None
    props = value["props"]
    if not isinstance(props, dict) or set(props) != {"children"} or not isinstance(props["children"], list):
        return None
    children: list[object] = props["children"]
    return children


def _nesting_below(body: str, bound: int) -> bool:
    """Whether strict-JSON `body` provably nests containers fewer than `bound` levels deep (False: unknown).

    C-speed string operations only: drop escape pairs, keep the quote and bracket bytes, drop the strings
    (quote pairs), then peel innermost bracket pairs level by level until the containers left could not nest
    deep enough.
    """
    if "\\" in body:
        # a `\\` run pairs up from its start, so after dropping `\\` pairs every `\"` is an escaped quote
        body = body.replace("\\\\", "").replace('\\"', "")
    quoted = body.encode("utf-8", "surrogatepass").translate(None, _NOT_STRUCTURE)
    skeleton = quoted.replace(b'""', b"")  # strings without brackets inside: the common case, fast
    if b'"' in skeleton:
        skeleton = _QUOTED.sub(b"", quoted)  # some string holds a bracket: pair the quotes properly
    skeleton = skeleton.translate(_ONE_BRACKET)
    if skeleton.count(b"{") * 2 != len(skeleton):
        return False  # not balanced: not the strict JSON this expects
    for peeled in range(bound):
        # nesting = levels peeled + what is left, and what is left nests at most as deep as it has containers
        if peeled + len(skeleton) // 2 < bound:
            return True
        skeleton = skeleton.replace(b"{}", b"")  # every innermost container at once: one level
    return False


def _deeper_than(value: dict[str, object] | list[object], limit: int) -> bool:
    """Whether containers nest more than `limit` levels (the streaming walk drops those: let it decide)."""
    level: list[Any] = [value]
    for _ in range(limit):
        level = [
            item
            for container in level
            for item in (container.values() if isinstance(container, dict) else container)
            if isinstance(item, dict | list)
        ]
        if not level:
            return False
    return True


# Which component names a catalog repairs into a plain TextContent: a property of the (immutable) catalog, so
# remembered per catalog (at most _MAX_TEXT_PROBES names: they come from the model).
_TEXT_PROBES: weakref.WeakKeyDictionary[object, dict[str, bool]] = weakref.WeakKeyDictionary()
_MAX_TEXT_PROBES = 256


def _text_probes_of(catalog: object) -> dict[str, bool]:
    try:
        return _TEXT_PROBES.setdefault(catalog, {})
    except TypeError:  # a catalog that cannot be weakly referenced or hashed: remember per repairer only
        return {}


class _Batch:
    """Children emitted together: their JSON, the first one's prefix, and the most output they can take."""

    __slots__ = ("most", "prefix", "raws")

    def __init__(self) -> None:
        self.raws: list[bytes] = []
        self.prefix = ""
        self.most = 0


class StreamRepairer:
    """Model text deltas in, C1 Response text deltas out; every prefix of the output renders (or is empty)."""

    # Note: CPython 3.11 keeps at most 29 instance attributes in its fast shared layout (30 made every
    # `self.x` slower, 7% on a 4-byte-delta stream): add state to an existing holder, not a new attribute.

    def __init__(
        self,
        catalog: RepairCatalog,
        *,
        max_children: int | None = None,
        max_output_chars: int = 4_000_000,
        max_node_chars: int = 1_000_000,
        max_text_chars: int | None = None,
        max_depth: int = 48,
        max_fallback_chars: int = 20_000,
    ) -> None:
        self._catalog = catalog
        limits = getattr(catalog, "limits", None)
        self._max_children = max_children or int(getattr(limits, "max_children", 50))
        self._max_text = max_text_chars or int(getattr(limits, "max_string", 20_000))
        self._max_output = max_output_chars
        self._max_depth = max_depth
        self.repairs: list[str] = []
        self._state = catalog.new_state(self.repairs)
        self._parts: list[str] = []
        self._text_cache: str | None = ""
        self._out_chars = 0
        self._started = False  # <content> opened
        self._children = 0
        self._finished = False
        self._full = False
        self._noted: set[str] = set()
        self._batch: _Batch | None = None  # children complete() emits together
        # skeleton
        self._stack: list[_Frame] = []
        self._key: str | None = None
        self._capture_key: str | None = None
        self._root_props: dict[str, object] | None = None
        self._text_probe: dict[str, bool] | None = None  # the catalog's memo, fetched on first use
        # streamed text
        self._hold = ""
        self._text_chars = 0
        self._text_frame: _Frame | None = None
        # raw model text, kept (capped) for the no-usable-output fallback
        self._raw: list[str] = []
        self._raw_room = max_fallback_chars  # chars of raw text still kept for the fallback
        self._prose: list[str] = []
        self._prose_room = max_fallback_chars
        self._tokenizer = JsonTokenizer(self, max_capture_chars=max_node_chars, max_depth=max_depth)

    # ---- public API ------

    @property
    def text(self) -> str:
        """Everything emitted so far."""
        if self._text_cache is None:
            self._text_cache = "".join(self._parts)
        return self._text_cache

    def think(self, title: str, content: str, ephemeral: bool = True) -> str:
        """A <thinkitem> to send now; only before content starts (afterwards it is dropped and noted)."""
        if self._started or self._finished:
            self._note("think item after content started: dropped")
            return ""
        piece = write_thinkitem(title, content, ephemeral)
        self._emit(piece)
        return piece

    def feed(self, delta: str) -> str:
        """C1 text to send now for the next model delta (maybe "")."""
        if self._finished or not delta:
            return ""
        if self._raw_room > 0:
            self._raw.append(delta)
            self._raw_room -= len(delta)
        parts = self._parts
        mark = len(parts)
        self._tokenizer.feed(delta)
        end = len(parts)
        if end == mark:
            return ""
        return parts[mark] if end == mark + 1 else "".join(parts[mark:])

    def complete(self, text: str) -> str:
        """The whole answer at once, about 4x faster than `feed(text) + finish()` for a plain strict-JSON Card
        and the same output (with duplicate keys the last one wins here; the streaming walk, which may
        already have sent the first, keeps that)."""
        children = None if self._started or self._finished else _plain_card_children(text)
        if children is None:
            return self.feed(text) + self.finish()
        limit = self._max_depth - 4
        # the children list sits at least 3 levels deep in the text (Card, props, children): a text nesting
        # below limit + 3 proves the exact walk would find nothing
        if not _nesting_below(text.strip(), limit + 3) and _deeper_than(children, limit):
            return self.feed(text) + self.finish()
        if self._raw_room > 0:
            self._raw.append(text)
            self._raw_room -= len(text)
        mark = len(self._parts)
        batch = self._batch = _Batch()  # children escaped together (see _emit_child)
        try:
            for child in children:  # the same per-child commit the streaming walk makes
                self._commit(child)
            self._flush_batch(batch)
        finally:
            self._batch = None
        return "".join(self._parts[mark:]) + self.finish()

    def finish(self) -> str:
        """The rest of the response; afterwards `text` is a complete, valid C1 Response."""
        if self._finished:
            return ""
        mark = len(self._parts)
        self._tokenizer.close()
        self._finished = True
        if self._children == 0:
            self._emit_fallback()
        self._emit("]" + escape_entities(self._root_extra()) + _CARD_END)
        return "".join(self._parts[mark:])

    # ---- writer ------

    def _note(self, message: str) -> None:
        if message not in self._noted:  # one note per kind: a 1 MB answer must not log 10k lines
            self._noted.add(message)
            self.repairs.append(message)

    def _emit(self, piece: str) -> None:
        self._parts.append(piece)
        self._out_chars += len(piece)
        self._text_cache = None

    def _child_prefix(self) -> str:
        if self._started:
            return ","
        self._started = True
        return _CARD_START

    def _room(self, size: int) -> bool:
        if self._children >= self._max_children:
            self._note(f"dropped children beyond {self._max_children}")
            return False
        if self._full or self._out_chars + size > self._max_output:
            self._full = True
            self._note("dropped children beyond the output size cap")
            return False
        return True

    def _emit_child(self, node: dict[str, Any]) -> None:
        batch = self._batch
        if batch is not None and self._batched(batch, node):
            return
        body = _escaped_json(node)
        if self._room(len(body)):
            self._children += 1
            self._emit(self._child_prefix() + body)

    def _batched(self, batch: _Batch, node: dict[str, Any]) -> bool:
        """Add the child to the batch (escaped later with the rest, in one pass) when its room is certain even
        if every character became `&quot;` (6 chars, at most one per byte) after a 1-char comma. Otherwise
        send the batch so far and return False: the child goes the one-by-one way, which checks it exactly."""
        try:
            raw = orjson.dumps(node)
        except (TypeError, orjson.JSONEncodeError):
            raw = b""  # orjson refuses it (see _dumps)
        size = 6 * len(raw) + 1
        if (
            raw and self._out_chars + batch.most + size <= self._max_output
            and self._children < self._max_children and not self._full
        ):  # fmt: skip
            self._children += 1
            if not batch.raws:
                batch.prefix = self._child_prefix()
                size += len(batch.prefix)
            batch.most += size
            batch.raws.append(raw)
            return True
        self._flush_batch(batch)
        return False

    def _flush_batch(self, batch: _Batch) -> None:
        """Emit the batched children: the batch's first prefix, then their JSON joined by commas, escaped."""
        if batch.raws:
            # `,` is the prefix of every later child, and escaping leaves it as it is
            self._emit(batch.prefix + _escape_utf8(b",".join(batch.raws)))
            batch.raws.clear()
            batch.most = 0

    def _commit(self, value: object, depth: int = 0) -> None:
        """A complete value found where a Card child belongs: repair it into 0..n children and append them."""
        if type(value) is dict and not isinstance(value.get("component"), dict):
            node: dict[str, Any] | None = value  # the common case: a node
        else:
            node = self._node_of(value, depth)
            if node is None:
                return
        if self._children >= self._max_children:
            self._note(f"dropped children beyond {self._max_children}")
            return
        for child in self._catalog.repair_nodes(node, self.repairs, state=self._state):
            self._emit_child(child)

    def _node_of(self, value: object, depth: int) -> dict[str, Any] | None:
        """The node to repair for a value that is not plainly one; None when there is none (dropped, or a list
        or an envelope whose content was committed here)."""
        if value is MISSING or value is None:
            return None
        if isinstance(value, list):
            if depth > self._max_depth:
                self._note("dropped a list nested too deeply")
                return None
            for item in value:
                self._commit(item, depth + 1)
            return None
        if isinstance(value, str):
            if not value.strip():
                return None
            self._note("plain text child -> TextContent")
            return {"component": "TextContent", "props": {"textMarkdown": value}}
        if isinstance(value, dict) and isinstance(value.get("component"), dict):
            self._commit(value["component"], depth + 1)  # an envelope where a node belongs
            return None
        if not isinstance(value, dict):
            self._note("dropped a scalar child")
            return None
        return value

    # ---- streamed TextContent text ------

    def _is_text_component(self, name: str) -> bool:
        memo = self._text_probe
        if memo is None:
            memo = self._text_probe = _text_probes_of(self._catalog)
        known = memo.get(name)
        if known is None:
            probe = {"component": name, "props": {"textMarkdown": _TEXT_PROBE}}
            nodes = self._catalog.repair_nodes(probe, [])
            known = (
                len(nodes) == 1 and nodes[0].get("component") == "TextContent"
                and nodes[0].get("props", {}).get("textMarkdown") == _TEXT_PROBE
            )  # fmt: skip
            if len(memo) >= _MAX_TEXT_PROBES:
                memo.clear()  # the names come from the model: start over rather than grow
            memo[name] = known
        return known

    def _text_piece(self, text: str) -> None:
        """Append sanitized text to the open (or about to open) streamed TextContent."""
        frame = self._text_frame
        if frame is None or not text:
            return
        room = self._max_text - self._text_chars
        if len(text) > room:
            text = text[: max(room, 0)]
            self._note("text truncated at the size cap")
            if not text:
                return
        body = escape_entities(_json_body(text))
        if not frame.text_open:
            if not self._room(len(body)):
                self._text_frame = None
                return
            self._children += 1
            frame.text_open = True
            body = self._child_prefix() + _TEXT_START + body
        elif self._out_chars + len(body) > self._max_output:
            self._full = True
            self._note("text truncated at the output size cap")
            self._text_frame = None
            return
        self._text_chars += len(text)
        self._emit(body)

    def _release(self, final: bool) -> None:
        """Sanitize and send held text up to a point no sanitizer construct spans (all of it when final)."""
        buf = self._hold
        if not buf:
            return
        if final:
            self._hold = ""
            self._text_piece(sanitize_markdown(buf))
            return
        m = _HOLD.search(buf, max(0, len(buf) - _MAX_HOLD))
        if m is None:
            cut = len(buf)
        elif m.start() == 0 and len(buf) >= _MAX_HOLD:
            buf = self._neutralize(buf)
            cut = len(buf)
        else:
            cut = m.start()
        self._hold = buf[cut:]
        if cut:
            self._text_piece(sanitize_markdown(buf[:cut]))

    @staticmethod
    def _neutralize(buf: str) -> str:
        """A construct that never ends: make it inert text so it can be released in pieces safely."""
        if buf.startswith("<"):
            # an open tag: `&lt;` shows as `<` and no tag can form; a dropped block's opener is already whole
            return buf if ">" in buf else "&lt;" + buf[1:]
        if buf.lstrip(" \n").startswith("["):
            return "\\" + buf.lstrip(" \n") if buf.startswith("[") else buf.replace("[", "\\[", 1)
        return buf.replace("](", "] (", 1)  # `] (` is not link syntax

    def _close_text(self, frame: _Frame) -> None:
        """The streamed TextContent node ended: send the rest of its text, its other props, and close it."""
        if self._text_frame is frame:
            self._release(final=True)
            self._text_frame = None
        extra: dict[str, Any] = {}
        if frame.props:
            props = {**frame.props, "textMarkdown": _TEXT_PROBE}
            nodes = self._catalog.repair_nodes({"component": "TextContent", "props": props}, self.repairs)
            if len(nodes) == 1 and nodes[0].get("component") == "TextContent":
                extra = {k: v for k, v in nodes[0]["props"].items() if k != "textMarkdown"}
        tail = '"' + ("," + _dumps(extra)[1:-1] if extra else "") + "}}"
        self._emit(escape_entities(tail))

    # ---- finish ------

    def _root_extra(self) -> str:
        """Root Card props (variant, width, sources) the model gave, repaired by the catalog; '' when none."""
        if not self._root_props or self._children == 0:
            return ""
        props = {k: v for k, v in self._root_props.items() if k != "children"}
        if not props:
            return ""
        placeholder = {"component": "TextContent", "props": {"textMarkdown": _TEXT_PROBE}}
        card = self._catalog.repair_tree(
            {"component": "Card", "props": {**props, "children": [placeholder]}}, []
        )
        extra = {k: v for k, v in card.get("props", {}).items() if k != "children"}
        return "," + _dumps(extra)[1:-1] if extra else ""

    def _emit_fallback(self) -> None:
        """Nothing usable arrived: a Card with a TextContent holding the model's own text."""
        prose = _FENCE_LINE.sub("", "".join(self._prose)).strip()
        text = prose or "".join(self._raw).strip() or _EMPTY_ANSWER
        self._note("no usable component: answered with the model's text")
        tree = self._catalog.repair_tree(text[: self._max_text], self.repairs)
        children = tree.get("props", {}).get("children") or []
        if not children:
            children = self._catalog.repair_tree(_EMPTY_ANSWER, []).get("props", {}).get("children") or []
        for node in children:
            self._emit_child(node)
        if not self._started:
            self._emit(self._child_prefix())  # a catalog without TextContent: an empty Card, still valid

    # ---- TokenHandler (skeleton walk) ------

    def begin(self, opener: str) -> bool:
        key = self._key
        self._key = None
        stack = self._stack
        if not stack:
            stack.append(_Frame(_NODE if opener == "{" else _LIST, True))
            return True
        top = stack[-1]
        if top.kind == _LIST:
            stack.append(_Frame(_NODE if opener == "{" else _LIST, False))
            return True
        if top.kind == _NODE:
            if key == "component" and opener == "{" and top.role == _UNKNOWN and top.name is None:
                top.role = _ENVELOPE
                stack.append(_Frame(_NODE, top.top))
                return True
            if key == "props" and opener == "{" and top.role in (_WRAPPER, _TEXT):
                stack.append(_Frame(_PROPS, top.top, top))
                return True
            if key == "children" and top.role == _WRAPPER:
                stack.append(_Frame(_LIST if opener == "[" else _NODE, False))
                return True
        elif top.node is not None and top.node.role == _WRAPPER and key == "children":
            stack.append(_Frame(_LIST if opener == "[" else _NODE, False))
            return True
        self._capture_key = key
        return False

    def end(self) -> None:
        frame = self._stack.pop()
        if frame.kind == _LIST:
            return
        if frame.kind == _PROPS:
            node = frame.node
            assert node is not None
            node.props.update(frame.props)
            if node.top and node.role == _WRAPPER and self._root_props is None:
                self._root_props = dict(frame.props)
            return
        role = frame.role
        if role == _ENVELOPE:
            return
        if role == _TEXT and frame.text_open:
            self._close_text(frame)
            return
        if self._text_frame is frame:
            self._text_frame = None
        built: dict[str, object] = dict(frame.fields)
        if frame.name is not None:
            built["component"] = frame.name
        if role == _WRAPPER:
            # children seen before the component name were captured, not streamed: splice them now
            captured = built.get("props")
            props = dict(captured) if isinstance(captured, dict) else {}
            if frame.top and self._root_props is None and props:
                self._root_props = dict(props)
            if "children" not in props and "children" in built:
                props["children"] = built["children"]
            if "children" in props or "content" in props:
                self._commit({"component": frame.name, "props": props})
            return
        if frame.props:
            base = built.get("props")
            built["props"] = {**(base if isinstance(base, dict) else {}), **frame.props}
        self._commit(built)

    def key(self, name: str) -> None:
        self._key = name

    def scalar(self, value: JsonScalar) -> None:
        key = self._key
        self._key = None
        if not self._stack:
            return
        top = self._stack[-1]
        if top.kind == _LIST:
            self._commit(value)
        elif key is None:
            return
        elif top.kind == _NODE:
            if key == "component" and isinstance(value, str) and top.name is None and top.role == _UNKNOWN:
                top.name = value
                folded = fold(value)
                if folded in LAYOUT_WRAPPERS:
                    top.role = _WRAPPER
                    if folded != "card":
                        self._note(f"unwrapped layout wrapper {value[:30]!r}")
                elif self._is_text_component(value):
                    top.role = _TEXT
                else:
                    top.role = _GENERIC
            else:
                top.fields[key] = value
        else:
            top.props[key] = value

    def captured(self, raw: str | None, complete: bool) -> None:
        key = self._capture_key
        self._capture_key = None
        if raw is None:
            self._note("dropped a value over the size or depth cap")
            return
        value = loads_lenient(raw, max_depth=self._max_depth)
        if value is MISSING:
            return
        if not self._stack:
            self._commit(value)
            return
        top = self._stack[-1]
        if top.kind == _LIST:
            self._commit(value)
        elif key is None:
            return
        elif top.kind == _NODE:
            top.fields[key] = value
        else:
            top.props[key] = value

    def begin_string(self) -> bool:
        stack = self._stack
        if not stack or self._key != "textMarkdown" or self._full:
            return False
        top = stack[-1]
        node = top.node
        if top.kind != _PROPS or node is None or node.role != _TEXT or node.streamed:
            return False
        self._key = None
        node.streamed = True
        self._text_frame = node
        self._hold = ""
        self._text_chars = 0
        return True

    def string_part(self, text: str) -> None:
        if self._text_frame is None:
            return
        if not self._hold and _PLAIN_TEXT.match(text):
            self._text_piece(text)  # nothing the markdown sanitizer would change or must see whole
            return
        # controls go first, as sanitize_markdown drops them: the held text is then what the sanitizer reads
        self._hold += strip_controls(text)
        self._release(final=False)

    def end_string(self) -> None:
        if self._text_frame is not None:
            self._release(final=True)
        if self._text_frame is not None and not self._text_frame.text_open:
            # nothing survived (empty or all markup): commit the node whole at its end instead
            self._text_frame.props["textMarkdown"] = ""
            self._text_frame = None

    def prose(self, text: str) -> None:
        if self._prose_room > 0:
            self._prose.append(text)
            self._prose_room -= len(text)
