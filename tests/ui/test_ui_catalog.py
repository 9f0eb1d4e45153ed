"""Catalog: include/exclude/custom, versions, node repair (mapping, coercion, sanitizing, caps)."""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ui_fixtures import EDITABLE_TABLE, EVERY_BLOCK, EVERY_CARD, component_tags, node

from genui.ui import (
    CATALOG_VERSIONS,
    LATEST_CATALOG_VERSION,
    Catalog,
    RepairLimits,
    parse_thesys_metadata,
)
from genui.ui import catalog as models
from genui.ui.grow import GROWABLE
from genui.ui.writer import slot_items, with_slot

CATALOG = Catalog.default()
VALIDATOR = jsonschema.Draft202012Validator(CATALOG.validation_schema())
MODELS = {models.component_name(m): m for m in models.BLOCK_COMPONENTS}


def card(*children: Any) -> dict[str, Any]:
    return {"component": "Card", "props": {"children": list(children)}}


def repaired(value: Any, catalog: Catalog = CATALOG) -> tuple[dict[str, Any] | None, list[str]]:
    repairs: list[str] = []
    result = catalog.repair_node(value, repairs)
    if result is not None:
        jsonschema.Draft202012Validator(catalog.validation_schema()).validate(card(result))
    return result, repairs


def with_meta(**meta: Any) -> Catalog:
    return CATALOG.with_thesys(parse_thesys_metadata(json.dumps(meta)))


# ---- versions and shaping ------


def test_default_catalog_is_latest_version_and_unknown_version_raises() -> None:
    assert CATALOG.version == LATEST_CATALOG_VERSION == "2026-11-21"
    assert LATEST_CATALOG_VERSION in CATALOG_VERSIONS
    assert Catalog.default("2026-11-21") is CATALOG
    with pytest.raises(KeyError):
        Catalog.default("1999-01-01")


def test_editable_table_is_opt_in() -> None:
    assert "EditableTable" not in CATALOG.blocks
    assert CATALOG.repair_node(EDITABLE_TABLE) is None
    opted = with_meta(c1_included_components=["EditableTable"])
    assert "EditableTable" in opted.blocks
    assert repaired(EDITABLE_TABLE, opted)[0] == EDITABLE_TABLE


def test_excluded_component_is_dropped_and_absent_from_schema() -> None:
    layout = next(n for n in EVERY_BLOCK if n["component"] == "Layout")
    catalog = with_meta(c1_excluded_components=["Layout", "PieChartV2"])
    assert catalog.repair_node(layout) is None
    assert "Layout" not in catalog.json_schema()["$defs"]
    assert "PieChartV2" not in catalog.validation_schema()["$defs"]
    assert catalog.repair_node(node("Header", title="x")) == node("Header", title="x")


def test_custom_component_and_action_are_repaired_against_their_schemas() -> None:
    catalog = with_meta(
        c1_custom_components={
            "WeatherCard": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "tempC": {"type": "number"}},
                "required": ["city"],
                "additionalProperties": False,
            }
        },
        c1_custom_actions={
            "add_to_cart": {"type": "object", "properties": {"sku": {"type": "string"}}, "required": ["sku"]}
        },
    )
    weather, repairs = repaired(node("WeatherCard", city="Oslo", tempC="4.5", wind=3), catalog)
    assert weather == node("WeatherCard", city="Oslo", tempC=4.5)
    assert any("wind" in r for r in repairs)
    assert catalog.repair_node(node("WeatherCard", tempC=3)) is None  # required city missing
    assert CATALOG.repair_node(node("WeatherCard", city="Oslo")) is None  # not in the stock catalog
    cart = {"type": "add_to_cart", "props": {"sku": "A1"}}
    button = node("Button", children="Buy", name="buy", action=cart)
    assert repaired(node("ButtonGroup", children=[button]), catalog)[0] == node(
        "ButtonGroup", children=[button]
    )
    stock = CATALOG.repair_node(node("ButtonGroup", children=[button]))
    assert stock == node("ButtonGroup", children=[node("Button", children="Buy", name="buy")])


def test_metadata_parsing_rejects_bad_input() -> None:
    assert parse_thesys_metadata('{"c1_excluded_components": ["Layout"]}').c1_excluded_components == (
        "Layout",
    )
    assert parse_thesys_metadata("").c1_custom_components == {}
    for bad in (
        "{nope",
        "[1]",
        '{"c1_custom_components": {"bad name": {}}}',
        '{"c1_excluded_components": 3}',
    ):
        with pytest.raises(ValueError):
            parse_thesys_metadata(bad)


