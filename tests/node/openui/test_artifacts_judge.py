"""v2 artifact programs against lang-core 0.2.18 (slow: npm + node): every streamed prefix of a generated
program and of an edit (merged into its base) parses with no error under the viewers' library (root
SlideShow / ReportView: the exported library with its root replaced, as @openuidev/thesys builds it), and the
pages/slides also validate under the exported library (root Presentation / Report)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from judge import Judge

from artifact_view import Q4_MATERIAL
from genui.ui.artifacts import (
    ModelGeneration,
    Spec,
    find_base,
    offline_edit,
    offline_generate,
    viewer_library,
)
from genui.ui.openui import merge_statements
from genui.ui.openui.writer import string_literal

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
MATERIAL = Q4_MATERIAL
EXPORTED = {"slides": ("presentation", "Presentation"), "report": ("report", "Report")}


def viewer(kind: str) -> dict[str, Any]:
    library = viewer_library(kind)
    return {"schema": dict(library.schema), "root": library.root}


def errors(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in answer["errors"] if e.get("severity") != "warning"]


def check_stream(judge: Judge, kind: str, chunks: list[str]) -> str:
    answer = judge.ask(op="stream", library=viewer(kind), chunks=chunks)
    for result in answer["results"]:
        assert not errors(result), errors(result)
        assert result["hasRoot"]
    program = "".join(chunks)
    final = judge.validate(program, viewer(kind))
    assert not errors(final) and not final["unresolved"] and not final["incomplete"], final
    return program


def check_exported(judge: Judge, kind: str, program: str) -> None:
    """The same pages/slides under the exported library: root rewritten to Presentation({title}, items)."""
    library, root = EXPORTED[kind]
    match = re.match(r'root = \w+\(("(?:[^"\\]|\\.)*"), (null|"(?:[^"\\]|\\.)*"), (\[[^\]]*\])\)\n', program)
    assert match is not None, program[:200]
    meta = f"{{title: {match.group(1)}" + (
        f", subtitle: {match.group(2)}}}" if match.group(2) != "null" else "}"
    )
    rewritten = f"root = {root}({meta}, {match.group(3)})\n" + program[match.end() :]
    answer = judge.validate(rewritten, library)
    assert not errors(answer) and not answer["unresolved"], errors(answer)


@pytest.mark.parametrize("kind", ["slides", "report"])
def test_offline_programs_and_every_prefix_pass_lang_core(judge: Judge, kind: str) -> None:
    chunks = offline_generate(Spec(kind, "v2", "a"), MATERIAL)
    program = check_stream(judge, kind, chunks)
    check_exported(judge, kind, program)
    answer = judge.validate(program, viewer(kind))
    items = answer["root"]["props"]["slides" if kind == "slides" else "pages"]
    prefix = "s" if kind == "slides" else "p"
    assert [item["props"]["id"] for item in items] == [f"{prefix}{i}" for i in range(1, len(items) + 1)]
    assert answer["root"]["props"]["title"] == "Q4 results"


@pytest.mark.parametrize("kind", ["slides", "report"])
def test_offline_edits_merge_into_valid_programs_at_every_prefix(judge: Judge, kind: str) -> None:
    spec = Spec(kind, "v2", "a")
    program = "".join(offline_generate(spec, MATERIAL))
    base = find_base(program, kind, "a")
    assert base is not None
    noun = "slide" if kind == "slides" else "page"
    for instruction in (
        f"remove {noun} 2",
        "rename the title to Year end",
        f"add a {noun} about costs: rent 1200, food 400",
    ):
        patch = offline_edit(spec, base, instruction)
        lines = [line + "\n" for line in "".join(patch).splitlines()]
        for end in range(1, len(lines) + 1):
            merged = merge_statements(base.program, "".join(lines[:end]))
            ours = judge.ask(op="merge", existing=base.program, patch="".join(lines[:end]))["program"]
            assert ours == merged
            answer = judge.validate(merged, viewer(kind))
            assert not errors(answer) and not answer["unresolved"], (instruction, errors(answer))
        check_exported(judge, kind, merged + "\n")


def test_a_model_program_is_streamed_as_valid_prefixes(judge: Judge) -> None:
    written = (
        f"root = SlideShow({string_literal('Plan')}, null, [t, c])\n"
        't = Slide("t", DramaticTitle("Plan", "2027"))\n'
        'c = Slide("c", ChartWithMetrics("Growth", [{metric: "+12%", description: "revenue"}], ch))\n'
        'ch = LineChartV2({data: {labels: ["2025", "2026"], series: [{category: "Revenue", values: [1, 1.12]}]}})\n'  # noqa: E501
    )
    job = ModelGeneration(Spec("slides", "v2", "m"), "Create a deck")
    out = [job.feed(written[i : i + 5]) for i in range(0, len(written), 5)]
    out.append(job.finish())
    program = check_stream(judge, "slides", [piece for piece in out if piece])
    check_exported(judge, "slides", program)


def test_wide_tables_and_notes_fit_the_report_library(judge: Judge) -> None:
    wide = (
        "Create a report on staffing\n\n## Staff\n\n"
        "| Quarter | Lead | Berlin | Paris | Rome | Oslo | Kyiv |\n|---|---|---|---|---|---|---|\n"
        "| Q1 | Ada | 4 | 5 | 6 | 7 | 9 |\n| Q2 | Bo | 5 | 6 | 7 | 8 | 10 |\n\n"
        "> Note: counts are heads, not FTE.\n"
    )
    program = check_stream(judge, "report", offline_generate(Spec("report", "v2", "w"), wide))
    check_exported(judge, "report", program)
    assert program.count("Table([Column(") == 2 and "Kyiv" in program and "counts are heads" in program
