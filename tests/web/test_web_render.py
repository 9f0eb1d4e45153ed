"""Fast tests of the open renderer: every component, charts, safety, streamed prefixes."""

from __future__ import annotations

import importlib
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from web_c1_samples import (
    CHART_COMPONENTS,
    COMPONENT_SAMPLES,
    CONTACT_FORM,
    REAL_ANSWER,
    c1,
    card,
    node,
    sample,
)

import genui.ui.client
from genui.ui.c1 import write_content, write_custommarkdown, write_thinkitem
from genui.ui.client import known_components
from genui.web import C1Html, render_html, render_page, render_result
from genui.web.components import DRAWINGS, check_drawings
from genui.web.render import COULD_NOT_RENDER

ERROR_MARKERS = (COULD_NOT_RENDER, "gu-note", "Error while generating")


@pytest.mark.parametrize(("name", "tree", "text"), COMPONENT_SAMPLES, ids=[s[0] for s in COMPONENT_SAMPLES])
def test_every_component_renders_its_text(name: str, tree: dict[str, object], text: str) -> None:
    result = render_result(c1(card(tree)))
    assert result.valid, name
    assert text in result.html
    assert COULD_NOT_RENDER not in result.html
    if name.split("-")[0] in CHART_COMPONENTS:
        assert "<svg" in result.html and "<title" in result.html and "<desc" in result.html


def test_bar_chart_svg_has_axis_labels_legend_and_bars_within_the_plot() -> None:
    html = render_html(c1(card(sample("BarChartV2"))))
    assert ">Quarter</text>" in html and ">USD (k)</text>" in html
    assert 'aria-label="Legend"' in html and ">Revenue</li>" in html
    assert "Revenue: Q1 120, Q2 150, Q3 170, Q4 210" in html  # <desc> carries the data
    ys = [float(y) for y in re.findall(r'<rect x="[\d.]+" y="([\d.-]+)"', html)]
    assert len(ys) == 8 and min(ys) >= 16  # tallest bar stays below the top margin


def test_pie_donut_has_one_slice_per_category_and_percentages() -> None:
    html = render_html(
        c1(
            card(
                node(
                    "PieChartV2",
                    variant="donut",
                    chartData={"data": [{"category": "A", "value": 1}, {"category": "B", "value": 3}]},
                )
            )
        )
    )
    assert html.count("<path ") == 2
    assert "B: 3 (75%)" in html


def test_text_is_escaped_everywhere() -> None:
    evil = '<script>alert("x")</script>'
    tree = card(
        node("Header", title=evil, subtitle=evil),
        node("TextContent", textMarkdown=f"{evil} <img src=x onerror=alert(1)>"),
        node("TagBlock", children=[{"text": evil, "variant": "danger"}]),
        node("Button", children=evil, name='n"><script>'),
        node("FollowUpBlock", followUpText=[evil]),
        node(
            "Table",
            tableHeader={"rows": [{"children": evil, "type": "string"}]},
            tableBody={"rows": [{"children": [evil]}]},
        ),
        node(
            "BarChartV2",
            chartData={"data": {"labels": [evil], "series": [{"category": evil, "values": [1]}]}},
        ),
    )
    html = render_html(c1(tree))
    assert "<script" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_unsafe_urls_are_removed() -> None:
    tree = card(
        node("Image", alt="pic", src="javascript:alert(1)"),
        node("Image", alt="data", src="data:image/svg+xml;base64,PHN2Zz4="),
        node("ImageGallery", imagesAlt=["g"], imagesSrc=["vbscript:x"]),
        node(
            "Button",
            children="Go",
            name="go",
            action={"type": "open_url", "props": {"url": "javascript:alert(1)"}},
        ),
        node(
            "Button",
            children="Tab",
            name="tab",
            action={"type": "open_url", "props": {"url": " java\tscript:x"}},
        ),
        node("TextContent", textMarkdown="[click](javascript:alert(1)) [ok](https://example.org/a)"),
        node(
            "Button",
            children="Safe",
            name="safe",
            action={"type": "open_url", "props": {"url": "https://ok.example"}},
        ),
    )
    html = render_html(c1(tree))
    urls = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert urls == ["https://example.org/a", "https://ok.example"]
    assert "data:image" not in html and "vbscript" not in html
    assert 'href="https://example.org/a"' in html
    assert 'href="https://ok.example" target="_blank" rel="noopener noreferrer"' in html
    assert html.count("disabled") == 2  # the two unsafe open_url buttons stay inert


