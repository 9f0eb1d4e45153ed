"""Fast tests of the renderer on C1 v2 (OpenUI Lang): every library component, streamed prefixes read as
lang-core's streaming parser reads them, envelopes, bare programs, safety and bounds."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner
from web_openui_samples import RICH_PROGRAM, RICH_TEXTS, V2_SAMPLES, c1v2, program

import genui.ui.openui
from genui.cli import app
from genui.ui import openui
from genui.ui.c1 import escape, write_thinkitem
from genui.web import C1Html, render_html, render_page, render_result
from genui.web.components import check_drawings
from genui.web.openui_components import MAX_DRAWN_NODES, V2_DRAWINGS, OpenUIRenderer
from genui.web.render import COULD_NOT_RENDER
from support import LiveServer

ERROR_MARKERS = (COULD_NOT_RENDER, "gu-note", "Error while generating")
CHARTS = {"BarChart", "HorizontalBarChart", "LineChart", "AreaChart", "RadarChart", "PieChart", "RadialChart",
          "SegmentedBar", "ScatterChart"}  # fmt: skip


def components_in(value: object) -> set[str]:
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("component"), str):
                found.add(item["component"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def with_sources(text: str, sources: str) -> str:
    """The program with its root Card given `sources` (the root is the first line)."""
    root, rest = text.split("\n", 1)
    return f"{root[:-1]}, {sources})\n{rest}"


def drawn(html: str) -> int:
    return html.count("data-component=")


@pytest.mark.parametrize(("name", "text", "expected"), V2_SAMPLES, ids=[s[0] for s in V2_SAMPLES])
def test_every_v2_component_renders_its_text(name: str, text: str, expected: str) -> None:
    result = render_result(c1v2(text))
    assert result.valid, name
    assert expected in result.html
    assert COULD_NOT_RENDER not in result.html
    assert 'data-gu-lang="openui"' in result.html
    if name in CHARTS:
        assert "<svg" in result.html and "<title" in result.html and "<desc" in result.html


def test_the_samples_use_every_component_of_the_library_validly() -> None:
    library = openui.chat_library()
    used: set[str] = set()
    for name, text, _ in V2_SAMPLES:
        result = openui.validate(text)
        assert result.valid and not result.warnings, (name, result.codes())
        used |= components_in(result.root)
        assert name in components_in(result.root)
    assert used == set(library.components) and len(used) == 73


def test_the_v2_drawing_table_covers_the_library() -> None:
    assert set(openui.chat_library().components) <= V2_DRAWINGS.keys()
    check_drawings(openui.chat_library().components, V2_DRAWINGS)
    with pytest.raises(RuntimeError, match="NewWidget"):
        check_drawings([*openui.chat_library().components, "NewWidget"], V2_DRAWINGS)


def test_the_renderer_refuses_to_start_without_a_drawing_for_a_library_component(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = importlib.import_module("genui.web.openui_components")
    real = openui.chat_library()
    grown = SimpleNamespace(components={**real.components, "NewWidget": real.components["Card"]})
    monkeypatch.setattr(genui.ui.openui, "chat_library", lambda: grown)
    try:
        with pytest.raises(RuntimeError, match="NewWidget"):
            importlib.reload(module)
    finally:
        monkeypatch.undo()
        importlib.reload(module)


PROP_NAMES = [
    "children", "items", "label", "title", "action", "rows", "columns", "labels", "series", "slices",
    "datasets", "input", "buttons", "fields", "icon", "trend", "footer", "header", "top", "lhs", "body",
    "tag", "value", "src",
]  # fmt: skip


def test_every_drawing_survives_props_of_the_wrong_shape() -> None:
    junk: list[object] = [None, 1, "x", [], {}, [None, 3, "y", {"a": 1}], {"component": "Nope", "props": 5}]
    for name in V2_DRAWINGS:
        for value in junk:
            props = dict.fromkeys(PROP_NAMES, value)
            tree = {"component": "Card", "props": {"children": [{"component": name, "props": props}]}}
            assert OpenUIRenderer("t").node(tree).startswith('<div class="gu-card')


def test_a_rich_answer_renders_every_text() -> None:
    html = render_html(c1v2(RICH_PROGRAM))
    for text in RICH_TEXTS:
        assert text in html


def test_every_prefix_renders_without_error_and_only_grows() -> None:
    text = c1v2(RICH_PROGRAM)
    last = 0
    grew = set()
    for end in range(len(text) + 1):
        html = render_html(text[:end], partial=True)
        assert not any(marker in html for marker in ERROR_MARKERS), end
        count = drawn(html)
        assert count >= last, (end, text[:end][-40:])
        last = count
        grew.add(count)
    assert len(grew) > 15  # the card fills in statement by statement, not only at the end
    assert last == drawn(render_html(text))


def test_no_root_yet_shows_nothing_while_streaming_and_a_note_at_the_end() -> None:
    headless = 'h = Header("Title first")\nt = TextContent("Body")\n'
    assert drawn(render_html(c1v2(headless), partial=True)) == 0
    assert not any(marker in render_html(c1v2(headless), partial=True) for marker in ERROR_MARKERS)
    assert COULD_NOT_RENDER in render_html(c1v2(headless))
    assert COULD_NOT_RENDER in render_html(
        c1v2("root = Card([t], 5, 6, Nope())\nt = Header()\n").replace("Card", "Header")
    )  # a root that gives no valid component
    assert "Title first" in render_html(c1v2('root = Card([h])\nh = Header("Title first")\n'))


def test_invalid_and_unresolved_children_are_dropped_as_lang_core_does() -> None:
    text = program(
        "h", "missing", "bad", "nolabel", "t",
        h='Header("Kept header")', bad='Widget("x")', nolabel="Header()", t='TextContent("Kept text")',
    )  # fmt: skip
    result = render_result(c1v2(text))
    assert result.valid
    assert "Kept header" in result.html and "Kept text" in result.html
    assert drawn(result.html) == 3  # the Card and its two valid children


def test_a_pending_statement_does_not_replace_a_complete_one() -> None:
    first = program("a", "b", a='Header("Alpha")', b='TextContent("Beta")')
    cut = first + "root = Card([a"
    assert "Beta" in render_html(c1v2(cut), partial=True)  # the complete root still holds
    redeclared = first + "root = Card([a])\n"
    assert "Beta" not in render_html(c1v2(redeclared), partial=True)  # a complete one does replace
    assert "Beta" not in render_html(c1v2(cut))  # the final text is read as a whole: last wins


def test_cut_inside_a_string_shows_its_prefix() -> None:
    text = c1v2(program("t", t='TextContent("Hello streaming world")'))
    html = render_html(text[: text.index("world") + 3], partial=True)
    assert "Hello streaming wor" in html


def test_cut_inside_an_entity_shows_nothing_new() -> None:
    text = c1v2(program("t", t='TextContent("Tom & Jerry")'))
    cut = text[: text.index("&amp; Jerry") + 3]  # ends with "&am"
    html = render_html(cut, partial=True)
    assert "Tom" in html and "&amp;am" not in html


def test_fenced_and_escaped_bodies() -> None:
    body = "Here is the UI:\n```openui-lang\n" + program("t", t='TextContent("Fenced & <ok>")') + "```\nDone."
    html = render_html(f'<content thesys="true" version="2">{escape(body)}</content>')
    assert "Fenced &amp; &lt;ok&gt;" in html and "Here is the UI" not in html


def test_v1_and_v2_content_in_one_message_and_think_items() -> None:
    header = {"component": "Header", "props": {"title": "Version one"}}
    envelope = {"component": {"component": "Card", "props": {"children": [header]}}, "error": None}
    v1 = '<content thesys="true">' + escape(json.dumps(envelope)) + "</content>"
    text = write_thinkitem("Thinking", "about it") + v1 + c1v2(program("h", h='Header("Version two")'))
    html = render_html(text)
    assert "Version one" in html and "Version two" in html and "Thinking" in html
    assert html.count('data-gu-lang="openui"') == 1


def test_openui_envelope_stored_message() -> None:
    stored = (
        "]]>openui:content?library=c1%400.2.1\n"
        + program("t", t='TextContent("From the envelope")')
        + ']]>openui:context\n{"formState": {"f": {"x": {"value": "secret-state"}}}}\n'
        "]]>openui:end\n"
    )
    html = render_html(stored)
    assert "From the envelope" in html and "secret-state" not in html and "openui:" not in html
    # streaming: a last line that may still become a marker waits for its newline
    cut = stored[: stored.index("]]>openui:context") + 7]
    partial = render_html(cut, partial=True)
    assert "From the envelope" in partial and "]]&gt;" not in partial


def test_bare_program_as_a_gateway_streams_it() -> None:
    bare = program("t", t='Header("Bare &amp; raw")')
    html = render_html(bare)
    assert "Bare &amp;amp; raw" in html  # not entity-decoded: a bare program is raw text
    assert "Bare" in render_html(bare[: bare.index("raw")], partial=True)
    assert COULD_NOT_RENDER in render_html("just some prose")
    assert "gu-card" in render_html(json.dumps({"component": "Card", "props": {"children": []}}))  # v1 bare


def test_fallback_fills_a_prefix_that_shows_nothing() -> None:
    good = c1v2(program("t", t='TextContent("Earlier")'))
    broken = c1v2('root = Card([t])\nt = TextContent("Earlier")\nroot = Card([t]) + 1\n')
    assert render_result(broken, partial=True).valid is False
    assert "Earlier" in render_html(broken, partial=True, fallback=good)


def test_text_is_escaped_everywhere() -> None:
    evil = '<script>alert(\\"x\\")</script>'
    text = program(
        "h", "t", "tags", "tbl", "c", "b", "f", "cards", "el",
        h=f'Header("{evil}", "{evil}")',
        t=f'TextContent("{evil} <img src=x onerror=alert(1)>")',
        tags=f'TagBlock([Tag("{evil}")])',
        tbl=f'Table([Col("{evil}")], [["{evil}", {{text: "{evil}"}}]])',
        c=f'BarChart(["{evil}"], [{{category: "{evil}", values: [1]}}], null, null, "{evil}")',
        b=f'ButtonGroup([Button("{evil}", {{type: "{evil}", params: {{x: "{evil}"}}}})])',
        f=f'Form("{evil}", ButtonGroup([Button("Go")]), '
          f'[FormControl("{evil}", Input("{evil}", null, "{evil}"), "{evil}")])',
        cards=f'ContextCardBlock([ContextCardItem("{evil}", "{evil}", "{evil}")], "grid", null, '
              '{type: "continue_conversation"})',
        el=f'EntityList([{{left: "{evil}", right: "{evil}"}}])',
    )  # fmt: skip
    html = render_html(c1v2(text))
    assert "<script" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_unsafe_urls_are_removed() -> None:
    bad = "javascript:alert(1)"
    text = program(
        "i", "g", "b", "md", "s", "cards", "f", "vis",
        i=f'Image("pic", "{bad}")',
        g='ImageGallery(["g"], ["vbscript:x"])',
        b=f'ButtonGroup([Button("Obj", {{type: "open_url", url: "{bad}"}}), '
          f'Button("Step", @OpenUrl("{bad}")), Button("Safe", @OpenUrl("https://ok.example"))])',
        md='TextContent("[click](javascript:alert(1)) [ok](https://example.org/a)")',
        s=f'SnippetCardBlock([SnippetCardItem("a", ImageText("{bad}", "avatar", "Person"))])',
        cards=f'ContextCardBlock([ContextCardItem("a", "Place", null, null, "{bad}")], "grid", null, '
              f'{{type: "open_url", url: "{bad}"}})',
        f=f'Form("f", ButtonGroup([Button("Go")]), [FormControl("Pick", OptionCards("o", "single", '
          f'[OptionCard("a", "A", null, Image("alt", "{bad}"))]))])',
        vis=f'VisualCardBlock([VisualCardItem(BoldText("text", "V"), "v", "{bad}")])',
    )  # fmt: skip
    text = with_sources(text, f'[{{title: "Bad", sourceName: "evil", url: "{bad}"}}]')
    html = render_html(c1v2(text))
    urls = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert urls == ["https://ok.example", "https://example.org/a"]
    assert '="javascript' not in html and "vbscript" not in html
    assert html.count("disabled") == 2  # the two unsafe open_url buttons stay inert


def test_actions_carry_what_the_click_says() -> None:
    text = program(
        "b", "cards", "fu",
        b='ButtonGroup([Button("Plain"), Button("Ask", Action([@ToAssistant("Tell me more")])), '
          'Button("Book", {type: "book_flight", params: {id: 7}}), '
          'Button("Kill", null, "primary", "destructive")])',
        cards='ContextCardBlock([ContextCardItem("p", "Paris"), ContextCardItem("r", "Rome")], "grid", null, '
              '{type: "pick_city", params: {trip: 3}})',
        fu='FollowUpBlock(["What next?"])',
    )  # fmt: skip
    html = render_html(c1v2(text))
    assert 'data-gu-action="continue_conversation"' in html and 'data-gu-label="Plain"' in html
    assert 'data-gu-label="Tell me more"' in html and "<span>Ask</span>" in html
    assert "gu-btn-destructive" in html
    payloads = [json.loads(p.replace("&quot;", '"')) for p in re.findall(r'data-gu-payload="([^"]*)"', html)]
    assert {"type": "book_flight", "props": {"id": 7}} in payloads
    assert {
        "type": "pick_city",
        "props": {"trip": 3, "itemIndex": 1, "itemId": "r", "itemTitle": "Rome"},
    } in payloads
    assert html.count('role="button"') == 2 and 'data-gu-followup="What next?"' in html


def test_runtime_expressions_draw_nothing() -> None:
    text = (
        '$name = "state value"\nroot = Card([t, h])\nt = TextContent($name)\nh = Header("Static " + "sum")\n'
    )
    html = render_html(c1v2(text))
    assert "Dynamic" not in html and "state value" not in html


def test_form_controls_carry_v2_types() -> None:
    html = "".join(render_html(c1v2(text)) for _, text, _ in V2_SAMPLES)
    for field, kind in [("name", "Input"), ("about", "TextArea"), ("topic", "Select"), ("tags", "Chips"),
                        ("plan", "OptionCards"), ("extras", "CheckBoxGroup"), ("alerts", "SwitchGroup"),
                        ("start", "DatePicker"), ("budget", "Slider")]:  # fmt: skip
        assert f'data-gu-field="{field}" data-gu-type="{kind}"' in html
    assert 'value="blue" checked' in html and 'type="radio" name="plan" value="pro" checked' in html


def test_hostile_programs_are_bounded() -> None:
    deep = "root = Card([" + 'Tabs([TabItem("a", "b", [' * 200 + "])])" * 200 + "])\n"
    assert COULD_NOT_RENDER in render_html(c1v2(deep))
    assert "gu-note" not in render_html(c1v2(deep), partial=True)
    fan = ["root = Card([l7, l7, l7, l7])", 'l0 = TextContent("leaf")']  # about 17,000 components
    fan += [f'l{i} = Tabs([TabItem("a", "b", [l{i - 1}, l{i - 1}, l{i - 1}])])' for i in range(1, 8)]
    html = render_html(c1v2("\n".join(fan) + "\n"))
    assert MAX_DRAWN_NODES // 2 < drawn(html) <= MAX_DRAWN_NODES


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet='()[]{}",=\n abcdeRootCardHr$@:.?&;<>/', max_size=200))
def test_renderer_never_raises_on_garbage_programs(text: str) -> None:
    render_html(text, partial=True)
    render_html(c1v2(text), partial=True)
    render_html(c1v2(text))


def test_page_notebook_and_cli_accept_v2(tmp_path: Path) -> None:
    assert "Trip to Rome" in render_page(c1v2(RICH_PROGRAM))
    assert "Trip to Rome" in C1Html(RICH_PROGRAM)._repr_html_()
    runner = CliRunner()
    for name, text in (("answer.txt", c1v2(RICH_PROGRAM)), ("program.oui", RICH_PROGRAM)):
        path = tmp_path / name
        path.write_text(text)
        result = runner.invoke(app, ["render", str(path)])
        assert result.exit_code == 0
        assert result.output.lstrip().startswith("<!doctype html>") and "Vatican Museums" in result.output


def test_render_endpoint_answers_v2(server: LiveServer) -> None:
    client = httpx.Client(base_url=server.url, headers={"authorization": f"Bearer {server.key}"})
    text = c1v2(RICH_PROGRAM)
    final = client.post("/v1/render", json={"c1": text}).json()
    assert final["valid"] is True and "Trastevere" in final["html"]
    cut = text[: text.index("FollowUpBlock")]
    partial = client.post("/v1/render", json={"c1": cut, "partial": True}).json()
    assert (
        partial["valid"] is True
        and "Trastevere" in partial["html"]
        and "Find restaurants" not in partial["html"]
    )
