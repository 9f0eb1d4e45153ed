"""Property tests: random valid trees, serialized in random styles and split into random chunkings, stream
with every yield rendering (a), end as a complete valid response (b), and keep their meaning exactly."""

from __future__ import annotations

import json
from typing import Any

from clientview import VALID, ClientView, check_stream
from hypothesis import given, settings
from hypothesis import strategies as st

from genui.ui import Catalog
from genui.ui.repair import StreamRepairer

CATALOG = Catalog.default()
VIEW = ClientView(CATALOG.validation_schema())

# Text the sanitizer leaves alone (no markup or link syntax), with quotes, ampersands and non-ASCII.
ALPHABET = st.sampled_from(list("abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789.,!?*_#'\"&%$/:;+-=éü中🙂"))
label = st.text(ALPHABET, min_size=1, max_size=24).map(str.strip).filter(bool)
markdown = st.text(st.one_of(ALPHABET, st.just("\n")), min_size=1, max_size=120).map(str.strip).filter(bool)
number = st.one_of(st.integers(-1000, 100_000), st.sampled_from([0.5, 1.25, -3.75, 99.9]))
tone = st.sampled_from(["neutral", "info", "success", "warning", "danger"])


def node(component: str, **props: Any) -> dict[str, Any]:
    return {"component": component, "props": props}


def optional(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=fields)


text_content = st.builds(
    lambda md, extra: node("TextContent", textMarkdown=md, **extra),
    markdown,
    optional(variant=st.sampled_from(["clear", "card", "sunk"])),
)
header = st.builds(lambda t, extra: node("Header", title=t, **extra), label, optional(subtitle=label))
callout = st.builds(lambda v, t, d: node("CalloutV2", variant=v, title=t, description=d), tone, label, label)
tags = st.builds(
    lambda items: node("TagBlock", children=items),
    st.lists(st.builds(lambda t, v: {"text": t, "variant": v}, label, tone), min_size=1, max_size=4),
)
follow = st.builds(
    lambda items: node("FollowUpBlock", followUpText=items), st.lists(label, min_size=1, max_size=3)
)
table = st.integers(1, 3).flatmap(
    lambda cols: st.builds(
        lambda heads, rows: node(
            "Table",
            tableHeader={"rows": [{"children": h, "type": "string"} for h in heads]},
            tableBody={"rows": [{"children": r} for r in rows]},
        ),
        st.lists(label, min_size=cols, max_size=cols),
        st.lists(st.lists(label, min_size=cols, max_size=cols), max_size=4),
    )
)
bar = st.integers(1, 4).flatmap(
    lambda n: st.builds(
        lambda labels, series, extra: node(
            "BarChartV2", chartData={"data": {"labels": labels, "series": series}}, **extra
        ),
        st.lists(label, min_size=n, max_size=n),
        st.lists(
            st.builds(
                lambda c, v: {"category": c, "values": v}, label, st.lists(number, min_size=n, max_size=n)
            ),
            min_size=1,
            max_size=3,
        ),
        optional(variant=st.sampled_from(["grouped", "stacked"]), xAxisLabel=label),
    )
)
pie = st.builds(
    lambda v, data: node("PieChartV2", variant=v, chartData={"data": data}),
    st.sampled_from(["pie", "donut"]),
    st.lists(st.builds(lambda c, x: {"category": c, "value": x}, label, number), min_size=1, max_size=4),
)
list_block = st.builds(
    lambda v, items: node("List", variant=v, items=items),
    st.sampled_from(["icon", "image", "number"]),
    st.lists(
        st.builds(lambda t, extra: {"title": t, **extra}, label, optional(subtitle=label)),
        min_size=1,
        max_size=3,
    ),
)
form = st.builds(
    lambda name, fields: node(
        "Form",
        name=name,
        children=[
            {"label": lab, "children": node("Input", name=f"field{i}", placeholder=ph)}
            for i, (lab, ph) in enumerate(fields)
        ],
    ),
    st.from_regex(r"[a-z]{1,10}", fullmatch=True),
    st.lists(st.tuples(label, label), min_size=1, max_size=3),
)
tabs = st.builds(
    lambda items: node(
        "Tabs",
        children=[
            {"value": f"tab{i}", "trigger": {"text": t}, "content": content}
            for i, (t, content) in enumerate(items)
        ],
    ),
    st.lists(
        st.tuples(label, st.lists(st.one_of(text_content, header), min_size=1, max_size=2)),
        min_size=1,
        max_size=3,
    ),
)
child = st.one_of(text_content, header, callout, tags, follow, table, bar, pie, list_block, form, tabs)
style = st.sampled_from(
    [
        {},
        {"indent": 2},
        {"separators": (",", ":")},
        {"ensure_ascii": False},
        {"indent": 1, "ensure_ascii": False},
    ]
)
shape = st.sampled_from(["envelope", "card", "fenced", "list"])


def serialize(children: list[dict[str, Any]], form: str, kwargs: dict[str, Any]) -> str:
    card = node("Card", children=children)
    if form == "card":
        return json.dumps(card, **kwargs)
    if form == "list":
        return json.dumps(children, **kwargs)
    text = json.dumps({"component": card, "error": None}, **kwargs)
    return f"Here it is:\n```json\n{text}\n```\nDone." if form == "fenced" else text


@settings(max_examples=60, deadline=None)
@given(
    children=st.lists(child, min_size=1, max_size=5),
    form=shape,
    kwargs=style,
    sizes=st.lists(st.integers(1, 50), min_size=1, max_size=30),
)
def test_random_trees_under_random_chunkings(
    children: list[dict[str, Any]], form: str, kwargs: dict[str, Any], sizes: list[int]
) -> None:
    src = serialize(children, form, kwargs)
    chunks, i, k = [], 0, 0
    while i < len(src):
        step = sizes[k % len(sizes)]
        chunks.append(src[i : i + step])
        i += step
        k += 1
    repairer = StreamRepairer(CATALOG)
    yields = [repairer.feed(c) for c in chunks]
    yields.append(repairer.finish())
    readings = check_stream(VIEW, yields)  # (a) at every yield
    assert readings[-1].status == VALID
    assert VIEW.final_tree(repairer.text) == node("Card", children=children)  # (b) and meaning kept


@settings(max_examples=60, deadline=None)
@given(children=st.lists(child, min_size=1, max_size=5), form=shape, kwargs=style)
def test_complete_equals_feed_then_finish(
    children: list[dict[str, Any]], form: str, kwargs: dict[str, Any]
) -> None:
    src = serialize(children, form, kwargs)
    streamed = StreamRepairer(CATALOG)
    expected = streamed.feed(src) + streamed.finish()
    whole = StreamRepairer(CATALOG)
    assert whole.complete(src) == expected
    assert whole.repairs == streamed.repairs
