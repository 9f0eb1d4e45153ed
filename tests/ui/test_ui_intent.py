"""`understand` and `compose` on concrete requests: the kind, title, fields and data read from the request,
the UI built from them (valid, with every given value exactly), and None where a model must write content."""

from __future__ import annotations

from typing import Any

import pytest
from grounding import display_numbers, display_strings, ungrounded
from hypothesis import given, settings
from hypothesis import strategies as st

from genui.ui import Catalog
from genui.ui.compose import STRUCTURAL_WORDS, compose, understand
from genui.ui.compose.data import Facts, Items, Markdown, Records

CATALOG = Catalog.default()


def composed(prompt: str, history: tuple[str, ...] = ()) -> dict[str, Any]:
    tree = compose(understand(prompt, history))
    assert tree is not None, prompt
    assert CATALOG.repair_tree(tree) == tree, "composed trees are valid as they are"
    assert ungrounded(tree, prompt + "\n" + "\n".join(history), frozenset(STRUCTURAL_WORDS)) == []
    return tree


def child(tree: dict[str, Any], component: str) -> dict[str, Any]:
    return next(c["props"] for c in tree["props"]["children"] if c["component"] == component)


def components(tree: dict[str, Any]) -> list[str]:
    return [c["component"] for c in tree["props"]["children"]]


# ---- forms: (prompt, title, [(label, kind, options)])

FORMS: list[tuple[str, str | None, list[tuple[str, str, tuple[str, ...]]]]] = [
    ("A contact form with name and phone", "Contact form", [("Name", "name", ()), ("Phone", "phone", ())]),
    (
        "signup form: email, password, birthday",
        "Signup form",
        [("Email", "email", ()), ("Password", "password", ()), ("Birthday", "date", ())],
    ),
    (
        "a form to book a table (date, time, number of guests)",
        "Book a table",
        [("Date", "date", ()), ("Time", "time", ()), ("Number of guests", "number", ())],
    ),
    (
        "Create a feedback form with name, email, rating (1-5) and comments",
        "Feedback form",
        [
            ("Name", "name", ()),
            ("Email", "email", ()),
            ("Rating", "number", ()),
            ("Comments", "long_text", ()),
        ],
    ),
    (
        "Registration form with first name, last name, email address, phone number and country "
        "(USA, Canada, Mexico)",
        "Registration form",
        [
            ("First name", "name", ()),
            ("Last name", "name", ()),
            ("Email address", "email", ()),
            ("Phone number", "phone", ()),
            ("Country", "choice", ("USA", "Canada", "Mexico")),
        ],
    ),
    (
        "Job application form: full name, email, resume link, cover letter, start date",
        "Job application form",
        [
            ("Full name", "name", ()),
            ("Email", "email", ()),
            ("Resume link", "url", ()),
            ("Cover letter", "long_text", ()),
            ("Start date", "date", ()),
        ],
    ),
    (
        "Newsletter signup with email and a checkbox to accept the terms",
        "Newsletter signup",
        [("Email", "email", ()), ("Accept the terms", "checkbox", ())],
    ),
    (
        "RSVP form: name, number of guests, dietary restrictions, attending (yes/no)",
        "RSVP form",
        [
            ("Name", "name", ()),
            ("Number of guests", "number", ()),
            ("Dietary restrictions", "long_text", ()),
            ("Attending", "choice", ("yes", "no")),
        ],
    ),
    (
        "Make a survey asking for age, gender (male, female, other) and favorite color",
        "Survey",
        [
            ("Age", "number", ()),
            ("Gender", "choice", ("male", "female", "other")),
            ("Favorite color", "text", ()),
        ],
    ),
    (
        "A login form with username and password",
        "Login form",
        [("Username", "name", ()), ("Password", "password", ())],
    ),
    (
        "Form for a support ticket: subject, priority (low, medium, high), description",
        "Support ticket",
        [
            ("Subject", "text", ()),
            ("Priority", "choice", ("low", "medium", "high")),
            ("Description", "long_text", ()),
        ],
    ),
    (
        "An appointment booking form with name, date, time and reason for visit",
        "Appointment booking form",
        [
            ("Name", "name", ()),
            ("Date", "date", ()),
            ("Time", "time", ()),
            ("Reason for visit", "long_text", ()),
        ],
    ),
    (
        "Shipping address form: street, city, zip code, country",
        "Shipping address form",
        [("Street", "text", ()), ("City", "text", ()), ("Zip code", "text", ()), ("Country", "text", ())],
    ),
    (
        "A form with fields: Name, Email, Message",
        None,
        [("Name", "name", ()), ("Email", "email", ()), ("Message", "long_text", ())],
    ),
    (
        "Order form:\n- product (basic, pro, team, enterprise, custom)\n- quantity\n- website",
        "Order form",
        [
            ("Product", "choice", ("basic", "pro", "team", "enterprise", "custom")),
            ("Quantity", "number", ()),
            ("Website", "url", ()),
        ],
    ),
    ("Login with username and password", "Login", [("Username", "name", ()), ("Password", "password", ())]),
    (
        "RSVP for the party: name, number of guests",
        "RSVP for the party",
        [("Name", "name", ()), ("Number of guests", "number", ())],
    ),
]


