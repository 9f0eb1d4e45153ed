"""Exported JSON Schemas: valid, tight for decoding, client-like for validation, shaped by the catalog."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from ui_fixtures import EVERY_CARD, node

from genui.ui import Catalog, parse_thesys_metadata

CATALOG = Catalog.default()
DECODING_KEYWORDS = {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "anyOf",
    "$ref",
    "$defs",
    "const",
    "enum",
    "minItems",
    "maxItems",
    "maxLength",
    "minLength",
}


def schema_objects(schema: Any) -> list[dict[str, Any]]:
    """Every schema object (not property maps) in a schema."""
    found: list[dict[str, Any]] = []
    if isinstance(schema, dict):
        found.append(schema)
        for key, value in schema.items():
            if key in ("properties", "$defs"):
                for sub in value.values():
                    found += schema_objects(sub)
            elif key == "anyOf":
                for sub in value:
                    found += schema_objects(sub)
            elif key in ("items", "additionalProperties") and isinstance(value, dict):
                found += schema_objects(value)
    return found


@pytest.mark.parametrize("view", ["json_schema", "validation_schema", "embedded_schema"])
def test_schemas_are_valid_json_schema_without_private_keys(view: str) -> None:
    schema = getattr(CATALOG, view)()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert "x-kind" not in json.dumps(schema) and "x-default" not in json.dumps(schema)
    assert schema["properties"]["component"] == {"const": "Card", "type": "string"}


def test_decoding_schema_uses_only_grammar_friendly_keywords_and_is_closed() -> None:
    schema = CATALOG.json_schema()
    for obj in schema_objects(schema):
        assert set(obj) <= DECODING_KEYWORDS, set(obj) - DECODING_KEYWORDS
        if "properties" in obj:
            assert obj["additionalProperties"] is False
            assert obj["type"] == "object"


def test_decoding_schema_is_tight() -> None:
    schema = CATALOG.json_schema()
    defs = schema["$defs"]
    assert defs["CardProps"]["properties"]["children"]["maxItems"] == 8
    for obj in schema_objects(schema):
        if obj.get("type") == "array":
            assert obj["maxItems"] <= 12
        if obj.get("type") == "string" and "const" not in obj and "enum" not in obj:
            assert obj["maxLength"] <= 1200
    assert defs["TabItem"]["properties"]["content"]["maxItems"] == 6


def test_nodes_are_discriminated_by_const_component_name() -> None:
    defs = CATALOG.json_schema()["$defs"]
    refs = [branch["$ref"].rsplit("/", 1)[-1] for branch in defs["Node"]["anyOf"]]
    assert refs == list(CATALOG.blocks)
    for name in refs:
        assert defs[name]["properties"]["component"] == {"const": name, "type": "string"}
        assert defs[name]["required"] == ["component", "props"]


def test_validation_schema_accepts_every_component_and_rejects_invalid_trees() -> None:
    validator = jsonschema.Draft202012Validator(CATALOG.validation_schema())
    validator.validate(EVERY_CARD)
    bad_trees = [
        {"component": "Card", "props": {"children": [node("Nope")]}},
        {"component": "Card", "props": {"children": [node("Header", title="t", extra=1)]}},
        {
            "component": "Card",
            "props": {"children": [node("PieChartV2", variant="round", chartData={"data": []})]},
        },
        {"component": "Card", "props": {"children": [node("EditableTable", name="x", columns=[], data=[])]}},
        {"component": "Card", "props": {"children": [node("Header", title="t" * 501)]}},
        {"component": "Card", "props": {"children": [node("Header", title="t")] * 101}},
    ]
    for tree in bad_trees:
        assert not validator.is_valid(tree), tree


def test_decoding_schema_accepts_a_small_answer_and_rejects_a_wide_one() -> None:
    validator = jsonschema.Draft202012Validator(CATALOG.json_schema())
    small = {
        "component": "Card",
        "props": {"children": [node("Header", title="t"), node("TextContent", textMarkdown="x")]},
    }
    validator.validate(small)
    assert not validator.is_valid(
        {"component": "Card", "props": {"children": [node("Header", title="t")] * 9}}
    )


def test_schema_follows_include_exclude_and_custom() -> None:
    meta = parse_thesys_metadata(
        json.dumps(
            {
                "c1_included_components": ["EditableTable"],
                "c1_excluded_components": ["Layout"],
                "c1_custom_components": {
                    "Poll": {
                        "type": "object",
                        "properties": {
                            "question": {"type": "string"},
                            "options": {"type": "array", "items": {"$ref": "#/$defs/Option"}},
                        },
                        "required": ["question"],
                        "$defs": {"Option": {"type": "string"}},
                    }
                },
                "c1_custom_actions": {
                    "vote": {"type": "object", "properties": {"option": {"type": "string"}}}
                },
            }
        )
    )
    catalog = CATALOG.with_thesys(meta)
    schema = catalog.validation_schema()
    defs = schema["$defs"]
    assert "EditableTable" in defs and "Layout" not in defs and "LayoutProps" not in defs
    assert defs["Poll"]["properties"]["props"]["properties"]["options"]["items"] == {
        "$ref": "#/$defs/Poll__Option"
    }
    assert "Poll__Option" in defs
    assert {"$ref": "#/$defs/Action_vote"} in defs["Action"]["anyOf"]
    jsonschema.Draft202012Validator.check_schema(schema)
    poll = node("Poll", question="Lunch?", options=["Pizza", "Sushi"])
    jsonschema.validate({"component": "Card", "props": {"children": [poll]}}, schema)
    assert catalog.repair_node(poll) == poll
    assert "Layout" in CATALOG.validation_schema()["$defs"]  # the stock catalog is untouched


def test_schema_getters_return_fresh_copies() -> None:
    first = CATALOG.json_schema()
    first["$defs"].clear()
    assert CATALOG.json_schema()["$defs"]
