"""The incremental markdown reader: blocks become nodes as soon as they are complete, and the nodes of a text
fed in any pieces are those `visualize` makes of the whole text (paragraphs committed apart stay apart)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_ui_visualize import material

from genui.ui.compose import MarkdownStream, NodeMaker, visualize
from genui.ui.compose.stream import unfinished_dropped

Node = dict[str, Any]


def fed(text: str, size: int) -> tuple[list[Node], list[int]]:
    """The nodes of `text` fed `size` characters at a time, and for each node the length fed when it came."""
    stream = MarkdownStream(NodeMaker())
    nodes: list[Node] = []
    when: list[int] = []
    for start in range(0, len(text), size):
        got = stream.feed(text[start : start + size])
        nodes += got
        when += [min(start + size, len(text))] * len(got)
    last = stream.finish()
    return nodes + last, when + [len(text)] * len(last)


def merged_text(nodes: list[Node]) -> list[Node]:
    """Consecutive TextContent nodes as one (what `visualize` joins, and a stream commits apart)."""
    out: list[Node] = []
    for node in nodes:
        if node["component"] == "TextContent" and out and out[-1]["component"] == "TextContent":
            text = out[-1]["props"]["textMarkdown"] + "\n\n" + node["props"]["textMarkdown"]
            out[-1] = {"component": "TextContent", "props": {"textMarkdown": text}}
        else:
            out.append(node)
    return out


DOCUMENT = (
    "# Rivers\n\nThe longest rivers are:\n\n1. Nile – 6,650 km\n2. Amazon – 6,400 km\n\n"
    "3. Yangtze – 6,300 km\n\nSome prose here.\n\n```\ncode\n\nmore code\n```\n\n"
    "| City | Country |\n|---|---|\n| Paris | France |\n\n"
    "## Follow-up questions\n\n- Which is widest?\n- Where is the Nile?\n"
)


def test_blocks_are_committed_while_the_text_is_still_coming() -> None:
    nodes, when = fed(DOCUMENT, 5)
    assert [n["component"] for n in nodes] == [
        "Header",
        "TextContent",
        "BarChartV2",
        "TextContent",
        "TextContent",
        "Table",
        "FollowUpBlock",
    ]
    assert when[0] < DOCUMENT.index("3. Yangtze")  # the heading and first paragraph, once the list began
    assert when[2] < DOCUMENT.index("| City")  # the chart once the next block has begun
    assert when[-1] == len(DOCUMENT)  # follow-ups only at the end: a later block would make them a list


def test_a_loose_list_and_a_fence_with_blank_lines_are_never_cut() -> None:
    nodes, _ = fed(DOCUMENT, 1)
    chart = nodes[2]["props"]["chartData"]["data"]
    assert chart["labels"] == ["Nile", "Amazon", "Yangtze"]
    assert "code\n\nmore code" in nodes[4]["props"]["textMarkdown"]


def test_a_follow_up_lead_followed_by_more_text_stays_a_heading_and_a_list() -> None:
    nodes, _ = fed("Intro.\n\n## Follow-up questions\n\n- Why?\n- How?\n\nThe end.\n", 3)
    assert [n["component"] for n in nodes] == ["TextContent", "InlineHeader", "List", "TextContent"]


def test_a_header_shown_before_makes_the_first_heading_a_section() -> None:
    stream = MarkdownStream(NodeMaker("Rivers", header_shown=True))
    nodes = stream.feed("# Longest\n\nThe Nile.\n\n") + stream.finish()
    assert [n["component"] for n in nodes] == ["InlineHeader", "TextContent"]


def test_reshape_replaces_or_drops_blocks() -> None:
    stream = MarkdownStream(NodeMaker(), lambda b: None if "drop" in getattr(b, "text", "") else b)
    nodes = stream.feed("Keep this.\n\ndrop this.\n\n") + stream.finish()
    assert [n["props"]["textMarkdown"] for n in nodes] == ["Keep this."]


def test_a_cut_off_text_loses_its_unfinished_end() -> None:
    assert unfinished_dropped("One. Two. Thr") == "One. Two."
    assert unfinished_dropped("1. Nile\n2. Amazon\n3. Yang") == "1. Nile\n2. Amazon"
    assert unfinished_dropped("1. Nile\n2. Amazon\n") == "1. Nile\n2. Amazon\n"
    assert unfinished_dropped("no sentence end") == ""
    stream = MarkdownStream(NodeMaker())
    stream.feed("Plants make food. They use light and wat")
    assert stream.finish(cut=True) == [
        {"component": "TextContent", "props": {"textMarkdown": "Plants make food."}}
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(material, st.integers(1, 40))
def test_any_material_in_any_pieces_gives_what_visualize_gives(text: str, size: int) -> None:
    nodes, _ = fed(text, size)
    whole = visualize(text)["props"]["children"]
    assert merged_text(nodes)[: len(whole)] == merged_text(whole)
