"""C1 v2 (OpenUI Lang) in Debian's chromium: the real open client (react-lang's Renderer with the thesys chat
library) and genui's own renderer fed a v2 answer prefix by prefix, and the playground's v2 messages.

The stream is parametric. `written`: C1 text genui writes with `genui.ui.openui.write`, in the deltas of a
safe streamer. `server`: the stream of a running genui server whose scripted model answers the same UI, read
with the openai SDK from a `v-20260331` model.
Screenshots: tests/web/screenshots/v2/ (gitignored).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from playwright.sync_api import Page, expect
from web_fake_api import FakeState, serve
from web_openui_client import V2Stream, build, program_of, written_stream
from web_openui_client import serve as serve_client
from web_openui_samples import RICH_PROGRAM, RICH_TEXTS, V2_SAMPLES, c1v2
from web_playground import ask, open_playground

from fakes.upstream import ScriptedUpstream, Step
from genui.models.config import ModelConfig
from genui.ui import openui
from genui.ui.c1 import escape, unescape
from genui.web import render_page
from support import LiveServer

pytestmark = pytest.mark.slow

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots" / "v2"
V2_MODEL = "c1/fake/ui-model/v-20260331"
STREAMS = ["written", "server"]


def server_stream(make_server: Callable[..., LiveServer], upstream: ScriptedUpstream) -> V2Stream:
    """A genui server on a v2 model whose scripted upstream writes the UI as OpenUI Lang, streamed through
    /v1/embed/chat/completions (each delta the SDK yields is one prefix)."""
    server = make_server(models=[ModelConfig(name=V2_MODEL, provider="fake", upstream_model="fake-model")])
    tree = openui.validate(RICH_PROGRAM).root
    assert tree is not None
    upstream.push(Step(text=openui.write(tree)))
    client = openai.OpenAI(base_url=server.embed_url, api_key=server.key)
    stream = client.chat.completions.create(
        model=V2_MODEL, messages=[{"role": "user", "content": "Plan a trip to Rome"}], stream=True
    )
    prefixes, text = [], ""
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            text += chunk.choices[0].delta.content
            prefixes.append(text)
    assert 'version="2"' in text, "the server did not answer C1 v2"
    return V2Stream("server", prefixes, RICH_TEXTS)


@pytest.fixture(params=STREAMS)
def v2_stream(request: pytest.FixtureRequest) -> V2Stream:
    if request.param == "server":
        upstream = request.getfixturevalue("scripted_upstream")
        return server_stream(request.getfixturevalue("make_server"), upstream)
    return written_stream(RICH_PROGRAM, RICH_TEXTS)


@pytest.fixture(scope="module")
def client_url() -> Iterator[str]:
    with serve_client(build()) as url:
        yield url


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_the_real_open_client_renders_every_prefix_and_only_grows(
    page: Page, client_url: str, v2_stream: V2Stream
) -> None:
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.goto(client_url)
    page.wait_for_function("window.__ready === true")
    last = {"text": 0, "elements": 0, "tabs": 0}
    shown = 0
    for step, prefix in enumerate(v2_stream.prefixes):
        program = program_of(prefix)
        page.evaluate("([p, s]) => window.__render(p, s)", [program, True])
        now = page.evaluate("window.__measure()")
        assert page.evaluate("window.__caught") == [], (step, program[-80:])
        assert now["elements"] >= last["elements"], (step, last, now)
        # thesys Tabs follow the newest tab while streaming (the previous panel unmounts): only then may the
        # visible text shrink
        assert now["text"] >= last["text"] or now["tabs"] > last["tabs"], (step, last, now)
        root = openui.validate(program).root
        if root is not None:
            assert now["height"] > 20, step  # the card shows as soon as the program has a root
            assert now["text"] > 0 or not root.props.get("children"), step  # and its content once it has some
            shown += 1
            if shown in (1, 4):
                shoot(page, f"real-client-{v2_stream.name}-step{step:02d}")
        last = now
    assert shown >= len(v2_stream.prefixes) // 2  # the answer showed while it streamed, not only at the end
    final = program_of(v2_stream.prefixes[-1])
    page.evaluate("([p, s]) => window.__render(p, s)", [final, False])
    end = page.evaluate("window.__measure()")
    assert end["elements"] >= last["elements"] and end["text"] >= last["text"]
    assert page.evaluate("window.__caught") == [] and page_errors == []
    assert [e for e in page.evaluate("window.__errors") if e.get("code") == "render-error"] == []
    shoot(page, f"real-client-{v2_stream.name}-final")
    texts = [page.inner_text("#app")]
    for tab in page.get_by_role("tab").all():  # a tab shows its panel once clicked
        tab.click()
        texts.append(page.inner_text("#app"))
    for expected in v2_stream.expected:
        assert any(expected in text for text in texts), expected


def test_every_v2_component_renders_in_the_real_client_and_in_ours(page: Page, client_url: str) -> None:
    """Each library component as the real client draws it and as genui draws it, screenshot side by side."""
    page.goto(client_url)
    page.wait_for_function("window.__ready === true")
    for name, program, _ in V2_SAMPLES:
        page.evaluate("([p, s]) => window.__render(p, s)", [program, False])
        assert page.evaluate("window.__caught") == [], name
        assert page.evaluate("window.__errors") == [], (name, page.evaluate("window.__errors"))
        assert page.evaluate("window.__measure()")["height"] > 20, name
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("#app").screenshot(path=str(SCREENSHOTS / f"component-{name}-openui.png"))
    ours = page.context.new_page()
    for name, program, expected in V2_SAMPLES:
        ours.set_content(render_page(c1v2(program), title=name))
        card = ours.locator(".gu-card").first
        expect(card).to_be_visible()
        assert expected in card.inner_html()
        card.screenshot(path=str(SCREENSHOTS / f"component-{name}-genui.png"))
    ours.close()


def test_our_renderer_in_the_browser_renders_every_prefix_and_only_grows(
    page: Page, v2_stream: V2Stream
) -> None:
    with serve(FakeState()) as url:
        page.goto(url + "/")
        page.wait_for_selector("body[data-ready=true]")
        result = page.evaluate(
            """async (prefixes) => {
              const box = document.createElement('div');
              box.className = 'gu-page';
              document.querySelector('main, body').prepend(box);
              let fallback = null, errors = [], shrank = [], last = {text: 0, elements: 0}, valid = 0;
              for (const [i, c1] of prefixes.entries()) {
                const partial = i < prefixes.length - 1;
                const r = await fetch('/v1/render', {method: 'POST',
                  headers: {'Content-Type': 'application/json'},
                  body: JSON.stringify({c1, partial, fallback})});
                const body = await r.json();
                if (body.valid) { fallback = c1; valid++; }
                box.innerHTML = body.html;
                if (box.querySelector('.gu-note, .pg-error')) errors.push(i);
                const now = {text: box.innerText.replace(/\\s+/g, ' ').trim().length,
                             elements: box.querySelectorAll('[data-component]').length};
                if (now.text < last.text || now.elements < last.elements) shrank.push([i, last, now]);
                last = now;
              }
              return {errors, shrank, valid, text: box.innerText};
            }""",
            v2_stream.prefixes,
        )
        assert result["errors"] == [] and result["shrank"] == []
        assert result["valid"] >= len(v2_stream.prefixes) // 2
        for expected in v2_stream.expected:
            assert expected in result["text"], expected
        shoot(page, f"our-renderer-{v2_stream.name}-final")


def clicked(label: str, state: dict[str, Any]) -> str:
    """The v2 follow-up message a click sends (openui-lang.md §1.2), entities escaped as on the C1 wire."""
    context = json.dumps([f"User clicked: {label}", state], separators=(",", ":"), ensure_ascii=False)
    return f"<content>{escape(label)}</content><context>{escape(context)}</context>"


@pytest.fixture()
def playground() -> Iterator[tuple[str, FakeState]]:
    state = FakeState(answer=c1v2(RICH_PROGRAM), chunk_size=19, chunk_delay=0.01)
    with serve(state) as url:
        yield url, state


def test_playground_streams_a_v2_answer_and_answers_clicks_in_v2(
    page: Page, playground: tuple[str, FakeState]
) -> None:
    url, state = playground
    open_playground(page, url)
    ask(page, "Plan a trip to Rome")
    assert page.evaluate("window.__errors") == []
    sizes = page.evaluate("window.__sizes")
    assert len(set(sizes)) >= 4 and sizes == sorted(sizes), sizes  # grew in steps, never shrank
    body = page.locator(".pg-assistant .pg-body").last
    for text in RICH_TEXTS:
        expect(body.get_by_text(text).first).to_be_visible()
    expect(body.locator("svg").first).to_be_visible()
    shoot(page, "playground-answer")

    form = body.locator("form[data-gu-form=trip]")
    form.get_by_label("Travellers").fill("3")
    form.get_by_label("Fast").check()
    form.get_by_role("button", name="Plan it").click()
    page.wait_for_selector(".pg-assistant >> nth=1 >> .pg-body[aria-busy=false]", timeout=30000)
    state_ = {"trip": {"people": {"value": "3", "componentType": "Input"},
                       "pace": {"value": "fast", "componentType": "RadioGroup"}}}  # fmt: skip
    assert state.requests[-1]["input"] == clicked("Plan it", state_)
    assert page.locator(".pg-user .pg-body").last.inner_text() == "Plan it"
    context = re.search(r"<context>(.*)</context>", state.requests[-1]["input"])
    assert context is not None and json.loads(unescape(context.group(1)))[1] == state_

    page.locator(".pg-assistant").last.get_by_role("button", name="Find restaurants").click()
    page.wait_for_selector(".pg-assistant >> nth=2 >> .pg-body[aria-busy=false]", timeout=30000)
    assert state.requests[-1]["input"] == clicked("Find restaurants", {})

    card = page.locator(".pg-assistant").last.locator('[role="button"][data-gu-label="Trastevere"]')
    card.focus()
    page.keyboard.press("Enter")  # a clickable card works from the keyboard
    page.wait_for_selector(".pg-assistant >> nth=3 >> .pg-body[aria-busy=false]", timeout=30000)
    assert state.requests[-1]["input"] == clicked("Trastevere", {})
    assert page.evaluate("window.__errors") == []
