"""The URL policy (genui.ui.sanitize) over look-alike URLs: in every URL prop and markdown link of the
repaired tree, whole-answer and streamed. The rendered-HTML side is tests/web/test_web_url_policy.py."""

from __future__ import annotations

import json
from typing import Any

import pytest
from clientview import ClientView
from hypothesis import given, settings
from hypothesis import strategies as st

from genui.ui import Catalog
from genui.ui.repair import StreamRepairer
from genui.ui.sanitize import safe_image_url, safe_url
from url_lookalikes import (
    GOOD_URLS,
    all_violations,
    card_with,
    lookalike_urls,
    markdown_destinations,
    policy_violation,
)

CATALOG = Catalog.default()
VIEW = ClientView(CATALOG.validation_schema())
IMAGE_KEYS = {"src", "imageSrc", "imagesSrc"}


def urls_in(value: Any, key: str = "") -> list[tuple[str, bool]]:
    """(url, is an image source) of every URL prop and markdown destination in a tree."""
    if isinstance(value, dict):
        return [found for k, v in value.items() for found in urls_in(v, k)]
    if isinstance(value, list):
        return [found for item in value for found in urls_in(item, key)]
    if not isinstance(value, str):
        return []
    if key in IMAGE_KEYS:
        return [(value, True)]
    if key == "url":
        return [(value, False)]
    if key == "textMarkdown":
        return [(url, False) for url in markdown_destinations(value)]
    return []


def streamed(tree: dict[str, Any], step: int) -> dict[str, Any]:
    text = json.dumps(tree)
    repairer = StreamRepairer(CATALOG)
    for i in range(0, len(text), step):
        repairer.feed(text[i : i + step])
    repairer.finish()
    return VIEW.final_tree(repairer.text)


@pytest.mark.parametrize(
    "url",
    [
        "&#106;avascript:alert(1)",
        "javascript&colon;alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "java\u200bscript:alert(1)",
        "https://example.com/\u202egnp.exe",
        "https://exa\u2066mple.com",
        "https://example.com/a b",
        "https://example.com/\u200b",
        "//evil.example",
        "\\\\evil.example",
        "/\\evil.example",
        "data:image/svg+xml;base64,PHN2Zz4=",
    ],
)
def test_the_named_look_alikes_are_refused_everywhere(url: str) -> None:
    assert safe_url(url) is None and safe_image_url(url) is None
    tree = CATALOG.repair_tree(card_with(url))
    found = urls_in(tree)
    assert all_violations(found) == []
    texts = [node for node in tree["props"]["children"] if node["component"] == "TextContent"]
    assert len(found) == sum(len(urls_in(text)) for text in texts)  # every URL prop dropped


@settings(max_examples=300, deadline=None)
@given(lookalike_urls())
def test_policy_results_are_safe_and_stable(url: str) -> None:
    for judge, image in ((safe_url, False), (safe_image_url, True)):
        kept = judge(url)
        if kept is not None:
            assert policy_violation(kept, image=image) is None, kept
            assert judge(kept) == kept


@settings(max_examples=150, deadline=None)
@given(lookalike_urls(), st.integers(min_value=1, max_value=40))
def test_repaired_trees_hold_only_allowed_urls(url: str, step: int) -> None:
    whole = CATALOG.repair_tree(card_with(url))
    VIEW.validator.validate(whole)
    assert all_violations(urls_in(whole)) == []
    assert all_violations(urls_in(streamed(card_with(url), step))) == []


@pytest.mark.parametrize("url", GOOD_URLS)
def test_safe_urls_survive_repair(url: str) -> None:
    kept = urls_in(CATALOG.repair_tree(card_with(url)))
    expected = [
        (found, image) for found, image in urls_in(card_with(url)) if not image or "mailto:" not in url
    ]
    assert sorted(kept) == sorted(expected) and len(kept) >= 4
