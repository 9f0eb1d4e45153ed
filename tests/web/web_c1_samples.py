"""Hand-written C1 trees covering every v1 component (and the deprecated ones) for the renderer tests."""

from __future__ import annotations

import json
from typing import Any

from genui.ui.c1 import escape


def node(component: str, /, **props: Any) -> dict[str, Any]:
    return {"component": component, "props": props}


def card(*children: dict[str, Any], **props: Any) -> dict[str, Any]:
    return {"component": node("Card", children=list(children), **props), "error": None}


def c1(tree: dict[str, Any]) -> str:
    return f'<content thesys="true">{escape(json.dumps(tree))}</content>'


BUTTON_SUBMIT = node(
    "Button",
    children="Submit",
    name="submit_contact",
    variant="primary",
    action={"type": "continue_conversation"},
)
BUTTON_DOCS = node(
    "Button",
    children="Docs",
    name="open_docs",
    action={"type": "open_url", "props": {"url": "https://example.com"}},
)
CHART2D = {
    "data": {
        "labels": ["Q1", "Q2", "Q3", "Q4"],
        "series": [
            {"category": "Revenue", "values": [120, 150, 170, 210]},
            {"category": "Cost", "values": [80, 90, 95, 120]},
        ],
    }
}
CHART1D = {"data": [{"category": "Engineering", "value": 132}, {"category": "Sales", "value": 98}]}

CONTACT_FORM = node(
    "Form",
    name="contact",
    children=[
        {
            "label": "Name",
            "hint": "As on your ID",
            "children": node(
                "Input", name="name", placeholder="Your full name", rules={"required": True, "minLength": 2}
            ),
        },
        {"label": "About", "children": node("TextArea", name="about", placeholder="Tell us more")},
        {
            "label": "Topic",
            "children": node(
                "Select",
                name="topic",
                children=[
                    node("SelectItem", value="sales", children="Sales"),
                    node("SelectItem", value="support", children="Support"),
                ],
            ),
        },
        {
            "label": "Extras",
            "children": node(
                "CheckBoxGroup",
                name="extras",
                children=[
                    node("CheckBoxItem", label="Newsletter", name="newsletter", defaultChecked=True),
                    node("CheckBoxItem", label="Call me", name="call"),
                ],
            ),
        },
        {
            "label": "Alerts",
            "children": node(
                "SwitchGroup",
                name="alerts",
                children=[node("SwitchItem", label="Email alerts", name="email_alerts")],
            ),
        },
        {
            "label": "Plan",
            "children": node(
                "RadioGroup",
                name="plan",
                defaultValue="pro",
                children=[
                    node("RadioItem", label="Basic", value="basic"),
                    node("RadioItem", label="Pro", value="pro"),
                ],
            ),
        },
        {
            "label": "Size",
            "children": node(
                "TileOptionBlock",
                name="size",
                multiselect=False,
                variant="letter",
                children=[
                    {"label": "Small", "value": "s", "name": "s"},
                    {"label": "Large", "value": "l", "name": "l"},
                ],
            ),
        },
        {
            "label": "Start date",
            "children": node("DatePicker", name="start", mode="single", singleDefaultDate="2025-01-15"),
        },
        {
            "label": "Budget",
            "children": node(
                "Slider", name="budget", variant="continuous", min=0, max=100, defaultValue=[40]
            ),
        },
    ],
    buttons=node("ButtonGroup", children=[BUTTON_SUBMIT, BUTTON_DOCS]),
)

