"""Hypothesis strategies for C1 v2 trees (the chat library), shared by the fast tests and the judge tests.

`safe_trees()`: any valid chat-library tree whose text the repairer keeps as it is (no HTML, no control
characters, safe URLs), so a stream of it must end in exactly the same tree. `mappable_trees()`: trees made
only of what maps to C1 v1 and back without loss (openui-lang.md §5): the round-trip subset.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent / "openui"))

from hypothesis import strategies as st
from openui_strategies import trees

from genui.ui import openui
from genui.ui.openui.repair import is_url_prop
from genui.ui.v2_library import library_for

LIBRARY = library_for(None)  # the chat library as answers use it (opt-in EditableTable left out)
_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;!?-_'\"\\/()*é中🙂"
TEXT = st.text(alphabet=_ALPHABET, min_size=1, max_size=12).map(lambda s: s.strip() or "x")
NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
URL = st.sampled_from(["https://example.com/a.png", "https://example.org/x?y=1", "/relative/path"])


def _safe(value: Any, key: str | None = None) -> Any:
    """A tree value with its strings made safe (what the repairer keeps unchanged)."""
    if isinstance(value, str):
        if is_url_prop(key):
            return "https://example.com/i.png"
        kept = "".join(ch for ch in value if ch in _ALPHABET).strip()
        return kept or "x"
    if isinstance(value, list):
        return [_safe(item, key) for item in value]
    if isinstance(value, Mapping):
        if isinstance(value.get("component"), str) and isinstance(value.get("props"), Mapping):
            return {
                "component": value["component"],
                "props": {k: _safe(v, k) for k, v in value["props"].items()},
            }
        return {k: _safe(v, k) for k, v in value.items()}
    return value


def canonical(tree: Any) -> Any:
    """The tree as the library reads it back (defaults filled), the form a stream must end in."""
    result = openui.validate(openui.write(tree, LIBRARY), LIBRARY)
    assert result.valid, result.errors
    return result.root


def safe_trees(max_depth: int = 4, max_items: int = 3) -> st.SearchStrategy[Any]:
    """(An answer has at least one child: an empty one is answered with a note instead.)"""
    tree = trees(LIBRARY, max_depth=max_depth, max_items=max_items).map(_safe).map(canonical)
    return tree.filter(lambda t: bool(t["props"].get("children")))


# ---- the mappable subset ------------------------------------------------------------------------------


def node(component: str, **props: Any) -> dict[str, Any]:
    return {"component": component, "props": {k: v for k, v in props.items() if v is not None}}


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def items(strategy: st.SearchStrategy[Any], low: int = 1, high: int = 3) -> st.SearchStrategy[list[Any]]:
    return st.lists(strategy, min_size=low, max_size=high)


ICON = st.builds(lambda n, c: node("Icon", name=n, category=c), NAMES, maybe(NAMES))
TONE = st.sampled_from(["neutral", "info", "success", "warning", "danger"])
UNIT = maybe(st.sampled_from(["k", "m", "b", "t"]))
NUMBER = st.integers(-1000, 1000)
SERIES = items(st.builds(lambda c, v: {"category": c, "values": v}, TEXT, items(NUMBER, 0, 4)))
SLICES = items(st.builds(lambda c, v: {"category": c, "value": v}, TEXT, NUMBER))


@st.composite
def headed(draw: Any) -> dict[str, Any]:
    """heading and description (a description only with a heading: v1 keeps them in an InlineHeader)."""
    heading = draw(maybe(TEXT))
    return {"heading": heading, "description": draw(maybe(TEXT)) if heading else None}


def chart_2d(component: str) -> st.SearchStrategy[dict[str, Any]]:
    @st.composite
    def build(draw: Any) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if component in ("BarChart", "LineChart", "AreaChart"):
            variants = ["grouped", "stacked"] if component == "BarChart" else ["linear", "natural"]
            extra["variant"] = draw(maybe(st.sampled_from(variants)))
        if component != "RadarChart":
            extra["xLabel"] = draw(maybe(TEXT))
            extra["yLabel"] = draw(maybe(TEXT))
        labels = draw(items(TEXT, 0, 4))
        return node(component, labels=labels, series=draw(SERIES), unit=draw(UNIT), **draw(headed()), **extra)

    return build()


def chart_1d(component: str) -> st.SearchStrategy[dict[str, Any]]:
    @st.composite
    def build(draw: Any) -> dict[str, Any]:
        extra = {"variant": draw(maybe(st.sampled_from(["pie", "donut"])))} if component == "PieChart" else {}
        return node(component, slices=draw(SLICES), unit=draw(UNIT), **draw(headed()), **extra)

    return build()


RULES = maybe(
    st.fixed_dictionaries(
        {}, optional={"required": st.booleans(), "minLength": st.integers(0, 9), "max": st.integers(0, 99)}
    ).filter(bool)
)
ACTION = maybe(
    st.one_of(
        st.just({"type": "continue_conversation"}),
        st.builds(
            lambda u: {"type": "open_url", "url": u}, st.sampled_from(["https://example.com", "/docs"])
        ),
    )
)
BUTTON = st.builds(
    lambda label, action, variant: node("Button", label=label, action=action, variant=variant),
    TEXT,
    ACTION,
    maybe(st.sampled_from(["primary", "secondary", "tertiary"])),
)
BUTTONS = st.builds(
    lambda b, d: node("ButtonGroup", buttons=b, direction=d),
    items(BUTTON),
    maybe(st.sampled_from(["row", "column"])),
)
INPUT = st.one_of(
    st.builds(
        lambda n, r, p, t: node("Input", name=n, rules=r, placeholder=p, type=t),
        NAMES,
        RULES,
        maybe(TEXT),
        maybe(st.sampled_from(["text", "email", "number"])),
    ),
    st.builds(
        lambda n, p, r: node("TextArea", name=n, placeholder=p, rows=r),
        NAMES,
        maybe(TEXT),
        maybe(st.integers(1, 9)),
    ),
    st.builds(
        lambda n, i, d: node("Select", name=n, items=i, defaultValue=d),
        NAMES,
        items(st.builds(lambda v, lab: node("SelectItem", value=v, label=lab), NAMES, TEXT)),
        maybe(NAMES),
    ),
    st.builds(
        lambda n, i: node("CheckBoxGroup", name=n, items=i),
        NAMES,
        items(
            st.builds(
                lambda n, lab, c: node("CheckBoxItem", name=n, label=lab, defaultChecked=c),
                NAMES,
                TEXT,
                maybe(st.booleans()),
            )
        ),
    ),
    st.builds(
        lambda n, i: node("SwitchGroup", name=n, items=i),
        NAMES,
        items(st.builds(lambda n, lab: node("SwitchItem", name=n, label=lab), NAMES, TEXT)),
    ),
    st.builds(
        lambda n, i, d: node("RadioGroup", name=n, items=i, defaultValue=d),
        NAMES,
        items(
            st.builds(
                lambda v, lab, d: node("RadioItem", value=v, label=lab, description=d),
                NAMES,
                TEXT,
                maybe(TEXT),
            )
        ),
        maybe(NAMES),
    ),
    st.builds(
        lambda n, t, i: node("OptionCards", name=n, type=t, items=i),
        NAMES,
        st.sampled_from(["single", "multiple"]),
        items(
            st.builds(
                lambda v, t, i: node("OptionCard", value=v, title=t, topContent=i),
                NAMES,
                TEXT,
                maybe(st.builds(lambda n: node("Icon", name=n), NAMES)),
            )
        ),
    ),
    st.builds(
        lambda n, m, d: node("DatePicker", name=n, mode=m, defaultDate=d),
        NAMES,
        st.sampled_from(["single", "range"]),
        maybe(st.just("2026-04-01")),
    ),
    st.builds(
        lambda n, v, lo, s: node("Slider", name=n, variant=v, min=lo, max=lo + 10, defaultValue=[lo], step=s),
        NAMES,
        st.sampled_from(["continuous", "discrete"]),
        st.integers(0, 50),
        maybe(st.integers(1, 5)),
    ),
)
FORM = st.builds(
    lambda n, b, f: node("Form", name=n, buttons=b, fields=f),
    NAMES,
    BUTTONS,
    items(
        st.builds(
            lambda lab, i, h: node("FormControl", label=lab, input=i, hint=h), TEXT, INPUT, maybe(TEXT)
        ),
        1,
        3,
    ),
)
LEAVES: list[st.SearchStrategy[Any]] = [
    st.builds(lambda t, s: node("TextContent", text=t), TEXT, st.none()),
    st.builds(lambda h, d: node("InlineHeader", heading=h, description=d), TEXT, maybe(TEXT)),
    st.builds(lambda v, t, d: node("CalloutV2", variant=v, title=t, description=d), TONE, TEXT, TEXT),
    st.builds(lambda a, s: node("Image", alt=a, src=s), TEXT, maybe(URL)),
    st.builds(lambda a: node("ImageGallery", imagesAlt=a), items(TEXT)),
    st.builds(
        lambda t: node("TagBlock", children=t),
        items(st.builds(lambda t, v, i: node("Tag", text=t, variant=v, icon=i), TEXT, TONE, maybe(ICON))),
    ),
    st.builds(
        lambda i, v, h: node("List", items=i, variant=v, **h),
        items(
            st.builds(
                lambda t, s, i: node("ListItem", title=t, subtitle=s, icon=i), TEXT, maybe(TEXT), maybe(ICON)
            )
        ),
        st.sampled_from(["icon", "image", "number"]),
        headed(),
    ),
    st.builds(
        lambda c, h: node("Steps", children=c, **h),
        items(st.builds(lambda t, d: node("StepsItem", title=t, details=d), TEXT, TEXT)),
        headed(),
    ),
    st.builds(
        lambda c, r: node("Table", columns=c, rows=r),
        items(
            st.builds(
                lambda lab, t: node("Col", label=lab, type=t), TEXT, st.sampled_from(["string", "number"])
            )
        ),
        items(items(TEXT, 1, 3), 0, 3),
    ),
    chart_2d("BarChart"),
    chart_2d("HorizontalBarChart"),
    chart_2d("LineChart"),
    chart_2d("AreaChart"),
    chart_2d("RadarChart"),
    chart_1d("PieChart"),
    chart_1d("RadialChart"),
    chart_1d("SegmentedBar"),
    st.builds(
        lambda d, h: node("ScatterChart", datasets=d, **h),
        items(
            st.builds(
                lambda n, p: {"name": n, "points": p},
                TEXT,
                items(st.builds(lambda x, y: {"x": x, "y": y}, NUMBER, NUMBER), 0, 3),
            )
        ),
        headed(),
    ),
    FORM,
    BUTTONS,
]
ITEM_CHILD = st.one_of(*LEAVES)


def _tabs(component: str, item: str) -> st.SearchStrategy[dict[str, Any]]:
    tab = st.builds(
        lambda v, t, c, i: node(item, value=v, triggerText=t, children=c, triggerIcon=i),
        NAMES,
        TEXT,
        items(ITEM_CHILD, 0, 3),
        maybe(ICON),
    )
    return st.builds(lambda c, h: node(component, children=c, **h), items(tab), headed())


SECTIONS = st.builds(
    lambda i, f: node("SectionBlock", items=i, isFoldable=f),
    items(
        st.builds(
            lambda v, t, c: node("SectionBlockItem", value=v, trigger=t, content=c),
            NAMES,
            TEXT,
            items(st.one_of(ITEM_CHILD, _tabs("Tabs", "TabItem")), 0, 2),
        )
    ),
    maybe(st.booleans()),
)
CARD_CHILD = st.one_of(
    ITEM_CHILD,
    st.builds(lambda t, s: node("Header", title=t, subtitle=s), TEXT, maybe(TEXT)),
    _tabs("Tabs", "TabItem"),
    _tabs("Accordion", "AccordionItem"),
    SECTIONS,
)


def mappable_trees(max_children: int = 5) -> st.SearchStrategy[Any]:
    """Chat-library trees in the subset that maps to v1 and back unchanged (canonical form)."""
    return st.builds(lambda c: node("Card", children=c), items(CARD_CHILD, 1, max_children)).map(canonical)
