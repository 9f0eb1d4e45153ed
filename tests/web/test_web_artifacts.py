"""Reports and slide decks in the renderer (server side): views of v1 trees and v2 programs, the chat card,
diffs and patches applied in place, the standalone export, safety, and `genui render`."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from typer.testing import CliRunner

from genui.cli import app
from genui.ui.artifacts import Spec, offline_generate
from genui.ui.artifacts.v1 import root
from genui.ui.c1 import write_artifact, write_artifact_diff
from genui.web import render_html, render_result
from genui.web.artifacts import ArtifactThread, artifact_document

MATERIAL = (
    "Make slides\n\n# Plan\n\n## Steps\n\n- Hire\n- Open Berlin\n\n"
    "## Numbers\n\n| Year | Sales |\n|---|---|\n| 2024 | 10 |\n| 2025 | 14 |\n"
)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attrs: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.attrs


def frame_ids(html: str) -> list[str]:
    return re.findall(r'data-frame-id="([^"]+)"', html)


def slides(*titles: str) -> dict:
    items = [
        {"id": f"s{i}", "template": "Text", "props": {"title": t, "text": f"about {t}"}}
        for i, t in enumerate(titles, 1)
    ]
    return {"component": root("slides", "Deck", items), "error": None}


def test_chat_view_shows_a_card_opening_the_whole_deck() -> None:
    html = render_html("".join(offline_generate(Spec("slides", "v1", "d1"), MATERIAL)))
    assert 'class="gu-artifact-card"' in html and ">View</button>" in html and ">Slides</span>" in html
    assert '<dialog class="gu-artifact-panel"' in html
    assert frame_ids(html) == ["s1", "s2", "s3"]
    assert html.count('aria-roledescription="slide"') == 3 and "Open Berlin" in html and "<svg" in html


def test_report_pages_render_as_pages() -> None:
    html = render_html(
        "".join(offline_generate(Spec("report", "v1", "r1"), MATERIAL.replace("slides", "a report")))
    )
    assert html.count('class="gu-report-page') == 2 and ">Report</span>" in html and "Open Berlin" in html


def test_a_diff_in_the_same_message_is_applied_in_place() -> None:
    base = write_artifact(slides("One", "Two", "Three"), "slides", "d", 1)
    ops = [
        {
            "op": "replace",
            "id": "s2",
            "value": {"id": "s2", "template": "Text", "props": {"title": "Deux", "text": "new"}},
        }
    ]
    html = render_html(base + write_artifact_diff(ops))
    assert frame_ids(html) == ["s1", "s2", "s3"] and "Deux" in html and ">Two<" not in html
    assert html.count('class="gu-artifact-card"') == 1
    bad = render_html(base + write_artifact_diff([{"op": "remove", "id": "s9"}]))
    assert 'data-gu-artifact-error="9"' in bad and ">Two<" in bad and frame_ids(bad) == ["s1", "s2", "s3"]
    malformed = render_html(base + '<artifact_diff>{"op": 1}</artifact_diff>')
    assert 'data-gu-artifact-error="8"' in malformed


def test_a_thread_applies_later_diffs_and_v2_patches_to_the_earlier_artifact() -> None:
    thread = ArtifactThread(full=True)
    thread.render(write_artifact(slides("One", "Two"), "slides", "d", 1))
    html = thread.render("Done." + write_artifact_diff([{"op": "remove", "id": "s1"}]))
    assert frame_ids(html) == ["s2"]
    assert 'data-gu-artifact-error="9"' in ArtifactThread().render(
        write_artifact_diff([{"op": "remove", "id": "s1"}])
    )
    v2 = ArtifactThread(full=True)
    program = "".join(offline_generate(Spec("slides", "v2", "p"), MATERIAL))
    assert frame_ids(v2.render(program)) == ["s1", "s2", "s3"]
    patched = v2.render('root = SlideShow("Plan", null, [s1, s3])\n')
    assert frame_ids(patched) == ["s1", "s3"]
    assert v2.render("Just a chat answer, no program.") == ""


def test_v2_programs_render_every_template_kind_we_write() -> None:
    program = (
        'root = SlideShow("Q4", null, [a, b, c, d])\n'
        'a = Slide("a", HeroMetric("$4.2M", "Q4 revenue"))\n'
        'b = Slide("b", PullQuote("Ship it.", "Ada"))\n'
        'c = Slide("c", DualChartsWithContext("Two", [{chart: BarChartV2({data: {labels: ["x"], series: [{category: "s", values: [1]}]}}), title: "Left", body: "l"}]))\n'  # noqa: E501
        'd = Slide("d", Images(["https://example.com/a.png", "javascript:alert(1)"]))\n'
    )
    html = render_html(program)
    assert (
        frame_ids(html) == ["a", "b", "c", "d"] and "$4.2M" in html and "Ship it." in html and "<svg" in html
    )
    assert "javascript" not in html
    report = 'root = ReportView("R", null, [p1, p2])\np1 = Page("p1", TableOfContentsPage())\np2 = Page("p2", ContentPage([InlineHeader("Costs"), Table([Column("Item"), Column("Eur", "number")], [["Rent", 1200]])]))\n'  # noqa: E501
    html = render_html(report)
    assert "Costs" in html and "1200" in html and html.count("gu-report-page") == 2


def test_hostile_artifacts_are_escaped_and_their_urls_refused() -> None:
    items = [{"id": "s1", "template": "ImageWithText", "props": {
        "title": "<script>alert(1)</script>", "text": "[x](javascript:alert(2)) <img src=x onerror=alert(3)>",
        "image": {"src": "javascript:alert(4)", "alt": "pic"}}}]  # fmt: skip
    html = render_html(
        write_artifact({"component": root("slides", "<b>x</b>", items), "error": None}, "slides", '"><x', 1)
    )
    for tag, attrs in tags(html):
        assert tag not in ("script", "img") or "javascript" not in str(attrs.get("src"))
        assert not any(name.startswith("on") for name in attrs)
    assert "<script>" not in html and "javascript:" not in html and "onerror" not in html
    assert '<span class="gu-art-title">x</span>' in html


def test_prefixes_render_without_error_and_grow() -> None:
    # as the playground renders a stream: any cut, with the last valid text as the fallback
    text = "".join(offline_generate(Spec("slides", "v1", "d"), MATERIAL))
    counts, last_valid = [], None
    for cut in range(0, len(text), 37):
        result = render_result(text[:cut], partial=True, fallback=last_valid)
        last_valid = text[:cut] if result.valid else last_valid
        counts.append(len(frame_ids(result.html)))
        assert "gu-note" not in result.html
    assert counts == sorted(counts) and counts[-1] >= 2


def test_the_export_is_standalone_and_prints_one_slide_a_page() -> None:
    document = artifact_document("".join(offline_generate(Spec("slides", "v2", "d"), MATERIAL)), title="Plan")
    assert document.startswith("<!doctype html>") and "@page gu-slide { size: 1920px 1080px" in document
    for _tag, attrs in tags(document):
        for name in ("src", "href"):
            assert not (attrs.get(name) or "").startswith(("http:", "https:", "//")), attrs
    assert "<script>" in document and "window.genuiArtifacts" in document and "<link" not in document


def test_genui_render_exports_an_artifact_and_applies_later_edits(tmp_path: Path) -> None:
    base = tmp_path / "deck.txt"
    base.write_text(write_artifact(slides("One", "Two", "Three"), "slides", "d", 1))
    edit = tmp_path / "edit.txt"
    edit.write_text(write_artifact_diff([{"op": "remove", "id": "s3"}]))
    result = CliRunner().invoke(app, ["render", str(base), "--then", str(edit)])
    assert result.exit_code == 0, result.output
    assert frame_ids(result.output) == ["s1", "s2"] and "gu-artifact-slides" in result.output
    json.dumps(result.output)
