"""The incremental lenient tokenizer: same result however the text is split, tolerant of what models write."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from genui.ui.tokenizer import (
    CAPTURE,
    DESCEND,
    ITEMS,
    MISSING,
    SKIP,
    JsonScalar,
    JsonTokenizer,
    _Builder,
    loads_lenient,
)

_MODES = {"skip": CAPTURE, "drop": SKIP, "items": ITEMS}


class Recorder:
    """Descends everything except containers under key "skip" (captured), "drop" (skipped) and "items" (a
    list's items); streams strings under key "stream"."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []
        self._key: str | None = None

    def begin(self, opener: str) -> int:
        mode = _MODES.get(self._key or "", DESCEND)
        names = {DESCEND: "begin", CAPTURE: "capture", SKIP: "skip", ITEMS: "items_of"}
        self.events.append((names[mode], opener))
        self._key = None
        return mode

    def end(self) -> None:
        self.events.append(("end", None))

    def key(self, name: str) -> None:
        self._key = name
        self.events.append(("key", name))

    def scalar(self, value: JsonScalar) -> None:
        self._key = None
        self.events.append(("scalar", value))

    def captured(self, raw: str | None, complete: bool) -> None:
        self.events.append(("captured", (raw, complete)))

    def items(self, raw: str | None, complete: bool) -> None:
        self.events.append(("items", (raw, complete)))

    def begin_string(self) -> bool:
        stream = self._key == "stream"
        self._key = None
        return stream

    def string_part(self, text: str) -> None:
        self.events.append(("part", text))

    def end_string(self) -> None:
        self.events.append(("end_string", None))

    def prose(self, text: str) -> None:
        self.events.append(("prose", text))


def run(chunks: list[str]) -> list[tuple[str, object]]:
    rec = Recorder()
    tok = JsonTokenizer(rec)
    for chunk in chunks:
        tok.feed(chunk)
    tok.close()
    return rec.events


def merged(events: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """Join adjacent streamed parts and prose pieces (their split depends on the chunking)."""
    out: list[tuple[str, object]] = []
    for kind, value in events:
        if out and kind in ("part", "prose") and out[-1][0] == kind:
            out[-1] = (kind, str(out[-1][1]) + str(value))
        else:
            out.append((kind, value))
    return out


SAMPLE = (
    'Here you go:\n```json\n{"a": [1, -2.5e3, true, null], "skip": {"x": "}]\\"", "y": [1, {"z": "]"}]},'
    ' "stream": "line\\nnext \\u00e9\\ud83d\\ude00 end", "b": "c"}\n```\nThanks!'
)


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13, 1000])
def test_events_do_not_depend_on_chunking(size: int) -> None:
    whole = merged(run([SAMPLE]))
    split = merged(run([SAMPLE[i : i + size] for i in range(0, len(SAMPLE), size)]))
    assert split == whole
    assert ("captured", ('{"x": "}]\\"", "y": [1, {"z": "]"}]}', True)) in whole
    assert ("part", "line\nnext \u00e9\U0001f600 end") in whole
    assert whole[0] == ("prose", "Here you go:\n```json\n")
    assert whole[-1] == ("prose", "\n```\nThanks!")


def test_streamed_string_parts_arrive_before_the_string_ends() -> None:
    rec = Recorder()
    tok = JsonTokenizer(rec)
    tok.feed('{"stream": "Hello wo')
    assert ("part", "Hello wo") in rec.events
    tok.feed('rld"}')
    assert rec.events[-2:] == [("end_string", None), ("end", None)]


def test_escape_and_surrogate_cut_across_feeds() -> None:
    chunks = ['{"stream": "a\\', "nb\\u00", "e9\\ud83d", '\\ude00"}']
    parts = "".join(str(v) for k, v in run(chunks) if k == "part")
    assert parts == "a\nb\u00e9\U0001f600"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1,}', {"a": 1}),
        ("[1, 2, ]", [1, 2]),
        ("{'a': 'it\"s'}", {"a": 'it"s'}),
        ("{a: primary, b: True, c: None}", {"a": "primary", "b": True, "c": None}),
        ('{"a": NaN, "b": -Infinity}', {"a": None, "b": None}),
        ('{"a": 1 // c\n, /* x */ "b": 2}', {"a": 1, "b": 2}),
        ('{"a": "raw\nnewline\ttab"}', {"a": "raw\nnewline\ttab"}),
        ('{"a": [1, 2}', {"a": [1, 2]}),
        ('{"a": {"b": [1, "x', {"a": {"b": [1, "x"]}}),
        ('{"a": 1 "b": 2}', {"a": 1, "b": 2}),
        ('{"a": "\\q\\\'"}', {"a": "q'"}),
        ('{"a":}', {}),
        ("prose only", MISSING),
    ],
)
def test_loads_lenient(text: str, expected: object) -> None:
    assert loads_lenient(text) == expected


def test_loads_lenient_never_returns_nan() -> None:
    value = loads_lenient("[NaN, Infinity, 1e999]")
    assert isinstance(value, list)
    assert all(v is None or not math.isinf(v) for v in value)


def test_extra_closing_brace_is_ignored_between_values() -> None:
    events = run(['{"a": 1}} {"b": 2}'])
    assert [e for e in events if e[0] == "key"] == [("key", "a"), ("key", "b")]