@pytest.mark.parametrize(("prompt", "title", "fields"), FORMS)
def test_forms_read_title_and_fields(
    prompt: str, title: str | None, fields: list[tuple[str, str, tuple[str, ...]]]
) -> None:
    ask = understand(prompt)
    assert ask.kind == "form"
    assert ask.title == title
    assert [(f.label, f.kind, f.options) for f in ask.fields] == fields
    assert not ask.open_question and ask.missing == ()
    tree = composed(prompt)
    form = child(tree, "Form")
    assert [f["label"] for f in form["children"]] == [label for label, _, _ in fields]
    assert form["buttons"]["props"]["children"][0]["props"]["children"] == "Submit"
    assert components(tree) == (["Header", "Form"] if title else ["Form"])


@pytest.mark.parametrize(
    ("prompt", "title"),
    [
        ("Create a sign in form", "Sign in form"),  # "in form" is part of the subject, not "in a form"
        ("Make a log in form with email and password", "Log in form"),
        ("Put the fruits in a table: apple 3, pear 5", "Fruits"),
        ("Convert to a table: Name: Ann, Age: 30; Name: Bob, Age: 25", None),
    ],
)
def test_titles_keep_the_subject_and_drop_the_kind(prompt: str, title: str | None) -> None:
    assert understand(prompt).title == title


def test_form_controls_fit_the_field_kinds() -> None:
    form = child(
        composed(
            "Signup form: email, phone, password, birthday, time, guests, website, message, "
            "country (a, b, c, d, e), plan (x, y), agree to terms"
        ),
        "Form",
    )
    controls = {f["label"]: f["children"] for f in form["children"]}
    assert controls["Email"] == {"component": "Input", "props": {"name": "email", "type": "email"}}
    assert controls["Phone"]["props"]["type"] == "tel"
    assert controls["Password"]["props"]["type"] == "password"
    assert controls["Birthday"] == {
        "component": "DatePicker",
        "props": {"name": "birthday", "mode": "single"},
    }
    assert controls["Time"]["props"]["type"] == "time"
    assert controls["Guests"]["props"]["type"] == "number"
    assert controls["Website"]["props"]["type"] == "url"
    assert controls["Message"]["component"] == "TextArea"
    assert controls["Country"]["component"] == "Select"
    assert [o["props"]["children"] for o in controls["Country"]["props"]["children"]] == [
        "a",
        "b",
        "c",
        "d",
        "e",
    ]
    assert controls["Plan"]["component"] == "RadioGroup"
    assert [o["props"]["label"] for o in controls["Plan"]["props"]["children"]] == ["x", "y"]
    assert controls["Agree to terms"]["component"] == "CheckBoxGroup"


def test_a_range_becomes_number_bounds() -> None:
    form = child(composed("Feedback form with rating (1-5) and comments"), "Form")
    assert form["children"][0]["children"]["props"] == {
        "name": "rating",
        "type": "number",
        "rules": {"min": 1.0, "max": 5.0},
    }


def test_a_form_without_fields_is_an_open_question() -> None:
    for prompt in ("A form", "Make me a nice feedback form"):
        ask = understand(prompt)
        assert ask.kind == "form" and ask.fields == () and ask.missing == ("fields",) and ask.open_question
        assert compose(ask) is None


# ---- charts: (prompt, chart component, title, labels, values)

