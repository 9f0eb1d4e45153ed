"""ConvertingWriter: a tree growing in one C1 library, written by a writer of the other (convert.py).

The builder reads the model's format and grows that format's tree; this TreeWriter converts each growth step
to the other library and hands it to the target writer, so both answer formats come from either model
format. Every converted node is checked in the target library before it is written (a `TargetCheck`): what
the target cannot show is dropped there, as the source builder drops what the source cannot show.

Containers open in the target lazily: a source container becomes a pending target container, opened only
together with its first child that converts and checks (the whole chain of pending containers above it is
checked as one candidate), so the target never shows an empty or invalid container. A container the target
cannot open early (a v1 Form whose buttons come last, while v2 requires them) is rebuilt from the events and
converted whole when it closes; one with no counterpart (a v1 Layout) passes its children to its parent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from .convert import FLATTEN, V2_ACCEPTS, V1ToV2, V2ToV1
from .openui.library import Library
from .openui.materialize import Node as LangNode
from .openui.tree import materialize_tree
from .v2_library import root_blocks
from .writer import ROOT, Node, Path, Slot, TreeWriter
from .writer import slot_items as _slot_list
from .writer import with_slot as _with_slot

_OPEN, _PENDING, _FLATTEN, _BUFFER = range(4)
# v1 containers whose list holds any block (checked one by one); other lists are checked with their container
_V1_NODE_LISTS = frozenset({"Card", "Tabs.item", "Accordion.item", "SectionBlock.item"})
_TEXT_PROPS = {("TextContent", "textMarkdown"): ("TextContent", "text"),
               ("TextContent", "text"): ("TextContent", "textMarkdown")}  # fmt: skip


class TargetCheck(Protocol):
    """Checks converted items in the target library, repairing what it can."""

    def items(self, kind: str, shell: Node, slot: Slot, items: list[Any]) -> list[Any]:
        """The items (of a container of target kind `kind`, opened as `shell`) that the target shows."""
        ...


class RepairNodes(Protocol):
    def repair_nodes(
        self, node: object, repairs: list[str] | None = None, *, state: Any = None
    ) -> list[dict[str, Any]]: ...


class V1Check:
    """Items for a v1 client: repaired by the catalog, as the v1 builder repairs the model's nodes."""

    def __init__(self, catalog: RepairNodes) -> None:
        self.catalog = catalog

    def items(self, kind: str, shell: Node, slot: Slot, items: list[Any]) -> list[Any]:
        if kind in _V1_NODE_LISTS:
            return [out for item in items for out in self.catalog.repair_nodes(item)]
        repaired = self.catalog.repair_nodes(_with_slot(shell, slot, items))
        if len(repaired) != 1 or repaired[0].get("component") != shell.get("component"):
            return []
        found = _slot_list(repaired[0], slot)
        return list(found) if isinstance(found, list) else []


class V2Check:
    """Items for a v2 client: materialized against the library (defaults filled, invalid ones dropped), and a
    component only where the slot accepts it."""

    def __init__(self, library: Library) -> None:
        self.library = library

    def items(self, kind: str, shell: Node, slot: Slot, items: list[Any]) -> list[Any]:
        component = self.library.components.get(kind)
        param = component.param(slot[-1]) if component is not None else None
        if param is None:
            return []
        schema = param.schema.get("items") if isinstance(param.schema.get("items"), dict) else None
        accepts = root_blocks(self.library) if kind == self.library.root else frozenset(param.refs)
        out = []
        for item in items:
            if isinstance(item, dict) and "component" in item:
                if accepts and item["component"] not in accepts:
                    continue
                value, _ = materialize_tree(item, self.library)
                if isinstance(value, LangNode):
                    out.append(value)
            else:
                value, errors = materialize_tree(item, self.library, schema=schema)
                if value is not None and not errors:
                    out.append(value)
        return out


class _Entry:
    """An open source container and what it is in the target."""

    __slots__ = ("count", "kind", "mode", "path", "shell", "slot", "source", "source_slot", "target")

    def __init__(self, kind: str, mode: int) -> None:
        self.kind = kind  # source container kind: a component, or "Kind.item" for a v1 plain item
        self.mode = mode
        self.target = ""  # target container kind
        self.shell: Node = {}  # the target container, its list empty
        self.slot: Slot = ()  # the target list
        self.path: Path = ROOT  # where it is open in the target
        self.count = 0  # target children written
        self.source: Node = {}  # pending/buffer: the source container rebuilt (its list grows when buffering)
        self.source_slot: Slot = ()


