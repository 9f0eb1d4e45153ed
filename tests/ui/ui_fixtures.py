"""Shared test data for the ui catalog tests: one valid instance of every current component."""

from __future__ import annotations

from typing import Any


def node(component: str, **props: Any) -> dict[str, Any]:
    return {"component": component, "props": props}


BUTTON = node(
    "Button", children="Submit", name="submit", variant="primary", action={"type": "continue_conversation"}
)
LINK = node(
    "Button",
    children="Docs",
    name="docs",
    action={"type": "open_url", "props": {"url": "https://example.com"}},
)
ICON_BUTTON = node("IconButton", icon=node("Icon", name="star"), name="fav", shape="circle")
INLINE = node("InlineHeader", heading="Heading", description="More")
TEXT = node("TextContent", textMarkdown="Revenue grew **75%**.", header=INLINE, variant="card")
CHART2D = {
    "unit": "k",
    "data": {"labels": ["Q1", "Q2"], "series": [{"category": "Revenue", "values": [1, 2.5]}]},
}
CHART1D = {"header": INLINE, "data": [{"category": "Eng", "value": 132}, {"category": "Sales", "value": 98}]}
TAGS = node("TagBlock", children=[{"text": "Active", "variant": "success", "iconName": "check"}])
RULES = {"required": True, "minLength": 2, "max": 10}

EVERY_BLOCK: list[dict[str, Any]] = [
    node("Header", title="Quarterly revenue", subtitle="FY2024", actions=[BUTTON, ICON_BUTTON]),
    INLINE,
    TEXT,
    node("CalloutV2", variant="warning", title="Heads up", description="Numbers are preliminary"),
    TAGS,
    node("Image", alt="A cat", src="https://example.com/cat.png", aspectRatio="16:9"),
    node("ImageGallery", imagesAlt=["a", "b"], imagesSrc=["/a.png", "/b.png"]),
    node(
        "List",
        variant="icon",
        heading="Steps",
        items=[
            {
                "title": "One",
                "subtitle": "first",
                "iconName": "star",
                "image": {"src": "/x.png", "alt": "x"},
                "itemAction": {"action": {"type": "continue_conversation"}, "label": "Go"},
            }
        ],
    ),
    node("Steps", header=INLINE, children=[node("StepsItem", title="Install", details=TEXT)]),
    node(
        "Tabs",
        children=[
            {"value": "a", "trigger": {"text": "A", "icon": node("Icon", name="a")}, "content": [TEXT]}
        ],
    ),
    node("Accordion", header=INLINE, children=[{"value": "b", "trigger": {"text": "B"}}]),
    node("SectionBlock", isFoldable=True, sections=[{"value": "s", "trigger": "Section", "content": [TAGS]}]),
    node("Layout", children={"variant": "L-S", "rows": [{"left": [TEXT], "right": [TAGS]}]}),
    node("CarouselV2", header=INLINE, content=[{"children": [TEXT, INLINE, TAGS, BUTTON], "footer": [LINK]}]),
    node(
        "MiniCardBlock",
        children=[
            node(
                "MiniCard",
                lhs=node("ProfileTile", title="Ava", subtitle="Eng"),
                rhs=node("Stats", number="12"),
            ),
            node("MiniCard", lhs=node("DataTile", amount="$12k", description="MRR")),
        ],
    ),
    node(
        "Table",
        tableHeader={"rows": [{"children": "Name", "type": "string"}, {"children": "Pay", "type": "number"}]},
        tableBody={
            "rows": [
                {
                    "children": [
                        "Ava",
                        "132,000",
                        TAGS,
                        [{"label": "Open", "action": {"type": "continue_conversation"}}],
                    ]
                }
            ]
        },
    ),
    node(
        "BarChartV2", chartData=CHART2D, variant="grouped", isHorizontal=False, type="normal", xAxisLabel="Q"
    ),
    node("LineChartV2", chartData=CHART2D, type="condensedNormal", variant="natural", yAxisLabel="USD"),
    node("AreaChartV2", chartData=CHART2D, variant="linear"),
    node("RadarChartV2", chartData=CHART2D),
    node("PieChartV2", variant="donut", chartData=CHART1D),
    node("RadialChartV2", chartData=CHART1D),
    node("SingleStackedBarChart", chartData=CHART1D),
    node(
        "ScatterChart",
        chartData={"data": [{"name": "A", "series": [{"x": 1, "y": 2, "z": 3}, {"x": 2, "y": 1}]}]},
        xAxisLabel="x",
    ),
    node(
        "Form",
        name="contact",
        children=[
            {
                "label": "Name",
                "hint": "Full",
                "children": node("Input", name="name", placeholder="You", rules=RULES),
            },
            {"label": "Note", "children": node("TextArea", name="note", rows=3)},
            {
                "label": "Topic",
                "children": node(
                    "Select",
                    name="topic",
                    children=[
                        node("SelectLabel", text="Pick"),
                        node("SelectItem", value="sales", children="Sales"),
                        node("SelectSeparator"),
                    ],
                ),
            },
            {
                "label": "Opts",
                "children": node(
                    "CheckBoxGroup", name="opts", children=[node("CheckBoxItem", label="A", name="a")]
                ),
            },
            {
                "label": "Sw",
                "children": node(
                    "SwitchGroup",
                    name="sw",
                    children=[node("SwitchItem", label="B", name="b", defaultChecked=True)],
                ),
            },
            {
                "label": "Size",
                "children": node(
                    "RadioGroup", name="size", children=[node("RadioItem", label="S", value="s")]
                ),
            },
            {
                "label": "When",
                "children": node(
                    "DatePicker", name="when", mode="range", rangeDefaultDates=["2024-01-01", "2024-02-01"]
                ),
            },
            {
                "label": "Level",
                "children": node(
                    "Slider", name="lvl", variant="discrete", min=0, max=10, step=1, defaultValue=[3]
                ),
            },
            {
                "label": "Tile",
                "children": node(
                    "TileOptionBlock",
                    name="tile",
                    multiselect=False,
                    variant="letter",
                    children=[{"label": "A", "value": "a", "name": "a"}],
                ),
            },
        ],
        buttons=node("ButtonGroup", children=[BUTTON, LINK]),
    ),
    node("ButtonGroup", variant="horizontal", children=[BUTTON, ICON_BUTTON]),
    node("FollowUpBlock", followUpText=["Show monthly breakdown", "Compare with FY2023"]),
]

EDITABLE_TABLE = node(
    "EditableTable",
    name="people",
    columns=[
        {"type": "text", "key": "name", "header": "Name"},
        {"type": "number", "key": "age", "header": "Age"},
    ],
    data=[{"id": "1", "values": ["Ava", 31]}],
)

EVERY_CARD: dict[str, Any] = {
    "component": "Card",
    "props": {
        "variant": "card",
        "width": "full",
        "children": EVERY_BLOCK,
        "sources": [{"url": "https://example.com", "title": "Report", "sourceName": "Example"}],
    },
}


def component_tags(value: Any) -> set[str]:
    """Every `component` tag used anywhere in a tree."""
    found: set[str] = set()
    if isinstance(value, dict):
        if isinstance(value.get("component"), str):
            found.add(value["component"])
        for item in value.values():
            found |= component_tags(item)
    elif isinstance(value, list):
        for item in value:
            found |= component_tags(item)
    return found