def test_with_thesys_is_cached_per_metadata() -> None:
    meta = parse_thesys_metadata('{"c1_excluded_components": ["Layout"]}')
    assert CATALOG.with_thesys(meta) is CATALOG.with_thesys(parse_thesys_metadata(meta.model_dump_json()))


# ---- valid input is kept as is; models and fast repairer agree ------


def test_every_component_instance_passes_unchanged() -> None:
    repairs: list[str] = []
    tree = CATALOG.repair_tree(copy.deepcopy(EVERY_CARD), repairs)
    assert tree == EVERY_CARD
    assert repairs == []
    VALIDATOR.validate(tree)


def _validate_with_models(value: Any) -> None:
    """Validate every node of a tree with its pydantic model (AnyNode slots are plain dicts to pydantic)."""
    if isinstance(value, dict):
        tag = value.get("component")
        if isinstance(tag, str) and tag in MODELS:
            MODELS[tag].model_validate(value)
        if tag == "Card":
            models.Card.model_validate(value)
        for item in value.values():
            _validate_with_models(item)
    elif isinstance(value, list):
        for item in value:
            _validate_with_models(item)


def test_fixture_covers_every_block_and_validates_with_the_pydantic_models() -> None:
    tags = component_tags(EVERY_CARD) | {"EditableTable"}
    assert {models.component_name(m) for m in models.BLOCK_COMPONENTS} <= tags
    assert CATALOG.component_names <= tags
    _validate_with_models(EVERY_CARD)
    _validate_with_models(EDITABLE_TABLE)


def test_fast_repairer_props_match_pydantic_fields_for_every_component() -> None:
    defs = CATALOG.with_thesys(parse_thesys_metadata('{"c1_included_components":["EditableTable"]}'))
    internal = defs.internal_schema()["$defs"]
    for name, model in {**MODELS, "Card": models.Card}.items():
        props_model = model.model_fields["props"].annotation
        props_def = internal[name]["properties"]["props"]["$ref"].rsplit("/", 1)[-1]
        schema_props = internal[props_def].get("properties", {})
        assert set(schema_props) == set(props_model.model_fields), name  # type: ignore[union-attr]
        required = {k for k, f in props_model.model_fields.items() if f.is_required()}  # type: ignore[union-attr]
        assert set(internal[props_def].get("required", [])) == required, name


def test_every_component_rejects_garbage_props_like_pydantic() -> None:
    for block in EVERY_BLOCK:
        broken = {"component": block["component"], "props": {"unknownOnly": 1}}
        model_accepts = True
        try:
            MODELS[block["component"]].model_validate(broken)
        except Exception:
            model_accepts = False
        result = CATALOG.repair_node(broken)
        if model_accepts:
            assert result is not None
        else:
            # repair may fill x-default values, but then the result must satisfy the model
            assert result is None or MODELS[block["component"]].model_validate(result) is not None


# ---- repairs from the brief ------


def test_v0_bar_chart_rows_are_reshaped_to_v2() -> None:
    v0 = node(
        "BarChart",
        categoryKey="month",
        data=[{"month": "Jan", "rev": 10, "cost": "5"}, {"month": "Feb", "rev": 12}],
    )
    result, repairs = repaired(v0)
    assert result == node(
        "BarChartV2",
        chartData={
            "data": {
                "labels": ["Jan", "Feb"],
                "series": [{"category": "rev", "values": [10, 12]}, {"category": "cost", "values": [5, 0]}],
            }
        },
    )
    assert any("v0 chart" in r for r in repairs)