def test_card_sources_only_link_safe_urls() -> None:
    tree = card(
        node("TextContent", textMarkdown="x"),
        sources=[
            {"url": "javascript:x", "title": "Bad", "sourceName": "evil"},
            {"url": "https://docs.example", "title": "Docs", "sourceName": "docs"},
        ],
    )
    html = render_html(c1(tree))
    assert 'href="https://docs.example"' in html and "Bad" in html and "javascript" not in html


def test_continue_conversation_and_follow_up_markup() -> None:
    html = render_html(c1(card(CONTACT_FORM, node("FollowUpBlock", followUpText=['Say "hi"']))))
    assert 'data-gu-form="contact"' in html
    assert 'data-gu-action="continue_conversation"' in html and 'data-gu-name="submit_contact"' in html
    assert 'data-gu-followup="Say &quot;hi&quot;"' in html
    for field, kind in [
        ("name", "Input"),
        ("topic", "Select"),
        ("extras", "CheckBoxGroup"),
        ("plan", "RadioGroup"),
        ("size", "TileOptionBlock"),
        ("start", "DatePicker"),
        ("budget", "Slider"),
    ]:
        assert f'data-gu-field="{field}" data-gu-type="{kind}"' in html
    assert " required" in html and 'minlength="2"' in html


def test_custom_action_payload_is_carried() -> None:
    html = render_html(
        c1(
            card(
                node(
                    "Button", children="Book", name="book", action={"type": "book_flight", "props": {"id": 7}}
                )
            )
        )
    )
    payload = re.search(r'data-gu-payload="([^"]*)"', html)
    assert payload is not None
    assert json.loads(payload.group(1).replace("&quot;", '"')) == {"type": "book_flight", "props": {"id": 7}}


def test_every_form_control_is_labelled() -> None:
    html = render_html(c1(card(CONTACT_FORM, sample("EditableTable"))))
    # each control sits inside a <label> or carries aria-label
    controls = re.findall(r"<(input|select|textarea)\b[^>]*>", html)
    assert controls
    stripped = re.sub(r"<label\b.*?</label>", "", html, flags=re.S)
    for match in re.finditer(r"<(input|select|textarea)\b[^>]*>", stripped):
        assert "aria-label=" in match.group(0), match.group(0)


def test_think_items_and_custom_markdown() -> None:
    text = (
        write_thinkitem("Thinking", "step 1", ephemeral=True)
        + write_thinkitem("Kept", "note")
        + write_content({"component": "Card", "props": {"children": []}})
        + write_custommarkdown("# Title <b>x</b>")
    )
    streaming = render_html(text, partial=True)
    final = render_html(text)
    assert "Thinking" in streaming and "Thinking" not in final
    assert "Kept" in final
    assert "<h1>Title &lt;b&gt;x&lt;/b&gt;</h1>" in final


def test_ui_writer_output_renders() -> None:
    html = render_html(write_content(card(node("TextContent", textMarkdown="from the writer"))["component"]))
    assert "from the writer" in html


def test_every_prefix_of_a_real_answer_renders_without_error_state() -> None:
    last_valid = ""
    seen_valid = 0
    for end in range(0, len(REAL_ANSWER) + 1, 5):
        prefix = REAL_ANSWER[:end]
        result = render_result(prefix, partial=True, fallback=last_valid or None)
        assert not any(marker in result.html for marker in ERROR_MARKERS), end
        if result.valid and "<content" in prefix:
            last_valid = prefix
            seen_valid += 1
    assert seen_valid > 100  # the UI grows progressively, not only at the end
    assert "Compare with FY2023" in render_html(REAL_ANSWER)


