"""Artifacts in the UI core: the v1 tree and its diffs, v2 programs within the libraries' limits, streaming
writers (every prefix valid), the offline composer (grounded) and rule edits, and model output readers."""

from __future__ import annotations

import json
import re

import pytest
from grounding import display_numbers, numbers

from artifact_view import Q4_MATERIAL, artifact_tree, check_v1_stream, check_v2_stream
from genui.ui import openui
from genui.ui.artifacts import (
    INVALID_ARTIFACT_DIFF,
    INVALID_ARTIFACT_ID,
    DiffError,
    EditNotSettled,
    ModelEdit,
    ModelGeneration,
    Spec,
    apply_diff,
    diff_ops,
    edit_base,
    find_base,
    offline_edit,
    offline_generate,
    program_title,
    viewer_library,
)
from genui.ui.artifacts.compose import NO_MATERIAL
from genui.ui.artifacts.program import read_deck
from genui.ui.artifacts.v1 import is_valid_artifact, repair_item, root
from genui.ui.artifacts.v2 import fit, fits, shorten
from genui.ui.artifacts.writer import V1Writer
from genui.ui.c1 import parse_c1, write_artifact

MATERIAL = Q4_MATERIAL
KINDS = ("slides", "report")


def v1_root(chunks: list[str]) -> dict:
    envelope = check_v1_stream(chunks)
    return envelope["component"]


@pytest.mark.parametrize("kind", KINDS)
def test_offline_v1_streams_valid_prefixes_and_a_grounded_tree(kind: str) -> None:
    chunks = offline_generate(Spec(kind, "v1", "art_1"), MATERIAL)
    assert len(chunks) >= 4  # opened, then one item a chunk, then closed
    tree = v1_root(chunks)
    assert "".join(chunks).startswith(f'<artifact type="{kind}" id="art_1" version="1">')
    items = tree["props"]["slides" if kind == "slides" else "pages"]
    ids = [item["id"] for item in items]
    assert ids == [f"{'s' if kind == 'slides' else 'p'}{i}" for i in range(1, len(ids) + 1)]
    assert is_valid_artifact(tree)
    assert {n for n in display_numbers(tree)} <= numbers(MATERIAL)
    text = json.dumps(tree)
    for word in ("Berlin office opened", "Acme", "Customers", "1,240", "Revenue by quarter"):
        assert word in text


@pytest.mark.parametrize("kind", KINDS)
def test_offline_v2_program_streams_whole_statements_with_stable_ids(kind: str) -> None:
    chunks = offline_generate(Spec(kind, "v2", "art_1"), MATERIAL)
    program = check_v2_stream(chunks, kind)
    first = program.split("\n", 1)[0]
    assert first.startswith(f'root = {"SlideShow" if kind == "slides" else "ReportView"}("Q4 results"')
    assert program_title(program) == "Q4 results"
    deck = read_deck(program, kind)
    assert deck is not None
    prefix = "s" if kind == "slides" else "p"
    assert deck.ids == [f"{prefix}{i}" for i in range(1, len(deck.ids) + 1)]
    library = viewer_library(kind)
    assert all(fits(content, library) for _, content in deck.items)
    assert {n for n in display_numbers([c for _, c in deck.items])} <= numbers(MATERIAL)
    assert re.search(r"\b3\.1\b", program) and "Berlin office opened" in program


def test_v1_stream_writer_concatenation_is_write_artifact() -> None:
    items = [{"id": "s1", "template": "Title", "props": {"title": 'Q4 "<&>" review'}}]
    writer = V1Writer("slides", "a&b", 3, 'Q4 "<&>"')
    streamed = writer.open() + writer.append(items[0]) + writer.finish()
    whole = {"component": root("slides", 'Q4 "<&>"', items), "error": None}
    assert streamed == write_artifact(whole, "slides", "a&b", 3)
    part = next(p for p in parse_c1(streamed).parts if p.kind == "artifact")
    assert part.attrs == {"type": "slides", "id": "a&b", "version": "3"} and part.data == whole


def test_no_material_gives_an_honest_note_not_invented_content() -> None:
    for fmt in ("v1", "v2"):
        text = "".join(offline_generate(Spec("slides", fmt, "x"), "Create a three-slide deck on Q4 results."))
        assert "Q4 results" in text and NO_MATERIAL[:40] in text.replace("&#39;", "'")


