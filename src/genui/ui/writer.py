"""The seam between growing a UI tree and writing it in a wire format (streaming-repair.md).

The tree builder (builder.py) reads the model's text, repairs what it finds with the catalog and grows one
format-neutral tree: validated node dicts `{"component": Name, "props": {...}}` (named props) under a root
Card. It tells a TreeWriter each step of that growth, and the writer turns the steps into the text of its
format: C1 content version 1 (JSON, v1_writer.py) or OpenUI Lang (C1 content version 2 or a bare program,
v2_writer.py). Whatever steps it is told, the text a writer has written so far is a prefix that a client of
its format shows as the tree grown so far, or as nothing; the tree only grows.

Positions are paths: the child indexes from the root Card down to a container (ROOT, `()`, is the root).
Containers open early (a Form, Tabs or Table shows as soon as it is renderable): `open_child` appends one
whose growing list (its slot) then gains children at its path until `close_child`; open containers nest
like a stack, so children always go to the innermost one (a JSON writer writes them in order), and a
builder opens a container only in the same step as its first child, so it is never shown empty.
"""

from __future__ import annotations

from typing import Any, Protocol

Node = dict[str, Any]
Path = tuple[int, ...]
Slot = tuple[str, ...]  # where a container's growing list sits inside it, e.g. ("props", "children")
ROOT: Path = ()


def slot_items(value: Any, slot: Slot) -> Any:
    """What sits at `slot` inside `value` (None when the path is not there)."""
    for key in slot:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def with_slot(value: dict[str, Any], slot: Slot, new: Any) -> Any:
    """A copy of `value` with `new` at `slot` (the dicts on the way copied; an empty slot: `new` itself)."""
    if not slot:
        return new
    out = dict(value)
    inner = out
    for key in slot[:-1]:
        inner[key] = dict(inner[key]) if isinstance(inner.get(key), dict) else {}
        inner = inner[key]
    inner[slot[-1]] = new
    return out


class TreeWriter(Protocol):
    """Writes a growing tree as wire text. Every call only appends to `parts` (what is there never changes);
    a call that returns False wrote nothing."""

    parts: list[str]  # the wire text written so far, in the pieces it was written in

    def think(self, title: str, content: str, ephemeral: bool) -> bool:
        """A progress item shown before the tree; False once the tree has started."""
        ...

    def append_child(self, parent: Path, node: Node) -> bool:
        """`node` (complete and valid) becomes the last child of the container at `parent` (the innermost
        open one); the root opens with its first child. False when it does not fit the output budget."""
        ...

    def open_child(self, parent: Path, node: Node, slot: Slot) -> bool:
        """`node` becomes the last child of `parent` and the innermost open container: its list at `slot`
        holds the children known so far and grows at its path (parent + (index,)) until close_child. The
        node is valid as it is. False when it does not fit the output budget."""
        ...

    def close_child(self, extra: Node) -> None:
        """The innermost open container is complete; `extra` are the keys it gained after its slot (members
        of the object that holds the slot)."""
        ...

    def hold(self) -> None:
        """Until release(), the children append_child accepts may be written together (one encoding pass, one
        re-declaration of their parent): they appear in `parts` at release() at the latest."""
        ...

    def release(self) -> None:
        """Write what hold() kept back."""
        ...

    def open_text(self, parent: Path, component: str, prop: str, text: str) -> bool:
        """A node of `component` whose string prop `prop` streams becomes the last child of `parent`, showing
        `text` so far; it grows with append_text until close_text. False when it does not fit the budget."""
        ...

    def append_text(self, text: str) -> bool:
        """More text of the open streamed prop. False when it does not fit the budget."""
        ...

    def close_text(self, props: Node) -> None:
        """The streamed node is complete; `props` are its other props (repaired)."""
        ...

    def finish(self, root_props: Node, error: str | None = None) -> None:
        """The tree is complete: the root (opened now if no child came) gets its other props and closes;
        `error` is a short explanation for the client, if any."""
        ...