def test_capture_cap_reports_none() -> None:
    rec = Recorder()
    tok = JsonTokenizer(rec, max_capture_chars=10)
    tok.feed('{"skip": {"x": "' + "y" * 50 + '"}, "b": 1}')
    tok.close()
    assert ("captured", (None, True)) in rec.events
    assert ("scalar", 1) in rec.events


def test_deep_nesting_is_capped_not_recursed() -> None:
    value = loads_lenient("[" * 100_000 + "]" * 100_000)
    assert value is MISSING or isinstance(value, list)


def test_truncated_capture_is_delivered_incomplete() -> None:
    events = run(['{"skip": {"x": [1, 2'])
    assert ("captured", ('{"x": [1, 2', False)) in events


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None)
@given(value=json_values, cuts=st.lists(st.integers(0, 10_000), max_size=10))
@example(value="{", cuts=[1])  # found by hypothesis: a top-level string holding a brace
@example(value="a[1]", cuts=[])
def test_lenient_parse_of_any_chunking_equals_json(value: object, cuts: list[int]) -> None:
    text = json.dumps(value)
    points = sorted({c % (len(text) + 1) for c in cuts})
    chunks = [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]
    builder = _Builder()
    tok = JsonTokenizer(builder, any_list=True)
    for chunk in chunks:
        tok.feed(chunk)
    tok.close()
    if isinstance(value, (dict, list)):
        assert builder.result == value
    else:
        # Only a container starts a value; a scalar's text is prose to the scan for one, so a `{` or `[`
        # inside a top-level string starts reading there, as it would in any prose before an answer.
        starts = [i for i in (text.find("{"), text.find("[")) if i >= 0]
        assert builder.result == (loads_lenient(text[min(starts) :]) if starts else MISSING)


LISTED = (
    '{"drop": {"x": "}]", "y": [1, {"z": 2}]}, '
    '"items": [{"a": 1}, "s", 7, {"b": [2, {"c": "]"}]}, 3 ], "z": 1}'
)


def _items_of(events: list[tuple[str, object]]) -> list[object]:
    found: list[object] = []
    for kind, value in events:
        if kind == "items":
            raw, complete = value  # type: ignore[misc]
            parsed = loads_lenient("[" + raw + ("]" if complete else ""))
            assert isinstance(parsed, list)
            found.extend(parsed)
    return found


@pytest.mark.parametrize("size", [1, 2, 3, 7, 40, 1000])
def test_a_skipped_container_reports_nothing_and_a_list_reports_its_items(size: int) -> None:
    events = run([LISTED[i : i + size] for i in range(0, len(LISTED), size)])
    # nothing of the skipped object: no key, no scalar, no capture; reading goes on after it
    assert ("skip", "{") in events and ("key", "x") not in events and ("key", "y") not in events
    assert not [e for e in events if e[0] == "captured"]
    assert _items_of(events) == json.loads(LISTED)["items"]
    # the items are not walked: no event from inside them, and the list ends with one end()
    assert ("key", "a") not in events and ("key", "c") not in events
    at = events.index(("items_of", "["))
    assert events[at + 1 :] == [*[e for e in events[at + 1 :] if e[0] == "items"], ("end", None),
                                ("key", "z"), ("scalar", 1), ("end", None)]  # fmt: skip


def test_each_item_is_reported_when_its_closing_bracket_arrives() -> None:
    rec = Recorder()
    tok = JsonTokenizer(rec)
    tok.feed('{"items": [{"a": 1}, {"b": [2')
    assert [e for e in rec.events if e[0] == "items"] == [("items", ('{"a": 1}', True))]
    tok.feed("]}")
    assert rec.events[-1] == ("items", ('{"b": [2]}', True))
    tok.feed(', {"c": "x')  # cut off: close() reports the rest as it is, then ends the list and the object
    tok.close()
    assert rec.events[-3:] == [("items", ('{"c": "x', False)), ("end", None), ("end", None)]
    assert loads_lenient("[" + '{"c": "x') == [{"c": "x"}]  # a cut-off run is read without a closer


def test_an_item_over_the_size_cap_is_reported_as_none_and_the_next_one_is_read() -> None:
    text = '{"items": [{"a": "' + "x" * 50 + '"}, {"b": 1}]}'
    for size in (3, 1000):
        rec = Recorder()
        tok = JsonTokenizer(rec, max_capture_chars=30)
        for i in range(0, len(text), size):
            tok.feed(text[i : i + size])
        tok.close()
        assert [e for e in rec.events if e[0] == "items"] == [
            ("items", (None, True)),
            ("items", ('{"b": 1}', True)),
        ]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 1000])
def test_a_comment_opener_cut_in_half_inside_a_capture_or_a_list_is_still_a_comment(size: int) -> None:
    text = '{"skip": {"a": 1 // ] } not the end\n, "b": [2 /* ] */]}, "items": [{"c": 3} // ]\n, {"d": 4}]}'
    events = run([text[i : i + size] for i in range(0, len(text), size)])
    (raw, complete) = next(value for kind, value in events if kind == "captured")  # type: ignore[misc]
    assert complete and loads_lenient(raw) == {"a": 1, "b": [2]}
    assert _items_of(events) == [{"c": 3}, {"d": 4}]
