"""Libraries from toJSONSchema() and CLI-spec documents; the bundled C1 v2 library."""

from __future__ import annotations

import json
from typing import Any

import pytest

from genui.ui.openui import LibraryError, chat_library, load_library, presentation_library, report_library
from genui.ui.openui.library import MISSING

SCHEMA: dict[str, Any] = {
    "$defs": {
        "Page": {
            "type": "object",
            "properties": {
                "title": {"type": "string"},
                "blocks": {"default": [], "type": "array", "items": {"anyOf": [{"$ref": "#/$defs/Note"}]}},
                "theme": {"type": "string", "enum": ["light", "dark"]},
            },
            "required": ["title", "blocks"],
        },
        "Note": {
            "type": "object",
            "properties": {"text": {"type": ["string", "null"]}, "pin": {"$ref": "#/$defs/Pin"}},
            "required": ["text"],
            "description": "A note",
        },
        "Pin": {"type": "object", "properties": {}},
        "ActionExpression": {"type": "object"},
    }
}


def test_params_keep_positional_order_and_their_facts() -> None:
    library = load_library(SCHEMA, root="Page")
    page = library.components["Page"]
    assert [p.name for p in page.params] == ["title", "blocks", "theme"]
    title, blocks, theme = page.params
    assert title.required and title.type == "string" and title.default is MISSING
    assert blocks.required and blocks.has_default and blocks.default == [] and blocks.refs == ("Note",)
    assert not theme.required and theme.enum == ("light", "dark")
    note = library.components["Note"]
    assert note.params[0].nullable and note.params[0].type == "string" and note.params[1].refs == ("Pin",)
    assert note.description == "A note"
    assert "ActionExpression" not in library.components  # a value shape, not a component
    assert page.typed_signature() == 'Page(title*: string, blocks: array, theme: "light"|"dark")'


def test_the_cli_spec_shape_gives_root_signatures_and_groups() -> None:
    spec = {
        "root": "Page",
        "schema": SCHEMA,
        "componentGroups": [{"name": "Main", "components": ["Page", "Note"]}],
        "components": {"Note": {"signature": "Note(text: string)", "description": "Sticky"}},
        "id": "notes",
    }
    library = load_library(json.dumps(spec))
    assert library.root == "Page" and library.id == "notes"
    assert library.components["Note"].signature == "Note(text: string)"
    assert library.components["Note"].description == "Sticky"
    assert library.component_groups[0]["name"] == "Main"


def test_libraries_are_cached_by_content() -> None:
    text = json.dumps(SCHEMA)
    assert load_library(text) is load_library(text.encode())
    assert load_library(text) is not load_library(text, root="Page")
    assert load_library(text).digest == load_library(SCHEMA).digest


@pytest.mark.parametrize(
    ("document", "path", "reason"),
    [
        ("[1]", "", "JSON object"),
        ("{not json", "", "not valid JSON"),
        ({"schema": 3}, "schema", "$defs map"),
        ({"$defs": {}}, "$defs", "non-empty"),
        ({"root": "Nope", "schema": SCHEMA}, "root", '"Nope" is not in $defs'),
        ({"$defs": {"A": 1}}, "$defs/A", "must be an object"),
        ({"$defs": {"A": {"properties": []}}}, "$defs/A/properties", "must be an object"),
        (
            {"$defs": {"A": {"properties": {}, "required": ["x"]}}},
            "$defs/A/required",
            '"x" is not in properties',
        ),
        (
            {"$defs": {"A": {"properties": {"b": {"$ref": "#/$defs/B"}}}}},
            "$defs/A/properties/b",
            "unresolvable",
        ),
        (
            {"schema": SCHEMA, "componentGroups": [{"name": "G", "components": ["Ghost"]}]},
            "componentGroups/0",
            '"Ghost"',
        ),
    ],
)
def test_malformed_libraries_name_what_is_wrong(document: Any, path: str, reason: str) -> None:
    with pytest.raises(LibraryError) as caught:
        load_library(document)
    assert caught.value.path == path and reason in caught.value.reason
    assert isinstance(caught.value, ValueError)


def test_the_bundled_libraries() -> None:
    chat = chat_library()
    assert chat.root == "Card" and len(chat.components) == 73 and chat is chat_library()
    header = chat.components["Header"]
    assert [(p.name, p.required) for p in header.params] == [("title", True), ("subtitle", False)]
    assert chat.components["Slider"].params[-1].name == "step"  # positional order as published
    assert report_library().root == "Report" and presentation_library().root == "Presentation"


def test_the_library_cache_evicts_the_least_recently_used() -> None:
    from genui.ui.openui import library as module

    def document(i: int) -> dict[str, Any]:
        return {"$defs": {f"Only{i}": {"properties": {"n": {"type": "number"}}}}}

    first = load_library(document(-1))
    second = load_library(document(-2))
    for i in range(module._CACHE_SIZE - 1):
        load_library(document(i))
        assert load_library(document(-1)) is first  # used again: kept
    assert load_library(document(-2)) is not second  # not used: evicted
    assert len(module._cache) <= module._CACHE_SIZE


def test_entry_candidates_are_the_components_nothing_refers_to() -> None:
    from genui.ui.openui.library import entry_candidates

    assert entry_candidates(chat_library())[0] == "Card"
    nested = {
        "$defs": {
            "Page": {
                "properties": {"footer": {"type": "object", "properties": {"b": {"$ref": "#/$defs/B"}}}}
            },
            "B": {"properties": {"again": {"$ref": "#/$defs/B"}}},
        }
    }
    assert entry_candidates(load_library(nested)) == ("Page",)  # refs inside objects count; self-refs do not
