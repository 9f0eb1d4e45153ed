"""The OpenUI 1.0 `]]>openui:` envelope and the `]]>openui:config` system turn."""

from __future__ import annotations

import pytest

from genui.ui.openui import Envelope, parse_openui_config, read_envelope, stream_safe_length, write_envelope

STORED = (
    "]]>openui:content?library=acme%402.0.0\n"
    'root = Card([t])\nt = TextContent("Order 7 shipped")\n'
    "]]>openui:context\n"
    '{"formState":{"ship":{"method":{"value":"air","componentType":"Select"}}}}\n'
    "]]>openui:end"
)


def test_read_the_documented_example() -> None:
    envelope = read_envelope(STORED)
    assert envelope.content == 'root = Card([t])\nt = TextContent("Order 7 shipped")'
    assert envelope.attrs == {"library": "acme@2.0.0"} and envelope.finished
    assert envelope.context == {
        "formState": {"ship": {"method": {"value": "air", "componentType": "Select"}}}
    }


def test_last_content_wins_and_context_counts_only_after_it() -> None:
    text = (
        "]]>openui:content\nold\n]]>openui:context\n[1]\n]]>openui:content\nnew\n]]>openui:weird\nskipped\n"
    )
    envelope = read_envelope(text)
    assert envelope.content == "new" and envelope.context is None and not envelope.finished
    assert read_envelope("]]>openui:content\na\n]]>openui:context\nnot json").context == "not json"


def test_text_without_markers_or_before_them() -> None:
    assert read_envelope("root = Card([])") == Envelope("root = Card([])")
    assert read_envelope("lead\n]]>openui:context\n{}").content == "lead"  # no content marker: the preamble
    assert read_envelope("lead\n]]>openui:content\nbody").content == "body"
    assert read_envelope("]]>openui:content\r\nbody\n]]>openui:end\r").finished  # a trailing CR is ignored


def test_write_then_read_round_trips() -> None:
    content = 'root = Card([t])\nt = TextContent("a ~ b")\n'
    text = write_envelope(content, [{"form": {}}], attrs={"library": "acme@2.0.0 (beta) ~x!"})
    assert text.startswith("]]>openui:content?library=acme%402.0.0+%28beta%29+%7Ex%21\n")
    envelope = read_envelope(text)
    assert envelope == Envelope(content, [{"form": {}}], {"library": "acme@2.0.0 (beta) ~x!"}, True)
    assert write_envelope("x", end=False) == "]]>openui:content\nx"
    assert read_envelope(write_envelope("x", "raw text")).context == "raw text"


def test_streaming_holds_back_a_possible_marker_line() -> None:
    assert stream_safe_length("root = Card([])\n]]>open") == len("root = Card([])")
    assert stream_safe_length("root = Card([])\n]") == len("root = Card([])")
    assert stream_safe_length("root = Card([])\nt = X") == len("root = Card([])\nt = X")
    assert stream_safe_length("]]>openui:content") == 0
    assert stream_safe_length("a\n]]>openui:end\n") == len("a\n]]>openui:end\n")


def test_config_turn() -> None:
    config, prose = parse_openui_config(']]>openui:config\n{"libraryVersion": "0.1.0"}\nKeep answers short.')
    assert config == {"libraryVersion": "0.1.0"} and prose == "Keep answers short."
    assert parse_openui_config(']]>openui:config\n{"chatLibrary": {"root": "Card"}}') == (
        {"chatLibrary": {"root": "Card"}},
        "",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hello", "starts with"),
        (']]>openui:config {"a": 1}', "followed by a newline"),
        ("]]>openui:config\n{broken", "not valid JSON"),
        ("]]>openui:config\n[1, 2]", "must be a JSON object"),
    ],
)
def test_config_errors_are_clear_value_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_openui_config(text)
