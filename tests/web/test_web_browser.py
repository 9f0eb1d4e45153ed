"""Browser tests of the renderer and the playground (Debian's chromium driven by playwright)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from web_c1_samples import COMPONENT_SAMPLES, REAL_ANSWER, c1, card
from web_fake_api import FakeState, serve
from web_playground import ask, open_playground

from genui.ui.c1 import unescape
from genui.web import render_page

pytestmark = pytest.mark.slow

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots" / "components"


@pytest.fixture()
def server() -> Iterator[tuple[str, FakeState]]:
    state = FakeState(answer=REAL_ANSWER, chunk_size=23, chunk_delay=0.01)
    with serve(state) as url:
        yield url, state


def sent_inputs(state: FakeState) -> list[str]:
    return [r["input"] for r in state.requests]


@pytest.mark.parametrize(("name", "tree", "text"), COMPONENT_SAMPLES, ids=[s[0] for s in COMPONENT_SAMPLES])
def test_component_renders_visible_content(page: Page, name: str, tree: dict[str, object], text: str) -> None:
    page.set_content(render_page(c1(card(tree)), title=name))
    root = page.locator(".gu-card").first
    expect(root).to_be_visible()
    box = root.bounding_box()
    assert box is not None and box["height"] > 30
    inner = page.locator(".gu-card > *").first
    expect(inner).to_be_visible()
    assert text in page.locator(".gu-card").inner_html()
    if page.locator(".gu-card svg").count():
        svg_box = page.locator(".gu-card svg").first.bounding_box()
        assert svg_box is not None and svg_box["width"] > 50 and svg_box["height"] > 20
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_dark_theme_page(page: Page) -> None:
    page.set_content(render_page(REAL_ANSWER, theme="dark"))
    bg = page.evaluate("getComputedStyle(document.querySelector('.gu-card')).backgroundColor")
    assert bg == "rgb(20, 23, 31)"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "_full_answer_dark.png"), full_page=True)


def test_streaming_renders_progressively_without_error_state(
    page: Page, server: tuple[str, FakeState]
) -> None:
    url, state = server
    open_playground(page, url)
    ask(page, "Show revenue")
    assert page.evaluate("window.__errors") == []
    sizes = page.evaluate("window.__sizes")
    assert len(set(sizes)) >= 4, sizes  # the tree grew in several steps while streaming
    body = page.locator(".pg-assistant .pg-body").last
    expect(body.locator("svg")).to_be_visible()
    expect(body.get_by_text("Quarterly revenue vs cost")).to_be_visible()
    assert body.get_attribute("aria-live") == "polite"
    # the ephemeral think item is gone from the final render
    assert body.locator(".gu-think").count() == 0
    # raw C1 on demand
    page.locator(".pg-raw summary").last.click()
    assert page.locator(".pg-raw pre").last.inner_text() == REAL_ANSWER
    assert state.requests[0]["stream"] is True and state.requests[0]["conversation"] == "conv_1"
    assert state.requests[0]["model"] == "c1/fake/model/v-20261121"


def test_prefixes_through_render_path_never_show_error(page: Page, server: tuple[str, FakeState]) -> None:
    url, _ = server
    open_playground(page, url)
    ends = list(range(0, len(REAL_ANSWER) + 1, 17))
    result = page.evaluate(
        """async ({text, ends}) => {
          const box = document.createElement('div');
          document.body.append(box);
          let lastValid = null, errors = 0, valid = 0;
          for (const end of ends) {
            const c1 = text.slice(0, end);
            const r = await fetch('/v1/render', {method: 'POST',
              headers: {'Content-Type': 'application/json'},
              body: JSON.stringify({c1, partial: true, fallback: lastValid})});
            const body = await r.json();
            if (body.valid) { lastValid = c1; valid++; }
            box.innerHTML = body.html;
            if (box.querySelector('.gu-note, .pg-error') || /error/i.test(box.textContent)) errors++;
          }
          return {errors, valid};
        }""",
        {"text": REAL_ANSWER, "ends": ends},
    )
    assert result["errors"] == 0
    assert result["valid"] > 50


def test_follow_up_sends_exact_c1_message(page: Page, server: tuple[str, FakeState]) -> None:
    url, state = server
    open_playground(page, url)
    ask(page, "Show revenue")
    page.get_by_role("button", name="Compare with FY2023").last.click()
    page.wait_for_selector(".pg-assistant >> nth=1 >> .pg-body[aria-busy=false]", timeout=30000)
    assert sent_inputs(state)[-1] == (
        '<content thesys="true">Compare with FY2023</content>'
        "<context>[&quot;User clicked on FollowUpItem: Compare with FY2023&quot;,{}]</context>"
    )
    # the user bubble shows the label, not the C1 markup
    assert page.locator(".pg-user .pg-body").last.inner_text() == "Compare with FY2023"


def test_form_submit_carries_values_in_context(page: Page, server: tuple[str, FakeState]) -> None:
    url, state = server
    open_playground(page, url)
    ask(page, "Contact form")
    form = page.locator("form[data-gu-form=contact]").last
    submit = form.get_by_role("button", name="Submit")
    submit.click()  # the required name is empty: nothing is sent
    page.wait_for_timeout(300)
    assert len(state.requests) == 1
    form.get_by_label("Name").fill('Jane "JD" Doe <x>')
    form.get_by_label("About").fill("Line & more")
    form.get_by_label("Topic").select_option("support")
    form.get_by_label("Newsletter").uncheck()
    form.get_by_label("Email alerts").check()
    form.get_by_label("Basic").check()
    form.get_by_label("Large").check()
    form.locator("input[type=date]").fill("2025-03-04")
    form.locator("input[type=range]").fill("70")
    submit.click()
    page.wait_for_selector(".pg-assistant >> nth=1 >> .pg-body[aria-busy=false]", timeout=30000)
    message = sent_inputs(state)[-1]
    match = re.fullmatch(r'<content thesys="true">Submit</content><context>(.*)</context>', message)
    assert match is not None, message
    assert "&quot;" in match.group(1) and '"' not in match.group(1)  # entity-escaped JSON
    context = json.loads(unescape(match.group(1)))
    assert context[0] == "User clicked on Button: submit_contact"
    values = context[1][0]["contact"]
    assert values["name"] == {"value": 'Jane "JD" Doe <x>', "componentType": "Input"}
    assert values["about"] == {"value": "Line & more", "componentType": "TextArea"}
    assert values["topic"] == {"value": "support", "componentType": "Select"}
    assert values["extras"] == {
        "value": {"newsletter": False, "call": False},
        "componentType": "CheckBoxGroup",
    }
    assert values["alerts"] == {"value": {"email_alerts": True}, "componentType": "SwitchGroup"}
    assert values["plan"] == {"value": "basic", "componentType": "RadioGroup"}
    assert values["size"] == {"value": "l", "componentType": "TileOptionBlock"}
    assert values["start"] == {"value": "2025-03-04", "componentType": "DatePicker"}
    assert values["budget"] == {"value": [70], "componentType": "Slider"}


def test_open_url_and_custom_action(page: Page) -> None:
    tree = card(
        {
            "component": "Button",
            "props": {
                "children": "Docs",
                "name": "docs",
                "action": {"type": "open_url", "props": {"url": "https://example.com/d"}},
            },
        },
        {
            "component": "Button",
            "props": {
                "children": "Book",
                "name": "book",
                "action": {"type": "book_flight", "props": {"id": 7}},
            },
        },
    )
    page.set_content(render_page(c1(tree)))
    link = page.get_by_role("link", name="Docs")
    assert link.get_attribute("target") == "_blank" and "noopener" in (link.get_attribute("rel") or "")
    page.evaluate(
        "window.__actions = [];"
        "document.addEventListener('genui:action', e => window.__actions.push(e.detail))"
    )
    page.get_by_role("button", name="Book").click()
    assert page.evaluate("window.__actions") == [{"type": "book_flight", "props": {"id": 7}}]


def test_history_reloads_from_conversation(page: Page, server: tuple[str, FakeState]) -> None:
    url, _ = server
    open_playground(page, url)
    ask(page, "Show revenue")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator(".pg-user .pg-body")).to_have_text(["Show revenue"])
    expect(page.locator(".pg-assistant svg").first).to_be_visible()
    page.click("#new-chat")
    expect(page.locator(".pg-msg")).to_have_count(0)
    assert page.evaluate("localStorage.getItem('genui.conversation')") == "conv_2"


def test_api_key_and_theme_are_kept(page: Page, server: tuple[str, FakeState]) -> None:
    url, state = server
    open_playground(page, url)
    page.get_by_label("API key").fill("sk-test-123")
    page.get_by_label("API key").press("Tab")
    page.wait_for_timeout(200)
    assert state.auth_headers[-1] == "Bearer sk-test-123"
    page.get_by_role("button", name=re.compile("theme")).click()
    theme = page.evaluate("document.documentElement.dataset.theme")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.evaluate("document.documentElement.dataset.theme") == theme
    assert page.get_by_label("API key").input_value() == "sk-test-123"


def test_tabs_switch_with_mouse_and_keyboard(page: Page) -> None:
    tabs = next(tree for name, tree, _ in COMPONENT_SAMPLES if name == "Tabs")
    page.set_content(render_page(c1(card(tabs))))
    expect(page.get_by_text("Tab one body")).to_be_visible()
    expect(page.get_by_text("Tab two body")).to_be_hidden()
    page.get_by_role("tab", name="Details").click()
    expect(page.get_by_text("Tab two body")).to_be_visible()
    page.get_by_role("tab", name="Details").press("ArrowLeft")
    expect(page.get_by_text("Tab one body")).to_be_visible()


def test_every_control_labelled_and_reachable_by_keyboard(page: Page, server: tuple[str, FakeState]) -> None:
    url, _ = server
    open_playground(page, url)
    ask(page, "Everything")
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input, select, textarea')]
             .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
             .map(el => el.outerHTML)"""
    )
    assert unlabelled == []
    page.evaluate(
        """() => { let i = 0; for (const el of document.querySelectorAll(
             'a[href], button, input, select, textarea, summary, [tabindex]'))
             el.dataset.kb = String(i++); }"""
    )
    expected = page.evaluate(
        """[...document.querySelectorAll('[data-kb]')].filter(el => {
             if (el.disabled || el.tabIndex < 0 || !el.checkVisibility()) return false;
             const group = el.type === 'radio' ? [...document.getElementsByName(el.name)] : [];
             if (group.some(r => r.checked && r !== el))
               return false;  // a radio group is one tab stop: the checked one
             return true; }).map(el => el.dataset.kb)"""
    )
    page.locator("body").focus()
    seen: set[str] = set()
    radio_groups: set[str] = set()
    for _ in range(len(expected) * 2 + 10):
        page.keyboard.press("Tab")
        focus = page.evaluate(
            """() => { const el = document.activeElement;
               // native date fields step through their own segments and highlight the focused one
               const visible = el && el !== document.body && (el.type === 'date'
                 || getComputedStyle(el).outlineStyle !== 'none');
               const radio = el && el.type === 'radio' ? el.name : '';
               return el ? {kb: el.dataset.kb || '', radio, visible} : null; }"""
        )
        if focus and focus["kb"]:
            seen.add(focus["kb"])
            assert focus["visible"], focus  # visible focus indicator
            if focus["radio"]:
                radio_groups.add(focus["radio"])
    missing = [kb for kb in expected if kb not in seen]
    assert missing == [] or all(
        page.evaluate(f"document.querySelector('[data-kb=\"{kb}\"]').type === 'radio'") for kb in missing
    ), missing
    assert radio_groups  # radio groups were reachable
