"""The offline visualizer: each mapping rule on concrete material, then properties over generated material:
(a) every word and number of the tree comes from the material, (b) every tree is valid as it is."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from grounding import ungrounded
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genui.ui import Catalog
from genui.ui.compose import visualize

CATALOG = Catalog.default()


def kids(tree: dict[str, Any]) -> list[dict[str, Any]]:
    children: list[dict[str, Any]] = tree["props"]["children"]
    return children


def names(tree: dict[str, Any]) -> list[str]:
    return [child["component"] for child in kids(tree)]


def valid(tree: dict[str, Any]) -> bool:
    return CATALOG.repair_tree(tree) == tree


def of(tree: dict[str, Any], component: str) -> dict[str, Any]:
    return next(child["props"] for child in kids(tree) if child["component"] == component)


def test_headings_become_a_header_then_section_headers() -> None:
    tree = visualize("# Rivers\n\nLong ones.\n\n## Africa\n\nThe Nile.\n\n### Detail\n\nMore.")
    assert names(tree) == [
        "Header",
        "TextContent",
        "InlineHeader",
        "TextContent",
        "InlineHeader",
        "TextContent",
    ]
    assert of(tree, "Header") == {"title": "Rivers"}
    assert [c["props"]["heading"] for c in kids(tree) if c["component"] == "InlineHeader"] == [
        "Africa",
        "Detail",
    ]


def test_a_first_heading_after_prose_is_a_section_but_an_h1_is_the_header() -> None:
    assert names(visualize("Intro text.\n\n## Details\n\nBody."))[:2] == ["TextContent", "InlineHeader"]
    assert names(visualize("Intro text.\n\n# Title\n\nBody."))[:2] == ["TextContent", "Header"]


def test_context_gives_the_header_only_when_the_material_has_no_leading_heading() -> None:
    tree = visualize("Russia is the largest country.", context="Show me the largest country")
    assert of(tree, "Header") == {"title": "Largest country"}
    tree = visualize("# Countries\n\nRussia.", context="Show me the largest country")
    assert [c["props"]["title"] for c in kids(tree) if c["component"] == "Header"] == ["Countries"]
    assert names(visualize("Russia.", context="Show it as a table")) == ["TextContent"]


def test_paragraphs_keep_their_markdown_and_join_into_one_text() -> None:
    tree = visualize("Some **bold** and `code`.\n\nSecond paragraph with *emphasis*.")
    assert names(tree) == ["TextContent"]
    assert of(tree, "TextContent")["textMarkdown"] == (
        "Some **bold** and `code`.\n\nSecond paragraph with *emphasis*."
    )


def test_links_are_kept_only_with_safe_schemes_else_their_text() -> None:
    text = of(
        visualize(
            "See [docs](https://example.com/a_(b)), [mail](mailto:a@b.c), [bad](javascript:alert(1)), "
            "[rel](/local), ![pic](data:image/png;base64,xx) and <b>bold</b>."
        ),
        "TextContent",
    )["textMarkdown"]
    assert "[docs](https://example.com/a_(b))" in text
    assert "[mail](mailto:a@b.c)" in text
    assert "javascript" not in text and "data:" not in text and "<b>" not in text
    assert ", bad, rel, pic and bold." in text


def test_bullet_list_is_a_list_and_numbered_list_a_numbered_list() -> None:
    tree = visualize("- apples\n- pears\n- plums\n\n1. wake up\n2. **eat**\n3. sleep")
    lists = [c["props"] for c in kids(tree) if c["component"] == "List"]
    assert lists == [
        {"variant": "icon", "items": [{"title": "apples"}, {"title": "pears"}, {"title": "plums"}]},
        {"variant": "number", "items": [{"title": "wake up"}, {"title": "eat"}, {"title": "sleep"}]},
    ]


def test_list_items_with_a_dash_or_colon_get_a_subtitle() -> None:
    items = of(visualize("- Nile – the longest river\n- Amazon: the largest by volume"), "List")["items"]
    assert items == [
        {"title": "Nile", "subtitle": "the longest river"},
        {"title": "Amazon", "subtitle": "the largest by volume"},
    ]


def test_nested_lists_and_lists_with_links_stay_markdown() -> None:
    nested = "- a\n  - b\n- c"
    assert of(visualize(nested), "TextContent")["textMarkdown"] == nested
    linked = "- [site](https://example.com)\n- other"
    assert of(visualize(linked), "TextContent")["textMarkdown"] == linked


def test_pipe_table_is_a_table_with_number_columns_typed() -> None:
    tree = visualize("| Name | Role | Since |\n|---|---|---|\n| Ann | CEO | 2019 |\n| Bo | CTO | 2021 |")
    table = of(tree, "Table")
    assert [(h["children"], h["type"]) for h in table["tableHeader"]["rows"]] == [
        ("Name", "string"),
        ("Role", "string"),
        ("Since", "number"),
    ]
    assert [r["children"] for r in table["tableBody"]["rows"]] == [
        ["Ann", "CEO", "2019"],
        ["Bo", "CTO", "2021"],
    ]
    assert "BarChartV2" not in names(tree)  # "Since" is a year column: no label column is left


def test_numeric_table_becomes_a_bar_chart_and_the_table_goes_when_the_chart_shows_it_all() -> None:
    tree = visualize(
        "| City | Population |\n|---|---|\n| Tokyo | 37.4 |\n| Delhi | 31 |\n| Shanghai | 27,1 |"
    )
    assert names(tree) == ["Table"]  # "27,1" is not a number: no series
    tree = visualize("| City | Population |\n|---|---|\n| Tokyo | 37.4 |\n| Delhi | 31 |\n| Shanghai | 27 |")
    assert names(tree) == ["BarChartV2"]
    assert of(tree, "BarChartV2") == {
        "chartData": {
            "data": {
                "labels": ["Tokyo", "Delhi", "Shanghai"],
                "series": [{"category": "Population", "values": [37.4, 31, 27]}],
            }
        },
        "xAxisLabel": "City",
    }


def test_the_table_stays_beside_the_chart_when_it_has_more_columns() -> None:
    tree = visualize(
        "| Quarter | Revenue | Cost | Note |\n|---|---|---|---|\n"
        "| Q1 | 120 | 80 | slow |\n| Q2 | 150 | 90 | ok |"
    )
    assert names(tree) == ["LineChartV2", "Table"]
    series = of(tree, "LineChartV2")["chartData"]["data"]["series"]
    assert series == [{"category": "Revenue", "values": [120, 150]}, {"category": "Cost", "values": [80, 90]}]


def test_series_of_different_magnitude_are_not_charted_together() -> None:
    tree = visualize(
        "| Country | People | Area |\n|---|---|---|\n| A | 1,400,000 | 9,600 |\n| B | 300,000 | 9,800 |"
    )
    assert names(tree) == ["BarChartV2", "Table"]
    assert [s["category"] for s in of(tree, "BarChartV2")["chartData"]["data"]["series"]] == ["People"]
    assert of(tree, "BarChartV2")["chartData"]["data"]["series"][0]["values"] == [1400000, 300000]


@pytest.mark.parametrize(
    ("labels", "chart"),
    [
        (["2021", "2022", "2023"], "LineChartV2"),
        (["Q1", "Q2", "Q3"], "LineChartV2"),
        (["Jan", "Feb", "Mar"], "LineChartV2"),
        (["2024-01-01", "2024-02-01", "2024-03-01"], "LineChartV2"),
        (["Week 1", "Week 2", "Week 3"], "LineChartV2"),
        (["Red", "Green", "Blue"], "BarChartV2"),
    ],
)
def test_time_labels_give_a_line_chart_others_a_bar_chart(labels: list[str], chart: str) -> None:
    rows = "\n".join(f"| {label} | {i * 10 + 5} |" for i, label in enumerate(labels))
    tree = visualize(f"| When | Sales |\n|---|---|\n{rows}")
    assert names(tree) == [chart]
    assert of(tree, chart)["chartData"]["data"]["labels"] == labels


def test_shares_and_percentages_give_a_pie_chart() -> None:
    tree = visualize("## Budget breakdown\n\n- Rent: 1200\n- Food: 400\n- Transport: 150")
    assert of(tree, "PieChartV2") == {
        "variant": "pie",
        "chartData": {
            "data": [
                {"category": "Rent", "value": 1200},
                {"category": "Food", "value": 400},
                {"category": "Transport", "value": 150},
            ]
        },
    }
    tree = visualize("| OS | Users |\n|---|---|\n| Android | 71% |\n| iOS | 28% |\n| Other | 1% |")
    assert of(tree, "PieChartV2")["chartData"]["data"][0] == {"category": "Android", "value": 71}


def test_a_numeric_list_is_a_bar_chart_named_by_its_section() -> None:
    tree = visualize("## Longest rivers\n\n1. Nile – 6,650 km\n2. Amazon – 6,400 km\n3. Yangtze – 6,300 km")
    chart = of(tree, "BarChartV2")["chartData"]
    assert chart["data"] == {
        "labels": ["Nile", "Amazon", "Yangtze"],
        "series": [{"category": "Longest rivers", "values": [6650, 6400, 6300]}],
    }
    assert of(tree, "BarChartV2")["yAxisLabel"] == "km"  # the unit as written, on the value axis


def test_an_unnamed_series_takes_the_title_from_the_context() -> None:
    tree = visualize("- Russia: 17.1\n- Canada: 9.98", context="Show the largest countries by area")
    assert of(tree, "BarChartV2")["chartData"]["data"]["series"][0]["category"] == "Largest countries by area"


def test_magnitude_suffixes_become_the_chart_unit() -> None:
    tree = visualize("| Year | Revenue |\n|---|---|\n| 2022 | $3.1M |\n| 2023 | $4.2M |")
    chart = of(tree, "LineChartV2")["chartData"]
    assert chart["unit"] == "m" and chart["data"]["series"][0]["values"] == [3.1, 4.2]
    assert of(tree, "LineChartV2")["yAxisLabel"] == "$"


def test_csv_and_tsv_blocks_are_tables() -> None:
    tree = visualize("name,team,city\nAnn,Red,Oslo\nBo,Blue,Rome")
    assert [r["children"] for r in of(tree, "Table")["tableBody"]["rows"]] == [
        ["Ann", "Red", "Oslo"],
        ["Bo", "Blue", "Rome"],
    ]
    tree = visualize("```tsv\nname\tscore\nAnn\t3\nBo\t5\n```")
    assert of(tree, "BarChartV2")["chartData"]["data"]["labels"] == ["Ann", "Bo"]


def test_prose_with_commas_is_not_a_csv() -> None:
    assert names(visualize("Hello, world, again.\nGood morning, sir, indeed.")) == ["TextContent"]


def test_json_records_become_a_table_and_chart_with_readable_headers() -> None:
    material = json.dumps(
        [{"first_name": "Ann", "age": 31, "city": "Oslo"}, {"first_name": "Bo", "age": 25, "city": "Rome"}]
    )
    tree = visualize(material)
    assert names(tree) == ["BarChartV2", "Table"]
    table = of(tree, "Table")
    assert [h["children"] for h in table["tableHeader"]["rows"]] == ["First name", "Age", "City"]
    assert table["tableBody"]["rows"][1]["children"] == ["Bo", "25", "Rome"]


def test_json_object_with_prose_before_it() -> None:
    material = (
        'Here is the response from the web search: {"query": "rivers", "count": 2, "results": '
        '[{"title": "Nile", "length_km": 6650}, {"title": "Amazon", "length_km": 6400}]}'
    )
    tree = visualize(material)
    assert names(tree) == ["TextContent", "List", "InlineHeader", "BarChartV2"]
    assert of(tree, "TextContent") == {"textMarkdown": "Here is the response from the web search:"}
    assert of(tree, "List")["items"] == [
        {"title": "Query", "subtitle": "rivers"},
        {"title": "Count", "subtitle": "2"},
    ]
    assert of(tree, "InlineHeader") == {"heading": "Results"}
    assert of(tree, "BarChartV2")["chartData"]["data"] == {
        "labels": ["Nile", "Amazon"],
        "series": [{"category": "Length km", "values": [6650, 6400]}],
    }


def test_key_value_runs_become_facts() -> None:
    tree = visualize("Capital: Ottawa\nPopulation: 40 million\nCurrency: Canadian dollar")
    assert of(tree, "List") == {
        "variant": "icon",
        "items": [
            {"title": "Capital", "subtitle": "Ottawa"},
            {"title": "Population", "subtitle": "40 million"},
            {"title": "Currency", "subtitle": "Canadian dollar"},
        ],
    }
    tree = visualize("**Revenue:** $4.2M\n**Customers:** 3,400\n**Churn:** 2%")
    tiles = [c["props"]["lhs"] for c in of(tree, "MiniCardBlock")["children"]]
    assert tiles[0] == {"component": "DataTile", "props": {"amount": "$4.2M", "description": "Revenue"}}
    assert len(tiles) == 3


def test_a_single_key_value_line_stays_prose() -> None:
    assert names(visualize("The answer is simple: we wait.")) == ["TextContent"]


def test_key_value_lines_over_time_are_a_line_chart() -> None:
    tree = visualize("Q1: 120\nQ2: 150\nQ3: 170")
    assert of(tree, "LineChartV2")["chartData"]["data"]["series"][0]["values"] == [120, 150, 170]


def test_code_blocks_stay_fenced_code() -> None:
    tree = visualize("Run this:\n\n```python\nprint('hi')\n```\n\n    indented()\n")
    text = of(tree, "TextContent")["textMarkdown"]
    assert "```python\nprint('hi')\n```" in text and "    indented()" in text


@pytest.mark.parametrize(
    ("material", "variant", "title", "description"),
    [
        ("Note: the data is partial.", "info", "Note", "the data is partial."),
        ("**Warning:** do not mix.", "warning", "Warning", "do not mix."),
        ("> Tip: drink water.", "success", "Tip", "drink water."),
        ("> [!IMPORTANT]\n> Back up first.", "warning", "Important", "Back up first."),
        ("> Caution: hot surface", "warning", "Caution", "hot surface"),
    ],
)
def test_callouts(material: str, variant: str, title: str, description: str) -> None:
    assert of(visualize(material), "CalloutV2") == {
        "variant": variant,
        "title": title,
        "description": description,
    }


def test_a_plain_quote_stays_markdown() -> None:
    assert of(visualize("> To be or not to be."), "TextContent")["textMarkdown"] == "> To be or not to be."


@pytest.mark.parametrize(
    "lead", ["## Follow-up questions", "You could ask:", "**Related questions**", "### Next questions"]
)
def test_a_trailing_follow_up_section_becomes_follow_ups(lead: str) -> None:
    tree = visualize(f"The Nile is long.\n\n{lead}\n\n- How long is the Amazon?\n- Which river is widest?")
    assert names(tree) == ["TextContent", "FollowUpBlock"]
    assert of(tree, "FollowUpBlock") == {
        "followUpText": ["How long is the Amazon?", "Which river is widest?"]
    }


def test_follow_ups_only_when_the_material_has_them() -> None:
    tree = visualize("## Questions\n\n- Why?\n\nMore text after.")
    assert "FollowUpBlock" not in names(tree)


def test_empty_material_gives_an_empty_card() -> None:
    assert visualize("   \n") == {"component": "Card", "props": {"children": []}}


def test_megabyte_material_is_bounded() -> None:
    limits = CATALOG.limits
    rows = "\n".join(f"| row {i} | {i} |" for i in range(40_000))
    sections = "\n\n".join(
        f"## Part {i}\n\n- a {i}\n- b {i}\n\nkey {i}: {i}\nother {i}: x\n\nSome prose {i}."
        for i in range(12_000)
    )
    for material in (
        f"| Name | N |\n|---|---|\n{rows}",
        sections,
        json.dumps([{"k": i, "v": "x" * 20} for i in range(30_000)]),
    ):
        assert len(material) > 500_000
        started = time.perf_counter()
        tree = visualize(material)
        elapsed = time.perf_counter() - started
        assert valid(tree)
        assert 0 < len(kids(tree)) <= limits.max_children
        assert elapsed < 10  # generous: linear work on a shared machine, not a benchmark
    chart = of(visualize(f"| Name | N |\n|---|---|\n{rows}"), "BarChartV2")["chartData"]["data"]
    assert len(chart["labels"]) == len(chart["series"][0]["values"]) == limits.max_children
    teams = "\n".join(f"| row {i} | team {i} |" for i in range(40_000))
    table = of(visualize(f"| Name | Team |\n|---|---|\n{teams}"), "Table")
    assert len(table["tableBody"]["rows"]) == limits.max_children


def test_hostile_text_is_sanitized() -> None:
    tree = visualize(
        "# Hi <script>alert(1)</script>\n\n- <img src=x onerror=alert(1)>item\n\nText \u202e with bidi."
    )
    dumped = json.dumps(tree)
    assert "<script" not in dumped and "onerror" not in dumped and "\u202e" not in dumped
    assert valid(tree)


# ---- properties over generated material

VOCAB = [
    "river",
    "Nile",
    "amazon",
    "Q1",
    "Q2",
    "2023",
    "share",
    "revenue",
    "List",
    "Header",
    "Ünïcode",
    "東京",
    "a",
    "x_y",
]
word = st.sampled_from(VOCAB) | st.text("abcdefghijklmnopqrstuvwxyzABC", min_size=1, max_size=8)
phrase = st.lists(word, min_size=1, max_size=6).map(" ".join)
number = st.one_of(
    st.integers(-500, 2_000_000).map(str),
    st.integers(0, 10_000).map(lambda n: f"{n:,}"),
    st.floats(0, 1000, allow_nan=False).map(lambda f: f"{f:.2f}"),
    st.integers(0, 100).map(lambda n: f"{n}%"),
    st.integers(1, 99).map(lambda n: f"${n}.5M"),
)
cell = phrase | number
heading = st.builds(lambda level, text: "#" * level + " " + text, st.integers(1, 3), phrase)
paragraph = st.lists(
    phrase | st.builds(lambda a, b: f"{a} {b}.", phrase, number), min_size=1, max_size=3
).map("\n".join)
bullets = st.builds(
    lambda items, ordered: "\n".join(f"{i + 1}. {t}" if ordered else f"- {t}" for i, t in enumerate(items)),
    st.lists(
        phrase
        | st.builds(lambda a, b: f"{a}: {b}", phrase, number)
        | st.builds(lambda a, b: f"{a} – {b}", phrase, cell),
        min_size=1,
        max_size=5,
    ),
    st.booleans(),
)
kv = st.lists(st.builds(lambda k, v: f"{k}: {v}", word, cell), min_size=2, max_size=5).map("\n".join)
table = st.integers(2, 4).flatmap(
    lambda cols: st.builds(
        lambda head, rows: "\n".join(
            [
                "| " + " | ".join(head) + " |",
                "|" + "---|" * cols,
                *("| " + " | ".join(r) + " |" for r in rows),
            ]
        ),
        st.lists(phrase, min_size=cols, max_size=cols),
        st.lists(st.lists(cell, min_size=cols, max_size=cols), min_size=1, max_size=5),
    )
)
csv_block = st.builds(
    lambda head, rows: "\n".join([",".join(head), *(",".join(r) for r in rows)]),
    st.lists(word, min_size=2, max_size=2),
    st.lists(st.tuples(word, st.integers(0, 999).map(str)), min_size=1, max_size=4),
)
callout = st.builds(
    lambda w, t: f"{w}: {t}", st.sampled_from(["Note", "Warning", "Tip", "> Important"]), phrase
)
code = st.builds(lambda t: f"```\n{t}\n```", phrase)
follow = st.builds(
    lambda items: "## Follow-up questions\n\n" + "\n".join(f"- {i}?" for i in items),
    st.lists(phrase, min_size=1, max_size=3),
)
block = st.one_of(heading, paragraph, bullets, kv, table, csv_block, callout, code)
material = st.builds(
    lambda blocks, tail: "\n\n".join(blocks + tail),
    st.lists(block, min_size=1, max_size=8),
    st.lists(follow, max_size=1),
)
json_material = st.recursive(
    st.one_of(st.integers(-1000, 1000), phrase, st.booleans(), st.none()),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(word, inner, max_size=4),
    max_leaves=12,
).map(lambda value: json.dumps(value, ensure_ascii=False))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(material, st.sampled_from(["", "Show me the river revenue", "What is the share of Q1?"]))
def test_every_word_and_number_comes_from_the_material(text: str, context: str) -> None:
    tree = visualize(text, context=context)
    assert ungrounded(tree, f"{text}\n{context}") == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(material | json_material)
def test_every_tree_is_valid_as_it_is(text: str) -> None:
    tree = visualize(text)
    assert valid(tree)
    assert ungrounded(tree, text) == []


@settings(max_examples=50, deadline=None)
@given(material)
def test_visualize_is_deterministic(text: str) -> None:
    assert visualize(text) == visualize(text)
