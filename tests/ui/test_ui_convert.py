"""Converting between the C1 v1 catalog and the C1 v2 chat library through the tree (openui-lang.md §5)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_ui_repair_props import child
from v2_trees import LIBRARY, mappable_trees, node

from genui.ui import Catalog, openui
from genui.ui.convert import SUBMIT_BUTTONS, V1ToV2, V2ToV1, v1_tree_to_v2, v2_tree_to_v1
from genui.ui.openui.tree import materialize_tree

CATALOG = Catalog.default()
QUICK = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


def v2_valid(tree: dict[str, Any]) -> dict[str, Any]:
    """The tree read back as the library reads it; it must be valid (no error, no dropped node)."""
    checked, errors = materialize_tree(tree, LIBRARY)
    assert errors == [] and checked is not None, errors
    program = openui.write(checked)
    result = openui.validate(program)
    assert result.valid, (program, result.errors)
    return dict(checked)


@QUICK
@given(mappable_trees())
def test_v2_to_v1_to_v2_is_the_same_tree_for_the_mappable_subset(tree: dict[str, Any]) -> None:
    v1 = v2_tree_to_v1(tree)
    assert CATALOG.repair_tree(v1) == v1  # already a valid v1 tree: nothing for the catalog to repair
    back, errors = materialize_tree(v1_tree_to_v2(v1), LIBRARY)
    assert errors == [] and back == tree, json.dumps([tree, back])[:2000]


@QUICK
@given(st.lists(child, min_size=1, max_size=5))
def test_every_v1_tree_converts_into_a_valid_v2_tree(children: list[dict[str, Any]]) -> None:
    v1 = CATALOG.repair_tree({"component": "Card", "props": {"children": children}})
    converted = v2_valid(v1_tree_to_v2(v1))
    kinds = {c["component"] for c in v1["props"]["children"]}
    # nothing is lost but a Layout, which is flattened (a TextContent header becomes a heading of its own)
    assert len(converted["props"]["children"]) >= len(v1["props"]["children"]) - len(kinds & {"Layout"})


def test_v1_only_components_degrade_to_the_closest_v2_ones() -> None:
    text = node("TextContent", textMarkdown="Hello")
    layout = node(
        "Layout",
        children={"variant": "M-M", "rows": [{"left": [text], "right": [node("Header", title="R")]}]},
    )
    mini = node(
        "MiniCardBlock",
        children=[
            node(
                "MiniCard",
                lhs=node("ProfileTile", title="Ada", subtitle="Eng"),
                rhs=node("Stats", number="12", label="PRs"),
            ),
            node("MiniCard", lhs=node("DataTile", amount="$5", description="spend")),
        ],
    )
    follow = node("FollowUpBlock", followUpText=["More?", "Why?"])
    carousel = node(
        "CarouselV2", content=[{"children": [text], "footer": [node("Button", children="Go", name="go")]}]
    )
    card = v2_valid(v1_tree_to_v2(node("Card", children=[layout, mini, follow, carousel])))
    names = [c["component"] for c in card["props"]["children"]]
    assert names == [
        "TextContent",
        "Header",
        "OverviewCardBlock",
        "FollowUpBlock",
        "TextContent",
        "ButtonGroup",
    ]
    overview = card["props"]["children"][2]["props"]["items"]
    assert overview[0]["props"]["top"]["component"] == "ImageText" and overview[0]["props"]["bottom"][
        "props"
    ] == {
        "value": "12",
        "subtext": "PRs",
    }
    assert overview[1]["props"]["top"]["props"]["value"] == "$5"
    assert card["props"]["children"][3]["props"] == {"followUpText": ["More?", "Why?"]}
    assert card["props"]["children"][5]["props"]["buttons"][0]["props"]["label"] == "Go"  # the slide's footer


def test_a_v1_form_without_buttons_gets_one_submit_button_in_v2() -> None:
    field = {"label": "Name", "children": node("Input", name="name")}
    form = v2_valid(v1_tree_to_v2(node("Card", children=[node("Form", name="f", children=[field])])))
    assert form["props"]["children"][0]["props"]["buttons"] == SUBMIT_BUTTONS
    with_buttons = node("ButtonGroup", children=[node("Button", children="Send", name="send")])
    form = v2_valid(
        v1_tree_to_v2(node("Card", children=[node("Form", name="f", children=[field], buttons=with_buttons)]))
    )
    assert form["props"]["children"][0]["props"]["buttons"]["props"]["buttons"][0]["props"]["label"] == "Send"


def test_v1_details_without_a_v2_place_map_or_drop() -> None:
    header = node("InlineHeader", heading="Intro")
    tab = {
        "value": "a",
        "trigger": {"text": "A"},
        "content": [node("Header", title="Inside", subtitle="tab")],
    }
    table = node(
        "Table",
        tableHeader={"rows": [{"children": "Who"}, {"children": "Tags"}]},
        tableBody={
            "rows": [
                {
                    "children": [
                        "Ada",
                        node(
                            "TagBlock",
                            children=[{"text": "x", "variant": "info"}, {"text": "y", "variant": "info"}],
                        ),
                    ]
                }
            ]
        },
    )
    card = v2_valid(
        v1_tree_to_v2(
            node(
                "Card",
                children=[
                    node("TextContent", textMarkdown="Body", header=header, variant="card"),
                    node("Tabs", children=[tab]),
                    table,
                ],
            )
        )
    )
    first, second = card["props"]["children"][:2]
    assert first == {
        "component": "InlineHeader",
        "props": {"heading": "Intro"},
    }  # the header, before its text
    assert second == {"component": "TextContent", "props": {"text": "Body"}}  # v1 variant has no v2 place
    inside = card["props"]["children"][2]["props"]["children"][0]["props"]["children"][0]
    assert inside == {"component": "InlineHeader", "props": {"heading": "Inside", "description": "tab"}}
    assert card["props"]["children"][3]["props"]["rows"] == [["Ada", "x, y"]]


def test_v2_only_components_degrade_to_the_closest_v1_ones() -> None:
    card = node(
        "Card",
        children=[
            node(
                "EntityList",
                rows=[{"left": "CPU", "right": "4", "rightVariant": "number"}],
                header={"left": "Part", "right": "Count", "rightVariant": "number"},
            ),
            node(
                "Form",
                name="f",
                buttons=node("ButtonGroup", buttons=[node("Button", label="Go")]),
                fields=[
                    node(
                        "FormControl",
                        label="Pick",
                        input=node(
                            "Chips", name="c", type="single", items=[node("ChipItem", value="a", label="A")]
                        ),
                    ),
                    node(
                        "FormControl",
                        label="Many",
                        input=node("Chips", name="m", items=[node("ChipItem", value="b", label="B")]),
                    ),
                ],
            ),
            node(
                "SnippetCardBlock",
                items=[
                    node(
                        "SnippetCardItem",
                        lhs=node("IconText", icon=node("Icon", name="star"), title="Star"),
                        rhs=node("Text", value="5", subtext="stars"),
                    ),
                    node(
                        "SnippetCardItem", lhs=node("ImageText", title="Pic", src="https://example.com/p.png")
                    ),
                ],
            ),
            node("HorizontalBarChart", labels=["a"], series=[{"category": "s", "values": [1]}]),
        ],
    )
    checked, errors = materialize_tree(card, LIBRARY)
    assert errors == [] and checked is not None
    v1 = v2_tree_to_v1(checked)
    assert CATALOG.repair_tree(v1) == v1
    table, form, mini, bars = v1["props"]["children"]
    assert table["props"]["tableHeader"]["rows"][1] == {"children": "Count", "type": "number"}
    assert table["props"]["tableBody"]["rows"] == [{"children": ["CPU", "4"]}]
    controls = [f["children"]["component"] for f in form["props"]["children"]]
    assert controls == ["RadioGroup", "CheckBoxGroup"]
    assert [c["props"]["lhs"]["props"]["title"] for c in mini["props"]["children"]] == ["Star", "Pic"]
    assert mini["props"]["children"][0]["props"]["rhs"]["props"] == {"number": "5", "label": "stars"}
    assert bars["props"]["isHorizontal"] is True


def test_converters_leave_unknown_components_out_and_keep_shared_custom_ones() -> None:
    custom = node("Weather", city="Rome")
    assert V1ToV2().convert(custom) == [] and V2ToV1().convert(custom) == []
    assert V1ToV2(["Weather"]).convert(custom) == [custom] == V2ToV1(["Weather"]).convert(custom)
    assert V1ToV2().convert("not a node") == []
