"""The prompts the embedded pipeline is measured on (bench/embedded.py) and tested with (a sample, in slow
tests): open questions, forms, charts and tables with data given, lists to turn into UI, summaries of facts.

Each prompt names the kind of UI it asks for and the values it gives, which the answer must show as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from genui.ui import Catalog, openui
from genui.ui.c1 import parse_c1
from genui.ui.convert import v2_tree_to_v1
from genui.ui.v2_writer import CONTENT_OPEN_V2

# A chat-format function tool the embedded tests call.
WEATHER_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a location",
        "parameters": {
            "type": "object",
            "properties": {"location": {"type": "string"}, "unit": {"enum": ["celsius", "fahrenheit"]}},
            "required": ["location", "unit"],
        },
    },
}


def valid_tree(c1_text: str | None) -> dict[str, Any]:
    """The Card of a C1 answer, checked, as a v1 tree: a v1 envelope without error, valid for the default
    catalog, or a v2 answer (the default for the embedded model's pinned version) whose program is valid for
    the chat library, converted to v1 so that the same component and value checks apply to both formats."""
    assert c1_text is not None
    if CONTENT_OPEN_V2 in c1_text:
        [part] = [p for p in parse_c1(c1_text).parts if p.kind == "content"]
        assert part.complete, c1_text
        result = openui.validate(part.body)
        assert result.valid and isinstance(result.root, dict), (c1_text, result.errors)
        tree = v2_tree_to_v1(result.root)
    else:
        envelope = parse_c1(c1_text).content
        assert isinstance(envelope, dict) and envelope["error"] is None, c1_text
        tree = envelope["component"]
    assert tree["component"] == "Card" and Catalog.default().repair_tree(tree) == tree, c1_text
    return tree


# The components that show each kind of answer.
KIND_COMPONENTS: dict[str, frozenset[str]] = {
    "text": frozenset({"TextContent"}),
    "list": frozenset({"List"}),
    "form": frozenset({"Form"}),
    "chart": frozenset({"BarChartV2", "LineChartV2", "AreaChartV2", "PieChartV2"}),
    "table": frozenset({"Table"}),
    "summary": frozenset({"MiniCardBlock", "List"}),
}


@dataclass(frozen=True)
class Prompt:
    text: str
    kind: str
    values: tuple[str, ...] = ()  # given in the prompt: each must appear in the UI as written
    group: str = ""


def _group(group: str, *prompts: tuple[str, str] | tuple[str, str, tuple[str, ...]]) -> list[Prompt]:
    return [Prompt(p[0], p[1], p[2] if len(p) > 2 else (), group) for p in prompts]  # type: ignore[misc]


PROMPTS: list[Prompt] = [
    *_group(
        "open question",
        ("What is photosynthesis?", "text"),
        ("Why is the sky blue?", "text"),
        ("Explain how a rainbow forms", "text"),
        ("Five largest countries by area", "list"),
        ("List three tips for better sleep", "list"),
        ("Top 5 programming languages for beginners", "list"),
        ("Steps to make a cup of tea", "list"),
        ("Name the planets of the solar system", "list"),
        ("How do vaccines work?", "text"),
        ("Who was Marie Curie?", "text"),
        ("Tips for learning a new language", "list"),
        ("Three ideas for a rainy day", "list"),
        ("Overview of Mars", "summary"),
        ("A table of the three largest oceans and their areas", "table"),
    ),
    *_group(
        "form",
        ("A contact form with name and phone", "form", ("Name", "Phone")),
        ("Create a signup form with name, email and password", "form", ("Name", "Email", "Password")),
        ("A form to book a table (date, time, number of guests)", "form", ("Date", "Time", "guests")),
        (
            "RSVP form: name, email, attending (yes/no), number of guests",
            "form",
            ("Name", "Email", "yes", "no"),
        ),
        ("Feedback form with a rating (1-5) and comments", "form", ("Rating", "Comments")),
        ("A newsletter signup form", "form"),
        ("A login form", "form"),
        ("Job application form with name, email, phone and cover letter", "form", ("Email", "Cover letter")),
    ),
    *_group(
        "chart with data",
        (
            "Show as a pie chart: rent 1200, food 400, transport 150",
            "chart",
            ("rent", "1200", "food", "400", "transport", "150"),
        ),
        (
            "Bar chart of sales by region: North 120, South 95, East 143, West 80",
            "chart",
            ("North", "120", "South", "95", "East", "143", "West", "80"),
        ),
        (
            "Line chart of monthly visitors: Jan 1200, Feb 1350, Mar 1610, Apr 1580",
            "chart",
            ("Jan", "1200", "Feb", "1350", "Mar", "1610", "Apr", "1580"),
        ),
        ("Plot revenue by quarter: Q1 120, Q2 150, Q3 170, Q4 210", "chart", ("Q1", "120", "Q4", "210")),
        (
            "Chart these temperatures: Monday 18, Tuesday 21, Wednesday 19, Thursday 23",
            "chart",
            ("Monday", "18", "Tuesday", "21", "Wednesday", "19", "Thursday", "23"),
        ),
        (
            "Pie chart of market share: Apple 28%, Samsung 24%, Xiaomi 13%, Others 35%",
            "chart",
            ("Apple", "28", "Samsung", "24", "Xiaomi", "13", "Others", "35"),
        ),
        (
            "Graph of city population in millions:\nTokyo 37.4\nDelhi 31\nShanghai 27.1",
            "chart",
            ("Tokyo", "37.4", "Delhi", "31", "Shanghai", "27.1"),
        ),
        (
            "Donut chart of my day in hours: work 8, sleep 7, leisure 4, commute 1.5",
            "chart",
            ("work", "8", "sleep", "7", "leisure", "4", "commute", "1.5"),
        ),
    ),
    *_group(
        "table with data",
        (
            "Make a table of these laptops:\nModel,Price,RAM\nAir,999,8GB\nPro,1999,16GB\nMax,2499,32GB",
            "table",
            ("Air", "999", "8GB", "Pro", "1999", "16GB", "Max", "2499", "32GB"),
        ),
        (
            "Format as a table:\n| City | Country |\n|---|---|\n| Paris | France |\n| Rome | Italy |",
            "table",
            ("Paris", "France", "Rome", "Italy"),
        ),
        (
            "Table: name, age, city\nAnn, 34, Oslo\nBen, 28, Lima",
            "table",
            ("Ann", "34", "Oslo", "Ben", "28", "Lima"),
        ),
        (
            'Show this as a table: [{"name": "Widget", "qty": 4, "price": 2.5}, '
            '{"name": "Gadget", "qty": 10, "price": 7.25}]',
            "table",
            ("Widget", "4", "2.5", "Gadget", "10", "7.25"),
        ),
        ("Tabulate the scores: Ana 91, Ben 78, Cy 85", "table", ("Ana", "91", "Ben", "78", "Cy", "85")),
        (
            "Create a table of flights:\nFlight;From;To;Time\n"
            "BA117;London;New York;08:30\nAF22;Paris;Boston;10:15",
            "table",
            ("BA117", "London", "New York", "08:30", "AF22", "Paris", "Boston", "10:15"),
        ),
        (
            "Compare these phones in a table:\nPhone | Price | Battery\n"
            "Nova | $499 | 4500 mAh\nZen | $649 | 5000 mAh",
            "table",
            ("Nova", "$499", "4500", "Zen", "$649", "5000"),
        ),
    ),
    *_group(
        "list to turn into UI",
        ("Make a list: milk, eggs, bread, butter", "list", ("milk", "eggs", "bread", "butter")),
        (
            "Turn into a checklist: book flights; reserve hotel; pack bags",
            "list",
            ("book flights", "reserve hotel", "pack bags"),
        ),
        (
            "List these books:\n- Dune\n- Neuromancer\n- Foundation",
            "list",
            ("Dune", "Neuromancer", "Foundation"),
        ),
        (
            "Numbered steps: preheat the oven, mix flour and sugar, bake for 25 minutes",
            "list",
            ("preheat the oven", "bake for 25 minutes"),
        ),
        ("My to-do list: call mom, pay rent, water plants", "list", ("call mom", "pay rent", "water plants")),
        ("Show these as bullets: red, green, blue", "list", ("red", "green", "blue")),
        (
            "Ideas for the party: karaoke, board games, taco bar",
            "list",
            ("karaoke", "board games", "taco bar"),
        ),
    ),
    *_group(
        "summary of given facts",
        (
            "Summary card: Name: Ada Lovelace, Born: 1815, Known for: the first computer program",
            "summary",
            ("Ada Lovelace", "1815", "the first computer program"),
        ),
        (
            "Profile card - Name: Jane Doe; Role: Engineer; Location: Berlin",
            "summary",
            ("Jane Doe", "Engineer", "Berlin"),
        ),
        (
            "Give me an overview of these stats: users: 1,204; revenue: $48,300; churn: 2.1%",
            "summary",
            ("1,204", "$48,300", "2.1%"),
        ),
        (
            "Key facts about the order:\nOrder: #4411\nStatus: shipped\nTotal: $86.40\nCarrier: UPS",
            "summary",
            ("#4411", "shipped", "$86.40", "UPS"),
        ),
        (
            "Summarize: The meeting moved to Thursday at 3 pm. The budget was approved at $12,000. "
            "Launch is on May 4.",
            "summary",
            ("Thursday", "3 pm", "$12,000", "May 4"),
        ),
        (
            "Summarize these results: accuracy 94%, precision 91%, recall 89%",
            "summary",
            ("94%", "91%", "89%"),
        ),
        (
            "Stats at a glance: population 8.8 million, area 783 km², founded 1624",
            "summary",
            ("8.8 million", "783", "1624"),
        ),
    ),
]