def test_repair_item_sanitizes_and_refuses() -> None:
    item = {
        "id": "s9", "template": "ImageWithText", "extra": 1,
        "props": {"title": "A\u202eB", "text": "[x](javascript:alert(1)) ok", "image": {"src": "javascript:x", "alt": "pic"}},  # noqa: E501
    }  # fmt: skip
    fixed = repair_item("slides", item)
    assert fixed is not None and "extra" not in fixed
    assert "javascript" not in json.dumps(fixed) and fixed["props"]["image"] == {"alt": "pic"}
    assert repair_item("slides", {"id": "s1", "template": "Nope", "props": {}}) is None
    assert repair_item("slides", {"id": "bad id", "template": "Title", "props": {"title": "x"}}) is None
    assert (
        repair_item("slides", {"id": "s1", "template": "Chart", "props": {"chart": {"component": "Card"}}})
        is None
    )
    assert repair_item("report", {"id": "p1", "template": "ContentPage", "props": {"children": "x"}}) is None


# ---- diffs


def deck(n: int) -> dict:
    slides = [{"id": f"s{i}", "template": "Title", "props": {"title": f"T{i}"}} for i in range(1, n + 1)]
    return root("slides", "Deck", slides)


def ids(tree: dict) -> list[str]:
    return [s["id"] for s in tree["props"]["slides"]]


def test_apply_diff_replace_append_remove_in_order() -> None:
    new = {"id": "s9", "template": "Text", "props": {"text": "new"}}
    ops = [
        {
            "op": "replace",
            "id": "s2",
            "value": {"id": "s2", "template": "SectionBreak", "props": {"title": "X"}},
        },
        {"op": "append", "value": new, "before_id": "s3"},
        {"op": "append", "value": {**new, "id": "s10"}},
        {"op": "remove", "id": "s1"},
    ]
    base = deck(3)
    result = apply_diff(base, ops)
    assert ids(result) == ["s2", "s9", "s3", "s10"]
    assert result["props"]["slides"][0]["template"] == "SectionBreak"
    assert ids(base) == ["s1", "s2", "s3"]  # applied on a copy


@pytest.mark.parametrize(
    ("ops", "code"),
    [
        ([{"op": "remove", "id": "s7"}], INVALID_ARTIFACT_ID),
        ([{"op": "append", "value": {"id": "s5", "template": "Title", "props": {"title": "x"}}, "before_id": "zz"}], INVALID_ARTIFACT_ID),  # noqa: E501
        ({"op": "remove"}, INVALID_ARTIFACT_DIFF),
        ([{"op": "move", "id": "s1"}], INVALID_ARTIFACT_DIFF),
        ([{"op": "replace", "id": "s1", "value": {"id": "s1", "template": "Nope"}}], INVALID_ARTIFACT_DIFF),
        ([{"op": "append", "value": {"id": "s1", "template": "Title", "props": {"title": "dup"}}}], INVALID_ARTIFACT_DIFF),  # noqa: E501
    ],
)  # fmt: skip
def test_apply_diff_errors_carry_the_client_codes(ops: object, code: int) -> None:
    with pytest.raises(DiffError) as caught:
        apply_diff(deck(2), ops)
    assert caught.value.code == code


def test_diff_ops_turn_the_base_into_the_new_tree() -> None:
    base = deck(4)
    new = apply_diff(base, [
        {"op": "remove", "id": "s2"},
        {"op": "replace", "id": "s3", "value": {"id": "s3", "template": "Title", "props": {"title": "changed"}}},  # noqa: E501
        {"op": "append", "value": {"id": "s5", "template": "Title", "props": {"title": "five"}}, "before_id": "s4"},  # noqa: E501
        {"op": "append", "value": {"id": "s6", "template": "Title", "props": {"title": "six"}}},
    ])  # fmt: skip
    ops = diff_ops(base, new)
    assert apply_diff(base, ops) == new
    assert {op["op"] for op in ops} == {"remove", "replace", "append"}
    assert diff_ops(base, base) == []


# ---- bases and edits


def test_find_base_takes_the_last_artifact_with_the_id_and_its_later_diffs() -> None:
    first = write_artifact({"component": deck(2), "error": None}, "slides", "other", 1)
    mine = write_artifact({"component": deck(3), "error": None}, "slides", "mine", 4)
    diff = (
        "<artifact_diff>[{&quot;op&quot;:&quot;remove&quot;,&quot;id&quot;:&quot;s1&quot;}]</artifact_diff>"
    )
    message = f'<content thesys="true">hi</content>{mine}{first}{diff} The deck is ready.'
    base = find_base(message, "slides", "mine")
    assert base is not None and base.format == "v1" and base.version == 4
    assert base.tree is not None and ids(base.tree) == ["s2", "s3"]
    assert find_base(message, "report", "mine") is None
    program = "```\n" + "".join(offline_generate(Spec("report", "v2", "x"), MATERIAL)) + "```"
    v2 = find_base(program, "report", "x")
    assert v2 is not None and v2.format == "v2" and v2.program.startswith("root = ReportView(")


