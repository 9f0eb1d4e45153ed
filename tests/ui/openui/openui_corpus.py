"""Hand-written OpenUI Lang programs for the C1 v2 chat library, each with the codes genui's validator
reports under the 1.0 rules (the default). The slow judge test checks that, with `lang="0.5"`, the same
programs give exactly lang-core 0.2.18's codes, and lists where 1.0 differs (docs/openui.md)."""

from __future__ import annotations

from typing import NamedTuple


class Case(NamedTuple):
    name: str
    program: str
    codes: tuple[str, ...]  # genui, 1.0 rules, in report order


CASES: tuple[Case, ...] = (
    Case(
        "valid", 'root = Card([h, t])\nh = Header("Revenue", "FY2024")\nt = TextContent("**Up** 12%")\n', ()
    ),
    Case(
        "valid fenced with prose", 'Here:\n```openui-lang\nroot = Card([h])\nh = Header("x")\n```\nDone.', ()
    ),
    Case(
        "valid comments",
        'root = Card([h]) // the card\n# a comment\nh = Header("x", "y # not a comment")',
        (),
    ),
    Case("valid single quotes", "root = Card([h])\nh = Header('it\\'s', 'a\\nb')", ()),
    Case("valid defaults filled", 'root = Card([t])\nt = Tag("x")\n', ()),
    Case(
        "valid chart data",
        "root = Card([c])\n"
        'c = BarChart(["Q1", "Q2"], [{category: "Rev", values: [1, -2.5]}], "default", "stacked")',
        (),
    ),
    Case(
        "valid form",
        'root = Card([f])\nf = Form("contact", bg, [fc])\n'
        'bg = ButtonGroup([Button("Send", {type: "continue_conversation"})])\n'
        'fc = FormControl("Name", Input("name", {required: true}))',
        (),
    ),
    Case(
        "valid trailing comma, missing commas",
        'root = Card([h t,])\nh = Header("a" "b",)\nt = TextContent("c")',
        (),
    ),
    Case("valid forward reference", 'root = Card([a, b])\nb = Header("B")\na = Header("A")', ()),
    Case("valid duplicate last wins", 'root = Card([h])\nh = Header("old")\nh = Header("new")', ()),
    Case(
        "valid root redeclared", 'root = Card([a])\na = Header("A")\nb = Header("B")\nroot = Card([a, b])', ()
    ),
    Case("valid dynamic state", 'root = Card([t])\n$name = "Ann"\nt = TextContent("Hi " + $name)', ()),
    Case("unknown component", 'root = Card([h])\nh = Hedaer("x")', ("unknown-component",)),
    Case("unknown component inline", 'root = Card([Header("a"), Banner("b")])', ("unknown-component",)),
    Case("missing required", "root = Card([h])\nh = Header()", ("missing-required",)),
    Case("missing required nested", "root = Card([c])\nc = BarChart()", ("missing-required",)),
    Case("null required", 'root = Card([h])\nh = Header(null, "sub")', ("null-required",)),
    Case("enum mismatch", 'root = Card([t])\nt = TextContent("x", "huge")', ("type-mismatch",)),
    Case("scalar mismatch", "root = Card([h])\nh = Header(42)", ("type-mismatch",)),
    Case("array expected", 'root = Card([c])\nc = BarChart("Q1")', ("type-mismatch",)),
    Case(
        "object key missing",
        'root = Card([t], [{title: "a"}])\nt = TextContent("x")',
        ("missing-required",),
    ),
    Case("component in data slot", 'root = Card([h])\nh = Header(Tag("x"))', ("type-mismatch",)),
    Case("data in component slot (1.0)", 'root = Card(["hello", h])\nh = Header("a")', ("type-mismatch",)),
    Case("excess args", 'root = Card([h])\nh = Header("a", "b", "c")', ("excess-args",)),
    Case(
        "named args",
        'root = Card([h])\nh = Header(title: "a")',
        ("excess-args", "null-required", "unresolved"),
    ),
    Case(
        "inline reserved",
        'root = Card([t])\nt = TextContent(Query("tool", {}))',
        ("inline-reserved", "null-required"),
    ),
    Case("unresolved in array", 'root = Card([a, b])\na = Header("x")', ("unresolved",)),
    Case("unresolved required", 'root = Card([f])\nf = Form("n", bg)', ("null-required", "unresolved")),
    Case("cycle", "root = Card([x])\nx = Card([root])", ("unresolved",)),
    Case("orphaned", 'root = Card([a])\na = Header("x")\nb = Header("orphan")', ("orphaned",)),
    Case("incomplete string", 'root = Card([t])\nt = TextContent("Hel', ("incomplete",)),
    # While incomplete, required object keys are not checked (the text may still bring them).
    Case("incomplete call", 'root = Card([c])\nc = BarChart(["a"], [{category: "x"', ("incomplete",)),
    Case("incomplete cut enum", 'root = Card([t])\nt = TextContent("x", "lar', ("incomplete",)),
    Case("missing root, card first (1.0 fallback)", 'page = Card([h])\nh = Header("a")', ()),
    Case("missing root, card last (1.0)", 'h = Header("a")\npage = Card([h])', ("missing-root",)),
    Case("no statements", "Sorry, I cannot help with that.", ("missing-root",)),
    Case("root arg invalid, default used", "root = Card(42)", ("type-mismatch",)),
    Case("root invalid", "root = Header(null)", ("null-required", "missing-root")),
    Case(
        "unknown function (1.0)",
        'root = Card([t])\nt = TextContent(@Shout("x"))',
        ("unknown-function", "null-required"),
    ),
)
