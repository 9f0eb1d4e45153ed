"""C1 writer and reader: escaping, elements, history for the model, action messages, garbage tolerance."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from genui.ui.c1 import (
    CONTENT_WRITERS,
    ContentVersion,
    describe_action,
    escape,
    has_v1_content,
    parse_c1,
    strip_ephemeral,
    to_model_text,
    unescape,
    write_artifact,
    write_artifact_diff,
    write_content,
    write_content_v2,
    write_context,
    write_custommarkdown,
    write_thinkitem,
)

CARD = {
    "component": "Card",
    "props": {"children": [{"component": "TextContent", "props": {"textMarkdown": "**Hi** <b>&"}}]},
}
SPEC_EXAMPLE = (
    "<thinkitem><thinkitemtitle>Analyzing data</thinkitemtitle><thinkitemcontent>Reading population tables"
    '</thinkitemcontent></thinkitem><content thesys="true">{&quot;component&quot;:'
    "{&quot;component&quot;:&quot;Card"
    "&quot;,&quot;props&quot;:{&quot;children&quot;:[{&quot;component&quot;:&quot;TextContent&quot;,&quot;props"
    "&quot;:{&quot;textMarkdown&quot;:&quot;**Hi** &lt;b&gt;&amp;&quot;}}]}},"
    "&quot;error&quot;:null}</content>"
)
USER_ACTION = (
    '<content thesys="true">Submit</content><context>[&quot;User clicked on Button: submit_contact&quot;,'
    "[{&quot;contact&quot;:{&quot;name&quot;:{&quot;value&quot;:&quot;Jane Doe&quot;,"
    "&quot;componentType&quot;:"
    "&quot;Input&quot;},&quot;topic&quot;:{&quot;value&quot;:&quot;sales&quot;,&quot;componentType&quot;:"
    "&quot;Select&quot;}}}]]</context>"
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def test_escape_is_exact() -> None:
    assert escape("& < > \" '") == "&amp; &lt; &gt; &quot; &#39;"
    assert unescape("&amp; &lt; &gt; &quot; &#39; &#x27; &apos; &#65;&#x42;") == "& < > \" ' ' ' AB"
    assert unescape("&copy; &#xD800; &amp") == "&copy; &#xD800; &amp"  # unknown / invalid stay as written


@given(st.text())
def test_escape_round_trip(text: str) -> None:
    escaped = escape(text)
    assert unescape(escaped) == text
    assert not set("<>\"'") & set(escaped)


def test_writer_reproduces_the_spec_example_byte_for_byte() -> None:
    think = write_thinkitem("Analyzing data", "Reading population tables")
    assert think + write_content(CARD) == SPEC_EXAMPLE


def test_parse_spec_example() -> None:
    message = parse_c1(SPEC_EXAMPLE)
    assert [p.kind for p in message.parts] == ["thinkitem", "content"]
    assert message.parts[0].data == {"title": "Analyzing data", "content": "Reading population tables"}
    assert message.content == {"component": CARD, "error": None}


@settings(max_examples=100)
@given(JSON, st.text(), st.text(), st.booleans(), st.text())
def test_parse_of_write_round_trips_every_element(
    tree: Any, title: str, text: str, ephemeral: bool, md: str
) -> None:
    card = {"component": "Card", "props": {"children": [], "x": tree}}
    edits = [{"op": "append", "id": "s1", "value": tree}]
    wire = (
        write_thinkitem(title, text, ephemeral)
        + write_content(card, error=md or None)
        + write_custommarkdown(md)
        + write_artifact({"component": "Report", "props": {"x": tree}}, "report", title, 2)
        + write_artifact_diff(edits)
        + write_context(["User clicked on Button: b", tree])
    )
    message = parse_c1(wire)
    assert [p.kind for p in message.parts] == [
        "thinkitem",
        "content",
        "custommarkdown",
        "artifact",
        "artifact_diff",
        "context",
    ]
    assert message.parts[0].data == {"title": title, "content": text}
    assert (message.parts[0].attrs.get("ephemeral") == "true") is ephemeral
    assert message.content == {"component": card, "error": md or None}
    assert message.parts[2].body == md
    assert message.parts[3].attrs == {"type": "report", "id": title, "version": "2"}
    assert message.parts[3].data == {"component": "Report", "props": {"x": tree}}
    assert message.parts[4].data == edits
    assert message.context == ["User clicked on Button: b", tree]
    assert all(p.complete for p in message.parts)


def test_content_writers_are_keyed_by_version() -> None:
    assert CONTENT_WRITERS[ContentVersion.V1] is write_content
    v2 = write_content_v2('root = Card([t])\nt = TextContent("a < b")')
    assert v2 == (
        '<content thesys="true" version="2">'
        + "root = Card([t])\nt = TextContent(&quot;a &lt; b&quot;)</content>"
    )
    message = parse_c1(v2)
    assert message.content is None
    assert message.content_text == 'root = Card([t])\nt = TextContent("a < b")'
    assert to_model_text(v2, "assistant") == 'root = Card([t])\nt = TextContent("a < b")'


def test_strip_ephemeral_keeps_everything_else_byte_for_byte() -> None:
    kept = write_thinkitem("Plan", "steps")
    wire = write_thinkitem("Searching", "web", ephemeral=True) + kept + write_content(CARD)
    assert strip_ephemeral(wire) == kept + write_content(CARD)
    assert strip_ephemeral(SPEC_EXAMPLE) == SPEC_EXAMPLE


def test_assistant_history_becomes_compact_json_without_think_items() -> None:
    stored = SPEC_EXAMPLE + write_context(
        ["", [{"contact": {"name": {"value": "Jane", "componentType": "Input"}}}]]
    )
    text = to_model_text(stored, "assistant")
    first, second = text.split("\n")
    assert json.loads(first) == CARD
    assert first == json.dumps(CARD, separators=(",", ":"), ensure_ascii=False)
    assert "Analyzing" not in text
    assert second == "(The user edited form contact: name=Jane)"


def test_text_outside_elements_is_v1_content_or_plain_text() -> None:
    raw_json = json.dumps({"component": CARD, "error": None})
    message = parse_c1(raw_json)
    assert message.content == {"component": CARD, "error": None}
    assert to_model_text("Just words & <b>", "assistant") == "Just words & <b>"
    mixed = parse_c1("preface " + write_content(CARD) + " trailing")
    assert [p.kind for p in mixed.parts] == ["text", "content", "text"]


def test_user_action_messages_are_described_in_words() -> None:
    assert to_model_text(USER_ACTION, "user") == (
        "The user clicked Submit (Button submit_contact) on form contact with name=Jane Doe, topic=sales."
    )
    follow_up = '<content thesys="true">Show monthly breakdown</content>' + write_context(
        ["User clicked on FollowUpItem: Show monthly breakdown", {}]
    )
    assert to_model_text(follow_up, "user") == "The user asked: Show monthly breakdown"
    assert to_model_text('<content thesys="true">Hello</content>', "user") == "Hello"
    assert describe_action("Go", ["User clicked on Button: go", {}]) == "The user clicked Go (Button go)."
    assert describe_action("x", {"odd": 1}) == 'x (context: {"odd":1})'


def test_plain_user_text_passes_through() -> None:
    for text in ("What is 2 < 3?", "plain", "", "<div>html question</div>"):
        assert to_model_text(text, "user") == text


def test_truncated_stream_parses() -> None:
    wire = write_thinkitem("T", "c") + write_content(CARD)
    message = parse_c1(wire[:-30])
    assert message.parts[-1].kind == "content" and not message.parts[-1].complete
    assert message.content is None


def test_a_streamed_prefix_loses_what_is_cut_in_half() -> None:
    wire = write_thinkitem("Thinking", 'say "hi"', ephemeral=True) + write_custommarkdown('a "b" c')
    cut_entity = wire[: wire.rindex("&quot;") + 4]  # ends with "&quo"
    assert parse_c1(cut_entity, partial=True).parts[-1].body == 'a "b'
    assert parse_c1(cut_entity).parts[-1].body == 'a "b&quo'  # read as a whole message: kept as it is
    cut_close = wire[:-6]  # ends with "</cust"
    assert parse_c1(cut_close, partial=True).parts[-1].body == 'a "b" c'
    think = wire[: wire.index("</thinkitemcontent>") + 5]  # ends with "</thi"
    item = parse_c1(think, partial=True).parts[0]
    assert item.data == {"title": "Thinking", "content": 'say "hi"'} and not item.complete
    stray = parse_c1(write_content(CARD) + "<conte", partial=True)
    assert [p.kind for p in stray.parts] == ["content"] and stray.parts[0].data == {
        "component": CARD,
        "error": None,
    }
    quoted = parse_c1("<content thesys='true' version='2'>x = 1</content>")
    assert quoted.parts[0].kind == "content" and quoted.parts[0].attrs == {"thesys": "true", "version": "2"}


PIECES = st.sampled_from(
    [
        *"<>/&;\"'= abc{}[]:,",
        '<content thesys="true">',
        "</content>",
        "<context>",
        "</context>",
        "<thinkitem>",
        '<thinkitem ephemeral="true">',
        "&quot;",
        "&#x27;",
        "User clicked on Button: x",
    ]
)


@settings(max_examples=300)
@given(st.lists(PIECES, max_size=40).map("".join), st.sampled_from(["user", "assistant", "system", "tool"]))
def test_garbage_never_raises(text: str, role: str) -> None:
    parse_c1(text)
    parse_c1(text, partial=True)
    strip_ephemeral(text)
    assert isinstance(to_model_text(text, role), str)


def test_v2_clicks_and_openui_envelopes_are_described_in_words() -> None:
    state = {"trip": {"people": {"value": "3", "componentType": "Input"}}}
    click = json.dumps(["User clicked: Plan it", state, {"day": 2}])
    assert to_model_text(f"<content>Plan it</content><context>{escape(click)}</context>", "user") == (
        'The user clicked Plan it on form trip with people=3 (context: {"day":2}).'
    )
    assert to_model_text(
        f"<content>Go</content><context>{json.dumps(['User clicked: Go'])}</context>", "user"
    ) == (
        "The user clicked Go."  # a raw (unescaped) context body, as the OpenUI client writes it
    )
    program = 'root = Card([t])\nt = TextContent("x")'
    stored = (
        f"]]>openui:content\n{program}\n]]>openui:context\n" + '[{"f": {"a": {"value": 1}}}]\n]]>openui:end'
    )
    assert (
        to_model_text(stored, "assistant")
        == 'root = Card([t])\nt = TextContent("x")\n(The user edited form f: a=1)'
    )
    asked = ']]>openui:content\nMore\n]]>openui:context\n["User clicked: More"]\n]]>openui:end'
    assert to_model_text(asked, "user") == "The user clicked More."
    assert to_model_text("]]>openui:content\nonly content", "user") == "only content"
    v2_answer = '<content thesys="true" version="2">root = Card([h])\nh = Header(&quot;Hi&quot;)\n</content>'
    assert to_model_text(v2_answer, "assistant") == 'root = Card([h])\nh = Header("Hi")\n'


def test_v1_content_is_told_from_v2() -> None:
    assert has_v1_content('<content thesys="true">{}</content>')
    assert has_v1_content('<thinkitem></thinkitem><content thesys="true" version="1">{}</content>')
    assert not has_v1_content('<content thesys="true" version="2">root = Card([])</content>')
    assert not has_v1_content("plain text") and not has_v1_content("<content>Plan it</content>")