def test_edit_detection_without_is_edit_needs_assistant_then_user() -> None:
    artifact = "".join(offline_generate(Spec("slides", "v1", "a"), MATERIAL))
    turns = [{"role": "system", "content": "brand"}, {"role": "assistant", "content": artifact},
             {"role": "user", "content": "remove slide 2"}]  # fmt: skip
    assert edit_base(turns, "slides", "a", False)[1] is True
    assert edit_base(turns, "report", "a", False) == (None, False)  # another type: a new generation
    assert edit_base(turns[2:], "slides", "a", True) == (None, True)  # is_edit without a base: refused later
    assert edit_base([*turns, {"role": "assistant", "content": "ok"}, {"role": "user", "content": "x"}],
                     "slides", "a", False) == (None, False)  # fmt: skip


@pytest.mark.parametrize("edit_format", ["full", "diff"])
def test_offline_v1_edits(edit_format: str) -> None:
    spec = Spec("slides", "v1", "a", edit_format)
    artifact = "".join(offline_generate(spec, MATERIAL))
    base = find_base(artifact, "slides", "a")
    assert base is not None and base.tree is not None
    count = len(ids(base.tree))
    cases = {
        "Remove slide 3": lambda t: ids(t) == [i for i in ids(base.tree) if i != "s3"],
        "Please delete the last slide.": lambda t: len(ids(t)) == count - 1,
        'Rename the title to "Board review"': lambda t: (
            t["props"]["slides"][0]["props"]["title"] == "Board review"
        ),
        "Add a slide about competitors: Acme 30%, Globex 25%, Initech 20%": lambda t: (
            ids(t)[-1] == f"s{count + 1}" and "Initech" in json.dumps(t["props"]["slides"][-1])
        ),
    }
    for instruction, expected in cases.items():
        out = "".join(offline_edit(spec, base, instruction))
        if edit_format == "full":
            assert out.startswith('<artifact type="slides" id="a" version="2">')
            tree = artifact_tree(out)
            assert tree is not None and expected(tree["component"]), instruction
        else:
            part = parse_c1(out).parts[0]
            assert part.kind == "artifact_diff"
            assert expected(apply_diff(base.tree, part.data)), instruction


def test_offline_v2_edits_are_patches_that_merge_into_valid_programs() -> None:
    spec = Spec("slides", "v2", "a")
    program = "".join(offline_generate(spec, MATERIAL))
    base = find_base(program, "slides", "a")
    assert base is not None
    removed = offline_edit(spec, base, "remove slide 2")
    assert removed == ['root = SlideShow("Q4 results", "Q4 review", [s1, s3, s4, s5, s6, s7])\n']
    merged = check_v2_stream(removed, "slides", patch_of=base.program)
    assert "s2 =" not in merged
    renamed = "".join(offline_edit(spec, base, "Change the title to Year in review"))
    assert renamed.startswith('s1 = Slide("s1", MinimalTitle("Year in review"')
    merged = openui.merge_statements(base.program, renamed)
    assert program_title(merged) == "Year in review"
    added = offline_edit(spec, base, "Add a slide about costs:\n\n- Rent: 1200\n- Food: 400")
    merged = check_v2_stream(added, "slides", patch_of=base.program)
    assert merged.split("\n")[0].endswith("s7, s8])") and "Rent" in merged


@pytest.mark.parametrize(
    "instruction",
    ["Make slide 2 about European revenue.", "Add a slide about competitors", "remove slide 40"],
)
def test_offline_edits_the_rules_cannot_settle_say_what_they_can(instruction: str) -> None:
    spec = Spec("slides", "v2", "a")
    base = find_base("".join(offline_generate(spec, MATERIAL)), "slides", "a")
    assert base is not None
    with pytest.raises(EditNotSettled) as caught:
        offline_edit(spec, base, instruction)
    assert "slide" in str(caught.value)


# ---- limits


def test_fit_shortens_text_cuts_lists_and_drops_what_cannot_fit() -> None:
    library = viewer_library("slides")
    long_title = "A very long chart title that goes well beyond the thirty-six characters allowed"
    chart = {"component": "BarChartV2", "props": {"chartData": {"data": {"labels": ["a"], "series": []}}}}
    node = {"component": "ChartWithContext", "props": {"title": long_title, "chart": chart}}
    fitted = fit(node, library)
    assert (
        fitted is not None and len(fitted["props"]["title"]) <= 36 and fitted["props"]["title"].endswith("…")
    )
    items = [{"title": f"t{i}", "description": "d"} for i in range(9)]
    fitted = fit({"component": "KeyInfoWithTitle", "props": {"title": "x", "infoItems": items}}, library)
    assert fitted is not None and len(fitted["props"]["infoItems"]) == 6
    one = {"component": "KeyInfoWithTitle", "props": {"title": "x", "infoItems": items[:1]}}
    assert fit(one, library) is None  # minItems 2
    assert shorten("word " * 10, 12) == "word word…"