CHARTS: list[tuple[str, str, str | None, list[str], list[float]]] = [
    (
        "Show as a pie chart: rent 1200, food 400, transport 150",
        "PieChartV2",
        None,
        ["rent", "food", "transport"],
        [1200, 400, 150],
    ),
    (
        "Bar chart of sales by region: North 120, South 95, East 143, West 80",
        "BarChartV2",
        "Sales by region",
        ["North", "South", "East", "West"],
        [120, 95, 143, 80],
    ),
    (
        "Revenue by quarter: Q1 120, Q2 150, Q3 170, Q4 210",
        "LineChartV2",
        "Revenue by quarter",
        ["Q1", "Q2", "Q3", "Q4"],
        [120, 150, 170, 210],
    ),
    (
        "Plot my weight over the year: Jan 80, Feb 79, Mar 78.5, Apr 77",
        "LineChartV2",
        "Weight over the year",
        ["Jan", "Feb", "Mar", "Apr"],
        [80, 79, 78.5, 77],
    ),
    (
        "Line chart of users: 2020: 1200, 2021: 3400, 2022: 5100, 2023: 8000",
        "LineChartV2",
        "Users",
        ["2020", "2021", "2022", "2023"],
        [1200, 3400, 5100, 8000],
    ),
    (
        "Pie chart of market share: Apple 28%, Samsung 23%, Xiaomi 12%, Others 37%",
        "PieChartV2",
        "Market share",
        ["Apple", "Samsung", "Xiaomi", "Others"],
        [28, 23, 12, 37],
    ),
    ("Q1: 120, Q2: 150", "LineChartV2", None, ["Q1", "Q2"], [120, 150]),
    (
        "Make a bar chart from this table:\n| City | Population |\n|---|---|\n| Tokyo | 37 |\n| Delhi | 32 |",
        "BarChartV2",
        None,
        ["Tokyo", "Delhi"],
        [37, 32],
    ),
    (
        "Chart this CSV:\nmonth,visits\nJan,100\nFeb,130\nMar,160",
        "LineChartV2",
        None,
        ["Jan", "Feb", "Mar"],
        [100, 130, 160],
    ),
    ('Visualize: [{"name":"A","score":3},{"name":"B","score":5}]', "BarChartV2", None, ["A", "B"], [3, 5]),
    (
        "Donut chart: desktop 60, mobile 35, tablet 5",
        "PieChartV2",
        None,
        ["desktop", "mobile", "tablet"],
        [60, 35, 5],
    ),
    (
        "Expenses breakdown: rent 1200, food 400, transport 150",
        "PieChartV2",
        "Expenses breakdown",
        ["rent", "food", "transport"],
        [1200, 400, 150],
    ),
    (
        "Area chart of temperatures: Mon 20, Tue 22, Wed 19",
        "AreaChartV2",
        "Temperatures",
        ["Mon", "Tue", "Wed"],
        [20, 22, 19],
    ),
    (
        "rent 1200, food 400 and transport 150 as a pie chart",
        "PieChartV2",
        None,
        ["rent", "food", "transport"],
        [1200, 400, 150],
    ),
    (
        "Bar chart of sales by region North 120, South 95, East 143",
        "BarChartV2",
        "Sales by region",
        ["North", "South", "East"],
        [120, 95, 143],
    ),
    (
        "Graph of revenue:\n- 2022: $3.1M\n- 2023: $4.2M\n- 2024: $5.0M",
        "LineChartV2",
        "Revenue",
        ["2022", "2023", "2024"],
        [3.1, 4.2, 5.0],
    ),
    (
        "Expenses: rent 1200, food 400, transport 150",
        "BarChartV2",
        "Expenses",
        ["rent", "food", "transport"],
        [1200, 400, 150],
    ),
    ("Monthly rent: 1200, food: 400", "BarChartV2", None, ["Monthly rent", "food"], [1200, 400]),
    ("Plot Q1 120, Q2 150, Q3 170", "LineChartV2", None, ["Q1", "Q2", "Q3"], [120, 150, 170]),
    ("Sales: North: 120, South: 95", "BarChartV2", "Sales", ["North", "South"], [120, 95]),
    # the kind of chart named after the data, with a lead-in or with the words running into the data
    (
        "Show revenue by quarter: Q1 120, Q2 150, Q3 170 as a bar chart",
        "BarChartV2",
        "Revenue by quarter",
        ["Q1", "Q2", "Q3"],
        [120, 150, 170],
    ),
    (
        "Compare the revenue of Q1 120, Q2 150, Q3 170 as a bar chart",
        "BarChartV2",
        "Revenue",
        ["Q1", "Q2", "Q3"],
        [120, 150, 170],
    ),
]


