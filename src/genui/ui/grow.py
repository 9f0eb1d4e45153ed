"""A C1 v1 container that grows while the model writes it (streaming-repair.md, "Containers").

The tree builder walks into a Card child that is a container (Form, Tabs, Accordion, SectionBlock, Steps,
List, Table) instead of capturing it whole: its props before its list are kept, each complete item of the
list is repaired by the catalog together with them (the container with that one item: the catalog decides
what the item becomes in its container), and the container opens with its first item that survives, then
gains the others. Tab, accordion and section items grow too: their content nodes are repaired one by one and
the item opens with the first. Keys that come after the list are added when the container closes. A
container that never opens (its props come after its list, or nothing in it survives) is handed back to be
committed whole, as before.
"""

from __future__ import annotations

from typing import Any, Protocol

from .convert import V1_SLOTS
from .writer import Path, TreeWriter, slot_items, with_slot

# The containers that grow, with their list (a key path inside props); their items grow when listed here.
GROWABLE: dict[str, tuple[str, ...]] = {
    name: V1_SLOTS[name][1:]
    for name in ("Form", "Steps", "List", "Table", "Tabs", "Accordion", "SectionBlock")
}
ITEM_CONTENT = {"Tabs": "content", "Accordion": "content", "SectionBlock": "content"}


class Repairs(Protocol):
    def repair_nodes(
        self, node: object, repairs: list[str] | None = None, *, state: Any = None
    ) -> list[dict[str, Any]]: ...

    def repair_items(
        self, name: str, slot: tuple[str, ...], items: list[Any], state: Any = None
    ) -> list[Any] | None: ...


