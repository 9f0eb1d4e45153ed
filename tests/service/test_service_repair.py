"""genui.service.repair in-process: format detection, libraries and their bounds, context trimming, the v1
note mapping, blank results, and what a model attempt is shown."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genui.errors import ApiError
from genui.service.repair import RepairOutcome, RepairRequest, RepairService, model_messages
from genui.service.repair_formats import OpenUIGeneration, renders_nothing
from genui.service.repair_input import (
    MAX_CONTEXT_CHARS,
    MAX_CONTEXT_TURNS,
    check_custom_actions,
    context_turns,
    detect_format,
    resolve_library,
)
from genui.service.repair_v1 import note_issues
from genui.ui import openui
from genui.ui.c1 import write_content
from repair_corpus import WIDE_SCHEMA


def run(program: str, **options: Any) -> RepairOutcome:
    return asyncio.run(RepairService().run(RepairRequest(program, **options)))


@pytest.mark.parametrize(
    "text, expected",
    [
        ('root = Card([h])\nh = Header("A")', "v2"),
        ("```openui-lang\nroot = Card([])\n```", "v2"),
        ('<content thesys="true" version="2">root = Card([])</content>', "v2"),
        ('<content thesys="true">{&quot;component&quot;: {}}</content>', "v1"),
        ('{"component": "Card", "props": {"children": []}}', "v1"),
        ('```json\n{"component": "Card"}\n```', "v1"),
        ('Here it is: [{"component": "Header", "props": {"title": "A"}}]', "v1"),
        ("Just some prose.", "v2"),
        ('t = TextContent("a \\"component\\" word")', "v2"),
    ],
)
def test_format_detection(text: str, expected: str) -> None:
    assert detect_format(text) == expected


def test_a_library_is_resolved_once_and_its_root_inferred() -> None:
    bare = resolve_library(WIDE_SCHEMA)
    assert bare is not None and bare.root == "Page"  # the one component nothing refers to
    assert resolve_library(WIDE_SCHEMA) is bare  # cached by content
    named = resolve_library({**WIDE_SCHEMA, "root": "Section"})
    assert named is not None and named.root == "Section"
    spec = resolve_library({"root": "Page", "schema": WIDE_SCHEMA})
    assert spec is not None and spec.root == "Page" and len(spec.components) == 36
    assert resolve_library(None) is None and resolve_library(None, "0.3.1") is None
    two_roots = {"$defs": {"A": {"properties": {}}, "B": {"properties": {}}}}
    unrooted = resolve_library(two_roots)
    assert unrooted is not None and unrooted.root is None  # ambiguous: no root is guessed


@pytest.mark.parametrize(
    "document, version, fragment",
    [
        ({"$defs": {}}, None, "$defs must be a non-empty object"),
        (
            {"$defs": {"A": {"properties": {"x": {"$ref": "#/$defs/Z"}}}}},
            None,
            "library/$defs/A/properties/x",
        ),
        ({"$defs": {f"C{i}": {} for i in range(501)}}, None, "the limit is 500"),
        ({"$defs": {"A": {"description": "x" * 1_000_001}}}, None, "the limit is 1000000"),
        (WIDE_SCHEMA, "0.1.0", "mutually exclusive"),
        (None, "1.0.0", "0.MINOR.PATCH"),
        (None, "latest", "0.MINOR.PATCH"),
        ("{}", None, "must be a JSON object"),
    ],
)
def test_library_problems_are_400s(document: Any, version: str | None, fragment: str) -> None:
    with pytest.raises(ApiError) as raised:
        resolve_library(document, version)
    assert raised.value.status == 400 and fragment in raised.value.message


def test_library_depth_is_bounded() -> None:
    def nested(levels: int) -> dict[str, Any]:
        value: dict[str, Any] = {"type": "string"}
        for _ in range(levels):
            value = {"items": value}
        return {"$defs": {"A": {"properties": {"x": value}}}}

    assert resolve_library(nested(55)) is not None
    with pytest.raises(ApiError) as raised:
        resolve_library(nested(70))
    assert "deeper than 64" in raised.value.message and raised.value.param == "library"


def test_context_is_text_turns_newest_first_within_bounds() -> None:
    messages: list[dict[str, Any]] = [{"role": "user", "content": f"turn {i}"} for i in range(30)]
    messages.insert(5, {"role": "tool", "content": "tool result", "tool_call_id": "x"})
    messages.append(
        {
            "role": "user",
            "content": [{"type": "image_url", "image_url": {"url": "x"}}, {"type": "text", "text": "look"}],
        }
    )
    turns = context_turns(messages)
    assert len(turns) == MAX_CONTEXT_TURNS and turns[-1].text == "look" and turns[0].text == "turn 11"
    assert all(turn.role == "user" for turn in turns)
    long = [{"role": "system", "content": "s" * 5000}, {"role": "user", "content": "u" * 5000}]
    trimmed = context_turns(long)
    assert sum(len(turn.text) for turn in trimmed) == MAX_CONTEXT_CHARS
    assert (
        trimmed[1].text == "u" * 5000 and trimmed[0].text == "s" * 3000
    )  # the oldest kept turn keeps its end
    history = write_content({"component": "Card", "props": {"children": []}})
    assert "&quot;" not in context_turns([{"role": "assistant", "content": history}])[0].text


@pytest.mark.parametrize(
    "notes, expected",
    [
        (["dropped unknown component 'Foo'", "dropped invalid list item"], [("unknown-component", "Foo")]),
        (["component 'header' -> 'Header'"], [("unknown-component", "header")]),
        (["spliced children of wrapper 'Stack'"], [("unknown-component", "Stack")]),
        (["dropped unknown prop 'emoji'"], [("excess-args", "Header")]),
        (["Header: renamed 'heading' to 'title'"], [("excess-args", "Header")]),
        (["defaulted 'name'"], [("missing-required", "Header")]),
        (["dropped invalid Header", "dropped invalid list item"], [("missing-required", "Header")]),
        (["dropped invalid prop 'title'", "dropped invalid Header"], [("type-mismatch", "Header")]),
        (["removed unsafe URL", "dropped invalid prop 'src'"], [("unsafe-url", "Header")]),
        (["enum case 'WARNING' -> 'warning'", "string -> number"], [("type-mismatch", "Header")] * 2),
        (
            ["sanitized markdown", "truncated string to 500"],
            [("unsafe-text", "Header"), ("too-long", "Header")],
        ),
        (
            ["dropped Tabs: too deep", "dropped Header: too many nodes"],
            [("too-deep", "Tabs"), ("too-large", "Header")],
        ),
        (["something new"], [("repaired", "Header")]),
    ],
)
def test_v1_repair_notes_become_error_items(notes: list[str], expected: list[tuple[str, str]]) -> None:
    issues = note_issues(notes, "Header", "/props/children/0")
    assert [(issue.code, issue.component) for issue in issues] == expected
    assert all(issue.path and issue.path.startswith("/props/children/0") for issue in issues)


def test_blank_results_are_failures_not_fixes() -> None:
    library = openui.chat_library()
    assert renders_nothing(openui.validate("root = Card([])").root, library)
    assert not renders_nothing(openui.validate('root = Card([h])\nh = Header("a")').root, library)
    wide = resolve_library(WIDE_SCHEMA)
    assert wide is not None and not renders_nothing(openui.validate('root = Page("Title")', wide).root, wide)
    outcome = run("root = Card([ghost])\n")
    assert outcome.status == "fix_failed" and outcome.program is None
    assert [issue.code for issue in outcome.unfixed] == ["missing-root"]
    assert [issue.code for issue in outcome.fixed] == ["unresolved"]
    v1 = run('{"component":"Card","props":{"children":[{"component":"Nope","props":{}}]}}')
    assert v1.status == "fix_failed" and [i.code for i in v1.unfixed] == ["missing-root"]


def test_a_cut_c1_v2_element_is_closed() -> None:
    outcome = run('<content thesys="true" version="2">root = Card([h])\nh = Header(&quot;A&quot;)\n')
    assert outcome.status == "fixed" and "incomplete" in [issue.code for issue in outcome.fixed]
    assert (
        outcome.program
        == '<content thesys="true" version="2">root = Card([h])\nh = Header(&quot;A&quot;)\n</content>'
    )


def test_what_a_model_attempt_is_shown() -> None:
    generation = OpenUIGeneration("root = Card([h])\nh = Header()\n", openui.chat_library())
    first = generation.first()
    messages = model_messages(generation, generation.text, [*first.fixed, *first.unfixed], ())
    assert [m["role"] for m in messages] == ["system", "user"]
    assert (
        "root = Card(...)" in messages[0]["content"]
        and "Header(title: string, subtitle?: string)" in messages[0]["content"]
    )
    assert "- missing-required Header /title (statement h)" in messages[1]["content"]
    assert "conversation" not in messages[1]["content"]  # none was given


def test_a_service_without_a_model_estimates_no_input_tokens() -> None:
    assert RepairService().input_estimate(RepairRequest("x" * 4000)) == 0


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.sampled_from(["string", "number", "(", "#/$defs/Card", "x"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["type", "enum", "items", "properties", "required", "$ref", "anyOf", "pattern", "maxItems"]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    schema=st.dictionaries(st.sampled_from(["properties", "required", "description", "type"]), JSON_VALUES)
)
def test_any_custom_action_schema_is_a_400_or_usable(schema: dict[str, Any]) -> None:
    try:
        actions = check_custom_actions({"go": schema})
    except ApiError as exc:
        assert exc.status == 400
        return
    button = {
        "component": "Button",
        "props": {"children": "Go", "name": "go", "action": {"type": "go", "props": {}}},
    }
    card = {
        "component": "Card",
        "props": {"children": [{"component": "ButtonGroup", "props": {"children": [button]}}]},
    }
    outcome = run(json.dumps(card), custom_actions=actions)
    assert outcome.status in ("already_valid", "fixed", "fix_failed")