def _chart_points(props: dict[str, Any]) -> tuple[list[str], list[float]]:
    data = props["chartData"]["data"]
    if isinstance(data, list):
        return [s["category"] for s in data], [s["value"] for s in data]
    return data["labels"], data["series"][0]["values"]


@pytest.mark.parametrize(("prompt", "component", "title", "labels", "values"), CHARTS)
def test_charts_show_exactly_the_given_values(
    prompt: str, component: str, title: str | None, labels: list[str], values: list[float]
) -> None:
    ask = understand(prompt)
    assert ask.kind == "chart" and not ask.open_question
    assert ask.title == title
    tree = composed(prompt)
    assert components(tree) == ([component] if title is None else ["Header", component])
    assert _chart_points(child(tree, component)) == (labels, values)


def test_the_issue_pie_chart_has_exactly_three_slices() -> None:
    tree = composed("Show as a pie chart: rent 1200, food 400, transport 150")
    assert tree == {
        "component": "Card",
        "props": {
            "children": [
                {
                    "component": "PieChartV2",
                    "props": {
                        "variant": "pie",
                        "chartData": {
                            "data": [
                                {"category": "rent", "value": 1200},
                                {"category": "food", "value": 400},
                                {"category": "transport", "value": 150},
                            ]
                        },
                    },
                }
            ]
        },
    }


def test_a_multi_series_table_gives_a_grouped_chart() -> None:
    tree = composed(
        "Show revenue and costs per quarter as a bar chart:\nQuarter, Revenue, Cost\nQ1, 120, 80\nQ2, 150, 90"
    )
    series = child(tree, "BarChartV2")["chartData"]["data"]["series"]
    assert series == [{"category": "Revenue", "values": [120, 150]}, {"category": "Cost", "values": [80, 90]}]


def test_a_pie_of_negative_values_falls_back_to_bars() -> None:
    assert components(composed("Pie chart: gain 10, loss -4, fees 2")) == ["BarChartV2"]


def test_chart_data_from_an_earlier_turn() -> None:
    history = ("| Team | Points |\n|---|---|\n| Red | 12 |\n| Blue | 9 |",)
    tree = composed("Show that as a bar chart", history)
    assert _chart_points(child(tree, "BarChartV2")) == (["Red", "Blue"], [12, 9])


# ---- tables, lists, summaries, text


def test_tables_keep_rows_and_headers() -> None:
    cases = [
        ("Table: name, age\nAlice, 30\nBob, 25", ("name", "age"), [["Alice", "30"], ["Bob", "25"]]),
        (
            "Put this in a table:\n| Name | Role |\n|---|---|\n| Ann | CEO |",
            ("Name", "Role"),
            [["Ann", "CEO"]],
        ),
        (
            'Table from JSON: [{"city":"Paris","country":"France"},{"city":"Rome","country":"Italy"}]',
            ("City", "Country"),
            [["Paris", "France"], ["Rome", "Italy"]],
        ),
        (
            "Table of prices: apples 1.20, bananas 0.50, cherries 4.00",
            ("", ""),
            [["apples", "1.20"], ["bananas", "0.50"], ["cherries", "4.00"]],
        ),
        ("Make a table of planets: Mercury, Venus, Earth", ("",), [["Mercury"], ["Venus"], ["Earth"]]),
        ("Table of application users: Ann, Bob", ("",), [["Ann"], ["Bob"]]),
        ("Team: Ann, Bob, Cy in a table", ("",), [["Ann"], ["Bob"], ["Cy"]]),
        ("Revenue by quarter: Q1 120, Q2 150 as a table", ("", ""), [["Q1", "120"], ["Q2", "150"]]),
        # columns the request names head the data
        (
            "Give me a table with columns Name, Age: Ann 30, Bob 25",
            ("Name", "Age"),
            [["Ann", "30"], ["Bob", "25"]],
        ),
        (
            "Table with the columns city and population: Paris 2.1, Rome 2.8",
            ("city", "population"),
            [["Paris", "2.1"], ["Rome", "2.8"]],
        ),
        ("Table of column widths: A 3, B 5", ("", ""), [["A", "3"], ["B", "5"]]),  # no names given
        # facts whose keys repeat are rows under those keys
        (
            "Convert to a table: Name: Ann, Age: 30; Name: Bob, Age: 25",
            ("Name", "Age"),
            [["Ann", "30"], ["Bob", "25"]],
        ),
        ("Name: Ann, Role: CEO; Name: Bob, Role: CTO", ("Name", "Role"), [["Ann", "CEO"], ["Bob", "CTO"]]),
    ]
    for prompt, header, rows in cases:
        ask = understand(prompt)
        assert ask.kind == "table" and isinstance(ask.data, Records), prompt
        table = child(composed(prompt), "Table")
        assert tuple(h["children"] for h in table["tableHeader"]["rows"]) == header
        assert [r["children"] for r in table["tableBody"]["rows"]] == rows


