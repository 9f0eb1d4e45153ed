"""The repairer's shortcuts (already-clean strings, idle hooks, the text-level depth bound, batched output)
only skip work whose result is known: each one checked against the slow path it stands for."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genui.ui import Catalog, RepairLimits
from genui.ui.builder import _deeper_than, _nesting_below
from genui.ui.fixers import FAIL, Ctx
from genui.ui.registry import HOOKED, _apply_hooks, _hooks_idle
from genui.ui.repair import StreamRepairer
from genui.ui.sanitize import is_plain, sanitize_markdown, sanitize_text

CATALOG = Catalog.default()
SMALL = CATALOG.with_limits(RepairLimits(max_depth=3, max_children=3, max_string=10, max_nodes=4))

# Everything the sanitizers look at: controls, bidi, BOM, tags, link syntax, code, plus plain and wide text.
TRICKY = [
    *"ab Z09.,!?*_#&'\"/:;()[]<>`~\n\t\r", "\x00", "\x08", "\x0b", "\x1f", "\x7f", "\x85", "\x9f", "\xa0",
    "\u200b", "\u2028", "\u202a", "\u202e", "\u2066", "\u2069", "\ufeff", "é", "中", "🙂", "](", "]:",
    "<b>", "<script>", "javascript:",
]  # fmt: skip
tricky_text = st.lists(st.sampled_from(TRICKY), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=tricky_text)
def test_plain_text_is_what_both_sanitizers_return_as_is(text: str) -> None:
    if is_plain(text):
        assert sanitize_text(text) is text
        assert sanitize_markdown(text) is text


def test_plain_text_excludes_every_character_a_sanitizer_acts_on() -> None:
    for code in [*range(0x3000), *range(0xFE00, 0x10000)]:
        char = chr(code)
        if is_plain(char):
            assert sanitize_text(char) is char and sanitize_markdown(char) is char, hex(code)


def _steps(catalog: Catalog) -> list[tuple[Any, int, frozenset[str], bool]]:
    compiler = catalog._compiler
    fixers = {*compiler.plain_max, *compiler.choices, *compiler.int_as_is}
    return [(*compiler.step(f), f in compiler.int_as_is) for f in fixers]


@pytest.mark.parametrize("catalog", [CATALOG, SMALL], ids=["default", "small"])
@settings(max_examples=200, deadline=None)
@given(text=tricky_text, number=st.integers(-(10**20), 10**20))
def test_values_containers_keep_without_a_call_are_what_the_fixer_returns(
    catalog: Catalog, text: str, number: int
) -> None:
    for fixer, plain_max, choices, ints in _steps(catalog):
        candidates = [text, *choices]
        for value in candidates:
            plain = len(value) <= plain_max and len(value) <= catalog.limits.max_string and is_plain(value)
            if plain or value in choices:
                ctx = catalog.new_state([])
                assert fixer(value, ctx) is value and not ctx.repairs
        if ints:
            ctx = catalog.new_state([])
            assert fixer(number, ctx) is number and not ctx.repairs


HOOK_KEYS = [
    "title", "subtitle", "heading", "text", "label", "description", "subheading", "textMarkdown", "markdown",
    "content", "children", "body", "value", "message", "variant", "name", "icon", "followUpText", "followUps",
    "items", "questions", "suggestions", "src", "url", "alt", "caption",
]  # fmt: skip
HOOK_VALUES = st.one_of(
    st.sampled_from(["x", "", "error", "Warn", "NOTE", "info", "tip", "ok", "danger", "star", 3, 2.5, True]),
    st.none(),
    st.just(["a", {"text": "q"}]),
    st.just(["a", "b"]),
    st.just({"props": {"name": "star"}}),
    st.just([{"label": "Email", "children": {"component": "Input", "props": {}}}]),
    st.just([{"label": "Email", "children": {"component": "Input", "props": {"name": "e"}}}]),
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    name=st.sampled_from(sorted(HOOKED)),
    props=st.dictionaries(st.sampled_from(HOOK_KEYS), HOOK_VALUES, max_size=5),
)
def test_idle_hooks_change_and_note_nothing(name: str, props: dict[str, Any]) -> None:
    if _hooks_idle(name, props):
        ctx = Ctx(CATALOG.limits, [])
        assert _apply_hooks(name, dict(props), ctx) == props
        assert ctx.repairs == []


json_text = st.text(st.sampled_from('ab[]{}"\\\n:,é'), max_size=6)  # brackets, quotes, escapes in strings
json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), json_text)
json_tree = st.recursive(
    json_leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(json_text, inner, max_size=3)),
    max_leaves=40,
)


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


@settings(max_examples=400, deadline=None)
@given(value=json_tree, indent=st.sampled_from([None, 1]), ascii_only=st.booleans(), bound=st.integers(0, 12))
def test_text_nesting_bound_never_hides_depth(
    value: Any, indent: int | None, ascii_only: bool, bound: int
) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    if _nesting_below(text, bound):
        assert _depth(value) < bound
    assert _nesting_below(text, _depth(value) + 1)  # and strict JSON always gets its exact answer


def test_deep_children_still_take_the_streaming_walk() -> None:
    deep: Any = {"component": "TextContent", "props": {"textMarkdown": "deep"}}
    for _ in range(60):
        deep = [deep]
    text = json.dumps({"component": "Card", "props": {"children": [deep, "[not a bracket]"]}})
    assert not _nesting_below(text, 47) and _deeper_than(json.loads(text)["props"]["children"], 44)
    streamed = StreamRepairer(CATALOG)
    expected = streamed.feed(text) + streamed.finish()
    whole = StreamRepairer(CATALOG)
    assert whole.complete(text) == expected and whole.repairs == streamed.repairs


# Root TextContent is left out: the streaming walk sends its text piece by piece, so an output cap can cut it
# at a different point than the whole-node path (as it always could).
CHILD = st.sampled_from([
    {"component": "Header", "props": {"title": "Quarterly <b>revenue</b>", "subtitle": "FY2024 & 'more'"}},
    {"component": "Steps", "props": {"children": [{"component": "StepsItem", "props": {
        "title": "One",
        "details": {"component": "TextContent", "props": {"textMarkdown": "see [x](javascript:1)"}},
    }}]}},
    {"component": "CalloutV2", "props": {"variant": "error", "title": "Note", "description": "Unaudited."}},
    {"component": "FollowUpBlock", "props": {"followUpText": ["Monthly?", {"text": "By product?"}]}},
    {"component": "TagBlock", "props": {"children": [{"text": "é中🙂", "variant": "info"}]}},
    {"component": "Header", "props": {"title": "lone \ud800 surrogate"}},
])  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    children=st.lists(CHILD, min_size=1, max_size=8),
    max_output=st.integers(100, 3000),
    max_children=st.integers(1, 9),
)
def test_complete_equals_feed_then_finish_at_the_output_and_child_caps(
    children: list[dict[str, Any]], max_output: int, max_children: int
) -> None:
    text = json.dumps({"component": {"component": "Card", "props": {"children": children}}, "error": None})
    caps = {"max_output_chars": max_output, "max_children": max_children}
    streamed = StreamRepairer(CATALOG, **caps)
    expected = streamed.feed(text) + streamed.finish()
    whole = StreamRepairer(CATALOG, **caps)
    assert whole.complete(text) == expected
    assert whole.repairs == streamed.repairs


def test_fixers_fail_the_same_on_values_they_cannot_keep() -> None:
    # a shortcut never turns a value its fixer refuses into a kept one
    ctx = CATALOG.new_state([])
    header = CATALOG._compiler.ref("HeaderProps")
    assert header({"title": "x" * 501}, ctx) == {"title": "x" * 500}
    assert header({"title": 5}, ctx) == {"title": "5"}
    assert header({"subtitle": "no title"}, ctx) is FAIL


def test_a_number_beyond_64_bits_reads_the_same_whole_and_streamed() -> None:
    # both read it as the double a JSON client reads (whole answers and captured values go through orjson)
    values = [123456789012345678901234567890, -9223372036854775809, 7]
    chart = {"component": "BarChartV2", "props": {"chartData": {"data": {
        "labels": ["a", "b", "c"], "series": [{"category": "x", "values": values}]}}}}  # fmt: skip
    text = json.dumps({"component": {"component": "Card", "props": {"children": [chart]}}, "error": None})
    streamed = StreamRepairer(CATALOG)
    expected = "".join(streamed.feed(text[i : i + 7]) for i in range(0, len(text), 7)) + streamed.finish()
    assert StreamRepairer(CATALOG).complete(text) == expected
    assert "1.2345678901234568e+29" in expected and ",7]" in expected
