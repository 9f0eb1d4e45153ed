"""The playground against the real app (Responses + Conversations + render), in Debian's chromium."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from fakes.upstream import ScriptedUpstream, Step
from support import LiveServer

pytestmark = pytest.mark.slow

UI = {
    "component": "Card",
    "props": {
        "children": [
            {"component": "Header", "props": {"title": "Quarterly revenue"}},
            {"component": "FollowUpBlock", "props": {"followUpText": ["Compare with FY2023"]}},
        ]
    },
}
ANSWER_2 = {
    "component": "Card",
    "props": {"children": [{"component": "TextContent", "props": {"textMarkdown": "FY2023 was **lower**."}}]},
}


def wait_answer(page: Page, n: int) -> None:
    page.wait_for_selector(f".pg-assistant >> nth={n} >> .pg-body[aria-busy=false]", timeout=30000)


def test_playground_chat_follow_up_and_history_on_the_real_app(
    page: Page, make_server: Callable[..., LiveServer], scripted_upstream: ScriptedUpstream
) -> None:
    server = make_server(no_auth=True)
    scripted_upstream.push(Step(text=json.dumps(UI)), Step(text=json.dumps(ANSWER_2)))
    page.goto(server.url + "/")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#prompt", "Show revenue")
    page.click("#send")
    wait_answer(page, 0)
    assert "Quarterly revenue" in page.locator(".pg-assistant .pg-body").first.inner_text()
    assert page.locator("#messages .gu-note, #messages .pg-error").count() == 0

    page.get_by_role("button", name="Compare with FY2023").last.click()
    wait_answer(page, 1)
    assert "FY2023 was lower." in page.locator(".pg-assistant .pg-body").nth(1).inner_text()
    # the model got the follow-up click as words, with the first answer as history
    sent = scripted_upstream.requests[-1]["messages"]
    assert "Compare with FY2023" in sent[-1]["content"] and "<context>" not in sent[-1]["content"]
    assert any("Quarterly revenue" in (m.get("content") or "") for m in sent if m["role"] == "assistant")

    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector(".pg-assistant >> nth=1")
    bodies = page.locator(".pg-assistant .pg-body").all_inner_texts()
    assert "Quarterly revenue" in bodies[0] and "FY2023 was lower." in bodies[1]
