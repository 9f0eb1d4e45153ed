"""TreeWriter for OpenUI Lang: C1 content version 2 (`<content thesys="true" version="2">`, the program
entity-escaped) or a bare program (what an OpenUI gateway client reads from `delta.content`).

The program is written so that every piece the writer appends leaves a text that lang-core reads as the tree
grown so far (openui-lang.md §4, the judge facts in docs/openui.md):

    root = Card([c_1, c_2, c_3, c_4])       <- written with the first child: c_2..c_4 are reserved names
    c_1 = Header("Revenue")
    c_2 = Tabs([c_2_1, c_2_2, c_2_3, c_2_4]) <- a container opens the same way
    c_2_1 = TabItem("q1", "Q1", [c_2_1_1, ...])
    ...
    root = Card([c_1, ..., c_8])           <- the 5th child re-declares the root (last wins), capacity doubled

A reserved name not yet defined is only `unresolved` (dropped from its list, no error) while the answer
streams; a container is re-declared only when its list is full, with twice the room, so the total output
stays linear; a re-declaration is always followed, in the same piece, by the statement it was made for
(lang-core 0.2.18 ignores a re-declaration on the last line until another statement follows). At the end
every container whose list has unused names is re-declared with exactly its children. Only complete,
newline-ended statements are written, except a streamed TextContent, whose string grows piece by piece
(each piece JSON-escaped whole, so no escape or entity is ever cut).
"""

from __future__ import annotations

from typing import Any, Literal

from .c1 import CONTENT_CLOSE, escape, write_thinkitem
from .openui.library import Component, Library, chat_library
from .openui.writer import StatementWriter
from .v1_writer import _json_body
from .writer import Node, Path, Slot

Envelope = Literal["c1", "bare"]
CONTENT_OPEN_V2 = '<content thesys="true" version="2">'
_FIRST_CAPACITY = 4


class _Container:
    """An open (or closed) container statement: its args and how many children its list names."""

    __slots__ = ("args", "capacity", "component", "count", "name", "prefix", "slot")

    def __init__(
        self, name: str, prefix: str, component: Component, slot: int, args: list[str | None]
    ) -> None:
        self.name = name
        self.prefix = prefix  # children are named f"{prefix}_{i}"
        self.component = component
        self.slot = slot  # index of the growing param
        self.args = args  # argument text by param (None: absent); the slot's entry is ignored
        self.count = 0  # children written
        self.capacity = 0  # names the current declaration lists (0: not declared yet)

    def child(self, index: int) -> str:
        return f"{self.prefix}_{index}"

    def declaration(self) -> str:
        names = ", ".join(self.child(i) for i in range(1, self.capacity + 1))
        args = [f"[{names}]" if i == self.slot else arg for i, arg in enumerate(self.args)]
        while args and args[-1] is None:
            args.pop()
        return f"{self.name} = {self.component.name}({', '.join('null' if a is None else a for a in args)})"