# one sample per component: (component name, node, a text that must appear in its HTML)
COMPONENT_SAMPLES: list[tuple[str, dict[str, Any], str]] = [
    ("Header", node("Header", title="Quarterly revenue", subtitle="FY2024"), "Quarterly revenue"),
    (
        "InlineHeader",
        node("InlineHeader", heading="Inline heading", description="inline desc"),
        "Inline heading",
    ),
    ("TextContent", node("TextContent", textMarkdown="Revenue grew **75%**"), "75%"),
    (
        "CalloutV2",
        node("CalloutV2", variant="warning", title="Heads up", description="Check the numbers"),
        "Heads up",
    ),
    ("TagBlock", node("TagBlock", children=[{"text": "Active", "variant": "success"}]), "Active"),
    ("Image", node("Image", alt="A mountain lake", src="https://example.com/lake.jpg"), "A mountain lake"),
    ("ImageGallery", node("ImageGallery", imagesAlt=["First photo", "Second photo"]), "Second photo"),
    (
        "List",
        node(
            "List", variant="number", heading="Top picks", items=[{"title": "Kyoto", "subtitle": "Temples"}]
        ),
        "Kyoto",
    ),
    (
        "Steps",
        node(
            "Steps",
            children=[
                node("StepsItem", title="Install it", details=node("TextContent", textMarkdown="Run pip"))
            ],
        ),
        "Install it",
    ),
    (
        "Tabs",
        node(
            "Tabs",
            children=[
                {
                    "value": "a",
                    "trigger": {"text": "Overview"},
                    "content": [node("TextContent", textMarkdown="Tab one body")],
                },
                {
                    "value": "b",
                    "trigger": {"text": "Details"},
                    "content": [node("TextContent", textMarkdown="Tab two body")],
                },
            ],
        ),
        "Tab one body",
    ),
    (
        "Accordion",
        node(
            "Accordion",
            children=[
                {
                    "value": "a",
                    "trigger": {"text": "What is it?"},
                    "content": [node("TextContent", textMarkdown="An answer")],
                },
            ],
        ),
        "What is it?",
    ),
    (
        "SectionBlock",
        node(
            "SectionBlock",
            isFoldable=False,
            sections=[
                {
                    "value": "s",
                    "trigger": "Section title",
                    "content": [node("TextContent", textMarkdown="Section body")],
                }
            ],
        ),
        "Section body",
    ),
    (
        "Layout",
        node(
            "Layout",
            children={
                "variant": "L-S",
                "rows": [
                    [
                        [node("TextContent", textMarkdown="Left column")],
                        [node("TextContent", textMarkdown="Right column")],
                    ]
                ],
            },
        ),
        "Right column",
    ),
    (
        "CarouselV2",
        node(
            "CarouselV2",
            content=[{"children": [node("InlineHeader", heading="Slide one")], "footer": [BUTTON_DOCS]}],
        ),
        "Slide one",
    ),
    (
        "MiniCardBlock",
        node(
            "MiniCardBlock",
            children=[
                node(
                    "MiniCard",
                    lhs=node("DataTile", amount="$1.2M", description="Revenue"),
                    rhs=node("Stats", number="+12%", label="vs last year", type="positive"),
                )
            ],
        ),
        "$1.2M",
    ),
    (
        "ProfileTile",
        node(
            "MiniCardBlock",
            children=[
                node(
                    "MiniCard",
                    lhs=node(
                        "ProfileTile", title="Ava Patel", subtitle="Engineer", imageSrc="javascript:alert(1)"
                    ),
                    rhs=node("MiniChart", data=[1, 3, 2, 5], type="line"),
                )
            ],
        ),
        "Ava Patel",
    ),
    (
        "Table",
        node(
            "Table",
            tableHeader={
                "rows": [
                    {"children": "Name", "type": "string"},
                    {"children": "Salary", "type": "number"},
                    {"children": "Status", "type": "string"},
                    {"children": "Go", "type": "action"},
                ]
            },
            tableBody={
                "rows": [
                    {
                        "children": [
                            "Ava Patel",
                            "132,000",
                            node("TagBlock", children=[{"text": "Hired", "variant": "success"}]),
                            [{"label": "Profile", "action": {"type": "continue_conversation"}}],
                        ]
                    }
                ]
            },
        ),
        "Hired",
    ),
    (
        "EditableTable",
        node(
            "EditableTable",
            name="people",
            columns=[
                {"type": "text", "key": "name", "header": "Person"},
                {"type": "number", "key": "age", "header": "Age"},
            ],
            data=[{"id": "r1", "values": ["Bo", 31]}],
        ),
        "Person",
    ),
    (
        "BarChartV2",
        node("BarChartV2", variant="grouped", xAxisLabel="Quarter", yAxisLabel="USD (k)", chartData=CHART2D),
        "Revenue",
    ),
    (
        "BarChartV2-stacked-horizontal",
        node("BarChartV2", variant="stacked", isHorizontal=True, chartData=CHART2D),
        "Cost",
    ),
    (
        "LineChartV2",
        node("LineChartV2", variant="natural", chartData=CHART2D, xAxisLabel="Quarter"),
        "Quarter",
    ),
    ("AreaChartV2", node("AreaChartV2", chartData=CHART2D), "Revenue"),
    ("RadarChartV2", node("RadarChartV2", chartData=CHART2D), "Revenue"),
    ("PieChartV2", node("PieChartV2", variant="pie", chartData=CHART1D), "Engineering"),
    ("PieChartV2-donut", node("PieChartV2", variant="donut", chartData=CHART1D), "Sales"),
    ("RadialChartV2", node("RadialChartV2", chartData=CHART1D), "Engineering"),
    ("SingleStackedBarChart", node("SingleStackedBarChart", chartData=CHART1D), "Engineering"),
    (
        "ScatterChart",
        node(
            "ScatterChart",
            xAxisLabel="Height",
            yAxisLabel="Weight",
            chartData={"data": [{"name": "Group A", "series": [{"x": 1, "y": 2}, {"x": 3, "y": 5, "z": 4}]}]},
        ),
        "Group A",
    ),
    ("Form", CONTACT_FORM, "Your full name"),
    ("Input", node("Input", name="solo", placeholder="Standalone input"), "Standalone input"),
    ("Button", BUTTON_SUBMIT, "Submit"),
    ("IconButton", node("IconButton", icon=node("Icon", name="star"), name="favourite"), "favourite"),
    ("ButtonGroup", node("ButtonGroup", variant="vertical", children=[BUTTON_SUBMIT, BUTTON_DOCS]), "Docs"),
    (
        "FollowUpBlock",
        node("FollowUpBlock", followUpText=["Show monthly breakdown", "Compare with FY2023"]),
        "Compare with FY2023",
    ),
    (
        "Icon",
        node("TextContent", textMarkdown="Icon next", header=node("InlineHeader", heading="With icon")),
        "With icon",
    ),
    # deprecated, read-only
    ("CardHeader", node("CardHeader", title="Old header"), "Old header"),
    ("Callout", node("Callout", variant="info", title="Old callout", description="legacy"), "Old callout"),
    ("ListBlock", node("ListBlock", items=[{"title": "Legacy item"}]), "Legacy item"),
    ("Carousel", node("Carousel", children=[[node("TextContent", textMarkdown="Old slide")]]), "Old slide"),
    (
        "Section",
        node("Section", title="Old section", children=[node("TextContent", textMarkdown="x")]),
        "Old section",
    ),
    (
        "BarChart",
        node("BarChart", categoryKey="month", data=[{"month": "Jan", "desktop": 10, "mobile": 4}]),
        "desktop",
    ),
    (
        "LineChart",
        node(
            "LineChart",
            categoryKey="month",
            data=[{"month": "Jan", "visits": 3}, {"month": "Feb", "visits": 5}],
        ),
        "visits",
    ),
    ("AreaChart", node("AreaChart", categoryKey="month", data=[{"month": "Jan", "area_s": 3}]), "area_s"),
    (
        "PieChart",
        node("PieChart", categoryKey="browser", data=[{"browser": "Firefox", "share": 30}]),
        "Firefox",
    ),
    (
        "RadarChart",
        node(
            "RadarChart",
            categoryKey="skill",
            data=[{"skill": "Speed", "score": 3}, {"skill": "Power", "score": 4}],
        ),
        "Speed",
    ),
    ("RadialChart", node("RadialChart", categoryKey="k", data=[{"k": "Radial v0", "v": 3}]), "Radial v0"),
    ("MiniChart", node("MiniChart", data=[4, 2, 6], type="bar", title="Sparkline"), "Sparkline"),
]


