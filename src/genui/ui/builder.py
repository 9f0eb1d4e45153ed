"""The tree builder: the model's raw text in, a repaired, format-neutral UI tree out, step by step to a
TreeWriter (writer.py; streaming-repair.md).

We never forward the model's bytes. The tokenizer walks the skeleton of what the model writes (envelope,
Card, children lists, layout wrappers, TextContent text) and hands every other subtree over whole; each
complete child is repaired by the catalog and appended to the tree, a validated node dict
`{"component": Name, "props": {...}}` under the root Card. The text of a root-level TextContent streams:
it opens as soon as its first sanitized piece is known and grows piece by piece (a piece is held back only
while a tag, a link target or a code fence marker is still open). If nothing usable came, the answer is a
Card with a TextContent holding the model's own text. The writer decides what each step looks like on the
wire; the builder decides what the tree is, and enforces the child and text caps.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from typing import Any, Protocol

import orjson

from .catalog import LAYOUT_WRAPPERS, fold
from .grow import GROWABLE, ITEM_CONTENT, Growth, Repairs, grow_whole, split_growing
from .sanitize import open_fence, sanitize_markdown, span_safe_cut, strip_controls
from .tokenizer import (
    CAPTURE,
    DESCEND,
    ITEMS,
    MISSING,
    SKIP,
    JsonScalar,
    JsonTokenizer,
    loads_lenient,
)
from .writer import ROOT, TreeWriter

_TEXT_PROBE = "probe"
_EMPTY_ANSWER = "The model returned an empty answer."


# Streamed markdown is sanitized piece by piece; a piece may not end inside a construct the sanitizer must
# see whole: a tag or autolink (`<x ...`), a link target (`](url`), a reference target (`]: url`), a run of
# backticks or tildes (it may become a code fence marker), the start of a line (a fence may open there).
_HOLD = re.compile(
    r"<(script|style|iframe|object|embed|noscript|template|svg|math)\b(?:(?!</\1).)*\Z"  # dropped whole
    r"|<(?:[A-Za-z/!?][^>]*)?\Z|\]\Z|(?:\A|\n)[ ]{0,3}[`~]*\Z|[`~]+\Z"
    # a link or reference target still open (the destination grammar of sanitize._MD_DEST and _MD_REF_DEF)
    r"|\]\([ \t]*\n?[ \t]*(?:<(?:\\.|[^<>\n\\])*+\\?|(?:\\.|[^\x00-\x20()\\])*+\\?(?:\([^\x00-\x20]*)?)\Z"
    r"|\]:[ \t]*\n?[ \t]*(?:<[^<>\n]*|[^\x00-\x20]*)\Z",
    re.IGNORECASE | re.DOTALL,
)
# Text sanitize_markdown returns unchanged, that cannot start a held construct (no < [ ] or controls), a code
# span or a fence (no backtick or tilde), and is not only spaces (see _prefix). With backticks allowed: text
# that is plain if it pairs them (_pairs_ticks).
_PLAIN_TEXT = re.compile(
    "(?! *\\Z)[^<\\[\\]`~\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]*\\Z"
)
_PLAIN_TICKS = re.compile(
    "(?! *\\Z)[^<\\[\\]~\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]*\\Z"
)
_LINE_START = re.compile(r"(?:\A|\n)[ ]{0,3}\Z")
_MAX_HOLD = 400  # beyond this a construct is neutralized (tag opener escaped, link broken) and released
_FENCE_LINE = re.compile(r"^\s*(```|~~~)[\w-]*\s*$", re.MULTILINE)
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')
_ONE_BRACKET = bytes.maketrans(b"[]", b"{}")
_QUOTED = re.compile(rb'"[^"]*"')


def _pairs_ticks(text: str) -> bool:
    """Whether plain text leaves no code span or fence open, as sanitize_markdown pairs backticks: no run of
    three, none at its end (the next piece may make it longer), and on its last line (a span never crosses
    one) as many opening backticks as closing ones. (Text sent before never ends inside a span: see _cut.)"""
    return "```" not in text and text[-1] != "`" and text.count("`", text.rfind("\n") + 1) % 2 == 0


class RepairCatalog(Repairs, Protocol):
    """What the repairer needs from genui.ui.Catalog."""

    def new_state(self, repairs: list[str] | None = None) -> Any: ...

    def repair_tree(self, node: object, repairs: list[str] | None = None) -> dict[str, Any]: ...


# ---- skeleton frames ------

_NODE, _PROPS, _LIST = 0, 1, 2
# a growing container's list, one of its items whose content grows, that content, an object on the way to
# a list (a Table's tableBody)
_GROW, _ITEM, _CONTENT, _SUB = 3, 4, 5, 6
_UNKNOWN, _ENVELOPE, _WRAPPER, _TEXT, _GENERIC, _CONTAINER = 0, 1, 2, 3, 4, 5


class _Frame:
    __slots__ = ("fields", "growth", "kind", "name", "node", "props", "role", "streamed", "text_open", "top")

    def __init__(self, kind: int, top: bool, node: _Frame | None = None) -> None:
        self.kind = kind
        self.top = top  # part of the answer's top-level value chain (envelope -> Card)
        self.node = node  # for _PROPS, _GROW, _ITEM, _CONTENT: the node frame they belong to; _SUB: the props
        self.role = _UNKNOWN
        self.name: str | None = None
        self.fields: dict[str, object] = {}
        self.props: dict[str, object] = {}
        self.streamed = False
        self.text_open = False
        self.growth: Growth | None = None  # a _CONTAINER's list growing in the writer


def _plain_card_children(text: str) -> list[object] | None:
    """The children of `text` when it is exactly one strict-JSON Card (bare or in the envelope) with only
    children; None for anything the streaming walk must handle itself."""
    body = text.strip()
    if not (body.startswith("{") and body.endswith("}")):
        return None
    try:
        value = orjson.loads(body)  # strict: NaN, Infinity and lone surrogates take the streaming walk
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


class TreeBuilder:
    """The model's text in (feed() any number of times, or complete() once; then finish()), the tree's
    growth out, step by step to `writer`. Caps: Card children, text per streamed node, nesting, node size."""

    # Note: CPython 3.11 keeps at most 29 instance attributes in its fast shared layout (30 made every
    # `self.x` slower, 7% on a 4-byte-delta stream): add state to an existing holder, not a new attribute.

    feed: Callable[[str], None]  # the next piece of model text: the tokenizer's own feed, no extra call

    def __init__(
        self,
        catalog: RepairCatalog,
        writer: TreeWriter,
        *,
        max_children: int | None = None,
        max_node_chars: int = 1_000_000,
        max_text_chars: int | None = None,
        max_depth: int = 48,
        max_fallback_chars: int = 20_000,
    ) -> None:
        self._catalog = catalog
        self._writer = writer
        limits = getattr(catalog, "limits", None)
        self._max_children = max_children or int(getattr(limits, "max_children", 50))
        self._max_text = max_text_chars or int(getattr(limits, "max_string", 20_000))
        self._max_items = int(getattr(limits, "max_children", 50))  # items of a growing container's list
        self._max_depth = max_depth
        self.repairs: list[str] = []
        self._state = catalog.new_state(self.repairs)
        self._children = 0  # children of the root written (or being streamed)
        self._full = False  # the writer's output budget ran out: no more children
        self._noted: set[str] = set()
        # skeleton
        self._stack: list[_Frame] = []
        self._key: str | None = None
        self._capture_key: str | None = None
        self._root_props: dict[str, object] | None = None
        self._text_probe: dict[str, bool] | None = None  # the catalog's memo, fetched on first use
        # streamed text
        self._hold = ""
        self._fence = ""  # the code fence marker the text sent of the streamed node leaves open
        self._last = ""  # the last piece of it sent
        self._text_chars = 0
        self._text_frame: _Frame | None = None
        # text outside the JSON, kept (capped) for the no-usable-output fallback
        self._prose: list[str] = []
        self._prose_room = max_fallback_chars
        self._tokenizer = JsonTokenizer(self, max_capture_chars=max_node_chars, max_depth=max_depth)
        self.feed = self._tokenizer.feed

    # ---- public API ------

    @property
    def started(self) -> bool:
        """Whether the tree has a child yet (the writer has opened the root)."""
        return self._children > 0

    def complete(self, text: str) -> None:
        """All of the model's text at once (finish() comes next). One plain strict-JSON Card is read by orjson
        and its children committed as the streaming walk commits them, the writer holding them to write them
        together: about 4x faster than feeding it, and the same tree (with duplicate keys the last one wins
        here, while a stream may already have sent the first). Anything else is fed."""
        children = None if self._children else _plain_card_children(text)
        if children is not None:
            limit = self._max_depth - 4
            # the children list sits at least 3 levels deep in the text (Card, props, children): a text
            # nesting below limit + 3 proves the exact walk would find nothing
            if _nesting_below(text.strip(), limit + 3) or not _deeper_than(children, limit):
                # A container grown item by item writes the bytes it would write whole, unless the output
                # cap cuts it (then the stream shows its first items): only then is it grown here too.
                room = getattr(self._writer, "room", None)
                grow = not isinstance(room, int) or 6 * len(text) >= room
                self._writer.hold()
                try:
                    for child in children:  # the same per-child commit the streaming walk makes
                        if not (grow and self._commit_growing(child)):
                            self._commit(child)
                finally:
                    self._writer.release()
                return
        self.feed(text)

    def finish(self, raw: str = "") -> None:
        """The model is done: close what is open, fall back to `raw` (the model's text, or its start) when
        nothing usable came, and finish the tree."""
        self._tokenizer.close()
        if self._children == 0:
            self._emit_fallback(raw)
        self._writer.finish(self._root_extra())

    def note(self, message: str) -> None:
        """Record a repair (once per kind: a 1 MB answer must not log 10k lines)."""
        if message not in self._noted:
            self._noted.add(message)
            self.repairs.append(message)

    # ---- tree growth ------

    def _emit_child(self, node: dict[str, Any]) -> None:
        if self._children >= self._max_children:
            self.note(f"dropped children beyond {self._max_children}")
        elif self._full or not self._writer.append_child(ROOT, node):
            self._full = True
            self.note("dropped children beyond the output size cap")
        else:
            self._children += 1

    def _commit(self, value: object, depth: int = 0) -> None:
        """A complete value found where a Card child belongs: repair it into 0..n children and append them."""
        if type(value) is dict and not isinstance(value.get("component"), dict):
            node: dict[str, Any] | None = value  # the common case: a node
        else:
            node = self._node_of(value, depth)
            if node is None:
                return
        if self._children >= self._max_children:
            self.note(f"dropped children beyond {self._max_children}")
            return
        if self._full:
            self.note("dropped children beyond the output size cap")
            return
        for child in self._catalog.repair_nodes(node, self.repairs, state=self._state):
            self._emit_child(child)

    def _commit_growing(self, value: object) -> bool:
        """A container child of a Card parsed whole, grown as the streaming walk grows it (the same output);
        False for any other value."""
        found = split_growing(value)
        if found is None or self._full or self._children >= self._max_children:
            return False
        name, before, props = found
        growth = Growth(
            self._catalog,
            self._writer,
            name,
            before,
            (self._children,),
            self._max_items,
            self.repairs,
            self._state,
        )
        extra = grow_whole(growth, props)
        whole = growth.close(extra)
        self._grown(growth)
        if whole is not None:
            self._commit(whole)
        return True

    def _node_of(self, value: object, depth: int) -> dict[str, Any] | None:
        """The node to repair for a value that is not plainly one; None when there is none (dropped, or a list
        or an envelope whose content was committed here)."""
        if value is MISSING or value is None:
            return None
        if isinstance(value, list):
            if depth > self._max_depth:
                self.note("dropped a list nested too deeply")
                return None
            for item in value:
                self._commit(item, depth + 1)
            return None
        if isinstance(value, str):
            if not value.strip():
                return None
            self.note("plain text child -> TextContent")
            return {"component": "TextContent", "props": {"textMarkdown": value}}
        if isinstance(value, dict) and isinstance(value.get("component"), dict):
            self._commit(value["component"], depth + 1)  # an envelope where a node belongs
            return None
        if not isinstance(value, dict):
            self.note("dropped a scalar child")
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
            self.note("text truncated at the size cap")
            if not text:
                return
        if frame.text_open:
            if not self._writer.append_text(text):
                self._full = True
                self.note("text truncated at the output size cap")
                self._text_frame = None
                return
        elif self._children >= self._max_children:
            self.note(f"dropped children beyond {self._max_children}")
            self._text_frame = None
            return
        elif self._full or not self._writer.open_text(ROOT, "TextContent", "textMarkdown", text):
            self._full = True
            self.note("dropped children beyond the output size cap")
            self._text_frame = None
            return
        else:
            self._children += 1
            frame.text_open = True
        self._text_chars += len(text)
        self._last = text

    def _release(self, final: bool) -> None:
        """Sanitize and send held text up to a point no sanitizer construct spans (all of it when final)."""
        buf = self._hold
        if not buf:
            return
        if final:
            self._hold = ""
            self._send(self._sanitized(buf))
            return
        cut = self._cut(buf)
        if cut == 0 and len(buf) >= _MAX_HOLD:
            buf = self._neutralize(buf)
            cut = len(buf.rstrip(" ")) - 1 if buf.rstrip(" ").endswith("\n") else len(buf)  # not a line start
        self._hold = buf[cut:]
        if cut:
            piece = buf[:cut]
            clean = self._sanitized(piece)
            # the piece itself may end where a construct opens (`x]` of `x]<b`), or removing a tag may leave
            # one open (`]:<b>` is `]:`): hold that back too (sanitized text sanitizes to itself, so it may
            # go through again with what comes next)
            if cut < len(buf) or clean != piece:
                recut = self._cut(clean)
                if len(clean) - recut < _MAX_HOLD:
                    self._hold = clean[recut:] + self._hold
                    clean = clean[:recut]
            self._send(clean)

    def _cut(self, text: str) -> int:
        """Where held text must stop being sent: before a construct still open at its end, and never inside
        a code span (which text is code is decided by the whole span)."""
        m = _HOLD.search(text, max(0, len(text) - _MAX_HOLD))
        cut = len(text) if m is None else m.start()
        if "`" in text:
            prefix = self._prefix()
            cut = max(0, span_safe_cut(prefix + text, cut + len(prefix)) - len(prefix))
        return cut

    def _prefix(self) -> str:
        """What the sanitizer must read before the next piece to read it as the rest of the text sent so far:
        the marker of a code fence still open, then where the line stands: the spaces that start it when the
        piece continues them (a fence opens only at the start of a line, three spaces in at most), or a
        character when the piece starts in the middle of a line."""
        if not self._text_chars:
            line = ""
        else:
            # held text never ends at a line start (_HOLD), and a plain piece is never only spaces: the last
            # piece sent says where the line stands
            start = _LINE_START.search(self._last)
            line = "x" if start is None else self._last[start.start() :].lstrip("\n")
        if self._fence:
            return self._fence + ("" if line == "x" else "\n" + line)
        return line

    def _sanitized(self, piece: str) -> str:
        """sanitize_markdown of a piece, read as the rest of the node's text (see _prefix): a piece that
        starts inside a code fence is sanitized as code there, and as prose after the fence closes."""
        prefix = self._prefix()
        # the prefix comes back first, as it was: a fence's code is kept as written, and nothing removes the
        # plain character (it is no part of a tag, and link targets come after a `](`)
        return sanitize_markdown(prefix + piece)[len(prefix) :] if prefix else sanitize_markdown(piece)

    def _send(self, clean: str) -> None:
        """Send sanitized text, and note whether it leaves a code fence open."""
        if self._fence or "```" in clean or "~~~" in clean:
            self._fence = open_fence(self._prefix() + clean)
        self._text_piece(clean)

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
        self._writer.close_text(extra)

    # ---- finish ------

    def _root_extra(self) -> dict[str, Any]:
        """Root Card props (variant, width, sources) the model gave, repaired by the catalog."""
        if not self._root_props or self._children == 0:
            return {}
        props = {k: v for k, v in self._root_props.items() if k != "children"}
        if not props:
            return {}
        placeholder = {"component": "TextContent", "props": {"textMarkdown": _TEXT_PROBE}}
        card = self._catalog.repair_tree(
            {"component": "Card", "props": {**props, "children": [placeholder]}}, []
        )
        return {k: v for k, v in card.get("props", {}).items() if k != "children"}

    def _emit_fallback(self, raw: str) -> None:
        """Nothing usable arrived: a Card with a TextContent holding the model's own text."""
        prose = _FENCE_LINE.sub("", "".join(self._prose)).strip()
        text = prose or raw.strip() or _EMPTY_ANSWER
        self.note("no usable component: answered with the model's text")
        tree = self._catalog.repair_tree(text[: self._max_text], self.repairs)
        children = tree.get("props", {}).get("children") or []
        if not children:
            children = self._catalog.repair_tree(_EMPTY_ANSWER, []).get("props", {}).get("children") or []
        for node in children:
            self._emit_child(node)  # none for a catalog without TextContent: the writer closes an empty Card

    # ---- TokenHandler (skeleton walk) ------

    def begin(self, opener: str) -> int:
        key = self._key
        self._key = None
        stack = self._stack
        if not stack:
            stack.append(_Frame(_NODE if opener == "{" else _LIST, True))
            return DESCEND
        top = stack[-1]
        if top.kind == _LIST:
            if self._children >= self._max_children:
                self.note(f"dropped children beyond {self._max_children}")
                return SKIP  # whatever it holds is dropped: scanned past, not parsed
            if self._full:
                self.note("dropped children beyond the output size cap")
                return SKIP
            stack.append(_Frame(_NODE if opener == "{" else _LIST, False))
            return DESCEND
        if top.kind == _NODE:
            if key == "component" and opener == "{" and top.role == _UNKNOWN and top.name is None:
                top.role = _ENVELOPE
                stack.append(_Frame(_NODE, top.top))
                return DESCEND
            if key == "props" and opener == "{" and top.role in (_WRAPPER, _TEXT, _CONTAINER):
                stack.append(_Frame(_PROPS, top.top, top))
                return DESCEND
            if key == "children" and top.role == _WRAPPER:
                stack.append(_Frame(_LIST if opener == "[" else _NODE, False))
                return DESCEND
        elif top.node is not None and top.node.role == _WRAPPER and key == "children":
            stack.append(_Frame(_LIST if opener == "[" else _NODE, False))
            return DESCEND
        elif top.kind not in (_PROPS, _LIST) or (top.node is not None and top.node.role == _CONTAINER):
            mode = self._grow(top, key, opener)
            if mode != CAPTURE:
                return mode
        self._capture_key = key
        return CAPTURE

    def _grow(self, top: _Frame, key: str | None, opener: str) -> int:
        """Walk into a growing container (streaming-repair.md, "Containers"), or CAPTURE the value."""
        kind = top.kind
        if kind in (_PROPS, _SUB):
            props = top if kind == _PROPS else top.node
            assert props is not None and props.node is not None
            container = props.node
            assert container.name is not None
            slot = GROWABLE[container.name]
            depth = 0 if kind == _PROPS else 1
            if key != slot[depth] or container.growth is not None:
                return CAPTURE
            if depth + 1 < len(slot):
                if opener != "{":
                    return CAPTURE
                self._stack.append(_Frame(_SUB, False, top))
                return DESCEND
            if opener != "[" or self._full or self._children >= self._max_children:
                return CAPTURE
            shell = dict(props.props)
            if kind == _SUB:
                shell[slot[0]] = dict(top.fields)
            container.growth = Growth(
                self._catalog,
                self._writer,
                container.name,
                shell,
                (self._children,),
                self._max_items,
                self.repairs,
                self._state,
            )
            self._stack.append(_Frame(_GROW, False, container))
            # items that do not grow themselves come whole, as the tokenizer finds their ends (see items())
            return DESCEND if container.name in ITEM_CONTENT else ITEMS
        owner = top.node
        if owner is None or owner.growth is None:
            return CAPTURE
        if kind == _GROW and opener == "{" and owner.name in ITEM_CONTENT:
            self._stack.append(_Frame(_ITEM, False, owner))
            return DESCEND
        if kind == _ITEM and opener == "[" and key == ITEM_CONTENT.get(owner.name or ""):
            owner.growth.begin_item(top.fields)
            self._stack.append(_Frame(_CONTENT, False, owner))
            return DESCEND
        return CAPTURE

    def _grown(self, growth: Growth) -> None:
        """Count a container that opened among the root's children; stop when the writer is full."""
        if growth.opened and not growth.counted:
            growth.counted = True
            self._children += 1
        if growth.refused:
            self._full = True
            self.note("dropped children beyond the output size cap")

    def end(self) -> None:
        frame = self._stack.pop()
        kind = frame.kind
        if kind in (_LIST, _GROW, _CONTENT):
            return
        if kind == _ITEM:
            growth = frame.node.growth if frame.node is not None else None
            if growth is not None:
                growth.end_item(frame.fields)
                self._grown(growth)
            return
        if kind == _SUB:
            holder = frame.node
            container = holder.node if holder is not None else None
            if holder is not None and container is not None and container.growth is None and container.name:
                holder.props[GROWABLE[container.name][0]] = dict(frame.fields)  # its list never started
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
        growth = frame.growth
        if growth is not None:
            written = built.get("props")
            after = written.items() if isinstance(written, dict) else ()
            extra: dict[str, Any] = {k: v for k, v in after if k not in growth.props and k != growth.slot[0]}
            whole = growth.close(extra)
            self._grown(growth)
            if whole is None:
                return
            built = whole
        self._commit(built)

    def key(self, name: str) -> None:
        self._key = name

    def scalar(self, value: JsonScalar) -> None:
        key = self._key
        self._key = None
        if not self._stack:
            return
        top = self._stack[-1]
        if (
            key == "component" and top.kind == _NODE and isinstance(value, str)
            and top.name is None and top.role == _UNKNOWN
        ):  # fmt: skip
            top.name = value
            folded = fold(value)
            if folded in LAYOUT_WRAPPERS:
                top.role = _WRAPPER
                if folded != "card":
                    self.note(f"unwrapped layout wrapper {value[:30]!r}")
            elif self._is_text_component(value):
                top.role = _TEXT
            elif value in GROWABLE and not top.top:
                top.role = _CONTAINER
            else:
                top.role = _GENERIC
        else:
            self._place(top, key, value)

    def captured(self, raw: str | None, complete: bool) -> None:
        key = self._capture_key
        self._capture_key = None
        if raw is None:
            self.note("dropped a value over the size or depth cap")
            return
        value = loads_lenient(raw, max_depth=self._max_depth)
        if value is MISSING:
            return
        if not self._stack:
            self._commit(value)
            return
        self._place(self._stack[-1], key, value)

    def items(self, raw: str | None, complete: bool) -> None:
        """Items of a growing container's list (begin answered ITEMS): each goes to it as a captured one."""
        if raw is None:
            self.note("dropped a value over the size or depth cap")
            return
        values = loads_lenient("[" + raw + ("]" if complete else ""), max_depth=self._max_depth)
        node = self._stack[-1].node
        growth = node.growth if node is not None else None
        if growth is None or not isinstance(values, list):
            return
        for value in values:
            growth.add(value)
        self._grown(growth)

    def _place(self, top: _Frame, key: str | None, value: object) -> None:
        """A complete value in the skeleton: a Card child in a list, an item of a growing container, else a
        field or prop of the open node."""
        kind = top.kind
        if kind == _LIST:
            self._commit(value)
        elif kind in (_GROW, _CONTENT):
            growth = top.node.growth if top.node is not None else None
            if growth is not None:
                if kind == _GROW:
                    growth.add(value)
                else:
                    growth.add_content(value)
                self._grown(growth)
        elif key is None:
            return
        elif kind == _PROPS:
            top.props[key] = value
        else:
            top.fields[key] = value

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
        self._fence = ""
        self._last = ""
        self._text_chars = 0
        return True

    def string_part(self, text: str) -> None:
        if self._text_frame is None:
            return
        if not self._hold and (_PLAIN_TEXT.match(text) or (_PLAIN_TICKS.match(text) and _pairs_ticks(text))):
            self._text_piece(text)  # nothing the markdown sanitizer would change or must see whole
            return
        # controls go first, as sanitize_markdown drops them: the held text is then what the sanitizer reads
        hold = self._hold = self._hold + strip_controls(text)
        if _PLAIN_TICKS.match(hold):
            if _pairs_ticks(hold):  # the code span closed: all of it is plain, as if it had come in one piece
                self._hold = ""
                self._text_piece(hold)
                return
            if len(hold) < _MAX_HOLD and "```" not in hold:
                return  # plain text in a code span still open: nothing to send before the span closes
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
