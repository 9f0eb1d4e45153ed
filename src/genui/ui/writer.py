"""The seam between growing a UI tree and writing it in a wire format (streaming-repair.md).

The tree builder (builder.py) reads the model's text, repairs what it finds with the catalog and grows one
format-neutral tree: validated node dicts `{"component": Name, "props": {...}}` (named props) under a root
Card. It tells a TreeWriter each step of that growth, and the writer turns the steps into the text of its
format: today C1 content version 1 (JSON, v1_writer.py); OpenUI Lang can sit beside it. Whatever steps it
is told, the text a writer has written so far is a prefix that a client of its format shows as the tree
grown so far, or as nothing; the tree only grows.

Positions are paths: the child indexes from the root Card down to a container (ROOT, `()`, is the root).
Today the builder grows the root's children and streams the text of a root-level TextContent; the paths let
a builder open containers early (a Form, Tabs or Table that shows as soon as it is renderable) and append
children inside them, and let a writer re-declare what changed (OpenUI Lang's `root = Card([...])`).
"""

from __future__ import annotations

from typing import Any, Protocol

Node = dict[str, Any]
Path = tuple[int, ...]
ROOT: Path = ()


class TreeWriter(Protocol):
    """Writes a growing tree as wire text. Every call only appends to `parts` (what is there never changes);
    a call that returns False wrote nothing."""

    parts: list[str]  # the wire text written so far, in the pieces it was written in

    def think(self, title: str, content: str, ephemeral: bool) -> bool:
        """A progress item shown before the tree; False once the tree has started."""
        ...

    def append_child(self, parent: Path, node: Node) -> bool:
        """`node` (complete and valid) becomes the last child of the container at `parent`; the root opens
        with its first child. False when it does not fit the writer's output budget."""
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
