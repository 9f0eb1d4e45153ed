"""Placeholder and degenerate text: which texts are flagged and why, how `clean` removes them while keeping
the tree valid, and (property) that `clean`'s output never holds flagged text."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genui.ui import Catalog
from genui.ui.compose import visualize
from genui.ui.quality import catalog_names, check, clean, markdown_flags, text_flags

CATALOG = Catalog.default()


def node(component: str, **props: Any) -> dict[str, Any]:
    return {"component": component, "props": props}


def card(*children: dict[str, Any]) -> dict[str, Any]:
    return node("Card", children=list(children))


def items(*titles: str) -> list[dict[str, str]]:
    return [{"title": t} for t in titles]


def test_names_come_from_the_catalog() -> None:
    names = catalog_names()
    for component in CATALOG.component_names:
        folded = re.sub(r"(.)\1+", r"\1", re.sub(r"[^a-z0-9]", "", component.lower()))
        assert folded in names
    assert {"header", "title", "textmarkdown", "folowuptext", "list", "children"} <= names
    assert "cadet" not in names and "river" not in names


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Header", "catalog name"),
        ("Title", "catalog name"),
        ("List", "catalog name"),
        ("Lisst", "catalog name"),
        ("Tittle", "catalog name"),
        ("Headers", "catalog name"),
        ("text_markdown", "catalog name"),
        ("textMarkdown", "catalog name"),
        ("FollowUpBlock", "catalog name"),
        ("Sub title", "catalog name"),
        ("Items", "catalog name"),
        ("Description", "catalog name"),
        ("CARD_CARD_CARD_CARD_CARD_CARD_CARD", "identifier"),
        ("CARD_CARD_CARD_CARD_CARD_CARD_CARD", "repetition"),
        ("user_name_field", "identifier"),
        ("CARDCARDCARD", "repetition"),
        ("the the the", "repetition"),
        ("is the is the is the", "repetition"),
        ("a b c d e f g h a a a a a a a a a", "repetition"),
        ("Cadet Cadet Cadet", "repetition"),
        ("Aaaaaah", "repetition"),
        ("hahahaha", "repetition"),
        ("Xzqrtvbn", "non-word"),
        ("strngth", "non-word"),
        ("Supercalifragilisticexpialidociousness", "non-word"),
        ("#@!&*% ~~ {}[]<>", "empty"),
        ("{x} [y] <<<>>> ###", "symbols"),
        ("...", "empty"),
        ("", "empty"),
        ("   ", "empty"),
    ],
)
def test_bad_texts_are_flagged_with_their_reason(text: str, reason: str) -> None:
    assert reason in text_flags(text)


@pytest.mark.parametrize(
    "text",
    [
        "Russia",
        "Cadet",
        "Five largest countries by area",
        "The Nile is 6,650 km long.",
        "$4.2M",
        "2024-01-05",
        "45%",
        "Q1 2024",
        "HTTPS and NVDA",
        "iPhone 15 Pro",
        "See https://example.com/a_very_long_path_with_underscores_and_more_text",
        "mail me at first_last@example.com",
        "Rhythm and blues",
        "Strengths",
        "Max",
        "Naïve café in Zürich",
        "東京タワー",
        "Step 1: preheat the oven",
        "Wow, that was a very very good day",
    ],
)
def test_good_texts_are_not_flagged(text: str) -> None:
    assert text_flags(text) == []


def test_data_texts_only_fail_on_repetition() -> None:
    for text in ("Name", "Type", "user_id", "", "N/A", "-", "4.2"):
        assert text_flags(text, "data") == []
    assert text_flags("CARD_CARD_CARD", "data") == ["repetition"]


def test_markdown_is_checked_line_by_line_outside_code() -> None:
    text = (
        "# Header\nThe Nile.\n```\nfoo_bar_baz baz baz baz\n```\n"
        "| a | b |\n|---|---|\n`x_y` is fine\nCARD_CARD_CARD"
    )
    assert [index for index, _ in markdown_flags(text)] == [0, 8]


def test_the_issue_trees_are_flagged() -> None:
    cadet = card(node("Header", title="Cadet"), node("List", variant="icon", items=items("Cadet", "Cadet")))
    assert {f.reason for f in check(cadet)} == {"echo", "duplicate"}
    cards = card(node("Header", title="CARD_CARD_CARD_CARD_CARD_CARD_CARD_CARD"))
    assert {"identifier", "repetition"} <= set(check(cards)[0].reason.split(", "))
    lisst = card(node("Header", title="Header"), node("List", variant="icon", items=items("Lisst", "Lisst")))
    assert [f.text for f in check(lisst) if f.reason == "catalog name"] == ["Header", "Lisst", "Lisst"]


def test_clean_drops_the_issue_trees_to_nothing() -> None:
    for tree in (
        card(node("Header", title="Cadet"), node("List", variant="icon", items=items("Cadet", "Cadet"))),
        card(node("Header", title="CARD_CARD_CARD_CARD_CARD_CARD_CARD_CARD")),
        card(node("Header", title="Header"), node("List", variant="icon", items=items("Lisst", "Lisst"))),
    ):
        assert clean(tree) == card()


def test_clean_keeps_the_good_parts() -> None:
    tree = card(
        node("Header", title="Largest countries", subtitle="Subtitle"),
        node(
            "List",
            variant="number",
            heading="List",
            items=items("Russia", "Canada", "Canada", "Title", "China"),
        ),
        node("TextContent", textMarkdown="# Header\nRussia is big.\n\n```\nfoo_bar\n```"),
        node("CalloutV2", variant="info", title="Note", description="Figures are rounded."),
        node("TagBlock", children=[{"text": "Text", "variant": "info"}, {"text": "Asia", "variant": "info"}]),
        node("FollowUpBlock", followUpText=["Which is smallest?", "Which is smallest?", "Text"]),
        node(
            "Table",
            tableHeader={"rows": [{"children": "Name", "type": "string"}]},
            tableBody={"rows": [{"children": ["x"]}, {"children": ["x"]}]},
        ),
    )
    assert clean(tree) == card(
        node("Header", title="Largest countries"),
        node("List", variant="number", items=items("Russia", "Canada", "China")),
        node("TextContent", textMarkdown="Russia is big.\n\n```\nfoo_bar\n```"),
        node("CalloutV2", variant="info", title="Note", description="Figures are rounded."),
        node("TagBlock", children=[{"text": "Asia", "variant": "info"}]),
        node("FollowUpBlock", followUpText=["Which is smallest?"]),
        node(
            "Table",
            tableHeader={"rows": [{"children": "Name", "type": "string"}]},
            tableBody={"rows": [{"children": ["x"]}, {"children": ["x"]}]},
        ),
    )


def test_clean_drops_a_node_whose_required_text_is_bad_and_a_form_field_label_is_data() -> None:
    tree = card(
        node("InlineHeader", heading="Heading", description="Real words"),
        node("Form", name="f", children=[{"label": "Name", "children": node("Input", name="name")}]),
        node("Header", title="Header", actions=[node("Button", children="Open", name="open")]),
    )
    assert clean(tree) == card(
        node("Form", name="f", children=[{"label": "Name", "children": node("Input", name="name")}])
    )


def test_clean_of_a_good_tree_is_the_tree() -> None:
    tree = visualize(
        "# Rivers\n\n- Nile – 6,650 km\n- Amazon – 6,400 km\n\nNote: lengths vary.\n\n"
        "| Name | Type |\n|---|---|\n| Nile | river |"
    )
    assert check(tree) == []
    assert clean(tree) == tree


def test_clean_repairs_an_invalid_input_first() -> None:
    tree = card(node("Bogus", title="Nile"), node("Header", title="Header"), node("Header", title=5))
    assert clean(tree) == card(node("Header", title="5"))


# ---- property: clean output never holds flagged text and is valid

JUNK = [
    "Header",
    "Title",
    "List",
    "Lisst",
    "CARD_CARD_CARD",
    "Cadet",
    "text_markdown",
    "...",
    "",
    "aaaa bbbb",
    "Items",
]
GOOD = ["Nile", "Amazon river", "Revenue grew 12%", "Q1 2024", "Tokyo", "Ada Lovelace", "Cadet"]
text = st.sampled_from(JUNK + GOOD) | st.text("abcdefghij XYZ_", min_size=1, max_size=12)
markdown = st.lists(text, min_size=1, max_size=4).map("\n".join)
tone = st.sampled_from(["neutral", "info", "success", "warning", "danger"])
block = st.one_of(
    st.builds(lambda t, s: node("Header", title=t, **({"subtitle": s} if s else {})), text, st.none() | text),
    st.builds(lambda t: node("InlineHeader", heading=t), text),
    st.builds(lambda m: node("TextContent", textMarkdown=m), markdown),
    st.builds(
        lambda ts, h: node("List", variant="icon", items=items(*ts), **({"heading": h} if h else {})),
        st.lists(text, min_size=1, max_size=4),
        st.none() | text,
    ),
    st.builds(
        lambda ts: node("TagBlock", children=[{"text": t, "variant": "info"} for t in ts]),
        st.lists(text, min_size=1, max_size=3),
    ),
    st.builds(lambda ts: node("FollowUpBlock", followUpText=ts), st.lists(text, min_size=1, max_size=3)),
    st.builds(lambda v, t, d: node("CalloutV2", variant=v, title=t, description=d), tone, text, text),
    st.builds(
        lambda head, cells: node(
            "Table",
            tableHeader={"rows": [{"children": head, "type": "string"}]},
            tableBody={"rows": [{"children": [c]} for c in cells]},
        ),
        text,
        st.lists(text, max_size=3),
    ),
    st.builds(
        lambda labels: node(
            "PieChartV2",
            variant="pie",
            chartData={"data": [{"category": c, "value": i} for i, c in enumerate(labels)]},
        ),
        st.lists(text, min_size=1, max_size=3),
    ),
    st.builds(
        lambda t, tabs: node(
            "Tabs",
            children=[
                {"value": f"t{i}", "trigger": {"text": x}, "content": [node("TextContent", textMarkdown=x)]}
                for i, x in enumerate(tabs)
            ],
            header=node("InlineHeader", heading=t),
        ),
        text,
        st.lists(text, min_size=1, max_size=2),
    ),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(block, max_size=6))
def test_clean_output_has_no_flagged_text_and_is_valid(children: list[dict[str, Any]]) -> None:
    cleaned = clean(card(*children))
    assert check(cleaned) == []
    assert CATALOG.repair_tree(cleaned) == cleaned
    assert clean(cleaned) == cleaned
