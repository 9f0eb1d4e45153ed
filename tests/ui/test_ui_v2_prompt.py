"""The v2 library a request uses (the chat library shaped by metadata.thesys) and the OpenUI Lang prompt
generated from it."""

from __future__ import annotations

from genui.ui import Catalog, openui, parse_thesys_metadata, write_tree
from genui.ui.c1 import unescape
from genui.ui.v2_library import library_for, root_blocks
from genui.ui.v2_prompt import PromptOptions, signature, type_text, v2_system_prompt

VERSION = Catalog.default().version


def card_children(library: openui.Library) -> set[str]:
    return set(root_blocks(library))


def test_the_default_library_leaves_opt_in_components_out_and_takes_free_blocks() -> None:
    library = library_for(None)
    assert "EditableTable" not in library.components  # opt-in, as in the v1 catalog
    assert {"FollowUpBlock", "Header", "Tabs", "Form"} <= card_children(library)
    assert "TabItem" not in card_children(library)
    assert library_for(None) is library  # cached


def test_include_exclude_and_custom_components_shape_the_v2_library() -> None:
    meta = parse_thesys_metadata({
        "c1_included_components": ["EditableTable"],
        "c1_excluded_components": ["BarChartV2", "Tabs"],
        "c1_custom_components": {"Weather": {"type": "object", "properties": {"city": {"type": "string"},
                                              "days": {"type": "number"}}, "required": ["city"]}},
        "c1_custom_actions": {"book_trip": {"type": "object"}},
    })  # fmt: skip
    library = library_for(meta)
    children = card_children(library)
    assert {"EditableTable", "Weather"} <= children
    assert not {"BarChart", "HorizontalBarChart", "Tabs"} & children  # v1 names map to their v2 counterparts
    assert [p.name for p in library.components["Weather"].params] == ["city", "days"]
    assert "book_trip" in library.actions
    ok = openui.validate('root = Card([w])\nw = Weather("Rome", 3)\n', library)
    assert (
        ok.valid
        and ok.root is not None
        and ok.root["props"]["children"][0]["props"] == {"city": "Rome", "days": 3}
    )
    prompt = v2_system_prompt(library, version=VERSION)
    assert "Weather(city: string, days?: number)" in prompt and "BarChart(" not in prompt
    assert "book_trip" in prompt


def test_the_prompt_has_signatures_rules_an_example_and_is_pinned() -> None:
    library = library_for(None)
    prompt = v2_system_prompt(library, version=VERSION)
    assert prompt is v2_system_prompt(library, version=VERSION)  # built once per version and library
    assert "root = Card([...])" in prompt and "positional" in prompt and "Streaming order" in prompt
    assert "Header(title: string, subtitle?: string)" in prompt
    assert 'TextContent(text: string, size?: "small" | "default"' in prompt
    assert "Form(name: string, buttons: ButtonGroup, fields?: FormControl[])" in prompt
    example = prompt.split("Example:\n")[1].split("\n\n")[0] + "\n"
    assert openui.validate(example, library).valid
    small = v2_system_prompt(
        library, version=VERSION, options=PromptOptions(components=("Header", "TextContent"))
    )
    assert "Card(children?: (Header | TextContent)[]" in small and "BarChart" not in small
    assert len(small) < len(prompt) / 3


def test_prompt_options_of_a_config_turn() -> None:
    options = PromptOptions.from_config(
        {
            "preamble": "You design dashboards.",
            "additionalRules": ["Use charts."],
            "examples": ["root = Card([])"],
        },
        ["refund"],
        "\nThe shop sells shoes.\n",
    )
    prompt = v2_system_prompt(library_for(None), version=VERSION, options=options)
    assert prompt.startswith("You design dashboards.\n\nThe shop sells shoes.")
    assert "- Use charts." in prompt and "Example:\nroot = Card([])" in prompt and "refund" in prompt


def test_type_notation() -> None:
    assert (
        type_text({"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "number"}]}})
        == "(string | number)[]"
    )
    assert (
        type_text({"type": "object", "properties": {"a": {"type": "integer"}}, "required": []})
        == "{a?: number}"
    )
    assert type_text({"type": "object"}) == "Record<string, any>"
    assert (
        signature(library_for(None).components["Icon"])
        == "Icon(name: string, category?: string) — an icon by name"
    )


def test_write_tree_writes_a_v1_tree_in_each_format() -> None:
    tree = {"component": "Card", "props": {"children": [
        {"component": "Header", "props": {"title": "Hi"}},
        {"component": "FollowUpBlock", "props": {"followUpText": ["More?"]}},
    ]}}  # fmt: skip
    catalog = Catalog.default()
    v1 = write_tree(tree, "v1", catalog)
    assert v1.startswith('<content thesys="true">') and '"FollowUpBlock"' in unescape(v1)
    v2 = write_tree(tree, "v2", catalog)
    program = unescape(v2.removeprefix('<content thesys="true" version="2">').removesuffix("</content>"))
    assert openui.validate(program).root == {"component": "Card", "props": {"children": [
        {"component": "Header", "props": {"title": "Hi"}},
        {"component": "FollowUpBlock", "props": {"followUpText": ["More?"]}},
    ]}}  # fmt: skip
    bare = write_tree(tree, "openui", catalog)
    assert bare == program
