"""Hostile corpus: each model output in tests/fixtures/hostile/, streamed in several chunkings, always yields
a UI that only grows (property a), ends as a complete valid C1 Response (b), and is safe."""

from __future__ import annotations

import html
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from clientview import ClientView, check_stream

from genui.ui import Catalog
from genui.ui.repair import StreamRepairer

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
FILES = sorted(CORPUS.glob("*.txt"))
URL_KEYS = {"src", "url", "href", "imagesSrc", "imageSrc"}
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f]+")


def chunkings(text: str, name: str) -> list[list[str]]:
    rng = random.Random(name)
    out = [[text]] if text else [[]]
    big = len(text) > 20_000  # byte-sized deltas over 50 KB would make the O(n) per-yield check quadratic
    for size in (40,) if big else (1, 3, 7, 40):
        out.append([text[i : i + size] for i in range(0, len(text), size)])
    pieces, i = [], 0
    while i < len(text):
        step = rng.randint(10, 200) if big else rng.randint(1, 50)
        pieces.append(text[i : i + step])
        i += step
    out.append(pieces)
    return out


def walk(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v, key)
    elif isinstance(value, str):
        yield key, value


def components(tree: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(tree, dict):
        if isinstance(tree.get("component"), str):
            found.add(tree["component"])
        for v in tree.values():
            found |= components(v)
    elif isinstance(tree, list):
        for v in tree:
            found |= components(v)
    return found


def assert_safe(tree: dict[str, Any]) -> None:
    for key, text in walk(tree):
        decoded = html.unescape(html.unescape(text))
        squeezed = _INVISIBLE.sub("", decoded).lower()
        assert "javascript:" not in squeezed and "vbscript:" not in squeezed, (key, text)
        assert "<script" not in decoded.lower(), (key, text)
        assert not re.search(r"<[a-z!/]", decoded, re.I) or "`" in decoded, (key, text)  # no raw HTML tags
        if key in URL_KEYS:
            assert not squeezed.startswith("data:"), (key, text)
        assert "](data:" not in squeezed, (key, text)


def test_corpus_is_big_enough() -> None:
    assert len(FILES) >= 40


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_hostile_output_ends_valid_and_safe(path: Path) -> None:
    catalog = Catalog.default()
    view = ClientView(catalog.validation_schema())
    raw = path.read_text(encoding="utf-8")
    expect_path = path.with_suffix(".expect.json")
    expect: dict[str, Any] = json.loads(expect_path.read_text()) if expect_path.exists() else {}
    finals = set()
    for chunks in chunkings(raw, path.stem):
        repairer = StreamRepairer(catalog)
        yields = [repairer.feed(c) for c in chunks]
        yields.append(repairer.finish())
        assert "".join(yields) == repairer.text
        check_stream(view, yields)
        tree = view.final_tree(repairer.text)
        children = tree["props"]["children"]
        assert children, "never an empty response"
        assert_safe(tree)
        flat = json.dumps(tree, ensure_ascii=False)
        names = components(tree)
        for needle in expect.get("must_contain", []):
            assert needle in flat, (needle, flat[:500])
        for needle in expect.get("must_not_contain", []):
            assert needle not in flat, (needle, flat[:500])
        for name in expect.get("must_contain_components", []):
            assert name in names, (name, names)
        for name in expect.get("must_not_contain_components", []):
            assert name not in names, (name, names)
        assert len(children) <= expect.get("max_children", 100)
        finals.add(flat)
    assert finals


# Duplicate keys: `complete` keeps the last (as JSON parsers do); the streaming walk may have sent the first.
SAME_WHOLE_AND_STREAMED = [p for p in FILES if "duplicate-keys" not in p.stem]


@pytest.mark.parametrize("path", SAME_WHOLE_AND_STREAMED, ids=[p.stem for p in SAME_WHOLE_AND_STREAMED])
def test_complete_matches_the_streaming_walk(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    catalog = Catalog.default()
    streamed = StreamRepairer(catalog)
    expected = streamed.feed(text) + streamed.finish()
    assert StreamRepairer(catalog).complete(text) == expected
