"""Writing trees as programs: layout, escaping, trimming, and the round trip for any valid tree."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from openui_strategies import trees

from genui.ui import openui
from genui.ui.openui import (
    Dynamic,
    chat_library,
    parse,
    presentation_library,
    report_library,
    validate,
    write,
)
from genui.ui.openui.ast import Binary, StateRef, Str

ROUND_TRIP = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def test_root_first_one_statement_per_component_parents_before_children() -> None:
    tree = {
        "component": "Card",
        "props": {
            "children": [
                {"component": "Header", "props": {"title": "Sales", "subtitle": "FY"}},
                {
                    "component": "Form",
                    "props": {
                        "name": "f",
                        "buttons": {
                            "component": "ButtonGroup",
                            "props": {"buttons": [{"component": "Button", "props": {"label": "Go"}}]},
                        },
                        "fields": [],
                    },
                },
                {"component": "Header", "props": {"title": "Two"}},
            ]
        },
    }
    assert write(tree) == (
        "root = Card([h1, f1, h2])\n"
        'h1 = Header("Sales", "FY")\n'
        'f1 = Form("f", bg1)\n'  # fields=[] is the default: trimmed
        "bg1 = ButtonGroup([b1])\n"
        'b1 = Button("Go")\n'
        'h2 = Header("Two")\n'
    )


def test_strings_are_json_escaped_and_keys_quoted_when_needed() -> None:
    tree = {
        "component": "Card",
        "props": {
            "children": [{"component": "TextContent", "props": {"text": 'a "q"\n\\ \x01 é'}}],
            "sources": [{"title": "t", "sourceName": "s", "url": "https://x"}],
        },
    }
    text = write(tree)
    assert 'tc1 = TextContent("a \\"q\\"\\n\\\\ \\u0001 é")' in text
    assert '[{title: "t", sourceName: "s", url: "https://x"}]' in text
    assert "\x01" not in text and text.endswith("\n") and text.count("\n") == 2
    data = openui.writer._Writer(chat_library(), "root").value({"a b": 1, "null": 2, "ok": [True, None]}, 0)
    assert data == '{"a b": 1, "null": 2, ok: [true, null]}'


def test_skipped_optionals_are_null_and_trailing_ones_and_defaults_trimmed() -> None:
    button = {"component": "Button", "props": {"label": "Go", "variant": "primary"}}
    assert 'Button("Go", null, "primary")' in write({"component": "Card", "props": {"children": [button]}})
    tag = {"component": "Tag", "props": {"text": "x", "variant": "neutral"}}  # neutral is the default
    assert 'Tag("x")' in write({"component": "Card", "props": {"children": [tag]}})


def test_statement_names_come_from_the_source_when_free() -> None:
    original = 'root = Card([hdr, hdr, other])\nhdr = Header("x")\nother = Header("y")\n'
    tree = validate(original).root
    assert tree is not None
    assert write(tree) == original


def test_runtime_expressions_are_written_back() -> None:
    node = {
        "component": "TextContent",
        "props": {"text": Dynamic(Binary("+", Str("Hi "), StateRef("$name")))},
    }
    assert 'TextContent("Hi " + $name)' in write({"component": "Card", "props": {"children": [node]}})


def test_what_cannot_be_written_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="node of the library"):
        write({"component": "Nope", "props": {}})
    with pytest.raises(ValueError, match="finite"):
        write(
            {
                "component": "Card",
                "props": {"children": [{"component": "Slider", "props": {"name": "s", "min": float("nan")}}]},
            }
        )


@ROUND_TRIP
@given(tree=trees(chat_library()))
def test_round_trip_chat(tree: dict) -> None:  # type: ignore[type-arg]
    program = write(tree)
    result = validate(program)
    assert result.errors == () and result.root == tree
    assert write(result.root) == program  # writing is deterministic and stable
    assert parse(program).statements[0].name == "root"


@ROUND_TRIP
@given(tree=trees(report_library()))
def test_round_trip_report(tree: dict) -> None:  # type: ignore[type-arg]
    result = validate(write(tree, report_library()), report_library())
    assert result.errors == () and result.root == tree


@ROUND_TRIP
@given(tree=trees(presentation_library()))
def test_round_trip_presentation(tree: dict) -> None:  # type: ignore[type-arg]
    result = validate(write(tree, presentation_library()), presentation_library())
    assert result.errors == () and result.root == tree
