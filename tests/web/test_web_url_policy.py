"""The URL policy in the rendered HTML: hostile C1 (look-alike URLs in every URL prop and markdown link form)
straight into the renderer, whole and cut into prefixes; every href and src it writes passes the policy."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from genui.ui.c1 import write_content
from genui.web import render_html
from url_lookalikes import GOOD_URLS, all_violations, card_with, lookalike_urls


class _Targets(HTMLParser):
    """(value, is an image source) of every href and src attribute, entity-decoded as a browser reads it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.found.append((value, name == "src"))


def targets(html: str) -> list[tuple[str, bool]]:
    parser = _Targets()
    parser.feed(html)
    parser.close()
    return parser.found


@settings(max_examples=150, deadline=None)
@given(lookalike_urls(), st.floats(min_value=0.0, max_value=1.0))
def test_rendered_html_links_only_allowed_urls(url: str, cut: float) -> None:
    text = write_content(card_with(url))
    assert all_violations(targets(render_html(text))) == []
    prefix = text[: int(len(text) * cut)]
    assert all_violations(targets(render_html(prefix, partial=True))) == []


def test_safe_urls_are_drawn() -> None:
    for url in GOOD_URLS:
        found = targets(render_html(write_content(card_with(url))))
        images = [value for value, image in found if image]
        # four image props and one markdown image
        assert len(images) == (0 if url.startswith("mailto:") else 5), url
        assert [value for value, image in found if not image].count(url) >= 3, url  # action, source, markdown
