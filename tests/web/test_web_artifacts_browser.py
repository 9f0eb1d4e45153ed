"""Reports and slide decks in a real browser (Debian's chromium via playwright): a report, a deck navigated by
keyboard and click, the chat card's panel, an edit applied in place, and printing to PDF (one slide or report
page per PDF page, counted with pypdf). Screenshots go to tests/web/screenshots/artifacts/."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from pypdf import PdfReader

from artifact_view import Q4_MATERIAL
from genui.ui.artifacts import Spec, offline_generate
from genui.ui.c1 import write_artifact_diff
from genui.web import render_html
from genui.web.artifacts import ArtifactThread, artifact_document, artifacts_css, artifacts_js
from genui.web.assets import inline_css

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SHOTS = Path(__file__).resolve().parent / "screenshots" / "artifacts"
MATERIAL = Q4_MATERIAL


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 860})
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.on(
        "request",
        lambda r: (
            errors.append(f"network: {r.url}") if not r.url.startswith(("file:", "data:", "about:")) else None
        ),
    )
    yield p
    context.close()
    assert not errors, errors


def open_document(page: Page, tmp_path: Path, html: str, name: str) -> None:
    path = tmp_path / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    page.goto(path.as_uri())


def pdf_pages(page: Page) -> list[tuple[float, float]]:
    reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]


def current(page: Page) -> tuple[str, str]:
    frame = page.locator(".gu-slide-frame.gu-current")
    assert frame.count() == 1
    return frame.get_attribute("data-frame-id") or "", page.locator(".gu-art-count").first.inner_text()


def test_report_pages_and_their_pdf(page: Page, tmp_path: Path) -> None:
    text = "".join(offline_generate(Spec("report", "v1", "r1"), MATERIAL.replace("presentation", "report")))
    open_document(page, tmp_path, artifact_document(text, title="Q4 report"), "report")
    pages = page.locator(".gu-report-page")
    assert pages.count() == 6 and pages.nth(0).is_visible() and pages.nth(5).is_visible()
    assert page.locator(".gu-report-page svg").count() >= 2  # the line chart and the pie
    page.screenshot(path=str(SHOTS / "report.png"), full_page=True)
    printed = pdf_pages(page)
    assert len(printed) == 6 and all(abs(w - 595.3) < 1 and abs(h - 841.9) < 1 for w, h in printed)  # A4


@pytest.mark.parametrize("fmt", ["v1", "v2"])
def test_slides_one_at_a_time_with_keyboard_and_click(page: Page, tmp_path: Path, fmt: str) -> None:
    text = "".join(offline_generate(Spec("slides", fmt, "d1"), MATERIAL))
    open_document(page, tmp_path, artifact_document(text, title="Q4"), f"slides-{fmt}")
    frames = page.locator(".gu-slide-frame")
    total = frames.count()
    assert total == 7 and current(page) == ("s1", f"1 / {total}")
    assert page.locator(".gu-slide-frame:visible").count() == 1
    box = frames.first.bounding_box()
    inner = page.locator(".gu-slide").first.bounding_box()
    assert box and inner and abs(box["width"] / box["height"] - 16 / 9) < 0.01
    # the 1920x1080 slide scaled to its frame (inside the frame's 1px border)
    assert abs(inner["width"] - box["width"]) <= 2 and abs(inner["height"] - box["height"]) <= 2
    page.screenshot(path=str(SHOTS / f"slides-{fmt}-1.png"))
    page.locator(".gu-deck").focus()
    page.keyboard.press("ArrowRight")
    assert current(page)[0] == "s2"
    page.keyboard.press("PageDown")
    assert current(page) == ("s3", f"3 / {total}")
    page.screenshot(path=str(SHOTS / f"slides-{fmt}-3.png"))
    page.keyboard.press("PageUp")
    assert current(page)[0] == "s2"
    page.keyboard.press("End")
    assert current(page)[0] == f"s{total}"
    page.keyboard.press("ArrowRight")
    assert current(page)[0] == f"s{total}"  # stays on the last
    page.screenshot(path=str(SHOTS / f"slides-{fmt}-last.png"))
    page.keyboard.press("Home")
    visible = page.locator(".gu-slide-frame.gu-current").bounding_box()
    assert visible
    page.mouse.click(visible["x"] + visible["width"] * 0.8, visible["y"] + visible["height"] / 2)
    assert current(page)[0] == "s2"
    page.mouse.click(visible["x"] + 20, visible["y"] + visible["height"] / 2)
    assert current(page)[0] == "s1"
    page.click("[data-gu-next]")
    assert current(page)[0] == "s2"
    printed = pdf_pages(page)
    assert len(printed) == total and all(abs(w - 1440) < 1 and abs(h - 810) < 1 for w, h in printed)


def test_chat_card_opens_the_deck_in_a_panel_that_escape_closes(page: Page, tmp_path: Path) -> None:
    text = "".join(offline_generate(Spec("slides", "v1", "d2"), MATERIAL))
    html = (
        f"<!doctype html><html><head><style>{inline_css()}\n{artifacts_css()}</style></head><body>"
        f'<main class="gu-page">{render_html(text)}</main><script>{artifacts_js()}</script></body></html>'
    )
    open_document(page, tmp_path, html, "chat")
    card = page.locator(".gu-artifact-card")
    assert card.is_visible() and "Q4 results" in card.inner_text() and "Slides" in (card.text_content() or "")
    assert not page.locator("dialog.gu-artifact-panel").is_visible()
    page.screenshot(path=str(SHOTS / "chat-card.png"))
    page.click("[data-gu-artifact-view]")
    assert page.locator("dialog.gu-artifact-panel").is_visible()
    page.keyboard.press("ArrowRight")
    assert current(page)[0] == "s2"
    page.screenshot(path=str(SHOTS / "chat-panel.png"))
    page.keyboard.press("Escape")
    assert not page.locator("dialog.gu-artifact-panel").is_visible()


def test_an_edit_is_applied_in_place_on_the_slide_shown(page: Page, tmp_path: Path) -> None:
    base = "".join(offline_generate(Spec("slides", "v1", "d3"), MATERIAL))
    open_document(page, tmp_path, artifact_document(base), "edit")
    page.locator(".gu-deck").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert current(page)[0] == "s3"
    assert "Revenue by quarter" in page.locator(".gu-slide-frame.gu-current").inner_text()
    edit = write_artifact_diff([
        {"op": "replace", "id": "s3", "value": {"id": "s3", "template": "Text",
                                               "props": {"title": "Revenue, revised", "text": "Q4 was **$4.2M**."}}},  # noqa: E501
        {"op": "remove", "id": "s5"},
    ])  # fmt: skip
    thread = ArtifactThread(full=True)
    thread.render(base)
    edited = thread.render(edit)
    page.evaluate("html => window.genuiArtifacts.update(html)", edited)
    assert current(page) == ("s3", "3 / 6")
    shown = page.locator(".gu-slide-frame.gu-current").inner_text()
    assert "Revenue, revised" in shown and "$4.2M" in shown
    page.screenshot(path=str(SHOTS / "edit-in-place.png"))
    assert len(pdf_pages(page)) == 6
