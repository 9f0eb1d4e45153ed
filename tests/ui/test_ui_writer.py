"""The writer seam: the tree builder's growth events are enough to rebuild the tree without any wire
format (a second writer, here a recorder), and the C1 v1 writer turns them into content that renders at
every step."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from clientview import VALID, ClientView, check_stream
from hypothesis import given, settings
from hypothesis import strategies as st
from test_ui_repair_props import child, serialize, shape, style

from genui.ui import Catalog
from genui.ui.builder import TreeBuilder
from genui.ui.c1 import write_content, write_thinkitem
from genui.ui.repair import StreamRepairer
from genui.ui.v1_writer import V1Writer
from genui.ui.writer import ROOT, Node, Path, Slot, TreeWriter

CATALOG = Catalog.default()
VIEW = ClientView(CATALOG.validation_schema())


def node(component: str, **props: Any) -> dict[str, Any]:
    return {"component": component, "props": props}


class TreeRecorder:
    """A second TreeWriter: keeps the format-neutral tree itself, and the events that built it."""

    def __init__(self) -> None:
        self.parts: list[str] = []  # it writes no text
        self.events: list[str] = []
        self.root: dict[str, Any] = node("Card", children=[])
        self._text: tuple[dict[str, Any], str] | None = None
        # open containers: (the dict holding the growing list, the list); the root's children first
        self._open: list[tuple[dict[str, Any], list[Any]]] = [
            (self.root["props"], self.root["props"]["children"])
        ]

    def _list(self, parent: Path) -> list[Any]:
        assert len(parent) == len(self._open) - 1 and self._text is None
        return self._open[-1][1]

    def think(self, title: str, content: str, ephemeral: bool) -> bool:
        self.events.append("think")
        return not self.root["props"]["children"]

    def append_child(self, parent: Path, node: Node) -> bool:
        self.events.append("child")
        self._list(parent).append(node)
        return True

    def open_child(self, parent: Path, node: Node, slot: Slot) -> bool:
        self.events.append("open")
        opened = copy.deepcopy(node)
        self._list(parent).append(opened)
        holder = opened
        for key in slot[:-1]:
            holder = holder[key]
        self._open.append((holder, holder[slot[-1]]))
        return True

    def close_child(self, extra: Node) -> None:
        self.events.append("close")
        holder, items = self._open.pop()
        holder.update(extra)
        if not items:  # a container that got no child is not shown (as the v1 writer leaves it out)
            self._open[-1][1].pop()

    def hold(self) -> None:
        self.events.append("hold")

    def release(self) -> None:
        self.events.append("release")

    def open_text(self, parent: Path, component: str, prop: str, text: str) -> bool:
        assert text
        self.events.append("open_text")
        opened = {"component": component, "props": {prop: text}}
        self._list(parent).append(opened)
        self._text = (opened, prop)
        return True

    def append_text(self, text: str) -> bool:
        assert self._text is not None and text
        self.events.append("text")
        opened, prop = self._text
        opened["props"][prop] += text
        return True

    def close_text(self, props: Node) -> None:
        assert self._text is not None
        self.events.append("close_text")
        self._text[0]["props"].update(props)
        self._text = None

    def finish(self, root_props: Node, error: str | None = None) -> None:
        assert self._text is None and error is None
        self.events.append("finish")
        self.root["props"].update(root_props)


def test_both_writers_are_tree_writers() -> None:
    writers: list[TreeWriter] = [V1Writer(), TreeRecorder()]  # checked by mypy: the Protocol is enough
    assert all(writer.parts == [] for writer in writers)


@settings(max_examples=60, deadline=None)
@given(
    children=st.lists(child, min_size=1, max_size=5),
    form=shape,
    kwargs=style,
    size=st.integers(1, 60),
)
def test_the_events_rebuild_the_tree_the_v1_writer_writes(
    children: list[dict[str, Any]], form: str, kwargs: dict[str, Any], size: int
) -> None:
    src = serialize(children, form, kwargs)
    recorder = TreeRecorder()
    builder = TreeBuilder(CATALOG, recorder)
    repairer = StreamRepairer(CATALOG)
    for i in range(0, len(src), size):
        builder.feed(src[i : i + size])
        repairer.feed(src[i : i + size])
    builder.finish(src)
    repairer.finish()
    assert recorder.root == node("Card", children=children)
    assert recorder.root == VIEW.final_tree(repairer.text)
    assert recorder.events[-1] == "finish" and recorder.events.count("open_text") == recorder.events.count(
        "close_text"
    )
    whole = TreeRecorder()
    complete = TreeBuilder(CATALOG, whole)
    complete.complete(src)
    complete.finish(src)
    assert whole.root == recorder.root


def test_the_v1_writer_renders_after_every_event() -> None:
    header = node("Header", title="Quarterly <revenue>", subtitle="Q1 & Q2")
    writer = V1Writer()
    steps: list[str] = []

    def step(call: Any, *args: Any) -> None:
        mark = len(writer.parts)
        assert call(*args) is not False
        steps.append("".join(writer.parts[mark:]))

    step(writer.think, "Thinking", "about it", True)
    step(writer.append_child, ROOT, header)
    step(writer.open_text, ROOT, "TextContent", "textMarkdown", 'Revenue "grew"')
    step(writer.append_text, " by **75%**.")
    step(writer.close_text, {"variant": "card"})
    step(writer.finish, {"variant": "sunk"})
    readings = check_stream(VIEW, steps)
    assert readings[-1].status == VALID
    text = node("TextContent", textMarkdown='Revenue "grew" by **75%**.', variant="card")
    tree = node("Card", children=[header, text], variant="sunk")
    assert "".join(writer.parts) == write_thinkitem("Thinking", "about it", True) + write_content(tree)
    assert writer.think("Late", "", False) is False  # the tree has started


def test_the_v1_writer_keeps_to_its_budget_and_to_the_root() -> None:
    writer = V1Writer(max_chars=150)
    big = node("TextContent", textMarkdown="x" * 200)
    assert writer.append_child(ROOT, big) is False and writer.parts == []
    assert writer.append_child(ROOT, node("Header", title="ok")) is True
    assert writer.open_text(ROOT, "TextContent", "textMarkdown", "y" * 200) is False
    with pytest.raises(ValueError, match="not the innermost open container"):
        writer.append_child((0,), node("Header", title="nested"))  # nothing is open there
    writer.finish({})
    assert VIEW.final_tree("".join(writer.parts)) == node("Card", children=[node("Header", title="ok")])


def test_held_children_come_out_together_and_the_same() -> None:
    children = [node("Header", title=f"H{i}") for i in range(5)]
    one_by_one, held = V1Writer(), V1Writer()
    held.hold()
    for item in children:
        assert one_by_one.append_child(ROOT, item) and held.append_child(ROOT, item)
    assert held.parts == []
    held.release()
    assert len(held.parts) == 1 and held.parts[0] == "".join(one_by_one.parts)