def _with_slot(props: dict[str, Any], slot: tuple[str, ...], items: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = with_slot(props, slot, items)
    return out


def _split(props: dict[str, Any], slot: tuple[str, ...]) -> tuple[dict[str, Any], list[Any]]:
    """(props without the list at `slot`, the list)."""
    inner = slot_items(props, slot)
    return _with_slot(props, slot, []), list(inner) if isinstance(inner, list) else []


def grow_whole(growth: Growth, props: dict[str, Any]) -> dict[str, Any]:
    """Feed a container already parsed whole (its props in the order they were written) to `growth` as
    the streaming walk would, item by item; returns the props after the list (for close())."""
    slot = growth.slot
    holder: Any = props
    for key in slot[:-1]:
        holder = holder[key]
    growth.add_whole(holder[slot[-1]])
    keys = list(props)
    return {k: props[k] for k in keys[keys.index(slot[0]) + 1 :]}


def split_growing(value: Any) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """(name, props before the list, all props) of a node the streaming walk would grow, else None."""
    if not isinstance(value, dict) or len(value) != 2 or list(value) != ["component", "props"]:
        return None
    name, props = value["component"], value["props"]
    slot = GROWABLE.get(name) if isinstance(name, str) else None
    if slot is None or not isinstance(props, dict):
        return None
    holder: Any = props
    for key in slot[:-1]:
        holder = holder.get(key) if isinstance(holder, dict) else None
    if not isinstance(holder, dict) or not isinstance(holder.get(slot[-1]), list):
        return None
    keys = list(props)
    before = {k: props[k] for k in keys[: keys.index(slot[0])]}
    if len(slot) > 1:
        inner = list(holder)
        before[slot[0]] = {k: holder[k] for k in inner[: inner.index(slot[-1])]}
    return name, before, props


class Growth:
    """One container child of the root: the items of its list as they complete, to `writer`."""

    def __init__(
        self,
        catalog: Repairs,
        writer: TreeWriter,
        name: str,
        props: dict[str, Any],
        path: Path,
        max_items: int,
        repairs: list[str] | None = None,
        state: Any = None,
    ) -> None:
        self.catalog = catalog
        self.repairs = repairs if repairs is not None else []
        # the answer's repair state (its node budget): every repair counts against it, the container once (a
        # Form, whose items are probed with its props, once per item: a little over, never under)
        self.state = state
        self.writer = writer
        self.name = name
        self.slot = GROWABLE[name]
        self.props = dict(props)  # the keys written before the list
        self.raw: list[Any] = []  # the items as the model wrote them (for the whole node, if it never opens)
        self.shell: dict[str, Any] | None = None  # the repaired props it opened with (its list empty)
        self.path = path  # where it opens in the writer
        self.max_items = max_items
        self.items = 0  # items written
        self.counted = False  # the builder counted it among the root's children
        self.refused = False  # the writer's output budget ran out
        # the item whose content grows: its keys so far, its content as written, whether it is open
        self.item: dict[str, Any] | None = None
        self.item_content: list[Any] = []
        self.item_open = False

    @property
    def opened(self) -> bool:
        return self.shell is not None

    def _probe(self, items: list[Any]) -> tuple[dict[str, Any], list[Any]] | None:
        """The container with these items, repaired: (its props without the list, the repaired items)."""
        node = {"component": self.name, "props": _with_slot(self.props, self.slot, items)}
        out = self.catalog.repair_nodes(node, self.repairs, state=self.state)
        if len(out) != 1 or out[0].get("component") != self.name or not isinstance(out[0].get("props"), dict):
            return None
        return _split(out[0]["props"], self.slot)

    def _open(self, shell: dict[str, Any]) -> bool:
        if self.shell is not None:
            return shell == self.shell
        node = {"component": self.name, "props": _with_slot(shell, self.slot, [])}
        if not self.writer.open_child(self.path[:-1], node, ("props", *self.slot)):
            self.refused = True
            return False
        self.shell = shell
        return True

    def _room(self) -> bool:
        return self.items < self.max_items and not self.refused

    def add(self, item: Any) -> None:
        """A complete item of the list."""
        self.raw.append(item)
        if not self._room():
            return
        # once open, an item is repaired alone when the catalog can (its props would repair the same again)
        items = None
        if self.shell is not None:
            items = self.catalog.repair_items(self.name, self.slot, [item], self.state)
        if items is None:
            probed = self._probe([item])
            if probed is None or not probed[1] or not self._open(probed[0]):
                return
            items = probed[1]
        for fixed in items[: self.max_items - self.items]:
            if not self.writer.append_child(self.path, fixed):
                self.refused = True
                return
            self.items += 1

    def add_whole(self, items: list[Any]) -> None:
        """Every item of the list at once (a container parsed whole): one repair for them all, written as
        the streaming walk writes them (an item whose content grows opens with its first node)."""
        self.raw.extend(items)
        probed = self._probe(items) if items and self._room() else None
        if probed is None or not probed[1] or not self._open(probed[0]):
            return
        content = ITEM_CONTENT.get(self.name)
        for item, raw in zip(probed[1][: self.max_items], items, strict=False):
            inner = item.get(content) if content is not None and isinstance(item, dict) else None
            if not inner:
                written = self.writer.append_child(self.path, item)
            else:
                assert content is not None
                # keys written after the content come with the item's close, as when streamed
                order = list(raw) if isinstance(raw, dict) else []
                after = order[order.index(content) + 1 :] if content in order else []
                head = {k: v for k, v in item.items() if k != content and k not in after}
                written = self.writer.open_child(self.path, {**head, content: []}, (content,))
                for node in inner if written else ():
                    written = self.writer.append_child((*self.path, self.items), node) and written
                if written:
                    self.writer.close_child({k: item[k] for k in after if k in item})
            if not written:
                self.refused = True
                return
            self.items += 1

    # -- an item whose content grows (tabs, accordion and section items) --------------------------------

    def begin_item(self, keys: dict[str, Any]) -> None:
        """An item's content list starts; `keys` are the item's keys before it."""
        self.item = dict(keys)
        self.item_content = []
        self.item_open = False

    def add_content(self, node: Any) -> None:
        """A complete node of the growing item's content."""
        assert self.item is not None
        self.item_content.append(node)
        if not self._room():
            return
        fixed = self.catalog.repair_nodes(node, self.repairs, state=self.state)
        if not fixed:
            return
        if not self.item_open:
            content = ITEM_CONTENT[self.name]
            probed = self._probe([{**self.item, content: fixed[:1]}])
            if probed is None or len(probed[1]) != 1 or not self._open(probed[0]):
                return
            opened = probed[1][0]
            kept = opened.get(content) if isinstance(opened, dict) else None
            if not isinstance(kept, list) or len(kept) != 1:
                return
            if not self.writer.open_child(self.path, {**opened, content: []}, (content,)):
                self.refused = True
                return
            self.item_open = True
            self.items += 1
        for one in fixed:
            if not self.writer.append_child((*self.path, self.items - 1), one):
                self.refused = True
                return

    def end_item(self, keys: dict[str, Any]) -> None:
        """The growing item closed; `keys` are all its keys but the content (an item whose content never
        began a list is an item like any other)."""
        if self.item is None:
            self.add(keys)
            return
        content = ITEM_CONTENT[self.name]
        whole = {**keys, content: self.item_content}
        before, was_open = self.item, self.item_open
        self.item, self.item_open = None, False
        if not was_open:
            self.add(whole)
            return
        self.raw.append(whole)
        extra = {k: v for k, v in keys.items() if k not in before and k != content}
        probed = self._probe([{**keys, content: []}]) if extra else None
        fixed = probed[1][0] if probed is not None and len(probed[1]) == 1 else {}
        self.writer.close_child({k: fixed[k] for k in extra if isinstance(fixed, dict) and k in fixed})

    def close(self, extra: dict[str, Any]) -> dict[str, Any] | None:
        """The container closed; `extra` are its props after the list. None once written (the writer's
        container is closed); else the whole node to commit as the builder commits any node."""
        if self.item is not None:
            self.end_item(dict(self.item))
        if self.shell is None:
            props = _with_slot({**self.props, **extra}, self.slot, self.raw)
            return {"component": self.name, "props": props}
        added: dict[str, Any] = {}
        if extra and self.raw:
            self.props.update(extra)
            probed = self._probe(self.raw[:1])
            if probed is not None:
                added = {k: v for k, v in probed[0].items() if k not in self.shell}
        self.writer.close_child(added)
        return None