def test_cut_inside_component_name_keeps_last_valid_tree() -> None:
    good = c1(card(node("TextContent", textMarkdown="first")))
    cut = good[: good.rindex("]")] + ",{&quot;component&quot;:&quot;TextCon"
    assert not render_result(cut, partial=True).valid
    assert "first" not in render_html(cut, partial=True)
    assert "first" in render_html(cut, partial=True, fallback=good)


def test_cut_inside_string_value_renders_progressively() -> None:
    text = c1(card(node("TextContent", textMarkdown="Hello world")))
    cut = text[: text.index("world") + 3]
    html = render_html(cut, partial=True)
    assert "Hello wor" in html


def test_cut_inside_an_entity_shows_nothing_new() -> None:
    text = c1(card(node("TextContent", textMarkdown='say "hi"')))
    cut = text[: text.index("&quot;hi") + 4]  # ends with "&quo"
    html = render_html(cut, partial=True)
    assert "&amp;quo" not in html and "say" in html


def test_final_invalid_tree_shows_neutral_note() -> None:
    bad = c1(card(node("NoSuchComponent", x=1)))
    assert COULD_NOT_RENDER in render_html(bad)
    assert COULD_NOT_RENDER not in render_html(bad, partial=True)
    assert COULD_NOT_RENDER in render_html('<content thesys="true">not json</content>')


def test_v0_chart_rows_become_series() -> None:
    html = render_html(
        c1(
            card(
                node(
                    "LineChart",
                    categoryKey="m",
                    data=[{"m": "Jan", "a": 1, "b": 2}, {"m": "Feb", "a": 3, "b": 4}],
                )
            )
        )
    )
    assert "a: Jan 1, Feb 3; b: Jan 2, Feb 4" in html


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet='<>&;"{}[]:,\\ abcontesthy=/0123456789quot', max_size=200))
def test_renderer_never_raises_on_garbage(text: str) -> None:
    render_html(text, partial=True)
    render_html(text)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=len(REAL_ANSWER)), st.integers(min_value=1, max_value=40))
def test_prefix_with_random_fallback_never_errors(end: int, back: int) -> None:
    fallback = REAL_ANSWER[: max(end - back, 0)]
    html = render_html(REAL_ANSWER[:end], partial=True, fallback=fallback)
    assert COULD_NOT_RENDER not in html


def test_render_page_is_self_contained() -> None:
    page = render_page(REAL_ANSWER, title="Report <1>", theme="dark")
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert '<html lang="en" data-theme="dark">' in page
    assert "<title>Report &lt;1&gt;</title>" in page
    assert "<style>" in page and '<script type="module">' in page
    assert "/static/" not in page and "<link" not in page
    assert "Quarterly revenue vs cost" in page
    assert "</script>" not in page.split('<script type="module">', 1)[1].split("</script>", 1)[1]


def test_notebook_repr() -> None:
    html = C1Html(REAL_ANSWER)._repr_html_()
    assert "<style>" in html and "Quarterly revenue vs cost" in html


def test_the_renderer_draws_every_component_a_client_draws() -> None:
    assert known_components() <= DRAWINGS.keys()
    check_drawings(known_components())
    with pytest.raises(RuntimeError, match="NewWidget"):
        check_drawings([*known_components(), "NewWidget"])


def test_the_renderer_refuses_to_start_without_a_drawing_for_a_catalog_component(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = importlib.import_module("genui.web.components")
    monkeypatch.setattr(genui.ui.client, "known_components", lambda: frozenset({*DRAWINGS, "NewWidget"}))
    try:
        with pytest.raises(RuntimeError, match="NewWidget"):
            importlib.reload(module)
    finally:
        monkeypatch.undo()
        importlib.reload(module)