def test_v0_pie_chart_becomes_chart1d_with_default_variant() -> None:
    v0 = node(
        "PieChart",
        categoryKey="team",
        title="Headcount",
        data=[{"team": "Eng", "n": 132}, {"team": "Ops", "n": 9}],
    )
    result, _ = repaired(v0)
    assert result is not None and result["component"] == "PieChartV2"
    assert result["props"]["variant"] == "pie"
    assert result["props"]["chartData"]["data"] == [
        {"category": "Eng", "value": 132},
        {"category": "Ops", "value": 9},
    ]
    assert result["props"]["chartData"]["header"]["props"]["heading"] == "Headcount"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (node("textcontent", textMarkdown="hi"), node("TextContent", textMarkdown="hi")),
        (node("Text", text="hi"), node("TextContent", textMarkdown="hi")),
        (node("Markdown", content="hi"), node("TextContent", textMarkdown="hi")),
        (node("Paragraph", children="hi"), node("TextContent", textMarkdown="hi")),
        (
            node("Callout", variant="info", title="t", description="d"),
            node("CalloutV2", variant="info", title="t", description="d"),
        ),
        (node("CardHeader", title="T", subtitle="S"), node("Header", title="T", subtitle="S")),
        (
            node(
                "bar_chart_v2",
                chartData={"data": {"labels": ["a"], "series": [{"category": "c", "values": [1]}]}},
            ),
            node(
                "BarChartV2",
                chartData={"data": {"labels": ["a"], "series": [{"category": "c", "values": [1]}]}},
            ),
        ),
        ({"component": "Header", "title": "loose"}, node("Header", title="loose")),
    ],
)
def test_unambiguous_component_mappings(raw: dict[str, Any], expected: dict[str, Any]) -> None:
    assert repaired(raw)[0] == expected


def test_wrappers_are_spliced_into_the_parent_list() -> None:
    tree = CATALOG.repair_tree(
        card(
            node(
                "Stack", children=[node("Header", title="a"), node("Grid", children=[node("Text", text="b")])]
            )
        )
    )
    assert tree == card(node("Header", title="a"), node("TextContent", textMarkdown="b"))
    nested_card = CATALOG.repair_nodes(
        node("Card", children=[node("Header", title="a"), node("Header", title="b")])
    )
    assert nested_card == [node("Header", title="a"), node("Header", title="b")]
    assert CATALOG.repair_node(node("Container", children=[node("Header", title="only")])) == node(
        "Header", title="only"
    )


def test_unknown_components_and_props_are_dropped_with_repairs_recorded() -> None:
    assert repaired(node("FancyWidget", x=1))[0] is None
    result, repairs = repaired(node("Header", title="t", colour="red"))
    assert result == node("Header", title="t")
    assert repairs == ["dropped unknown prop 'colour'"]
    assert CATALOG.repair_node("not a node") is None
    assert CATALOG.repair_node(None) is None


def test_type_coercion_when_unambiguous() -> None:
    chart = node("PieChartV2", variant="DONUT", chartData={"data": [{"category": 2024, "value": "12"}]})
    result, _ = repaired(chart)
    assert result == node(
        "PieChartV2", variant="donut", chartData={"data": [{"category": "2024", "value": 12}]}
    )
    section = node(
        "SectionBlock", isFoldable="true", sections=[{"value": "a", "trigger": "A", "content": []}]
    )
    assert repaired(section)[0]["props"]["isFoldable"] is True  # type: ignore[index]
    bad_number = node("PieChartV2", variant="pie", chartData={"data": [{"category": "a", "value": "lots"}]})
    assert CATALOG.repair_node(bad_number) is None  # the only slice is invalid -> minItems fails -> dropped


def test_missing_required_props_default_or_drop() -> None:
    assert repaired(node("CalloutV2", description="d"))[0] == node(
        "CalloutV2", description="d", variant="info", title=""
    )
    nameless = node("Form", children=[{"label": "", "children": node("Input", placeholder="p")}])
    assert CATALOG.repair_node(nameless) is None  # no name and no label to derive one from
    group = repaired(node("ButtonGroup", children=[node("Button", label="Save now")]))[0]
    assert group == node("ButtonGroup", children=[node("Button", children="Save now", name="save_now")])
    assert CATALOG.repair_node(node("Table", tableBody={"rows": []})) is None  # tableHeader: no sane default


def test_lone_button_is_wrapped_in_a_button_group() -> None:
    nodes = CATALOG.repair_nodes(node("Button", children="Go", name="go"))
    assert nodes == [node("ButtonGroup", children=[node("Button", children="Go", name="go")])]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "java\tscript:alert(1)",
        " javascript:x",
        "vbscript:x",
        "data:text/html;base64,PHNjcmlwdD4=",
        "jav&#x61;script:x",
        "javascript&colon;x",
        "\x01javascript:x",
        "a:b",
    ],
)
def test_unsafe_urls_are_removed(url: str) -> None:
    result, repairs = repaired(node("Image", alt="x", src=url))
    assert result == node("Image", alt="x")
    assert "removed unsafe URL" in repairs
    link = node(
        "ButtonGroup",
        children=[
            node("Button", children="Go", name="go", action={"type": "open_url", "props": {"url": url}})
        ],
    )
    assert repaired(link)[0] == node("ButtonGroup", children=[node("Button", children="Go", name="go")])