def test_table_of_prices_types_the_number_column() -> None:
    table = child(composed("Table of prices: apples 1.20, bananas 0.50, cherries 4.00"), "Table")
    assert [h["type"] for h in table["tableHeader"]["rows"]] == ["string", "number"]


@pytest.mark.parametrize(
    ("prompt", "title", "items", "ordered"),
    [
        ("List these fruits: apple, banana, cherry", "Fruits", ["apple", "banana", "cherry"], False),
        (
            "My todo list:\n- buy milk\n- call mom\n- pay bills",
            "Todo list",
            ["buy milk", "call mom", "pay bills"],
            False,
        ),
        ("Steps to deploy: build, test, ship", "Steps to deploy", ["build", "test", "ship"], True),
        (
            "A numbered list of planets: Mercury, Venus, Earth, Mars",
            "Planets",
            ["Mercury", "Venus", "Earth", "Mars"],
            True,
        ),
        ("Make a bullet list: red; green; blue", None, ["red", "green", "blue"], False),
        ("Fruits: apple, pear, plum as a list", "Fruits", ["apple", "pear", "plum"], False),
        ("Colors: red, green, blue as a bulleted list", "Colors", ["red", "green", "blue"], False),
        (
            "Top 3 rivers:\n1. Nile\n2. Amazon\n3. Yangtze",
            "Top 3 rivers",
            ["Nile", "Amazon", "Yangtze"],
            True,
        ),
    ],
)
def test_lists(prompt: str, title: str | None, items: list[str], ordered: bool) -> None:
    ask = understand(prompt)
    assert ask.kind == "list" and ask.title == title
    assert isinstance(ask.data, Items) and list(ask.data.items) == items and ask.data.ordered is ordered
    props = child(composed(prompt), "List")
    assert [i["title"] for i in props["items"]] == items
    assert props["variant"] == ("number" if ordered else "icon")


@pytest.mark.parametrize(
    ("prompt", "title", "pairs", "component"),
    [
        (
            "Summarize these facts: Name: Ada Lovelace; Born: 1815; Known for: first computer program",
            None,
            [("Name", "Ada Lovelace"), ("Born", "1815"), ("Known for", "first computer program")],
            "List",
        ),
        (
            "Summary card for the project:\n"
            "Status: on track\nBudget: $12,000\nDeadline: 2025-06-30\nOwner: Maria",
            "Project",
            [("Status", "on track"), ("Budget", "$12,000"), ("Deadline", "2025-06-30"), ("Owner", "Maria")],
            "List",
        ),
        (
            "Company stats: Founded: 1998; Employees: 5,000; Offices: 12",
            "Company stats",
            [("Founded", "1998"), ("Employees", "5,000"), ("Offices", "12")],
            "MiniCardBlock",
        ),
        (
            "Capital: Paris\nPopulation: 68 million\nLanguage: French",
            None,
            [("Capital", "Paris"), ("Population", "68 million"), ("Language", "French")],
            "List",
        ),
        (
            "Capital: Paris; Population: 68 million",
            None,
            [("Capital", "Paris"), ("Population", "68 million")],
            "List",
        ),
        (  # keys that repeat stay facts when a summary is asked (rows only for a table or a chart)
            "Summary: Name: Ann; Role: CEO; Name: Bob; Role: CTO",
            None,
            [("Name", "Ann"), ("Role", "CEO"), ("Name", "Bob"), ("Role", "CTO")],
            "List",
        ),
    ],
)
def test_summaries_of_given_facts(
    prompt: str, title: str | None, pairs: list[tuple[str, str]], component: str
) -> None:
    ask = understand(prompt)
    assert ask.kind == "summary" and ask.title == title
    assert isinstance(ask.data, Facts) and list(ask.data.pairs) == pairs
    props = child(composed(prompt), component)
    if component == "List":
        assert [(i["title"], i["subtitle"]) for i in props["items"]] == pairs
    else:
        assert [
            (c["props"]["lhs"]["props"]["description"], c["props"]["lhs"]["props"]["amount"])
            for c in props["children"]
        ] == pairs


