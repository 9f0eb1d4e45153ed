"""The small-model schema (`Catalog.embedded_schema()`, ui/slim.py): valid for the full catalog, few
components, tight caps, custom components kept."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import jsonschema

from genui.ui import Catalog, parse_thesys_metadata
from genui.ui.catalog import EMBEDDED_COMPONENTS
from genui.ui.slim import slim_view

CATALOG = Catalog.default()
CATALOG_SCHEMA = CATALOG.json_schema()


def component_names(schema: Any) -> set[str]:
    """Every `component` const a schema allows."""
    return set(re.findall(r'"component": \{"const": "(\w+)"', json.dumps(schema)))


def test_slim_schema_output_is_valid_for_the_full_schema() -> None:
    slim = CATALOG.embedded_schema()
    assert slim == slim_view(CATALOG_SCHEMA)
    names = component_names(slim)
    assert "Header" in names and "TextContent" in names
    assert names <= EMBEDDED_COMPONENTS | (component_names(CATALOG_SCHEMA) - {"Form", "CarouselV2"})
    assert "Form" not in names
    sample = {
        "component": "Card",
        "props": {
            "children": [
                {"component": "Header", "props": {"title": "Hi"}},
                {"component": "TextContent", "props": {"textMarkdown": "Body"}},
            ]
        },
    }
    jsonschema.validate(sample, slim)
    jsonschema.validate(sample, CATALOG_SCHEMA)
    assert copy.deepcopy(CATALOG_SCHEMA) == CATALOG.json_schema()  # not mutated


def test_slim_schema_caps_arrays_and_strings() -> None:
    schema = {
        "type": "object",
        "properties": {
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 50},
            "name": {"type": "string"},
            "note": {"type": "string"},
        },
        "required": ["tags", "name"],
    }
    slim = slim_view(schema)
    assert slim["properties"]["tags"]["maxItems"] == 3
    assert slim["properties"]["tags"]["items"]["maxLength"] == 120
    assert set(slim["properties"]) == {"tags", "name"}


def test_slim_schema_keeps_custom_components() -> None:
    meta = {"c1_custom_components": {"Poll": {"type": "object", "properties": {"q": {"type": "string"}}}}}
    slim = CATALOG.with_thesys(parse_thesys_metadata(json.dumps(meta))).embedded_schema()
    assert "Poll" in component_names(slim) and "Table" not in component_names(slim)