class V2Writer:
    """Writes the tree as OpenUI Lang against `library` (default: the C1 v2 chat library)."""

    def __init__(
        self, library: Library | None = None, *, envelope: Envelope = "c1", max_chars: int = 4_000_000
    ) -> None:
        self.parts: list[str] = []
        self.chars = 0
        self.library = library if library is not None else chat_library()
        self._envelope = envelope
        self._max = max_chars
        self._statements = StatementWriter(self.library)
        root = self.library.root_component
        if root is None:
            raise ValueError("the library names no root component")
        slot = next((p.name for p in root.params if p.type == "array" and p.refs), None)
        if slot is None:
            raise ValueError(f"the root {root.name} takes no list of components")
        self._root = self._container("root", "c", root, slot, {})
        self._stack: list[_Container] = [self._root]
        self._loose: list[_Container] = []  # closed containers whose list still names unused children
        self._started = False  # the envelope opened
        self._held: list[Node] | None = None
        self._text: tuple[Component, str] | None = None  # the streamed node: its component and name
        self._tail: str | None = None  # the last line written, when it re-declares a statement

    # ---- writing ------

    def _emit(self, text: str) -> bool:
        """Append program text (escaped for the C1 envelope); False when it does not fit the budget."""
        body = escape(text) if self._envelope == "c1" else text
        head = ""
        if not self._started:
            head = CONTENT_OPEN_V2 if self._envelope == "c1" else ""
        if self.chars + len(head) + len(body) > self._max:
            return False
        self._tail = None
        self._started = True
        self.parts.append(head + body)
        self.chars += len(head) + len(body)
        return True

    def _container(self, name: str, prefix: str, component: Component, slot: str, props: Node) -> _Container:
        index = next((i for i, p in enumerate(component.params) if p.name == slot), None)
        if index is None:
            raise ValueError(f"{component.name} has no param {slot!r}")
        args = [
            None if i == index or props.get(p.name) is None else self._statements.value(props[p.name], 1)
            for i, p in enumerate(component.params)
        ]
        return _Container(name, prefix, component, index, args)

    def _room(self, container: _Container, more: int, lines: list[str]) -> None:
        """Make `container`'s list name `more` further children (re-declaring it when full)."""
        needed = container.count + more
        if needed > container.capacity:
            exact = self._held is not None and container.capacity == 0
            container.capacity = needed if exact else max(_FIRST_CAPACITY, 2 * container.capacity, needed)
            lines.append(container.declaration())

    def _item(self, name: str, value: Any) -> list[str]:
        """Statements defining `name` as `value` (a node, or data in a data list)."""
        node = self._statements.as_node(value)
        if node is not None:
            self._statements.statement(value, node[0], node[1], 1, name)
        else:
            self._statements.lines.append(f"{name} = {self._statements.value(value, 1)}")
        return self._statements.take()

    def _innermost(self, parent: Path) -> _Container:
        if len(parent) != len(self._stack) - 1 or self._text is not None:
            raise ValueError(f"{parent} is not the innermost open container")
        return self._stack[-1]

    # ---- TreeWriter ------

    def think(self, title: str, content: str, ephemeral: bool) -> bool:
        if self._started or self._envelope != "c1":
            return False
        piece = write_thinkitem(title, content, ephemeral)
        self.parts.append(piece)
        self.chars += len(piece)
        return True

    def append_child(self, parent: Path, node: Node) -> bool:
        container = self._innermost(parent)
        if self._held is not None and container is self._root:
            self._held.append(node)
            return True
        return self._append(container, [node])

    def _append(self, container: _Container, nodes: list[Any]) -> bool:
        lines: list[str] = []
        self._room(container, len(nodes), lines)
        for offset, value in enumerate(nodes, 1):
            lines += self._item(container.child(container.count + offset), value)
        if not self._emit("\n".join(lines) + "\n"):
            return False
        container.count += len(nodes)
        return True

    def hold(self) -> None:
        self._held = []

    def release(self) -> None:
        held, self._held = self._held, None
        if held:
            self._held = []  # an exact first declaration for what is written together
            try:
                self._append(self._root, held)
            finally:
                self._held = None

    def open_child(self, parent: Path, node: Node, slot: Slot) -> bool:
        container = self._innermost(parent)
        self.release()
        component = self.library.components.get(node.get("component", ""))
        if component is None or slot[:1] != ("props",) or len(slot) != 2:
            raise ValueError(f"cannot open {node.get('component')!r} at {slot}")
        props = node["props"]
        name = container.child(container.count + 1)
        lines: list[str] = []
        self._room(container, 1, lines)
        opened = self._container(name, name, component, slot[1], props)
        nested = self._statements.take()  # components among its other args
        items = list(props.get(slot[1]) or [])
        opened.capacity = max(_FIRST_CAPACITY, len(items))
        lines.append(opened.declaration())
        lines += nested
        for i, item in enumerate(items, 1):
            lines += self._item(opened.child(i), item)
        if not self._emit("\n".join(lines) + "\n"):
            return False
        opened.count = len(items)
        container.count += 1
        self._stack.append(opened)
        return True

    def close_child(self, extra: Node) -> None:
        if len(self._stack) < 2:
            raise ValueError("no open container to close")
        closed = self._stack.pop()
        if extra:
            for i, param in enumerate(closed.component.params):
                if i != closed.slot and extra.get(param.name) is not None:
                    closed.args[i] = self._statements.value(extra[param.name], 1)
            closed.capacity = closed.count
            lines = [closed.declaration(), *self._statements.take()]
            self._emit("\n".join(lines) + "\n")
            self._tail = lines[-1] if len(lines) == 1 else None
        elif closed.capacity > closed.count:
            self._loose.append(closed)

    def open_text(self, parent: Path, component: str, prop: str, text: str) -> bool:
        container = self._innermost(parent)
        self.release()
        found = self.library.components.get(component)
        if found is None or not found.params or found.params[0].name != prop:
            raise ValueError(f"{component}.{prop} is not the first param of a library component")
        lines: list[str] = []
        self._room(container, 1, lines)
        name = container.child(container.count + 1)
        lines.append(f'{name} = {component}("{_json_body(text)}')
        if not self._emit("\n".join(lines)):
            return False
        container.count += 1
        self._text = (found, name)
        return True

    def append_text(self, text: str) -> bool:
        return self._emit(_json_body(text))

    def close_text(self, props: Node) -> None:
        assert self._text is not None
        component, _ = self._text
        self._text = None
        args = [
            "null" if props.get(p.name) is None else self._statements.value(props[p.name], 1)
            for p in component.params[1:]
        ]
        while args and args[-1] == "null":
            args.pop()
        lines = [f'"{"".join(", " + a for a in args)})', *self._statements.take()]
        self._emit("\n".join(lines) + "\n")

    def finish(self, root_props: Node, error: str | None = None) -> None:
        self.release()
        if self._text is not None:
            self.close_text({})
        while len(self._stack) > 1:
            self.close_child({})
        root = self._root
        lines = []
        before = list(root.args)
        for i, param in enumerate(root.component.params):
            if i != root.slot and root_props.get(param.name) is not None:
                root.args[i] = self._statements.value(root_props[param.name], 1)
        nested = self._statements.take()
        tail = self._tail
        if root.capacity != root.count or root.args != before or root.count == 0:
            root.capacity = root.count
            lines.append(root.declaration())
            lines += nested
            tail = None if nested else lines[-1]
        for container in self._loose:
            container.capacity = container.count
            lines.append(container.declaration())
            tail = lines[-1]
        if tail is not None:
            # lang-core 0.2.18's streaming parser leaves the last line pending, and a pending statement never
            # replaces a completed one: the same declaration once more makes the real one complete
            lines.append(tail)
        body = "\n".join(lines) + "\n" if lines else ""
        if body:
            self._max = max(
                self._max, self.chars + len(body) * 6 + len(CONTENT_OPEN_V2)
            )  # the end always fits
            self._emit(body)
        if self._envelope == "c1":
            if not self._started:
                self._emit("")
            self.parts.append(CONTENT_CLOSE)
            self.chars += len(CONTENT_CLOSE)
