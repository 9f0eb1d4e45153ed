"""Deterministic repair: each fix, the already-valid fast exit, the summary, hostile input."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openui_corpus import CASES, Case

from genui.ui.openui import RepairBudget, chat_library, load_library, repair, validate


def codes(items: tuple) -> list[str]:  # type: ignore[type-arg]
    return [issue.code for issue in items]


def test_an_already_valid_program_comes_back_byte_for_byte() -> None:
    text = '```openui\nroot = Card([h])\nh = Header("x")  // hi\n```\n'
    result = repair(text)
    assert result.program is text and not result.changed and result.valid
    assert result.summary() == {"fixed_errors": [], "unfixed_errors": []}


@pytest.mark.parametrize("case", [c for c in CASES if c.codes], ids=[c.name for c in CASES if c.codes])
def test_every_corpus_error_ends_valid_or_is_reported(case: Case) -> None:
    result = repair(case.program)
    assert result.changed
    final = validate(result.program) if result.program else None
    assert result.valid == (final is not None and final.valid)
    if not result.valid:
        assert result.unfixed
    assert {issue.code for issue in result.fixed} >= set(case.codes) - {i.code for i in result.unfixed}


def test_wrong_case_names_are_mapped_and_unknown_ones_dropped() -> None:
    result = repair('root = Card([h, x])\nh = HEADER("Hi")\nx = Banner("b")')
    assert result.program == 'root = Card([h])\nh = Header("Hi")\n'
    assert {"unknown-component"} == set(codes(result.fixed)) and result.valid


def test_excess_args_dropped_defaults_filled_bad_optionals_pruned() -> None:
    result = repair(
        'root = Card([h, t, c])\nh = Header("a", "b", "c")\n'
        't = TextContent("x", "huge")\nc = Tag("t", "weird")'
    )
    assert (
        result.program == 'root = Card([h, t, c])\nh = Header("a", "b")\nt = TextContent("x")\nc = Tag("t")\n'
    )


def test_unambiguous_coercions() -> None:
    result = repair(
        "root = Card([c, t])\n"
        'c = BarChart(["Q1"], [{category: "r", values: ["12", 3]}], "DEFAULT")\nt = TextContent(42)'
    )
    assert "values: [12, 3]" in result.program and 'TextContent("42")' in result.program
    assert '"default"' not in result.program  # read as the default, then trimmed
    ambiguous = repair('root = Card([c])\nc = BarChart(["Q1"], [{category: "r", values: ["twelve"]}])')
    assert "values: []" in ambiguous.program  # not a number: the item is pruned, never invented


def test_a_missing_root_is_made_over_the_top_level_components() -> None:
    result = repair('h = Header("a")\nt = TextContent("b")\nfrag = Tag("x")')
    assert result.program.startswith("root = Card([h, t])\n") and result.valid
    assert "frag" not in result.program  # a Tag may not be a Card child: deleted
    first = repair('page = Card([h])\nh = Header("a")')
    assert first.program == 'root = Card([h])\nh = Header("a")\n'


def test_orphans_attach_to_the_root_when_they_may_be_children() -> None:
    result = repair('root = Card([h])\nh = Header("a")\nlost = TextContent("b")\nitem = Tag("x")')
    assert result.program == 'root = Card([h, lost])\nh = Header("a")\nlost = TextContent("b")\n'
    assert sorted(codes(result.fixed)).count("orphaned") >= 2


def test_unresolved_references_leave_arrays_and_required_holes_drop_the_component() -> None:
    result = repair('root = Card([a, ghost, f])\na = Header("x")\nf = Form("n", missing)')
    assert result.program == 'root = Card([a])\na = Header("x")\n'
    assert {"unresolved", "null-required"} <= set(codes(result.fixed))


def test_a_truncated_last_statement_is_closed_or_dropped() -> None:
    assert (
        repair('root = Card([t])\nt = TextContent("Hel').program
        == 'root = Card([t])\nt = TextContent("Hel")\n'
    )
    cut_name = repair('root = Card([h, t])\nh = Header("a")\nt = TextCon')
    assert cut_name.program == 'root = Card([h])\nh = Header("a")\n' and cut_name.valid


def test_duplicates_last_wins() -> None:
    assert repair('root = Card([h])\nh = Header("old")\nh = Header("new")\nh = Header(').program.endswith(
        'Header("new")\n'
    )


def test_text_and_urls_are_sanitized() -> None:
    program = (
        "root = Card([t, i, b, g])\n"
        't = TextContent("<script>alert(1)</script>**ok** `<b>code</b>`")\n'
        'i = Image("alt", "javascript:alert(1)")\n'
        'b = Button("Go", {type: "open_url", url: "data:text/html,x"})\n'
        'g = ImageGallery(["a", "b"], ["https://ok.example/a.png", "vbscript:x"])'
    )
    result = repair(program)
    assert "script" not in result.program and "javascript" not in result.program
    assert "data:" not in result.program and "vbscript" not in result.program
    assert "`<b>code</b>`" in result.program  # code spans stay as written
    assert 'i = Image("alt")' in result.program and 'b = Button("Go")\n' in result.program
    assert '["https://ok.example/a.png"]' in result.program
    assert {"unsafe-url", "unsafe-text"} <= set(codes(result.fixed)) and result.valid


def test_budgets_bound_depth_size_and_strings() -> None:
    nested = (
        "root = Card([t0])\n"
        + "\n".join(f't{i} = Tabs([TabItem("v", "t", [t{i + 1}])])' for i in range(30))
        + '\nt30 = TextContent("deep")'
    )
    deep = repair(nested, budget=RepairBudget(max_depth=6))
    assert deep.valid and "too-deep" in codes(deep.fixed) and "deep" not in deep.program
    wide = repair(
        "root = Card(["
        + ", ".join(f"h{i}" for i in range(50))
        + "])\n"
        + "\n".join(f'h{i} = Header("{i}")' for i in range(50)),
        budget=RepairBudget(max_nodes=10),
    )
    assert wide.program.count("Header(") == 9 and "too-large" in codes(wide.fixed)
    long = repair('root = Card([t])\nt = TextContent("' + "x" * 50 + '")', budget=RepairBudget(max_string=10))
    assert 'TextContent("xxxxxxxxxx")' in long.program and "too-long" in codes(long.fixed)


def test_what_cannot_be_fixed_without_inventing_data_is_reported() -> None:
    library = load_library(
        {
            "$defs": {
                "Page": {
                    "properties": {
                        "title": {"type": "string"},
                        "blocks": {"type": "array", "items": {"$ref": "#/$defs/Note"}},
                    },
                    "required": ["title", "blocks"],
                },
                "Note": {"properties": {"text": {"type": "string"}}, "required": ["text"]},
            }
        },
        root="Page",
    )
    result = repair('n = Note("x")', library)
    assert not result.valid and codes(result.unfixed) == ["missing-root"]
    assert result.summary()["unfixed_errors"][0]["code"] == "missing-root"


def test_too_deep_statements_are_dropped() -> None:
    result = repair('root = Card([h])\nh = Header("x")\nz = ' + "[" * 500 + "]" * 500)
    assert result.valid and result.program == 'root = Card([h])\nh = Header("x")\n'
    assert "too-deep" in codes(result.fixed)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(
        st.sampled_from(
            [
                "root = ",
                "Card(",
                "Header(",
                "TextContent(",
                '"x',
                '"',
                "[",
                "]",
                "(",
                ")",
                "{",
                "}",
                ",",
                "a",
                "b",
                " = ",
                "\n",
                "null",
                "1",
                "-",
                "?",
                ":",
                "$s",
                "@Count(",
                "Tabs(",
                "TabItem(",
                "```",
                "//",
                "'",
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_repair_never_raises_and_never_claims_a_wrong_validity(text: str) -> None:
    result = repair(text)
    if result.valid:
        assert validate(result.program).valid


def test_a_mapped_name_is_noted_on_its_own_statement_once() -> None:
    result = repair('root = Card([h])\nh = HEADER("A")\n')
    assert result.program == 'root = Card([h])\nh = Header("A")\n'
    assert [(i.code, i.statement_id) for i in result.fixed] == [("unknown-component", "h")]


def test_one_fixed_item_per_problem() -> None:
    orphan = repair('root = Card([h])\nh = Header("A")\nlost = TextContent("b")\n')
    assert [(i.code, i.statement_id) for i in orphan.fixed] == [("orphaned", "lost")]
    assert "not reachable" in orphan.fixed[0].message  # what was wrong, not what was done about it
    coerced = repair('root = Card([c])\nc = BarChart(["Q1"], [{category: "R", values: ["12"]}])\n')
    assert [(i.code, i.path, i.statement_id) for i in coerced.fixed] == [
        ("type-mismatch", "/series/0/values/0", "c")
    ]
    two_unknown = repair('root = Card([Foo("a"), Bar("b"), h])\nh = Header("x")\n')
    assert sorted(i.component or "" for i in two_unknown.fixed) == ["Bar", "Foo"]


def test_a_cut_off_tail_is_kept_when_it_still_gives_a_value() -> None:
    pie = repair('root = Card([p])\np = PieChart([{category: "A", value: 1}, {category: "B", val')
    assert pie.program == 'root = Card([p])\np = PieChart([{category: "A", value: 1}])\n' and pie.valid
    enum = repair('root = Card([t])\nt = TextContent("x", "lar')
    assert enum.program == 'root = Card([t])\nt = TextContent("x")\n'
    earlier = repair('root = Card([t])\nt = TextContent("full", "large")\nt = TextContent("cut", "lar')
    assert earlier.program == 'root = Card([t])\nt = TextContent("full", "large")\n'


def test_custom_action_steps_are_kept_when_the_library_names_them() -> None:
    program = (
        "root = Card([bg])\nbg = ButtonGroup([b])\n"
        'b = Button("Book", Action([@book_table(4), @ToAssistant("x")]))\n'
    )
    with_action = chat_library().with_actions(["book_table"])
    assert validate(program, with_action).valid and not repair(program, with_action).changed
    assert codes(validate(program).errors) == ["unknown-function"]
    assert "@book_table" not in repair(program).program
    assert chat_library().actions == frozenset()  # with_actions makes a copy