@pytest.mark.parametrize(
    "url", ["https://example.com/a?b=c#d", "http://x.org", "mailto:a@b.c", "/relative/path", "page.html"]
)
def test_safe_urls_are_kept(url: str) -> None:
    link = node("Button", children="Go", name="go", action={"type": "open_url", "props": {"url": url}})
    assert repaired(node("ButtonGroup", children=[link]))[0] == node("ButtonGroup", children=[link])
    if not url.startswith("mailto:"):  # an image source is http(s) or relative only
        assert repaired(node("Image", alt="x", src=url))[0] == node("Image", alt="x", src=url)


def test_image_sources_refuse_mailto() -> None:
    result, repairs = repaired(node("Image", alt="x", src="mailto:a@b.c"))
    assert result == node("Image", alt="x") and "removed unsafe URL" in repairs


def test_markdown_is_neutralised() -> None:
    md = (
        'Hello <script>alert(1)</script>**bold** <iframe src=x></iframe><b onclick="x()">b</b>'
        "\x00\x07 [ok](https://a.b) [bad](javascript:alert(1)) <https://auto.link> `<b>code</b>`"
    )
    result, _ = repaired(node("TextContent", textMarkdown=md))
    text = result["props"]["textMarkdown"]  # type: ignore[index]
    for bad in ("<script", "alert(1)</", "<iframe", "onclick", "<b ", "\x00", "\x07", "javascript:"):
        assert bad not in text
    for good in ("**bold**", "[ok](https://a.b)", "<https://auto.link>", "`<b>code</b>`", "Hello"):
        assert good in text


def test_plain_text_props_lose_tags_and_controls() -> None:
    result, _ = repaired(node("Header", title="<img src=x onerror=alert(1)>Title\x1b", subtitle="a < b > c"))
    assert result == node("Header", title="Title", subtitle="a < b > c")


# ---- caps ------


def test_caps_on_children_strings_depth_and_nodes() -> None:
    small = CATALOG.with_limits(RepairLimits(max_depth=3, max_children=3, max_string=10, max_nodes=4))
    repairs: list[str] = []
    tree = small.repair_tree(card(*[node("Header", title="x" * 50) for _ in range(6)]), repairs)
    assert tree == card(*[node("Header", title="x" * 10)] * 3)
    assert any("truncated list" in r for r in repairs)
    deep: dict[str, Any] = node("TextContent", textMarkdown="leaf")
    for i in range(6):
        deep = node("Tabs", children=[{"value": str(i), "trigger": {"text": "t"}, "content": [deep]}])
    result = small.repair_tree(card(deep))
    VALIDATOR.validate(result)
    assert json.dumps(result).count('"Tabs"') <= 2
    many = small.repair_tree(
        card(
            node(
                "Tabs",
                children=[
                    {
                        "value": "a",
                        "trigger": {"text": "t"},
                        "content": [
                            node("Header", title="1"),
                            node("Header", title="2"),
                            node("Header", title="3"),
                        ],
                    }
                ],
            )
        )
    )
    assert json.dumps(many).count('"Header"') == 3  # Tabs + 3 headers = 4 nodes


def test_shared_state_bounds_nodes_across_calls() -> None:
    small = CATALOG.with_limits(RepairLimits(max_nodes=2))
    state = small.new_state()
    kept = [small.repair_node(node("Header", title=str(i)), state=state) for i in range(4)]
    assert kept[:2] == [node("Header", title="0"), node("Header", title="1")]
    assert kept[2:] == [None, None]


def test_repair_tree_accepts_every_input_shape() -> None:
    envelope = {"component": card(node("Header", title="a")), "error": None}
    assert CATALOG.repair_tree(envelope) == card(node("Header", title="a"))
    assert CATALOG.repair_tree([node("Header", title="a")]) == card(node("Header", title="a"))
    assert CATALOG.repair_tree(node("Header", title="a")) == card(node("Header", title="a"))
    assert CATALOG.repair_tree("plain <b>answer</b>") == card(
        node("TextContent", textMarkdown="plain answer")
    )
    assert CATALOG.repair_tree(42) == card()
    assert (
        CATALOG.repair_tree({"component": "Card", "props": {"variant": "weird", "children": "x"}}) == card()
    )


