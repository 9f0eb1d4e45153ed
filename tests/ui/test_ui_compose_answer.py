"""The UI half of the compose pipeline: a small model's markdown as cleaned nodes (placeholder text never
shows, an honest short text when nothing is left), the asks settled without it, and C1 answers read back."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
from grounding import ungrounded
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genui.ui import Catalog
from genui.ui.c1 import write_content, write_thinkitem
from genui.ui.compose import (
    STRUCTURAL_WORDS,
    Answer,
    settled,
    suggested_fields,
    tree_markdown,
    understand,
    visualize,
    writing_prompt,
)
from genui.ui.compose.answer import CHART_NEEDS_DATA, OFFLINE_FALLBACK
from genui.ui.compose.markdown import message_markdown
from genui.ui.quality import check

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from embedded_prompts import PROMPTS

CATALOG = Catalog.default()
Node = dict[str, Any]


def answered(prompt: str, markdown: str, size: int = 7, *, cut: bool = False) -> list[Node]:
    answer = Answer(understand(prompt))
    nodes = answer.start()
    for start in range(0, len(markdown), size):
        nodes += answer.feed(markdown[start : start + size])
    return nodes + answer.finish(cut=cut)


def card(nodes: list[Node]) -> Node:
    return {"component": "Card", "props": {"children": nodes}}


def names(nodes: list[Node]) -> list[str]:
    return [n["component"] for n in nodes]


# ---- the junk, and junk in general


@pytest.mark.parametrize(
    ("prompt", "junk"),
    [
        ("Five largest countries by area", "# Cadet\n\n- Cadet\n- Cadet\n"),
        ("Why is the sky blue?", "# Header\n\nCARD_CARD_CARD_CARD_CARD\n"),
        ("What is photosynthesis?", "## Title\n\n- Lisst\n- Lisst\n\ntextMarkdown\n"),
        ("Explain tides", "Here are the answers:\n"),
        ("Explain tides", ""),
    ],
)
def test_nothing_useful_gives_the_header_and_an_honest_short_text(prompt: str, junk: str) -> None:
    nodes = answered(prompt, junk)
    title = understand(prompt).title
    assert nodes == [
        *([{"component": "Header", "props": {"title": title}}] if title else []),
        {"component": "TextContent", "props": {"textMarkdown": OFFLINE_FALLBACK}},
    ]


word = st.sampled_from(
    ["Header", "Title", "List", "Lisst", "CARD_CARD", "textMarkdown", "Cadet", "xkcdqwrt", "the", "Nile",
     "river", "!!!", "aaaaaa", "Headers", "ListItem", "subtitle", "Paris", "is", "long"]
)  # fmt: skip
line = st.lists(word, min_size=1, max_size=6).map(" ".join)
block = st.one_of(
    line,
    line.map(lambda t: f"# {t}"),
    st.lists(line, min_size=1, max_size=4).map(lambda items: "\n".join(f"- {i}" for i in items)),
    st.lists(line, min_size=1, max_size=3).map(lambda items: "\n".join(f"{i}: {i}" for i in items)),
)
junk = st.lists(block, min_size=0, max_size=6).map("\n\n".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["Explain tides", "Five largest countries by area", "Overview of Mars"]), junk)
def test_any_model_text_gives_a_valid_answer_without_placeholder_text(prompt: str, text: str) -> None:
    nodes = answered(prompt, text, size=5)
    tree = card(nodes)
    assert CATALOG.repair_tree(tree) == tree
    assert check(tree) == []
    assert any(n["component"] != "Header" for n in nodes)  # something is said, if only the fallback


# ---- what the model wrote, as the UI shows it


def test_blocks_show_as_they_complete_and_lead_ins_and_a_repeated_title_do_not() -> None:
    answer = Answer(understand("Longest rivers"))
    assert names(answer.start()) == ["Header"]
    assert answer.feed("# Longest rivers\n\nHere are the longest rivers:\n\n1. Nile\n2. Amazon\n") == []
    shown = answer.feed("\nThey are long.\n")
    assert names(shown) == ["List"] and shown[0]["props"]["items"] == [{"title": "Nile"}, {"title": "Amazon"}]
    assert names(answer.finish()) == ["TextContent"]


@pytest.mark.parametrize(
    ("markdown", "items"),
    [
        (
            "The planets of our solar system are: Mercury, Venus, Earth, Mars and Jupiter.",
            ["Mercury", "Venus", "Earth", "Mars", "Jupiter"],
        ),
        (
            "The largest countries by area are:\nRussia (17.1 million km2)\nCanada (10 million km2)\nChina",
            ["Russia (17.1 million km2)", "Canada (10 million km2)", "China"],
        ),
        ("Ideas: 1. A museum, 2. A film, 3. Baking bread", ["A museum", "A film", "Baking bread"]),
        ("Ideas: 1. A picnic; 2. A sunset cruise; 3. A museum", ["A picnic", "A sunset cruise", "A museum"]),
    ],
)
def test_a_list_written_as_prose_is_a_list_when_a_list_was_asked(markdown: str, items: list[str]) -> None:
    nodes = answered("Name the planets of the solar system", markdown)
    assert names(nodes) == ["Header", "List"]
    assert [i["title"] for i in nodes[1]["props"]["items"]] == items
    assert names(answered("What is the solar system?", markdown)) == ["Header", "TextContent"]


def test_a_cut_off_answer_keeps_its_complete_sentences() -> None:
    nodes = answered("Why is the sky blue?", "Air scatters blue light most. So the sky looks bl", cut=True)
    assert nodes[-1]["props"]["textMarkdown"] == "Air scatters blue light most."


@pytest.mark.parametrize(
    ("prompt", "start"),
    [
        ("Five largest countries by area", "Write a numbered list: Five largest countries by area."),
        ("Overview of Mars", "Write a numbered list: Overview of Mars."),
        (
            "A table of the three largest oceans",
            "Write a markdown table: A table of the three largest oceans",
        ),
        ("Why is the sky blue?", "Answer in two or three short sentences: Why is the sky blue?"),
    ],
)
def test_the_model_is_asked_for_plain_markdown_of_the_kind_asked(prompt: str, start: str) -> None:
    text = writing_prompt(understand(prompt))
    assert text.startswith(start)
    assert not any(name in text for name in ("Card", "Header", "component", "JSON"))


# ---- asks settled without the model


@pytest.mark.parametrize(
    ("prompt", "labels"),
    [
        ("A login form", ["Email", "Password"]),
        ("A newsletter signup form", ["Name", "Email"]),
        ("A job application form", ["Name", "Email", "Phone", "Cover letter"]),
        ("Restaurant reservation form", ["Name", "Email", "Date", "Time"]),
        ("RSVP form", ["Name", "Attending", "Number of guests"]),
        ("A form", ["Name", "Email", "Message"]),
    ],
)
def test_a_form_naming_no_fields_gets_the_common_fields_of_its_kind(prompt: str, labels: list[str]) -> None:
    ask = understand(prompt)
    assert ask.kind == "form" and not ask.fields
    tree = settled(ask)
    assert tree is not None and CATALOG.repair_tree(tree) == tree and check(tree) == []
    form = next(n for n in tree["props"]["children"] if n["component"] == "Form")
    assert [f["label"] for f in form["props"]["children"]] == labels
    assert [f.label for f in suggested_fields(prompt)] == labels


def test_a_summary_of_given_prose_shows_its_sentences_as_written() -> None:
    prompt = (
        "Summarize: The meeting moved to Thursday at 3 pm. The budget was approved at $12,000. "
        "Launch is May 4."
    )
    tree = settled(understand(prompt))
    assert tree is not None
    (points,) = tree["props"]["children"]
    assert [i["title"] for i in points["props"]["items"]] == [
        "The meeting moved to Thursday at 3 pm.",
        "The budget was approved at $12,000.",
        "Launch is May 4.",
    ]
    assert ungrounded(tree, prompt) == []


def test_a_chart_with_no_numbers_asks_for_them_instead_of_inventing_them() -> None:
    tree = settled(understand("Pie chart of my spending"))
    assert tree is not None
    assert tree["props"]["children"][-1] == {
        "component": "TextContent",
        "props": {"textMarkdown": CHART_NEEDS_DATA},
    }


def test_open_asks_are_left_to_the_model() -> None:
    for prompt in ("What is photosynthesis?", "Five largest countries by area", "Summarize: short."):
        assert settled(understand(prompt)) is None


@pytest.mark.parametrize("prompt", [p for p in PROMPTS if p.values], ids=lambda p: p.text[:40])
def test_every_corpus_prompt_with_data_is_settled_with_every_value(prompt: Any) -> None:
    tree = settled(understand(prompt.text))
    assert tree is not None and CATALOG.repair_tree(tree) == tree and check(tree) == []
    shown = " ".join(str(v) for v in _values(tree)).lower()
    assert [v for v in prompt.values if v.lower() not in shown and not _number_shown(v, tree)] == []
    assert ungrounded(tree, prompt.text, frozenset(STRUCTURAL_WORDS)) == []


def _values(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for k, v in value.items() if k != "component" for x in _values(v)]
    if isinstance(value, list):
        return [x for v in value for x in _values(v)]
    return [value]


def _number_shown(text: str, tree: Node) -> bool:
    """A number given as "94%" or "$1,200" shows as the value 94 or 1200 (a chart's)."""
    try:
        wanted = float(re.sub(r"[^\d.\-]", "", text))
    except ValueError:
        return False
    return any(isinstance(v, int | float) and float(v) == wanted for v in _values(tree))


# ---- earlier C1 answers read back


@pytest.mark.parametrize(
    "prompt", [p for p in PROMPTS if p.values and p.kind != "form"], ids=lambda p: p.text[:40]
)
def test_a_c1_answer_read_back_shows_the_same_values(prompt: Any) -> None:
    tree = settled(understand(prompt.text))
    assert tree is not None
    text = message_markdown(write_thinkitem("Thinking", "...") + write_content(tree), "assistant")
    assert "<" not in text and "&quot;" not in text and text == tree_markdown(tree)
    again = visualize(text)
    shown = " ".join(str(v) for v in _values(again)).lower()
    assert [v for v in prompt.values if v.lower() not in shown and not _number_shown(v, again)] == []
    assert ungrounded(again, prompt.text) == []


def test_the_kind_asked_for_is_kept_when_the_model_writes_numbers() -> None:
    rivers = "- Nile: 6,650 km\n- Amazon: 6,400 km\n- Yangtze: 6,300 km\n"
    (_, listed) = answered("Three longest rivers", rivers)
    assert listed["component"] == "List"
    assert listed["props"]["items"][0] == {"title": "Nile", "subtitle": "6,650 km"}
    table = "| Ocean | Area |\n|---|---|\n| Pacific | 165 |\n| Atlantic | 106 |\n"
    assert names(answered("A table of the largest oceans and their areas", table)) == ["Header", "Table"]
    assert names(answered("Rivers of Africa", rivers)) == ["Header", "BarChartV2"]  # no kind asked: a chart