def test_given_text_is_presented_not_rewritten() -> None:
    prompt = "Format this as a card: The meeting moved to Friday at 3pm in room 4."
    ask = understand(prompt)
    assert ask.kind == "text" and ask.data == Markdown("The meeting moved to Friday at 3pm in room 4.")
    assert child(composed(prompt), "TextContent") == {
        "textMarkdown": "The meeting moved to Friday at 3pm in room 4."
    }


def test_given_markdown_with_a_title() -> None:
    prompt = "Present my notes:\n# Trip\nWe leave at **9**.\n\n- passport\n- tickets"
    tree = composed(prompt)
    assert components(tree) == ["Header", "InlineHeader", "TextContent", "List"]
    assert child(tree, "Header") == {"title": "Notes"}


# ---- open questions: the model writes the content


@pytest.mark.parametrize(
    ("prompt", "kind", "missing"),
    [
        ("Five largest countries by area", "list", ("items",)),
        ("What is the capital of France?", "text", ("kind", "answer")),
        ("Explain how photosynthesis works", "text", ("kind", "answer")),
        ("Compare the iPhone 15 and Pixel 8", "table", ("rows",)),
        ("Show a chart of world population growth", "chart", ("data",)),
        ("Top 10 programming languages in 2024", "list", ("items",)),
        ("Tell me a joke", "text", ("kind", "answer")),
        (
            "Summarize this article: The quick brown fox jumps over the lazy dog. It was fast.",
            "summary",
            ("facts",),
        ),
        ("Give me a weekly workout plan", "text", ("kind", "answer")),
        ("Pie chart of my spending", "chart", ("data",)),
    ],
)
def test_open_questions_are_left_to_the_model(prompt: str, kind: str, missing: tuple[str, ...]) -> None:
    ask = understand(prompt)
    assert (ask.kind, ask.missing) == (kind, missing)
    assert ask.open_question
    assert compose(ask) is None


def test_the_issue_prompts() -> None:
    countries = understand("Five largest countries by area")
    assert (countries.kind, countries.title, countries.open_question) == (
        "list",
        "Five largest countries by area",
        True,
    )
    contact = composed("A contact form with name and phone")
    assert components(contact) == ["Header", "Form"]
    assert child(contact, "Header") == {"title": "Contact form"}
    assert [f["children"]["props"] for f in child(contact, "Form")["children"]] == [
        {"name": "name", "type": "text"},
        {"name": "phone", "type": "tel"},
    ]


# ---- property: labelled numbers round-trip exactly

label = st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(label, st.integers(0, 1_000_000)), min_size=2, max_size=8, unique_by=lambda p: p[0]),
    st.sampled_from(["Show as a pie chart: ", "Bar chart: ", "Chart of costs: ", "Table: "]),
)
def test_given_labelled_numbers_appear_exactly(pairs: list[tuple[str, int]], lead: str) -> None:
    prompt = lead + ", ".join(f"{name} {value:,}" for name, value in pairs)
    tree = composed(prompt)
    strings = set(display_strings(tree))
    assert {name for name, _ in pairs} <= strings
    if lead.startswith("Table"):
        assert {f"{value:,}" for _, value in pairs} <= strings
    else:
        assert sorted(display_numbers(tree)) == sorted(float(v) for _, v in pairs)


# ---- property: any request gives a valid, grounded UI or None

piece = st.sampled_from(
    [
        "form", "chart", "pie", "table", "list", "summary", "card", "with", "and", "of", "by", ":", ",", ";",
        "\n", "- ", "1. ", "(", ")", "|", "name", "email", "date", "rent", "Q1", "2024", "Header", "show",
        "as a", "in a", "to a", "columns", "Name:", "Age:",
    ]
) | st.integers(-50, 5000).map(str) | st.text("abcdefgh", min_size=1, max_size=6)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(piece, min_size=1, max_size=14).map(" ".join),
    st.lists(st.just("| a | b |\n|---|---|\n| x | 1 |"), max_size=1),
)
def test_any_request_gives_a_valid_grounded_tree_or_none(prompt: str, history: list[str]) -> None:
    ask = understand(prompt, history)
    tree = compose(ask)
    if tree is None:
        return
    assert CATALOG.repair_tree(tree) == tree
    assert ungrounded(tree, prompt + "\n" + "\n".join(history), frozenset(STRUCTURAL_WORDS)) == []
