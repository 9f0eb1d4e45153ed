"""Grammar generation (control characters, nesting), OpenAI strict schemas (the catalog's small-model schema:
tests/ui/test_ui_slim.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

from genui.models.grammar import (
    collapse_optional_chains,
    fix_char_rule,
    grammar_for,
    schema_key,
    schema_to_gbnf,
)
from genui.models.strict import strict_schema
from genui.ui import Catalog

CATALOG = Catalog.default()
CATALOG_SCHEMA: dict[str, Any] = CATALOG.json_schema()


def schema_nodes(schema: Any) -> list[dict[str, Any]]:
    """Every schema object inside a schema (not the property-name maps that hold them)."""
    if not isinstance(schema, dict):
        return []
    found = [schema]
    for key in ("properties", "$defs"):
        for sub in (schema.get(key) or {}).values():
            found += schema_nodes(sub)
    for key in ("anyOf", "allOf", "prefixItems"):
        for sub in schema.get(key) or []:
            found += schema_nodes(sub)
    for key in ("items", "additionalProperties"):
        found += schema_nodes(schema.get(key))
    return found


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


@pytest.fixture(scope="module")
def vocab() -> Iterator[Any]:
    """The embedded model's vocabulary alone (no weights): enough for llama.cpp to check a grammar."""
    import llama_cpp

    from genui.models.embedded import default_model_path

    path = default_model_path()
    assert path is not None
    params = llama_cpp.llama_model_default_params()
    params.vocab_only = True
    model = llama_cpp.llama_model_load_from_file(str(path).encode(), params)
    try:
        yield llama_cpp.llama_model_get_vocab(model)
    finally:
        llama_cpp.llama_model_free(model)


def test_catalog_grammar_is_accepted_by_llama_cpp(vocab: Any) -> None:
    import llama_cpp

    # the small schema is also the service's fallback when metadata.thesys makes a grammar llama.cpp refuses
    for schema in (CATALOG_SCHEMA, CATALOG.embedded_schema()):
        sampler = llama_cpp.llama_sampler_init_grammar(vocab, schema_to_gbnf(schema).encode(), b"root")
        assert sampler, "llama.cpp refused the grammar"
        llama_cpp.llama_sampler_free(sampler)


def test_a_schema_without_a_grammar_is_a_value_error(vocab: Any) -> None:
    # llama-cpp-python's converter asserts on an unanchored pattern; the provider then tries its fallback
    with pytest.raises(ValueError, match="cannot be written as a grammar"):
        grammar_for({"type": "string", "pattern": "[a-z]+"}, vocab)


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
    assert strict is not None  # the stock catalog has no open maps
    jsonschema.Draft202012Validator.check_schema(strict)
    assert "x-kind" not in json.dumps(strict) and "x-default" not in json.dumps(strict)
    assert strict["properties"]["component"] == {"const": "Card", "type": "string"}
    assert all("maxLength" not in node and "maxItems" not in node for node in schema_nodes(strict))

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


def test_repair_drops_nulls_that_openai_strict_decoding_produces() -> None:
    header = {"component": "Header", "props": {"title": "t", "subtitle": None, "actions": None}}
    assert CATALOG.repair_node(header) == {"component": "Header", "props": {"title": "t"}}
