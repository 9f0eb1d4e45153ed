"""Hostile C1 v2 corpus: each model output in tests/fixtures/hostile_v2/ (prose and fences, unknown and
wrong-case components, wrong arguments, unresolved and orphaned references, missing or late roots,
duplicates, cut-offs, unsafe URLs, HTML, huge and deep programs, JSON instead of OpenUI Lang...), streamed in
several chunkings into a v2 answer and into a v1 answer: valid at every yield, valid and safe at the end.
(The same corpus goes through lang-core in tests/node/openui/test_v2_stream_judge.py.)"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from clientview import EMPTY, VALID, ClientView
from clientview import check_stream as check_v1_stream
from v2_view import assert_safe, check_final, check_stream, program_of

from genui.ui import Catalog
from genui.ui.repair import StreamRepairer

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "hostile_v2"
CASES = sorted(CORPUS.glob("*.txt"))
CHUNKINGS = [1, 3, 17, 10_000]
CATALOG = Catalog.default()
VIEW = ClientView(CATALOG.validation_schema())


def components(tree: Any) -> set[str]:
    return set(re.findall(r'"component": "(\w+)"', json.dumps(tree, default=str)))


def run(text: str, size: int, answer: Any) -> list[str]:
    repairer = StreamRepairer(CATALOG, answer=answer, model="v2")
    yields = [repairer.feed(text[i : i + size]) for i in range(0, len(text), size)]
    yields.append(repairer.finish())
    return yields


def test_the_corpus_is_big_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_hostile_v2_output_ends_valid_and_safe(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expect_path = path.with_suffix(".expect.json")
    expect = json.loads(expect_path.read_text()) if expect_path.exists() else {}
    finals = []
    for size in CHUNKINGS:
        yields = run(text, size, "v2")
        check_stream(yields)
        final = check_final(program_of("".join(yields)))
        finals.append(final.root)
        kinds = components(final.root)
        for name in expect.get("must_contain_components", []):
            assert name in kinds, (name, kinds)
        for name in expect.get("must_not_contain_components", []):
            assert name not in kinds, (name, kinds)
    assert all(f == finals[0] for f in finals)  # the chunking never changes the answer
    v1 = run(text, 7, "v1")
    readings = check_v1_stream(VIEW, v1)
    assert readings[-1].status == VALID and all(r.status in (VALID, EMPTY) for r in readings)
    assert_safe(VIEW.final_tree("".join(v1)))
