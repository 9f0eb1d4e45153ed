"""Grammar generation (control characters, nesting), OpenAI strict schemas, the embedded slim schema."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import jsonschema
import pytest

from genui.models.card_schema import MINIMAL_CARD_SCHEMA
from genui.models.grammar import collapse_optional_chains, fix_char_rule, schema_key, schema_to_gbnf
from genui.models.messages import component_names
from genui.models.slim import EMBEDDED_COMPONENTS, slim_schema
from genui.models.strict import strict_schema

try:
    from genui.ui import Catalog

    CATALOG_SCHEMA: dict[str, Any] = Catalog.default().json_schema()
except ImportError:  # genui.ui is written in parallel; the minimal schema keeps these tests meaningful
    CATALOG_SCHEMA = MINIMAL_CARD_SCHEMA


def char_rule(gbnf: str) -> str:
    return next(line for line in gbnf.splitlines() if line.startswith("char ::="))


def test_char_rule_excludes_raw_control_characters() -> None:
    rule = char_rule(schema_to_gbnf({"type": "string"}))
    assert rule.startswith('char ::= [^"\\\\\\x7F\\x00-\\x1F] |')
    assert '"\\\\" (["\\\\/bfnrt]' in rule  # escapes stay allowed


def test_fix_char_rule_refuses_an_unknown_char_rule() -> None:
    with pytest.raises(ValueError):
        fix_char_rule("root ::= char*\nchar ::= [a-z]\n")


def test_optional_chains_collapse_to_bounded_repetition() -> None:
    assert (
        collapse_optional_chains('s ::= "\\"" (char (char (char)?)?)? "\\""') == 's ::= "\\"" char{0,3} "\\""'
    )
    assert collapse_optional_chains("d ::= [0-9] ([0-9] ([0-9])?)?") == "d ::= [0-9] [0-9]{0,2}"
    untouched = 'a ::= ("," space item ("," space item)?)? (x)?'
    assert collapse_optional_chains(untouched) == untouched


def test_catalog_grammar_has_no_deep_nesting() -> None:
    gbnf = schema_to_gbnf(CATALOG_SCHEMA)
    depth = max(len(m.group(0)) for m in re.finditer(r"(\(char )+", gbnf)) if "(char " in gbnf else 0
    assert depth < 20 and "root ::=" in gbnf
    assert schema_key(CATALOG_SCHEMA) == schema_key(json.loads(json.dumps(CATALOG_SCHEMA, sort_keys=True)))


def test_catalog_grammar_is_accepted_by_llama_cpp() -> None:
    import llama_cpp

    from genui.models.embedded import default_model_path

    path = default_model_path()
    assert path is not None
    params = llama_cpp.llama_model_default_params()
    params.vocab_only = True
    model = llama_cpp.llama_model_load_from_file(str(path).encode(), params)
    try:
        vocab = llama_cpp.llama_model_get_vocab(model)
        for schema in (CATALOG_SCHEMA, slim_schema(CATALOG_SCHEMA), MINIMAL_CARD_SCHEMA):
            sampler = llama_cpp.llama_sampler_init_grammar(vocab, schema_to_gbnf(schema).encode(), b"root")
            assert sampler, "llama.cpp refused the grammar"
            llama_cpp.llama_sampler_free(sampler)
    finally:
        llama_cpp.llama_model_free(model)


def test_strict_schema_makes_optional_props_nullable_and_required() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string", "maxLength": 5}, "b": {"type": "integer"}},
        "required": ["a"],
        "$defs": {"X": {"oneOf": [{"type": "string"}, {"type": "number"}]}},
    }
    strict = strict_schema(schema)
    assert strict is not None
    assert strict["required"] == ["a", "b"] and strict["additionalProperties"] is False
    assert strict["properties"]["a"] == {"type": "string"}
    assert strict["properties"]["b"] == {"anyOf": [{"type": "integer"}, {"type": "null"}]}
    assert "anyOf" in strict["$defs"]["X"] and "oneOf" not in strict["$defs"]["X"]
    assert schema["required"] == ["a"]  # input untouched
    jsonschema.validate({"a": "x", "b": None}, strict)


def test_strict_schema_of_the_catalog_is_strict_everywhere() -> None:
    strict = strict_schema(CATALOG_SCHEMA)
    if strict is None:  # open maps: the provider then sends it non-strict
        return

    def check(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("properties"), dict):
                assert (
                    set(node["required"]) == set(node["properties"]) and node["additionalProperties"] is False
                )
            for value in node.values():
                check(value)
        elif isinstance(node, list):
            for value in node:
                check(value)

    check(strict)


def test_slim_schema_output_is_valid_for_the_full_schema() -> None:
    slim = slim_schema(CATALOG_SCHEMA)
    names = set(component_names(slim))
    assert "Header" in names and "TextContent" in names
    assert names <= EMBEDDED_COMPONENTS | (set(component_names(CATALOG_SCHEMA)) - {"Form", "CarouselV2"})
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
    assert copy.deepcopy(CATALOG_SCHEMA) == CATALOG_SCHEMA  # not mutated


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
    slim = slim_schema(schema)
    assert slim["properties"]["tags"]["maxItems"] == 3
    assert slim["properties"]["tags"]["items"]["maxLength"] == 120
    assert set(slim["properties"]) == {"tags", "name"}
