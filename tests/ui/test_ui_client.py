"""What a C1 client does with v1 content (genui.ui.client, tokenizer.loads_prefix): close a cut-off prefix the
way clients do, validate the whole tree against the catalog's declarations."""

from __future__ import annotations

import json

import pytest
from clientview import VALID, ClientView
from hypothesis import given, settings
from hypothesis import strategies as st
from ui_fixtures import EDITABLE_TABLE, EVERY_BLOCK, node

from genui.ui import Catalog
from genui.ui.c1 import parse_c1, write_content
from genui.ui.client import client_tree, is_valid_tree, known_components
from genui.ui.tokenizer import close_prefix, loads_prefix

CATALOG = Catalog.default()
VIEW = ClientView(CATALOG.validation_schema())


def card(*children: dict[str, object]) -> dict[str, object]:
    return node("Card", children=list(children))


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ('{"a": "hel', {"a": "hel"}),
        ('{"a": [1, 2', {"a": [1, 2]}),
        ('{"a": [1, 2,', {"a": [1, 2]}),
        ('{"a": 1, "b"', None),
        ('{"a": 1, "b":', None),
        ('{"a": 1, "b": tr', None),
        ('{"a": 1, "b": true', {"a": 1, "b": True}),
        ('{"a": 1.', None),
        ('{"a": "x\\', {"a": "x"}),
        ('{"a": "x\\u00', {"a": "x"}),
        ('{"ke', None),
        ("", None),
        ('{"a": {"b": [{"c": "d"}]}}', {"a": {"b": [{"c": "d"}]}}),
    ],
)
def test_close_json(prefix: str, expected: object) -> None:
    assert loads_prefix(prefix) == expected


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet='<>&;"{}[]:,\\ abcontesthy=/0123456789quot', max_size=200))
def test_closing_never_raises_on_garbage(text: str) -> None:
    closed = close_prefix(text)
    loads_prefix(text)
    # the completion keeps the prefix, less trailing space, a dangling comma and an escape cut in half
    kept = text.rstrip().removesuffix(",")[:-6]
    assert closed is None or closed.startswith(kept)


def test_the_tree_check_follows_the_declarations() -> None:
    assert is_valid_tree(card(*EVERY_BLOCK, EDITABLE_TABLE))
    assert is_valid_tree(card(node("CalloutV2")))  # every CalloutV2 prop has a default clients fill in
    assert is_valid_tree(card(node("Callout", anything=1), node("BarChart")))  # deprecated: still drawn
    assert not is_valid_tree(card(node("NoSuchThing")))
    assert not is_valid_tree(card({"component": "Header"}))  # no props object
    assert not is_valid_tree(card(node("Header", subtitle="no title")))
    assert not is_valid_tree(card(node("ButtonGroup", children=[node("Button", children="Go")])))  # name
    assert not is_valid_tree(card(node("Slider", name="s", min="0", max=1)))  # min is a number
    assert not is_valid_tree(card(node("MiniCardBlock", children=[node("MiniCard", lhs="text")])))  # a node
    assert {
        "Card",
        "Header",
        "StepsItem",
        "Icon",
        "EditableTable",
        "CardHeader",
        "MiniChart",
    } <= known_components()


def test_client_tree_reads_whole_and_cut_bodies() -> None:
    body = json.dumps({"component": card(node("TextContent", textMarkdown="Hello world")), "error": None})
    assert client_tree(body, partial=False) == card(node("TextContent", textMarkdown="Hello world"))
    cut = body[: body.index("world") + 3]
    assert client_tree(cut, partial=True) == card(node("TextContent", textMarkdown="Hello wor"))
    assert client_tree(cut, partial=False) is None  # a finished response must be whole JSON
    inside_name = body[: body.index("TextContent") + 4]
    assert client_tree(inside_name, partial=True) is None  # "Text" is no component


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(EVERY_BLOCK), st.floats(min_value=0.0, max_value=1.0))
def test_what_the_independent_client_view_shows_the_ui_client_shows_too(
    block: dict[str, object], cut: float
) -> None:
    text = write_content(card(node("Header", title="First"), block))
    prefix = text[: int(len(text) * cut)]
    reading = VIEW.read(prefix)
    if reading.status == VALID:
        content = parse_c1(prefix, partial=True).parts[0]
        assert client_tree(content.body, partial=True) == reading.tree