# ---- property tests ------

NAMES = st.sampled_from(
    [*MODELS, "Text", "Callout", "BarChart", "Stack", "Card", "Nope", "button", "Icon", "Input", "SelectItem"]
)
KEYS = st.sampled_from(
    [
        "title",
        "children",
        "props",
        "component",
        "textMarkdown",
        "variant",
        "chartData",
        "data",
        "items",
        "name",
        "rows",
        "tableHeader",
        "tableBody",
        "value",
        "label",
        "action",
        "url",
        "src",
        "type",
        "followUpText",
        "x",
    ]
)
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["javascript:x", "https://ok.com", "12", "true", "<script>x</script>"]),
)


def _garbage() -> st.SearchStrategy[Any]:
    def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        nodes = st.builds(
            lambda n, p: {"component": n, "props": p}, NAMES, st.dictionaries(KEYS, children, max_size=5)
        )
        return st.one_of(st.lists(children, max_size=5), st.dictionaries(KEYS, children, max_size=5), nodes)

    return st.recursive(LEAVES, extend, max_leaves=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_garbage())
def test_repair_tree_of_garbage_always_validates(value: Any) -> None:
    VALIDATOR.validate(CATALOG.repair_tree(value))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_garbage())
def test_repair_node_of_garbage_is_none_or_valid(value: Any) -> None:
    result = CATALOG.repair_node(value)
    if result is not None:
        VALIDATOR.validate(card(result))
        _validate_with_models(result)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(EVERY_BLOCK), st.data())
def test_mutated_valid_nodes_repair_to_valid_nodes(block: dict[str, Any], data: st.DataObject) -> None:
    mutated = copy.deepcopy(block)
    props = mutated["props"]
    if props:
        key = data.draw(st.sampled_from(sorted(props)))
        props[key] = data.draw(LEAVES)
    result = CATALOG.repair_node(mutated)
    if result is not None:
        VALIDATOR.validate(card(result))


# Items of each growing container, valid and not: the stream repairs an item of an open container alone.
_TEXT = {"component": "TextContent", "props": {"textMarkdown": "see [x](javascript:alert(1)) <b>y</b>"}}
GROWN_ITEMS: dict[str, tuple[dict[str, Any], list[Any]]] = {
    "Table": (
        {"tableHeader": {"rows": [{"children": "A"}, {"children": "B"}]}},
        [{"children": ["x", 3]}, {"children": "x"}, "row", {"cells": ["a"]}, {"children": ["<b>x</b>", 2.5]}],
    ),
    "Steps": ({}, [
        {"component": "StepsItem", "props": {"title": "One", "details": _TEXT}},
        {"component": "StepsItem", "props": {"title": 2, "extra": 1}},
        {"component": "StepsItem"},
        5,
    ]),
    "List": ({"variant": "number"}, [{"title": "a", "subtitle": "b"}, {"title": 3}, {"subtitle": "x"}, "x"]),
    "Tabs": ({}, [
        {"value": "t1", "trigger": {"text": "One"}, "content": [_TEXT, {"component": "Nope"}]},
        {"value": "t2", "trigger": "Two", "content": [_TEXT]},
        {"trigger": {"text": "no value"}},
    ]),
    "SectionBlock": ({}, [{"value": "s", "trigger": "S", "content": [_TEXT]}, {"value": 1}]),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(GROWN_ITEMS))
def test_repair_items_is_what_the_container_makes_of_an_item(name: str) -> None:
    slot = GROWABLE[name]
    shell, items = GROWN_ITEMS[name]
    kept = 0
    for item in items:
        whole_log: list[str] = []
        whole = CATALOG.repair_nodes({"component": name, "props": with_slot(shell, slot, [item])}, whole_log)
        log: list[str] = []
        alone = CATALOG.repair_items(name, slot, [item], CATALOG.new_state(log))
        assert alone == (slot_items(whole[0]["props"], slot) if whole else [])
        assert set(log) <= set(whole_log)  # the container's own notes come once, with its probe
        kept += bool(alone)
    assert kept  # some item of each survives: the comparison is not only of empty lists


def test_repair_items_declines_a_container_whose_hooks_rewrite_items() -> None:
    assert CATALOG.repair_items("Form", ("children",), [{"label": "Name"}]) is None
    assert CATALOG.repair_items("TextContent", ("children",), []) is None  # no such list
