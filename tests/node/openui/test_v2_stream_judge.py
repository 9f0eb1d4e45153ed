"""C1 v2 answers streamed by genui's repairer, judged by lang-core 0.2.18 with @openuidev/thesys's chat
library (slow: npm + node). The judge reads each yield as a chunk of its streaming parser, as a lang-core
renderer does.

Every yield: a root, no error (a forward reference not yet defined is only `unresolved`), and what renders
grows into what renders next (`grows`, tests/ui/v2_view.py: list items only added at the end, keys only added,
a streamed text only extended). The end: a complete program lang-core reads with no error, nothing unresolved
or orphaned, root first; for a generated tree, exactly that tree.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from judge import Judge
from test_openui_judge import without_nulls

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "ui"))

from test_ui_repair_props import child, serialize, shape, style
from test_ui_v2_stream import chunked
from v2_trees import safe_trees
from v2_view import assert_safe, grows, program_of

from genui.ui import Catalog, openui
from genui.ui.repair import StreamRepairer

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]
JUDGED = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
CATALOG = Catalog.default()
CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "hostile_v2"


def program_chunks(yields: list[str]) -> list[str]:
    """What a client's streaming parser is pushed after each yield: the new program text."""
    chunks, text, before = [], "", ""
    for piece in yields:
        text += piece
        program = program_of(text)
        assert program.startswith(before)  # the program text only grows: no entity is ever cut
        chunks.append(program[len(before) :])
        before = program
    return [c for c in chunks if c]


def judged_stream(judge: Judge, yields: list[str]) -> tuple[str, list[Any]]:
    """Each yield through lang-core's streaming parser: a root and no error every time; the trees shown."""
    chunks = program_chunks(yields)
    results = judge.ask(op="stream", library="chat", chunks=chunks)["results"]
    shown = []
    for chunk, result in zip(chunks, results, strict=True):
        assert result["hasRoot"] and result["errors"] == [], (chunk[-200:], result["errors"])
        tree = without_nulls(result["root"])
        if shown:
            assert grows(shown[-1], tree), (shown[-1], tree)
        shown.append(tree)
    return "".join(chunks), shown


def judged_final(judge: Judge, program: str) -> Any:
    answer = judge.validate(program, "chat")
    assert answer["errors"] == [] and answer["unresolved"] == [] and answer["orphaned"] == [], answer
    assert answer["hasRoot"] and not answer["incomplete"] and answer["rootStatement"] == "root"
    assert program.startswith("root = ")
    return without_nulls(answer["root"])


def repaired(text: str, chunks: list[str], answer: Any = "v2", model: Any = "v2") -> list[str]:
    repairer = StreamRepairer(CATALOG, answer=answer, model=model)
    yields = [repairer.feed(chunk) for chunk in chunks]
    yields.append(repairer.finish())
    return yields


@JUDGED
@given(tree=safe_trees(), sizes=st.lists(st.integers(1, 40), min_size=1, max_size=20))
def test_generated_trees_stream_through_the_judge_and_end_equal(
    judge: Judge, tree: dict[str, Any], sizes: list[int]
) -> None:
    program = openui.write(tree)
    final_program, shown = judged_stream(judge, repaired(program, chunked(program, sizes)))
    assert judged_final(judge, final_program) == tree
    assert shown[-1] == tree or grows(shown[-1], tree)


@JUDGED
@given(children=st.lists(child, min_size=1, max_size=5), form=shape, kwargs=style, size=st.integers(1, 60))
def test_v1_answers_converted_to_v2_pass_the_judge(
    judge: Judge, children: list[dict[str, Any]], form: str, kwargs: dict[str, Any], size: int
) -> None:
    src = serialize(children, form, kwargs)
    final_program, _ = judged_stream(judge, repaired(src, chunked(src, [size]), model="v1"))
    judged_final(judge, final_program)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.stem)
@pytest.mark.parametrize("size", [2, 23])
def test_hostile_v2_outputs_end_valid_and_safe_by_the_judge(judge: Judge, path: Path, size: int) -> None:
    text = path.read_text(encoding="utf-8")
    final_program, _ = judged_stream(judge, repaired(text, chunked(text, [size])))
    root = judged_final(judge, final_program)
    assert_safe(root)
    assert json.dumps(root).count('"component"') >= 2  # a root with something in it, never an empty answer
