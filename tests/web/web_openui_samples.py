"""OpenUI Lang (C1 v2) samples for the renderer tests: one program per component of the C1 v2 chat library,
each placing the component where the library accepts it, with a text its drawing must show."""

from __future__ import annotations

from genui.ui.c1 import write_content_v2


def program(*children: str, **statements: str) -> str:
    """`root = Card([children])` followed by `name = expr` statements (written in the given order)."""
    lines = [f"root = Card([{', '.join(children)}])"]
    lines += [f"{name} = {expr}" for name, expr in statements.items()]
    return "\n".join(lines) + "\n"


def c1v2(text: str) -> str:
    return write_content_v2(text)


_BUTTONS = 'ButtonGroup([Button("Send", {type: "continue_conversation"}, "primary")])'

# (component, program, a text its drawing shows)
V2_SAMPLES: list[tuple[str, str, str]] = [
    (
        "Card",
        'root = Card([t], [{title: "Docs", sourceName: "docs", url: "https://docs.example"}])\n'
        't = TextContent("Card body")\n',
        "Card body",
    ),
    ("TextContent", program("t", t='TextContent("Some **bold** words", "large")'), "<strong>bold</strong>"),
    (
        "Text",
        program(
            "b", b='CompositeCardBlock([CompositeCardItem("a", Text("text", "Plain text value", "sub"))])'
        ),
        "Plain text value",
    ),
    (
        "BoldText",
        program(
            "b",
            b='SnippetCardBlock([SnippetCardItem("a", IconText(Icon("star"), null, null, "Lhs"), '
            'BoldText("number", "42 units"))])',
        ),
        "42 units",
    ),
    ("Header", program("h", h='Header("Quarterly report", "FY2024")'), "Quarterly report"),
    (
        "InlineHeader",
        program("h", h='InlineHeader("Section heading", "Short description")'),
        "Section heading",
    ),
    ("CalloutV2", program("c", c='CalloutV2("warning", "Heads up", "Check the **numbers**")'), "Heads up"),
    ("Image", program("i", i='Image("A quiet lake", "https://img.example/lake.png")'), "A quiet lake"),
    ("ImageBlock", program("i", i='ImageBlock("https://img.example/b.png", "Block image")'), "Block image"),
    (
        "ImageGallery",
        program("g", g='ImageGallery(["First photo", "Second photo"], ["https://img.example/1.png"])'),
        "Second photo",
    ),
    ("Tag", program("b", b='TagBlock([Tag("Urgent tag", "danger", Icon("alert-triangle"))])'), "Urgent tag"),
    ("TagBlock", program("b", b='TagBlock([Tag("Alpha"), Tag("Beta tag", "info")])'), "Beta tag"),
    (
        "ListItem",
        program("l", l='List([ListItem("Item title", "Item subtitle", Icon("check"))], "icon")'),
        "Item subtitle",
    ),
    (
        "List",
        program("l", l='List([ListItem("One"), ListItem("Two")], "number", "Numbered list", "Two things")'),
        "Numbered list",
    ),
    ("StepsItem", program("s", s='Steps([StepsItem("Step one", "Do **this**")])'), "Step one"),
    ("Steps", program("s", s='Steps([StepsItem("A"), StepsItem("B")], "How to", "Two steps")'), "How to"),
    (
        "AccordionItem",
        program("a", a='Accordion([AccordionItem("q1", "Question one", [TextContent("Answer one")])])'),
        "Answer one",
    ),
    (
        "Accordion",
        program("a", a='Accordion([AccordionItem("q1", "First", [])], "FAQ heading")'),
        "FAQ heading",
    ),
    (
        "TabItem",
        program(
            "t",
            t='Tabs([TabItem("one", "Overview", [TextContent("Tab one body")]), '
            'TabItem("two", "Details", [TextContent("Tab two body")])])',
        ),
        "Tab two body",
    ),
    ("Tabs", program("t", t='Tabs([TabItem("one", "Only tab", [])], "Tabbed heading")'), "Only tab"),
    ("Col", program("t", t='Table([Col("Region"), Col("Sales", "number")], [["North", 120]])'), "Region"),
    (
        "Table",
        program(
            "t", t='Table([Col("Name"), Col("Qty", "number")], [["Apples", 3], ["Pears", {text: "Five"}]])'
        ),
        "Five",
    ),
    (
        "EditableTable",
        program(
            "t",
            t='EditableTable("stock", [{type: "text", key: "item", header: "Item"}, '
            '{type: "number", key: "qty", header: "Quantity"}], [{id: "r1", values: ["Bolts", 4]}])',
        ),
        "Quantity",
    ),
    (
        "BarChart",
        program(
            "c",
            c='BarChart(["Q1", "Q2"], [{category: "Revenue", values: [120, 150]}], null, "stacked", '
            '"Bar heading", null, "Quarter", "USD")',
        ),
        "Revenue: Q1 120, Q2 150",
    ),
    (
        "HorizontalBarChart",
        program("c", c='HorizontalBarChart(["A", "B"], [{category: "Votes", values: [3, 5]}], "Poll")'),
        "Votes: A 3, B 5",
    ),
    (
        "LineChart",
        program("c", c='LineChart(["Jan", "Feb"], [{category: "Users", values: [10, 12]}], null, "natural")'),
        "Users: Jan 10, Feb 12",
    ),
    (
        "AreaChart",
        program("c", c='AreaChart(["Jan", "Feb"], [{category: "Load", values: [1, 4]}])'),
        "Load: Jan 1, Feb 4",
    ),
    (
        "RadarChart",
        program("c", c='RadarChart(["Speed", "Range", "Cost"], [{category: "Model X", values: [3, 4, 2]}])'),
        "Model X",
    ),
    (
        "PieChart",
        program("c", c='PieChart([{category: "Rent", value: 1}, {category: "Food", value: 3}], "donut")'),
        "Food: 3 (75%)",
    ),
    (
        "RadialChart",
        program("c", c='RadialChart([{category: "Done", value: 70}, {category: "Left", value: 30}])'),
        "Done",
    ),
    (
        "SegmentedBar",
        program(
            "c", c='SegmentedBar([{category: "Used", value: 60}, {category: "Free", value: 40}], "Disk")'
        ),
        "Used",
    ),
    (
        "ScatterChart",
        program("c", c='ScatterChart([{name: "Cities", points: [{x: 1, y: 2}, {x: 3, y: 4, z: 2}]}])'),
        "Cities",
    ),
    (
        "Form",
        program("f", f=f'Form("contact", {_BUTTONS}, [FormControl("Your name", Input("name"))])'),
        'data-gu-form="contact"',
    ),
    (
        "FormControl",
        program("f", f=f'Form("f", {_BUTTONS}, [FormControl("Email", Input("email"), "We never share it")])'),
        "We never share it",
    ),
    (
        "Input",
        program(
            "f",
            f=f'Form("f", {_BUTTONS}, [FormControl("Name", Input("name", {{required: true, '
            'minLength: 2}, "Jane Doe", "text"))])',
        ),
        'placeholder="Jane Doe"',
    ),
    (
        "TextArea",
        program(
            "f", f=f'Form("f", {_BUTTONS}, [FormControl("About", TextArea("about", null, "Tell us", 4))])'
        ),
        'placeholder="Tell us"',
    ),
    (
        "Select",
        program(
            "f",
            f=f'Form("f", {_BUTTONS}, [FormControl("Topic", Select("topic", [SelectItem("sales", '
            '"Sales team"), SelectItem("support", "Support desk")]))])',
        ),
        "Support desk",
    ),
    (
        "SelectItem",
        program(
            "f",
            f=f'Form("f", {_BUTTONS}, [FormControl("Pick", Select("p", [SelectItem("a", "Option A")], '
            'null, null, "a"))])',
        ),
        'value="a" selected',
    ),
    (
        "Chips",
        program(
            "f",
            f=f'Form("f", {_BUTTONS}, [FormControl("Tags", Chips("tags", "multiple", '
            '[ChipItem("red", "Red chip"), ChipItem("blue", "Blue chip")], null, ["blue"]))])',
        ),
        "Blue chip",
    ),
    (
        "ChipItem",
        program(
            "f",
            f=f'Form("f", {_BUTTONS}, [FormControl("One", Chips("one", "single", '
            '[ChipItem("x", "Chip X", Icon("star"))]))])',
        ),
        "Chip X",
    ),
    (
        "OptionCards",
        program(
            "f",
            f=f'Form("f", {_BUTTONS}, [FormControl("Plan", OptionCards("plan", "single", '
            '[OptionCard("basic", "Basic plan", "For one"), OptionCard("pro", "Pro plan")], null, '
            '"pro"))])',
        ),
        "Pro plan",
    ),
    (
        "OptionCard",
        program(
            "f",
            f=f'Form("f", {_BUTTONS}, [FormControl("Size", OptionCards("size", "multiple", '
            '[OptionCard("l", "Large size", "Roomy", Icon("plus"))]))])',
        ),
        "Roomy",
    ),
    (
        "CheckBoxGroup",
        program(
            "f",
            f=f'Form("f", {_BUTTONS}, [FormControl("Extras", CheckBoxGroup("extras", '
            '[CheckBoxItem("news", "Newsletter", "Monthly", true)]))])',
        ),
        "Newsletter",
    ),
    (
        "CheckBoxItem",
        program(
            "f",
            f=f'Form("f", {_BUTTONS}, [FormControl("X", CheckBoxGroup("x", [CheckBoxItem("call", '
            '"Call me back")]))])',
        ),
        "Call me back",
    ),
    (
        "RadioGroup",
        program(
            "f",
            f=f'Form("f", {_BUTTONS}, [FormControl("Plan", RadioGroup("plan", [RadioItem("basic", '
            '"Basic"), RadioItem("plus", "Plus radio")], null, "plus"))])',
        ),
        "Plus radio",
    ),
    (
        "RadioItem",
        program(
            "f",
            f=f'Form("f", {_BUTTONS}, [FormControl("R", RadioGroup("r", [RadioItem("v", "Radio label", '
            '"radio description")]))])',
        ),
        "radio description",
    ),
    (
        "SwitchGroup",
        program(
            "f",
            f=f'Form("f", {_BUTTONS}, [FormControl("Alerts", SwitchGroup("alerts", '
            '[SwitchItem("email", "Email alerts")]))])',
        ),
        'role="switch"',
    ),
    (
        "SwitchItem",
        program(
            "f",
            f=f'Form("f", {_BUTTONS}, [FormControl("S", SwitchGroup("s", [SwitchItem("sms", '
            '"Text messages", null, true)]))])',
        ),
        "Text messages",
    ),
    (
        "DatePicker",
        program(
            "f",
            f=f'Form("f", {_BUTTONS}, [FormControl("Start", DatePicker("start", "single", null, '
            '"2025-03-04"))])',
        ),
        'value="2025-03-04"',
    ),
    (
        "Slider",
        program(
            "f",
            f=f'Form("f", {_BUTTONS}, [FormControl("Budget", Slider("budget", "Budget", "discrete", '
            "0, 200, 50, null, 10))])",
        ),
        'max="200"',
    ),
    (
        "Button",
        program("b", b='ButtonGroup([Button("Open docs", {type: "open_url", url: "https://docs.example"})])'),
        'href="https://docs.example"',
    ),
    (
        "ButtonGroup",
        program("b", b='ButtonGroup([Button("Yes"), Button("No", null, "secondary")], "column")'),
        "gu-vertical",
    ),
    ("FollowUpBlock", program("f", f='FollowUpBlock(["Compare with FY2023", "Show costs"])'), "Show costs"),
    ("Icon", program("b", b='TagBlock([Tag("Starred", "info", Icon("star", "general"))])'), "★"),
    (
        "IconButton",
        program("b", b='IconButton("Settings button", Icon("settings"), {type: "continue_conversation"})'),
        'aria-label="Settings button"',
    ),
    (
        "IconText",
        program(
            "b",
            b='OverviewCardBlock([OverviewCardItem("a", IconText(Icon("user"), "info", "m", '
            '"Icon title", "Icon subtitle"))])',
        ),
        "Icon subtitle",
    ),
    (
        "ImageText",
        program(
            "b",
            b='SnippetCardBlock([SnippetCardItem("a", ImageText("https://img.example/a.png", "avatar", '
            '"Image title", "Image subtitle"))])',
        ),
        "Image subtitle",
    ),
    (
        "ImageTextLarge",
        program(
            "b",
            b='CompositeCardBlock([CompositeCardItem("a", ImageTextLarge("https://img.example/h.png", '
            '"hotel", "Large title"))])',
        ),
        "Large title",
    ),
    (
        "EntityList",
        program(
            "e",
            e='EntityList([{left: "Price", right: "12", rightVariant: "number"}], "small", '
            '{left: "Field", right: "Value"}, {left: "Total", right: "12"})',
        ),
        "Total",
    ),
    (
        "MetricIndicatorWithStrikethrough",
        program(
            "b",
            b='CompositeCardBlock([CompositeCardItem("a", Text("text", "Room"), [], {price: '
            'MetricIndicatorWithStrikethrough("$90", "per night", "$120", {direction: "down", '
            "value: 25})})])",
        ),
        "$120",
    ),
    (
        "MetricIndicatorInline",
        program(
            "b",
            b='OverviewCardBlock([OverviewCardItem("a", Text("text", "Sessions"), '
            'MetricIndicatorInline("1,204", "this week", {direction: "up", value: 12}))])',
        ),
        "1,204",
    ),
    (
        "SectionBlockItem",
        program(
            "s", s='SectionBlock([SectionBlockItem("a", "Section trigger", [TextContent("Section body")])])'
        ),
        "Section body",
    ),
    (
        "SectionBlock",
        program("s", s='SectionBlock([SectionBlockItem("a", "Fixed section", [])], false)'),
        "Fixed section",
    ),
    (
        "ContextCardItem",
        program(
            "b",
            b='ContextCardBlock([ContextCardItem("c1", "Context title", "Context body"), '
            'ContextCardItem("c2", Tag("Tagged title", "success"))])',
        ),
        "Tagged title",
    ),
    (
        "ContextCardBlock",
        program(
            "b",
            b='ContextCardBlock([ContextCardItem("c1", "Paris"), ContextCardItem("c2", "Rome")], '
            '"carousel", null, {type: "continue_conversation"})',
        ),
        'data-gu-label="Rome"',
    ),
    (
        "CompositeCardItem",
        program(
            "b",
            b='CompositeCardBlock([CompositeCardItem("h1", IconText(Icon("home"), null, null, '
            '"Hotel Roma"), [Text("text", "Near the station")], {price: BoldText("number", "$99"), '
            'button: Button("Book now", {type: "book", params: {hotel: "h1"}})})])',
        ),
        "Book now",
    ),
    (
        "CompositeCardBlock",
        program(
            "b",
            b='CompositeCardBlock([CompositeCardItem("x", Text("text", "Composite one")), '
            'CompositeCardItem("y", Text("text", "Composite two"))], "grid")',
        ),
        "Composite two",
    ),
    (
        "OverviewCardItem",
        program("b", b='OverviewCardBlock([OverviewCardItem("o", Text("text", "Overview top"))])'),
        "Overview top",
    ),
    (
        "OverviewCardBlock",
        program(
            "b",
            b='OverviewCardBlock([OverviewCardItem("o1", Text("text", "Top one")), '
            'OverviewCardItem("o2", Text("text", "Top two"))])',
        ),
        "Top two",
    ),
    (
        "SnippetCardItem",
        program(
            "b",
            b='SnippetCardBlock([SnippetCardItem("s", IconText(Icon("book"), null, null, "Snippet lhs"), '
            'Text("text", "Snippet rhs"))])',
        ),
        "Snippet rhs",
    ),
    (
        "SnippetCardBlock",
        program(
            "b",
            b='SnippetCardBlock([SnippetCardItem("s1", IconText(Icon("book"), null, null, "First")), '
            'SnippetCardItem("s2", IconText(Icon("book"), null, null, "Second snippet"))])',
        ),
        "Second snippet",
    ),
    (
        "VisualCardItem",
        program(
            "b",
            b='VisualCardBlock([VisualCardItem(BoldText("text", "Visual body"), "v", '
            '"https://img.example/v.png", Tag("New"), "visual alt")])',
        ),
        "Visual body",
    ),
    (
        "VisualCardBlock",
        program(
            "b",
            b='VisualCardBlock([VisualCardItem(BoldText("text", "Card A")), '
            'VisualCardItem(BoldText("text", "Card B"))], "grid")',
        ),
        "Card B",
    ),
]