# ---- model output


def chunked(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def run(job: ModelGeneration | ModelEdit, text: str, size: int = 7) -> list[str]:
    out = [job.feed(piece) for piece in chunked(text, size)]
    return [piece for piece in [*out, job.finish()] if piece]


def test_model_v1_lines_are_repaired_and_streamed_item_by_item() -> None:
    lines = [
        {"title": "Growth plan", "subtitle": "2027"},
        {"template": "Title", "props": {"title": "Growth plan"}},
        {"template": "Nope", "props": {}},
        {"template": "Content", "props": {"title": "Steps", "children": [
            {"component": "List", "props": {"variant": "number", "items": [{"title": "Hire"}, {"title": "Open"}]}},  # noqa: E501
            {"component": "TextContent", "props": {"textMarkdown": "[bad](javascript:alert(1))"}}]}},
    ]  # fmt: skip
    text = "```jsonl\n" + "\n".join(json.dumps(line) for line in lines) + "\nnot json\n```"
    job = ModelGeneration(Spec("slides", "v1", "g1"), "Create a deck")
    chunks = run(job, text)
    root_ = check_v1_stream(chunks)["component"]
    assert root_["props"]["metadata"] == {"title": {"text": "Growth plan"}, "subtitle": {"text": "2027"}}
    assert ids(root_) == ["s1", "s2"] and "javascript" not in "".join(chunks)
    whole = ModelGeneration(Spec("report", "v1", "g2"), "Create a report")
    doc = {"component": {"component": "Report", "props": {"metadata": {"title": {"text": "R"}}, "pages": [
        {"id": "x", "template": "ContentPage", "props": {"children": [{"component": "TextContent", "props": {"textMarkdown": "hi"}}]}}]}}}  # fmt: skip  # noqa: E501
    envelope = check_v1_stream(run(whole, json.dumps(doc, indent=1)))
    assert envelope["component"]["props"]["pages"][0]["id"] == "p1" and envelope["error"] is None


def test_model_v2_program_emits_only_complete_slides_in_order() -> None:
    program = (
        'root = SlideShow("Q4", "Board", [a, b, c])\n'
        'a = Slide("a", StandardTitle("Q4 results"))\n'
        'b = Slide("b", ChartWithContext("Revenue by quarter and region, all regions", rev))\n'
        'c = Slide("c", KeyInfoWithTitle("Numbers", [{title: "1", description: "one"}]))\n'
        'rev = BarChartV2({data: {labels: ["Q1", "Q2"], series: [{category: "Rev", values: [1, 2]}]}})\n'
        'd = Slide("d", ContentClassic("Orphan", ["x"]))\n'
    )
    job = ModelGeneration(Spec("slides", "v2", "g"), "Create a deck")
    outputs = [job.feed(piece) for piece in chunked(program, 9)]
    outputs.append(job.finish())
    chunks = [c for c in outputs if c]
    final = check_v2_stream(chunks, "slides")
    deck_ = read_deck(final, "slides")
    assert deck_ is not None and deck_.ids == ["s1", "s2"]  # c dropped (too few items), d never listed
    assert "…" in final  # the 36-character title limit
    emitted = "".join(outputs)
    assert emitted.index("s1 = Slide") < emitted.index("s2 = Slide")


def test_model_edits_validate_ops_and_merge_patches() -> None:
    spec = Spec("slides", "v1", "a", "diff")
    base = find_base("".join(offline_generate(spec, MATERIAL)), "slides", "a")
    assert base is not None and base.tree is not None
    ops = [
        {"op": "remove", "id": "s2"},
        {"op": "remove", "id": "s99"},
        {
            "op": "replace",
            "id": "s3",
            "value": {"id": "s3", "template": "Text", "props": {"text": "Changed"}},
        },
    ]
    job = ModelEdit(spec, base)
    out = "".join(run(job, "\n".join(json.dumps(op) for op in ops)))
    data = parse_c1(out).parts[0].data
    assert [op["op"] for op in data] == ["remove", "replace"] and job.repairs
    nothing = "".join(run(ModelEdit(Spec("slides", "v1", "a"), base), "I cannot do that"))
    envelope = artifact_tree(nothing)
    assert envelope is not None and envelope["error"] and ids(envelope["component"]) == ids(base.tree)
    v2 = Spec("slides", "v2", "a")
    v2_base = find_base("".join(offline_generate(v2, MATERIAL)), "slides", "a")
    assert v2_base is not None
    patch = 's2 = Slide("s2", TextBody("New intro", ["Shorter."]))\n'
    out_v2 = "".join(run(ModelEdit(v2, v2_base), patch))
    assert out_v2 == patch
    check_v2_stream([out_v2], "slides", patch_of=v2_base.program)
