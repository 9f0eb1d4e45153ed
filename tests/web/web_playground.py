"""Playwright helpers for the playground tests: open it with an error and growth watch, ask and wait."""

from __future__ import annotations

from playwright.sync_api import Page

# Records every error note in the chat and, after each DOM change, how many components the last answer has.
WATCH_ERRORS = """
window.__errors = [];
window.__sizes = [];
new MutationObserver(() => {
  for (const el of document.querySelectorAll('#messages .gu-note, #messages .pg-error'))
    window.__errors.push(el.textContent);
  const last = [...document.querySelectorAll('#messages .pg-assistant .pg-body')].pop();
  if (last) window.__sizes.push(last.querySelectorAll('[data-component]').length);
}).observe(document, {subtree: true, childList: true});
"""


def open_playground(page: Page, url: str) -> None:
    page.add_init_script(WATCH_ERRORS)
    page.goto(url + "/")
    page.wait_for_selector("body[data-ready=true]")


def ask(page: Page, text: str) -> None:
    """Send `text` and wait until its answer finished streaming."""
    count = page.locator(".pg-assistant").count()
    page.fill("#prompt", text)
    page.click("#send")
    page.wait_for_selector(f".pg-assistant >> nth={count}")
    page.wait_for_selector(f".pg-assistant >> nth={count} >> .pg-body[aria-busy=false]", timeout=30000)