def sample(name: str) -> dict[str, Any]:
    return next(tree for sample_name, tree, _ in COMPONENT_SAMPLES if sample_name == name)


CHART_COMPONENTS = {
    "BarChartV2",
    "LineChartV2",
    "AreaChartV2",
    "RadarChartV2",
    "PieChartV2",
    "RadialChartV2",
    "SingleStackedBarChart",
    "ScatterChart",
    "BarChart",
    "LineChart",
    "AreaChart",
    "PieChart",
    "RadarChart",
    "RadialChart",
    "MiniChart",
}

REAL_ANSWER = (
    '<thinkitem ephemeral="true"><thinkitemtitle>Analyzing data</thinkitemtitle><thinkitemcontent>Reading '
    "population tables</thinkitemcontent></thinkitem>"
    + c1(
        card(
            node("Header", title="Quarterly revenue vs cost", subtitle="FY2024, USD thousands"),
            node(
                "BarChartV2", variant="grouped", xAxisLabel="Quarter", yAxisLabel="USD (k)", chartData=CHART2D
            ),
            node(
                "TextContent",
                textMarkdown="Revenue grew **75%** from Q1 to Q4. <b>bold?</b> & \"quotes\" 'single'",
            ),
            node(
                "Table",
                tableHeader={"rows": [{"children": "Name", "type": "string"}]},
                tableBody={"rows": [{"children": ["Ava"]}]},
            ),
            CONTACT_FORM,
            node("FollowUpBlock", followUpText=["Show monthly breakdown", "Compare with FY2023"]),
        )
    )
)
