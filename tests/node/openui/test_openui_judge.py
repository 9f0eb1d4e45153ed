"""genui's OpenUI Lang package against lang-core 0.2.18 and @openuidev/thesys 0.2.1 (slow: npm + node)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from judge import EXPORTS, Judge, exported_library
from openui_corpus import CASES
from openui_strategies import trees

from genui.ui import openui
from genui.ui.openui.library import Library, load_library

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
PACKAGE_DIR = Path(openui.__file__).resolve().parent
JUDGED = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))


def without_nulls(value: Any) -> Any:
    """lang-core keeps `null` for a skipped optional argument; genui's nodes leave it out."""
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    if isinstance(value, dict):
        if set(value) == {"component", "props"}:
            props = {k: without_nulls(v) for k, v in value["props"].items() if v is not None}
            return {"component": value["component"], "props": props}
        return {k: without_nulls(v) for k, v in value.items()}
    return value


def judge_codes(answer: dict[str, Any]) -> list[str]:
    """lang-core's result as genui's codes: meta.errors, then the graph facts."""
    codes = [error["code"] for error in answer["errors"] if error.get("severity") != "warning"]
    codes += ["unresolved"] * len(dict.fromkeys(answer["unresolved"]))
    codes += ["orphaned"] * len(answer["orphaned"])
    if answer["incomplete"]:
        codes.append("incomplete")
    if not answer["hasRoot"]:
        codes.append("missing-root")
    return codes


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_committed_library_json_is_what_the_package_exports(judge: Judge, name: str) -> None:
    committed = json.loads((PACKAGE_DIR / EXPORTS[name]).read_text(encoding="utf-8"))
    assert committed == exported_library(judge, name)


def test_the_chat_library_facts(judge: Judge) -> None:
    library = openui.chat_library()
    answer = judge.ask(op="schema", library="chat")
    assert library.root == answer["root"] == "Card"
    assert list(library.components) == list(answer["schema"]["$defs"])
    assert len(library.components) == 73


@JUDGED
@given(tree=trees(openui.chat_library()))
def test_written_c1_trees_pass_the_judge_and_read_back_equal(judge: Judge, tree: dict[str, Any]) -> None:
    program = openui.write(tree)
    answer = judge.validate(program, "chat")
    assert answer["errors"] == [] and answer["unresolved"] == [] and answer["orphaned"] == []
    assert answer["hasRoot"] and not answer["incomplete"]
    assert without_nulls(answer["root"]) == tree
    assert openui.validate(program).root == tree


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_corpus_codes_agree_with_lang_core(judge: Judge, case: Any) -> None:
    """With the 0.5 rules genui reports exactly what lang-core 0.2.18 does; 1.0 is the corpus's column."""
    answer = judge.validate(case.program, "chat")
    lenient = openui.validate(case.program, lang="0.5")
    assert sorted(lenient.codes()) == sorted(judge_codes(answer))
    mine = [(e.code, e.component, e.path, e.statement_id) for e in lenient.errors if e.path is not None]
    theirs = [(e["code"], e["component"], e["path"], e["statementId"]) for e in answer["errors"]]
    assert sorted(mine, key=str) == sorted(theirs, key=str)
    if answer["hasRoot"] and lenient.root is not None and "$ast" not in json.dumps(answer["root"]):
        assert without_nulls(answer["root"]) == lenient.root  # runtime expressions are compared by codes only
    assert tuple(openui.validate(case.program).codes()) == case.codes


def test_judge_facts_for_streaming(judge: Judge) -> None:
    """Facts a streaming design depends on, as lang-core 0.2.18 shows them (docs/openui.md)."""
    forward = judge.validate('root = Card([a, b])\na = Header("x")', "chat")
    assert forward["errors"] == [] and forward["unresolved"] == ["b"] and forward["hasRoot"]
    cut = judge.validate('root = Card([t])\nt = TextContent("Hel', "chat")
    assert cut["incomplete"] and cut["errors"] == []
    assert cut["root"]["props"]["children"] == [{"component": "TextContent", "props": {"text": "Hel"}}]
    later = 'root = Card([a])\na = Header("A")\nb = Header("B")\nroot = Card([a, b])\n'
    assert len(judge.validate(later, "chat")["root"]["props"]["children"]) == 2
    # Streaming (0.2.18 trims the text, so the last line stays "pending" even with its newline): a root
    # re-declared on the LAST line is ignored; once any statement follows it, it wins.
    streamed = judge.ask(op="stream", library="chat", chunks=[later[:40], later[40:]])["results"]
    assert len(streamed[-1]["root"]["props"]["children"]) == 1
    followed = judge.ask(op="stream", library="chat", chunks=[later, 'c = Header("C")\n'])["results"]
    assert len(followed[-1]["root"]["props"]["children"]) == 2
    # A pending (unfinished) statement never replaces a completed one of the same name.
    pending = judge.ask(
        op="stream", library="chat", chunks=['root = Card([a])\na = Header("A")\n', 'a = Header("B']
    )
    assert pending["results"][-1]["root"]["props"]["children"][0]["props"]["title"] == "A"


@pytest.mark.parametrize(
    ("existing", "patch"),
    [
        ('root = Card([a, b])\na = Header("A")\nb = Header("B")', 'b = Header("B2")\nc = Header("C")'),
        ('root = Card([a, b])\na = Header("A")\nb = Header("B")', "b = null"),
        ('root = Card([a, b])\na = Header("A")\nb = Header("B")', "root = Card([a])"),
        ('$x = 1\nroot = Card([a])\na = Header("A")\nz = Header("z")', '```\na = Header("A2")\n```'),
        ("", 'root = Card([a])\na = Header("A")'),
        ('root = Card([a])\na = Header("A")', ""),
        ('h = Header("x")', 'h = Header("y")\nroot = Card([h])'),
    ],
)
def test_merge_statements_agrees_with_lang_core(judge: Judge, existing: str, patch: str) -> None:
    theirs = judge.ask(op="merge", existing=existing, patch=patch)["program"]
    assert openui.merge_statements(existing, patch) == theirs


def _wide_library(judge: Judge) -> tuple[Library, dict[str, Any]]:
    answer = judge.ask(op="schema", library="wide")
    spec = {"root": answer["root"], "schema": answer["schema"], "components": answer["components"]}
    return load_library(spec), spec


def test_a_library_that_is_not_c1s_loads(judge: Judge) -> None:
    library, spec = _wide_library(judge)
    assert library.root == "Page" and len(library.components) >= 30
    assert load_library(spec["schema"], root="Page").components.keys() == library.components.keys()
    callout = library.components["Callout"].params[0]
    assert callout.nullable and callout.required
    assert library.components["Divider"].params == ()


@JUDGED
@given(data=st.data())
def test_written_trees_of_another_library_pass_the_judge(judge: Judge, data: Any) -> None:
    library, spec = _wide_library(judge)
    tree = data.draw(trees(library))
    program = openui.write(tree, library)
    answer = judge.validate(program, {"schema": spec["schema"], "root": "Page"})
    assert answer["errors"] == [] and answer["unresolved"] == [] and answer["orphaned"] == []
    assert without_nulls(answer["root"]) == tree
    assert openui.validate(program, library).root == tree


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_repaired_corpus_programs_pass_the_judge(judge: Judge, case: Any) -> None:
    result = openui.repair(case.program)
    if not result.valid:
        assert result.unfixed  # reported, never claimed
        return
    answer = judge.validate(result.program, "chat")
    assert judge_codes(answer) == []
    if "$ast" not in json.dumps(answer["root"]):
        assert without_nulls(answer["root"]) == openui.validate(result.program).root