# A realistic answer: most of the library at once, statements written root first, as genui writes them.
RICH_PROGRAM = program(
    "h", "t", "c", "tb", "tabs", "f", "cards", "fu",
    h='Header("Trip to Rome", "Three days, two people")',
    t='TextContent("Rome is **warm** in May; book the Colosseum early.")',
    c='BarChart(["Day 1", "Day 2", "Day 3"], [{category: "Walking (km)", values: [8, 12, 6]}], null, null, '
      '"Daily walking")',
    tb='Table([Col("Sight"), Col("Hours", "number")], [["Colosseum", 3], ["Vatican Museums", 4]])',
    tabs='Tabs([TabItem("food", "Food", [TextContent("Try cacio e pepe.")]), TabItem("stay", "Stay", '
         '[List([ListItem("Hotel Roma", "Near Termini")])])])',
    f='Form("trip", ButtonGroup([Button("Plan it", {type: "continue_conversation"}, "primary")]), '
      '[FormControl("Travellers", Input("people", {required: true}, "2", "number")), FormControl("Pace", '
      'RadioGroup("pace", [RadioItem("slow", "Slow"), RadioItem("fast", "Fast")], null, "slow"))])',
    cards='ContextCardBlock([ContextCardItem("a", "Trastevere", "Evening walk"), ContextCardItem("b", '
          '"Monti", "Coffee stop")], "grid", null, {type: "continue_conversation"})',
    fu='FollowUpBlock(["Add a fourth day", "Find restaurants"])',
)  # fmt: skip
RICH_TEXTS = ("Trip to Rome", "warm", "Daily walking", "Vatican Museums", "Try cacio e pepe.", "Travellers",
              "Trastevere", "Find restaurants")  # fmt: skip