class ConvertingWriter:
    """A TreeWriter for `source` library trees that writes them with `target` (a writer of the other)."""

    def __init__(self, target: TreeWriter, converter: V1ToV2 | V2ToV1, check: TargetCheck) -> None:
        self.target = target
        self.parts = target.parts
        self.convert = converter
        self.check = check
        root = _Entry("Card", _OPEN)
        root.target = "Card"
        root.slot = ("props", "children")
        root.shell = {"component": "Card", "props": {"children": []}}
        self._stack: list[_Entry] = [root]
        self._text: Node | None = None  # a streamed text node kept back (its container is not open yet)
        self._text_direct: tuple[str, str] | None = None  # a streamed text node written as it comes

    # ---- delivering converted items ------

    def _opened_below(self, index: int) -> int:
        """The stack index of the innermost entry at or above `index` that is not flattened."""
        while self._stack[index].mode == _FLATTEN:
            index -= 1
        return index

    def _deliver(self, index: int, items: Sequence[Any]) -> bool:
        """Converted items for the list of the entry at `index` (flattened entries pass them up)."""
        if not items:
            return True
        index = self._opened_below(index)
        entry = self._stack[index]
        pending = list(items)
        if isinstance(self.convert, V1ToV2):
            pending = self.convert.accepted(entry.target, pending) if entry.target in V2_ACCEPTS else pending
        if entry.mode == _OPEN:
            ok = True
            for item in self.check.items(entry.target, entry.shell, entry.slot, pending):
                ok = self.target.append_child(entry.path, item) and ok
                entry.count += 1
            return ok
        chain, parent = self._pending_chain(index)
        for position, item in enumerate(pending):
            candidate: Any = item
            for level in reversed(chain):
                candidate = _with_slot(level.shell, level.slot, [candidate])
            levels = self._unwrap(
                self.check.items(parent.target, parent.shell, parent.slot, [candidate]), chain
            )
            if levels is None:
                continue  # the target does not show it: the containers stay pending
            shells, leaf = levels
            for level, shell in zip(chain, shells, strict=True):
                above = self._stack[self._opened_below(self._stack.index(level) - 1)]
                level.shell = _with_slot(shell, level.slot, [])
                level.path = (*above.path, above.count)
                if not self.target.open_child(above.path, level.shell, level.slot):
                    return False
                above.count += 1
                level.mode = _OPEN
            if not self.target.append_child(entry.path, leaf):
                return False
            entry.count += 1
            return self._deliver(index, pending[position + 1 :])
        return True

    def _pending_chain(self, index: int) -> tuple[list[_Entry], _Entry]:
        """The pending containers from the innermost open one down to `index`, and that open one."""
        chain = []
        while self._stack[index].mode != _OPEN:
            if self._stack[index].mode == _PENDING:
                chain.append(self._stack[index])
            index -= 1
        chain.reverse()
        return chain, self._stack[index]

    @staticmethod
    def _unwrap(checked: list[Any], chain: list[_Entry]) -> tuple[list[Node], Any] | None:
        """The checked candidate split back into the pending containers and the item, when it is whole."""
        if len(checked) != 1:
            return None
        value = checked[0]
        shells = []
        for pending in chain:
            if not isinstance(value, dict):
                return None
            shells.append(value)
            inner = _slot_list(value, pending.slot)
            if not isinstance(inner, list) or len(inner) != 1:
                return None
            value = inner[0]
        return shells, value

    # ---- TreeWriter ------

    def think(self, title: str, content: str, ephemeral: bool) -> bool:
        return self.target.think(title, content, ephemeral)

    def hold(self) -> None:
        self.target.hold()

    def release(self) -> None:
        self.target.release()

    def append_child(self, parent: Path, node: Node) -> bool:
        entry = self._stack[-1]
        if entry.mode == _BUFFER:
            _slot_list(entry.source, entry.source_slot).append(node)
            return True
        return self._deliver(len(self._stack) - 1, self.convert.item(entry.kind, node))

    def open_child(self, parent: Path, node: Node, slot: Slot) -> bool:
        above = self._stack[-1]
        kind = node.get("component") if isinstance(node.get("component"), str) else f"{above.kind}.item"
        assert isinstance(kind, str)
        source = _with_slot(node, slot, list(_slot_list(node, slot) or []))
        if above.mode == _BUFFER:
            _slot_list(above.source, above.source_slot).append(source)
            opened = _Entry(kind, _BUFFER)
        else:
            found = self.convert.open(kind, node)
            if found == FLATTEN:
                opened = _Entry(kind, _FLATTEN)
            elif found is None or isinstance(found, str):
                opened = _Entry(kind, _BUFFER)
            else:
                shell, target_slot = found
                opened = _Entry(kind, _PENDING)
                opened.shell = shell
                opened.slot = target_slot
                opened.target = self._target_kind(shell)
        opened.source = source
        opened.source_slot = slot
        self._stack.append(opened)
        if opened.mode != _BUFFER:
            for item in list(_slot_list(node, slot) or []):
                self.append_child(parent, item)
        return True

    def _target_kind(self, shell: Node) -> str:
        name = shell.get("component")
        if isinstance(name, str):
            return name
        return f"{self._stack[self._opened_below(len(self._stack) - 1)].target}.item"

    def close_child(self, extra: Node) -> None:
        entry = self._stack.pop()
        holder = _slot_list_parent(entry.source, entry.source_slot)
        holder.update(extra)
        if entry.mode == _OPEN:
            self.target.close_child(self._extra(entry, extra))
        elif entry.mode == _BUFFER and self._stack[-1].mode == _BUFFER:
            return  # part of the container being rebuilt
        elif entry.mode in (_BUFFER, _PENDING):
            source = (
                entry.source if entry.mode == _BUFFER else _with_slot(entry.source, entry.source_slot, [])
            )
            self._deliver(len(self._stack) - 1, self.convert.item(self._stack[-1].kind, source))

    def _extra(self, entry: _Entry, extra: Node) -> Node:
        """Target keys a container gained after its list: the difference its source extra makes."""
        if not extra:
            return {}
        before = self.convert.open(entry.kind, _with_slot(entry.source, entry.source_slot, []))
        holder = dict(_slot_list_parent(entry.source, entry.source_slot))
        for key in extra:
            holder.pop(key, None)
        without = self.convert.open(entry.kind, _with_slot(entry.source, entry.source_slot[:-1], holder))
        if not isinstance(before, tuple) or not isinstance(without, tuple):
            return {}
        now, old = _slot_list_parent(before[0], before[1]), _slot_list_parent(without[0], without[1])
        return {k: v for k, v in now.items() if k != before[1][-1] and old.get(k) != v}

    def open_text(self, parent: Path, component: str, prop: str, text: str) -> bool:
        index = self._opened_below(len(self._stack) - 1)
        mapped = _TEXT_PROPS.get((component, prop))
        if self._stack[index].mode != _OPEN or mapped is None:
            self._text = {"component": component, "props": {prop: text}}
            return True
        self._text_direct = (component, prop)
        entry = self._stack[index]
        if not self.target.open_text(entry.path, mapped[0], mapped[1], text):
            self._text_direct = None
            return False
        entry.count += 1
        return True

    def append_text(self, text: str) -> bool:
        if self._text is not None:
            props = self._text["props"]
            key = next(iter(props))
            props[key] += text
            return True
        return self.target.append_text(text)

    def close_text(self, props: Node) -> None:
        kept = self._text
        if kept is not None:
            self._text = None
            kept["props"].update(props)
            self.append_child(ROOT, kept)
            return
        assert self._text_direct is not None
        component, prop = self._text_direct
        self._text_direct = None
        whole = self.convert.convert({"component": component, "props": {**props, prop: ""}})
        text_node = next((n for n in whole if n.get("component") == _TEXT_PROPS[(component, prop)][0]), None)
        others = [n for n in whole if n is not text_node]
        target_prop = _TEXT_PROPS[(component, prop)][1]
        self.target.close_text(
            {k: v for k, v in (text_node or {}).get("props", {}).items() if k != target_prop}
        )
        self._deliver(len(self._stack) - 1, others)

    def finish(self, root_props: Node, error: str | None = None) -> None:
        if self._text is not None or self._text_direct is not None:
            self.close_text({})
        while len(self._stack) > 1:
            self.close_child({})
        sources = root_props.get("sources")
        self.target.finish({"sources": sources} if sources else {}, error)


def _slot_list_parent(value: Node, slot: Slot) -> dict[str, Any]:
    holder: Any = value
    for key in slot[:-1]:
        holder = holder.setdefault(key, {}) if isinstance(holder, dict) else {}
    return holder if isinstance(holder, dict) else {}
