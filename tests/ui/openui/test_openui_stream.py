"""Incremental statement splitting: any chunking gives the one-shot statements; fences, prose, ternaries."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openui_strategies import trees

from genui.ui.openui import StatementSplitter, chat_library, parse, split_statements, write

PROGRAM = (
    "Here's your UI (it's nice):\n"
    "```openui-lang\n"
    "root = Card([h, t, c]) // it's a card\n"
    'h = Header("a \\"quoted\\" ) ] }", \'it\\\'s\')  # trailing comment\n'
    't = $wide ? TextContent("wide\\nline")\n'
    '  : TextContent("narrow")\n'
    'c = BarChart(["Q1",\n  "Q2"], [{category: "r", values: [1, 2]}])\n'
    "```\n"
    "That's it. x = 3 is prose here.\n"
)
EXPECTED = [
    "root = Card([h, t, c]) // it's a card",
    'h = Header("a \\"quoted\\" ) ] }", \'it\\\'s\')  # trailing comment',
    't = $wide ? TextContent("wide\\nline")\n  : TextContent("narrow")',
    'c = BarChart(["Q1",\n  "Q2"], [{category: "r", values: [1, 2]}])',
]


def feed_in(text: str, cuts: list[int]) -> list[str]:
    splitter = StatementSplitter()
    out: list[str] = []
    start = 0
    for cut in sorted(set(cuts)):
        out += splitter.feed(text[start:cut])
        start = cut
    out += splitter.feed(text[start:])
    return out + splitter.finish()


def test_one_shot() -> None:
    assert split_statements(PROGRAM) == EXPECTED


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(PROGRAM)), max_size=30))
def test_any_chunking_gives_the_same_statements(cuts: list[int]) -> None:
    assert feed_in(PROGRAM, cuts) == EXPECTED


def test_statements_arrive_as_soon_as_they_are_complete() -> None:
    splitter = StatementSplitter()
    assert splitter.feed('root = Card([h])\nh = Header("x') == ["root = Card([h])"]
    assert splitter.pending == 'h = Header("x'
    assert splitter.feed('")\n') == []  # the next line might continue a ternary: wait for it
    assert splitter.feed("t") == ['h = Header("x")']
    assert splitter.feed(" = 1") == []
    assert splitter.finish() == ["t = 1"]
    prose = StatementSplitter()
    assert prose.feed("Thanks") == [] and prose.finish() == []  # a line that never became `name =`


def test_a_ternary_continuation_is_waited_for() -> None:
    splitter = StatementSplitter()
    assert splitter.feed("x = a\n") == []
    assert splitter.feed("  ? b : c\ny = 1\n") == ["x = a\n  ? b : c"]
    assert splitter.finish() == ["y = 1"]


def test_prose_before_a_program_cannot_swallow_it() -> None:
    text = 'Sure! Here\'s the card:\nroot = Card([h])\nh = Header("x")\n'
    assert split_statements(text) == ["root = Card([h])", 'h = Header("x")']
    assert parse(text).statements == ()  # lang-core's lexer reads the apostrophe as a string start


def test_a_cut_off_statement_is_the_tail() -> None:
    assert split_statements('root = Card([t])\nt = TextContent("Hel') == [
        "root = Card([t])",
        't = TextContent("Hel',
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(tree=trees(chat_library()), cuts=st.lists(st.integers(min_value=0, max_value=4000), max_size=40))
def test_written_programs_split_into_their_lines(tree: dict, cuts: list[int]) -> None:  # type: ignore[type-arg]
    program = write(tree)
    assert feed_in(program, cuts) == program.rstrip("\n").split("\n")


def test_cost_is_linear_in_the_stream() -> None:
    """Only the pending statement is buffered: a long stream in 4-byte deltas keeps a small buffer."""
    line = 'h = Header("' + "x" * 60 + '")\n'
    splitter = StatementSplitter()
    count = 0
    text = "root = Card([])\n" + line * 3000
    for i in range(0, len(text), 4):
        count += len(splitter.feed(text[i : i + 4]))
        assert len(splitter._buf) < 4096 + 2 * len(line)
    assert count + len(splitter.finish()) == 3001
