"""Validation: the ten codes, paths and statement ids, 1.0 and 0.5 rules, streaming deferrals."""

from __future__ import annotations

import pytest
from openui_corpus import CASES, Case

from genui.ui.openui import CODES, ProgramTooDeep, ProgramTooLarge, load_library, parse, validate
from genui.ui.openui.materialize import Dynamic


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_corpus_codes(case: Case) -> None:
    assert tuple(validate(case.program).codes()) == case.codes


def test_the_ten_codes_are_all_in_the_corpus() -> None:
    seen = {code for case in CASES for code in case.codes}
    assert set(CODES) <= seen


def test_error_items_carry_component_path_and_statement() -> None:
    result = validate('root = Card([c])\nc = BarChart(["Q1"], [{category: 3, values: [1]}])')
    [error] = result.errors
    assert error.to_dict() == {
        "code": "type-mismatch",
        "message": '"/series/0/category" expects string but got number',
        "component": "BarChart",
        "path": "/series/0/category",
        "statementId": "c",
    }
    unresolved = validate("root = Card([a])").errors[0]
    assert unresolved.to_dict() == {
        "code": "unresolved",
        "message": '"a" is referenced but never defined',
        "statementId": "a",
    }


def test_the_materialized_tree_prunes_and_fills() -> None:
    result = validate(
        'root = Card([t, nope, c])\nt = TextContent("x", "huge")\n'
        'c = BarChart(["a"], [1, {category: "r", values: [2]}])'
    )
    assert result.root == {
        "component": "Card",
        "props": {
            "children": [
                {"component": "TextContent", "props": {"text": "x"}},  # bad optional pruned
                {
                    "component": "BarChart",
                    "props": {
                        "labels": ["a"],
                        "series": [{"category": "r", "values": [2]}],
                        "type": "default",
                    },
                },  # bad array item pruned, default filled
            ]
        },
    }
    assert result.root.statement_id == "root" and result.root["props"]["children"][0].statement_id == "t"


def test_a_null_optional_argument_is_left_out_of_the_node() -> None:
    result = validate('root = Card([b])\nb = Button("Go", null, "primary")')
    assert result.root is not None
    assert result.root["props"]["children"][0]["props"] == {"label": "Go", "variant": "primary"}


def test_required_edges_propagate_one_level() -> None:
    # ButtonGroup is required by Form: an invalid ButtonGroup drops the Form, not the Card.
    result = validate('root = Card([f])\nf = Form("n", bg, [])\nbg = ButtonGroup("not an array")')
    assert result.codes() == ["type-mismatch", "null-required"]
    assert result.root == {"component": "Card", "props": {"children": []}}


def test_one_dot_zero_and_zero_dot_five_differ_where_documented() -> None:
    data_in_slot = 'root = Card(["hello", h])\nh = Header("a")'
    assert validate(data_in_slot, lang="0.5").codes() == []
    assert validate(data_in_slot).codes() == ["type-mismatch"]
    card_last = 'h = Header("a")\npage = Card([h])'
    assert validate(card_last, lang="0.5").entry == "page" and validate(card_last).root is None
    card_first = validate('page = Card([h])\nh = Header("a")')
    assert card_first.entry == "page" and [w.code for w in card_first.warnings] == ["no-root"]
    assert validate('root = Card([@Header("a")])', lang="0.5").codes() == []
    assert validate('root = Card([@Header("a")])').codes() == ["unknown-function"]


def test_partial_programs_defer_enums_and_required_keys() -> None:
    text = 'root = Card([t, c])\nt = TextContent("x", "lar")\nc = BarChart(["a"], [{category: "x"}])'
    assert validate(text, partial=True).codes() == []
    assert sorted(validate(text).codes()) == ["missing-required", "type-mismatch"]


def test_dynamic_values_and_entries_are_kept_for_the_renderer() -> None:
    result = validate("$compact = true\nroot = $compact ? a : b\na = Card([])\nb = Card([])")
    assert result.codes() == [] and result.root is None and isinstance(result.dynamic_entry, Dynamic)
    assert result.state == {"$compact": True}
    action = validate('root = Card([b])\nb = Button("Go", Action([@ToAssistant("hi")]))')
    assert isinstance(action.root["props"]["children"][0]["props"]["action"], Dynamic)  # type: ignore[index]


def test_hostile_programs_raise_value_errors_not_recursion_errors() -> None:
    chain = "root = Card([a0])\n" + "\n".join(
        f'a{i} = Tabs([TabItem("v", "t", [a{i + 1}])])' for i in range(400)
    )
    with pytest.raises(ProgramTooDeep):
        validate(chain)
    fan = "root = Card([x0, x0])\n" + "\n".join(f"x{i} = Steps([x{i + 1}, x{i + 1}])" for i in range(17))
    with pytest.raises(ProgramTooLarge):
        validate(fan)


def test_any_library_and_no_library() -> None:
    library = load_library(
        {"$defs": {"Box": {"properties": {"label": {"type": "string"}}, "required": ["label"]}}}, root="Box"
    )
    assert validate('root = Box("x")', library).root == {"component": "Box", "props": {"label": "x"}}
    assert validate("root = Box(1)", library).codes() == ["type-mismatch", "missing-root"]
    assert parse('root = Box("x")').table["root"].kind == "value"
