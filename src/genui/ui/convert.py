"""Convert between the two C1 component libraries through the format-neutral tree (openui-lang.md §5).

Both formats grow the same kind of tree, `{"component": Name, "props": {...}}` node dicts: v1 nodes follow the
C1 v1 catalog (catalog.py), v2 nodes the C1 v2 chat library (OpenUI's `chatLibrary`, positional params named).
`V1ToV2` and `V2ToV1` map one node into 0..n nodes of the other library: map when the mapping is unambiguous,
degrade the components one side lacks to the closest one (v1 Layout and CarouselV2 are flattened into their
parent, MiniCardBlock becomes an OverviewCardBlock, v2 EntityList a two-column Table, Text a TextContent...),
else drop; never invent data. The one structural default: a v1 Form without buttons gets, in v2 (which
requires them), a ButtonGroup with one "Submit" button that continues the conversation.

Containers are also described by their growing list (`slot`) so a streaming writer can open a container in
the other format and convert its children one by one (`open`, `item`): that is what `ConvertingWriter`
(convert_writer.py) uses. A converted node is not yet checked against its library: callers validate.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any

Node = dict[str, Any]
Slot = tuple[str, ...]  # where a container's growing list sits inside the node (or item) dict

FLATTEN = "flatten"  # an opened container that has no counterpart: its items go to its parent
_SLUG = re.compile(r"[^a-z0-9]+")

# v2 slots that take only some components (the rest of the library's blocks are not accepted there).
_ITEM_CHILDREN = frozenset(
    {
        "TextContent",
        "InlineHeader",
        "Image",
        "ImageGallery",
        "CalloutV2",
        "TagBlock",
        "ButtonGroup",
        "Table",
        "List",
        "EntityList",
        "Steps",
        "Form",
        "ContextCardBlock",
        "CompositeCardBlock",
        "OverviewCardBlock",
        "SnippetCardBlock",
        "VisualCardBlock",
        "BarChart",
        "HorizontalBarChart",
        "LineChart",
        "AreaChart",
        "RadarChart",
        "PieChart",
        "RadialChart",
        "SegmentedBar",
        "ScatterChart",
    }
)
V2_ACCEPTS: dict[str, frozenset[str]] = {
    "Card": _ITEM_CHILDREN | {"Tabs", "Accordion", "Header", "SectionBlock", "FollowUpBlock"},
    "TabItem": _ITEM_CHILDREN,
    "AccordionItem": _ITEM_CHILDREN,
    "SectionBlockItem": _ITEM_CHILDREN | {"Accordion", "Tabs"},
}
_V2_CHARTS_2D = {"BarChartV2": "BarChart", "LineChartV2": "LineChart", "AreaChartV2": "AreaChart"}
_V1_CHARTS_2D = {"BarChart": "BarChartV2", "LineChart": "LineChartV2", "AreaChart": "AreaChartV2"}
_V2_CHARTS_1D = {"RadialChartV2": "RadialChart", "SingleStackedBarChart": "SegmentedBar"}
_V1_CHARTS_1D = {"RadialChart": "RadialChartV2", "SegmentedBar": "SingleStackedBarChart"}
_V2_INPUT_TYPES = frozenset({"text", "email", "password", "number", "url"})
_V1_RULES = ("required", "minLength", "maxLength", "min", "max")
_V1_SIZES = frozenset({"small", "medium", "large"})
SUBMIT_BUTTONS: Node = {
    "component": "ButtonGroup",
    "props": {
        "buttons": [
            {
                "component": "Button",
                "props": {
                    "label": "Submit",
                    "action": {"type": "continue_conversation"},
                    "variant": "primary",
                },
            }
        ]
    },
}


def node(component: str, **props: Any) -> Node:
    """A node dict; props that are None are left out (absent, not null)."""
    return {"component": component, "props": {k: v for k, v in props.items() if v is not None}}


def _props(value: Any) -> dict[str, Any]:
    props = value.get("props") if isinstance(value, dict) else None
    return props if isinstance(props, dict) else {}


def _name(value: Any) -> str | None:
    name = value.get("component") if isinstance(value, dict) else None
    return name if isinstance(name, str) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _slug(text: str) -> str:
    return _SLUG.sub("_", text.lower()).strip("_")[:60] or "item"


def number_text(value: int | float) -> str:
    """A number as JavaScript writes it (what a v2 client shows for a number cell)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _heading(header: Any) -> tuple[str | None, str | None]:
    """v1 InlineHeader node -> (heading, description)."""
    props = _props(header)
    return _text(props.get("heading")), _text(props.get("description"))


def _inline_header(heading: Any, description: Any) -> Node | None:
    if not isinstance(heading, str):
        return None
    return node("InlineHeader", heading=heading, description=_text(description))


def _some(value: Node | None) -> list[Node]:
    return [] if value is None else [value]


def _icon(name: Any, category: Any = None) -> Node | None:
    return node("Icon", name=name, category=_text(category)) if isinstance(name, str) else None


# Components both libraries shape alike: their props, v1 name -> v2 name (a prop of neither is dropped); a
# prop holding nodes converts them one by one. Each direction adjusts what differs in detail (`adjust`).
_SAME = {"name": "name", "rules": "rules"}
_CHECK_ITEM = {
    "name": "name",
    "label": "label",
    "description": "description",
    "defaultChecked": "defaultChecked",
}
SHARED_SHAPES: dict[str, dict[str, str]] = {
    "Header": {"title": "title", "subtitle": "subtitle"},
    "InlineHeader": {"heading": "heading", "description": "description"},
    "CalloutV2": {"variant": "variant", "title": "title", "description": "description"},
    "Image": {"alt": "alt", "src": "src"},
    "ImageGallery": {"imagesAlt": "imagesAlt", "imagesSrc": "imagesSrc"},
    "Icon": {"name": "name", "category": "category"},
    "FollowUpBlock": {"followUpText": "followUpText"},
    "Input": {**_SAME, "placeholder": "placeholder", "type": "type", "defaultValue": "defaultValue"},
    "TextArea": {**_SAME, "placeholder": "placeholder", "rows": "rows", "defaultValue": "defaultValue"},
    "Select": {**_SAME, "placeholder": "placeholder", "defaultValue": "defaultValue", "children": "items"},
    "SelectItem": {"value": "value", "children": "label"},
    "CheckBoxGroup": {**_SAME, "children": "items"},
    "SwitchGroup": {**_SAME, "children": "items"},
    "CheckBoxItem": _CHECK_ITEM,
    "SwitchItem": _CHECK_ITEM,
    "RadioGroup": {**_SAME, "defaultValue": "defaultValue", "children": "items"},
    "RadioItem": {"value": "value", "label": "label", "description": "description"},
}


class _Converter:
    """One direction: node converters by component name, container descriptions for streaming."""

    nodes: dict[str, Callable[[dict[str, Any]], list[Node]]]
    to_v2: bool

    def shaped(self, name: str, props: dict[str, Any]) -> list[Node]:
        """A component of SHARED_SHAPES: its props renamed, its nodes converted, then adjusted."""
        shape = SHARED_SHAPES[name]
        renames = shape if self.to_v2 else {v2: v1 for v1, v2 in shape.items()}
        out: dict[str, Any] = {}
        for source, target in renames.items():
            value = props.get(source)
            if isinstance(value, list) and any(_name(v) for v in value):
                value = self.many(value)
            if value is not None:
                out[target] = value
        adjusted = self.adjust(node(name, **out))
        return [adjusted] if adjusted is not None else []

    def adjust(self, converted: Node) -> Node | None:
        """What differs in detail for one direction (a v2 enum, v1 rules...); None drops the node."""
        return converted

    def convert(self, value: Any) -> list[Node]:
        """One node of the source library -> 0..n nodes of the target library."""
        name = _name(value)
        if name is None:
            return []
        make = self.nodes.get(name)
        if make is None:
            return self.passthrough(name, _props(value))
        return make(_props(value))

    def passthrough(self, name: str, props: dict[str, Any]) -> list[Node]:
        """A component both libraries share by name (custom components): props as they are."""
        return [node(name, **props)] if name in self.shared else []

    shared: frozenset[str] = frozenset()

    def many(self, values: Iterable[Any]) -> list[Node]:
        return [out for value in values for out in self.convert(value)]


# ---- v1 -> v2 ----------------------------------------------------------------------------------------------


class V1ToV2(_Converter):
    """C1 v1 catalog nodes -> C1 v2 chat-library nodes."""

    to_v2 = True

    def __init__(self, shared: Iterable[str] = ()) -> None:
        self.shared = frozenset(shared)
        self.nodes = {
            **{name: functools.partial(self.shaped, name) for name in SHARED_SHAPES},
            "TextContent": self._text_content,
            "TagBlock": lambda p: [
                node("TagBlock", children=[self._tag(t) for t in _list(p.get("children"))])
            ],
            "List": lambda p: [self._filled("List", p, "items")],
            "Steps": lambda p: [self._filled("Steps", p, "children")],
            "Tabs": lambda p: [self._filled("Tabs", p, "children")],
            "Accordion": lambda p: [self._filled("Accordion", p, "children")],
            "SectionBlock": lambda p: [self._filled("SectionBlock", p, "sections")],
            "Layout": lambda p: [
                n
                for row in _list(_props({"props": p.get("children")}).get("rows"))
                for n in self.item("Layout", row)
            ],
            "CarouselV2": self._carousel,
            "MiniCardBlock": self._mini_cards,
            "Table": lambda p: [self._table(p)],
            "EditableTable": self._editable_table,
            "BarChartV2": lambda p: [self._chart_2d("BarChart", p)],
            "LineChartV2": lambda p: [self._chart_2d("LineChart", p)],
            "AreaChartV2": lambda p: [self._chart_2d("AreaChart", p)],
            "RadarChartV2": lambda p: [self._chart_2d("RadarChart", p)],
            "PieChartV2": lambda p: [self._chart_1d("PieChart", p, variant=p.get("variant"))],
            "RadialChartV2": lambda p: [self._chart_1d("RadialChart", p)],
            "SingleStackedBarChart": lambda p: [self._chart_1d("SegmentedBar", p)],
            "ScatterChart": self._scatter,
            "Form": lambda p: [self._form(p)],
            "TileOptionBlock": self._tile_options,
            "DatePicker": lambda p: [
                node(
                    "DatePicker",
                    name=p.get("name"),
                    mode=p.get("mode"),
                    rules=self._rules(p.get("rules")),
                    defaultDate=self._date(p),
                )
            ],
            "Slider": lambda p: [
                node(
                    "Slider",
                    name=p.get("name"),
                    variant=p.get("variant"),
                    min=p.get("min"),
                    max=p.get("max"),
                    defaultValue=p.get("defaultValue"),
                    rules=self._rules(p.get("rules")),
                    step=p.get("step"),
                )
            ],
            "Button": lambda p: [self._button(p)],
            "ButtonGroup": self._button_group,
        }

    def adjust(self, converted: Node) -> Node | None:
        props = converted["props"]
        if "rules" in props and not (isinstance(props["rules"], dict) and props["rules"]):
            del props["rules"]
        if converted["component"] == "Input" and props.get("type") not in _V2_INPUT_TYPES:
            props.pop("type", None)  # v1 takes any input type, v2 an enum
        if converted["component"] in ("InlineHeader", "Icon") and not isinstance(
            props.get("heading" if converted["component"] == "InlineHeader" else "name"), str
        ):
            return None
        return converted

    # -- containers (shared with streaming) --------------------------------------------------------------

    def shell(self, component: str, props: dict[str, Any]) -> Node:
        """The v2 container for a v1 container's props, its slot list empty."""
        if component in ("Tabs", "Accordion", "Steps"):
            heading, description = _heading(props.get("header"))
            return node(component, children=[], heading=heading, description=description)
        if component == "SectionBlock":
            return node("SectionBlock", items=[], isFoldable=props.get("isFoldable"))
        if component == "List":
            return node(
                "List",
                items=[],
                variant=props.get("variant"),
                heading=props.get("heading"),
                description=props.get("description"),
            )
        if component == "Form":
            buttons = self._button_group(_props(props.get("buttons"))) if props.get("buttons") else []
            return node("Form", name=props.get("name"), buttons=buttons[0] if buttons else None, fields=[])
        if component == "Table":
            return node("Table", columns=self._columns(props.get("tableHeader")), rows=[])
        raise KeyError(component)

    def open(self, kind: str, value: Any) -> tuple[Node, Slot] | str | None:
        """How a v1 container opened while streaming shows in v2: (shell, its slot), FLATTEN (its items go
        to the parent), or None (it can only be converted whole, once complete)."""
        props = _props(value) if kind in V1_SLOTS else {}
        if kind in ("Layout", "CarouselV2"):
            return FLATTEN
        if kind == "Form" and not props.get("buttons"):
            return None  # v2 requires buttons: decided when the form is complete
        if kind in ("Tabs.item", "Accordion.item", "SectionBlock.item"):
            item = self.item(kind.split(".")[0], {**value, "content": []})
            return (item[0], V2_SLOTS[item[0]["component"]]) if item else None
        if kind not in V1_SLOTS:
            return None
        shell = self.shell(kind, props)
        return shell, V2_SLOTS[shell["component"]]

    def item(self, kind: str, value: Any) -> list[Any]:
        """One complete item of a v1 container's slot -> 0..n items of the v2 container's slot."""
        if kind in ("Card", "Tabs.item", "Accordion.item", "SectionBlock.item"):
            return self.many([value])
        if kind in ("Tabs", "Accordion"):
            if not isinstance(value, dict):
                return []
            trigger = _dict(value.get("trigger"))
            icon = _props(trigger.get("icon"))
            item = "TabItem" if kind == "Tabs" else "AccordionItem"
            children = self.accepted(item, self.many(_list(value.get("content"))))
            return [
                node(
                    item,
                    value=value.get("value"),
                    triggerText=trigger.get("text"),
                    children=children,
                    triggerIcon=_icon(icon.get("name"), icon.get("category")),
                )
            ]
        if kind == "SectionBlock":
            if not isinstance(value, dict):
                return []
            content = self.accepted("SectionBlockItem", self.many(_list(value.get("content"))))
            return [
                node(
                    "SectionBlockItem",
                    value=value.get("value"),
                    trigger=value.get("trigger"),
                    content=content,
                )
            ]
        if kind == "Steps":
            props = _props(value)
            details = _props(props.get("details")).get("textMarkdown")
            return [node("StepsItem", title=props.get("title"), details=details)]
        if kind == "List":
            if not isinstance(value, dict):
                return []
            image = value.get("image") if isinstance(value.get("image"), dict) else None
            return [
                node(
                    "ListItem",
                    title=value.get("title"),
                    subtitle=value.get("subtitle"),
                    icon=_icon(value.get("iconName"), value.get("iconCategory")),
                    image=node("Image", alt=image.get("alt", ""), src=image.get("src")) if image else None,
                )
            ]
        if kind == "Form":
            if not isinstance(value, dict):
                return []
            controls = self.convert(value.get("children"))
            if len(controls) != 1:
                return []
            return [node("FormControl", label=value.get("label"), input=controls[0], hint=value.get("hint"))]
        if kind == "Table":
            return (
                [[self._cell(cell) for cell in _list(value.get("children"))]]
                if isinstance(value, dict)
                else []
            )
        if kind == "Layout":
            if not isinstance(value, dict):
                return []
            return self.many([*_list(value.get("left")), *_list(value.get("right"))])
        if kind == "CarouselV2":
            return self._slide(value)
        return []

    def accepted(self, container: str, nodes: list[Node]) -> list[Node]:
        """Nodes a v2 slot takes: a Header becomes an InlineHeader where only those are accepted."""
        accepts = V2_ACCEPTS.get(container)
        if accepts is None:
            return nodes
        out = []
        for item in nodes:
            if item["component"] == "Header" and "Header" not in accepts:
                props = item["props"]
                item = node("InlineHeader", heading=props.get("title"), description=props.get("subtitle"))
            if item["component"] in accepts or item["component"] in self.shared:
                out.append(item)
        return out

    def _filled(self, component: str, props: dict[str, Any], source_slot: str) -> Node:
        shell = self.shell(component, props)
        target = V2_SLOTS[component][-1]
        shell["props"][target] = [
            out for item in _list(props.get(source_slot)) for out in self.item(component, item)
        ]
        return shell

    # -- leaves --------------------------------------------------------------------------------------------

    def _text_content(self, props: dict[str, Any]) -> list[Node]:
        heading, description = _heading(props.get("header"))
        header = _inline_header(heading, description)
        text = node("TextContent", text=props.get("textMarkdown"))
        return [header, text] if header is not None else [text]

    @staticmethod
    def _tag(tag: Any) -> Node:
        tag = _dict(tag)
        return node(
            "Tag",
            text=tag.get("text"),
            variant=tag.get("variant"),
            icon=_icon(tag.get("iconName"), tag.get("iconCategory")),
        )

    def _carousel(self, props: dict[str, Any]) -> list[Node]:
        heading, description = _heading(props.get("header"))
        header = _inline_header(heading, description)
        slides = [n for slide in _list(props.get("content")) for n in self._slide(slide)]
        return [header, *slides] if header is not None else slides

    def _slide(self, slide: Any) -> list[Node]:
        if not isinstance(slide, dict):
            return []
        out: list[Node] = []
        buttons: list[Node] = []
        for child in [*_list(slide.get("children")), *_list(slide.get("footer"))]:
            if _name(child) == "Button":
                buttons.append(self._button(_props(child)))
            else:
                if buttons:
                    out.append(node("ButtonGroup", buttons=buttons))
                    buttons = []
                out.extend(self.convert(child))
        if buttons:
            out.append(node("ButtonGroup", buttons=buttons))
        return out

    def _mini_cards(self, props: dict[str, Any]) -> list[Node]:
        items = []
        for card in _list(props.get("children")):
            card_props = _props(card)
            lhs, rhs = card_props.get("lhs"), card_props.get("rhs")
            lhs_props = _props(lhs)
            if _name(lhs) == "ProfileTile":
                top = node(
                    "ImageText",
                    src=lhs_props.get("imageSrc"),
                    title=lhs_props.get("title"),
                    subtitle=lhs_props.get("subtitle"),
                )
            elif _name(lhs) == "DataTile":
                top = node("Text", value=lhs_props.get("amount"), subtext=lhs_props.get("description"))
            else:
                continue
            bottom = None
            if _name(rhs) == "Stats":
                stats = _props(rhs)
                bottom = node("MetricIndicatorInline", value=stats.get("number"), subtext=stats.get("label"))
            items.append(node("OverviewCardItem", top=top, bottom=bottom))
        return [node("OverviewCardBlock", items=items)] if items else []

    def _columns(self, header: Any) -> list[Node]:
        columns = []
        for cell in _list(header.get("rows") if isinstance(header, dict) else None):
            if isinstance(cell, dict):
                columns.append(
                    node(
                        "Col", label=cell.get("children"), type=cell.get("type"), icon=_icon(cell.get("icon"))
                    )
                )
        return columns

    @staticmethod
    def _cell(cell: Any) -> Any:
        """A v1 cell (text, a TagBlock, or buttons) -> a v2 cell: the text it shows."""
        if isinstance(cell, str):
            return cell
        if _name(cell) == "TagBlock":
            return ", ".join(
                t["text"] for t in _list(_props(cell).get("children")) if isinstance(t, dict) and "text" in t
            )
        if isinstance(cell, list):
            return ", ".join(
                b["label"] for b in cell if isinstance(b, dict) and isinstance(b.get("label"), str)
            )
        return ""

    def _table(self, props: dict[str, Any]) -> Node:
        table = self.shell("Table", props)
        body = _dict(props.get("tableBody"))
        table["props"]["rows"] = [out for row in _list(body.get("rows")) for out in self.item("Table", row)]
        return table

    @staticmethod
    def _editable_table(props: dict[str, Any]) -> list[Node]:
        columns = []
        for column in _list(props.get("columns")):
            if not isinstance(column, dict):
                continue
            options = column.get("options")
            columns.append(
                {
                    **{k: v for k, v in column.items() if k != "options"},
                    **(
                        {"options": [{"value": o, "label": o} for o in options]}
                        if isinstance(options, list)
                        else {}
                    ),
                }
            )
        return [node("EditableTable", name=props.get("name"), columns=columns, data=props.get("data"))]

    @staticmethod
    def _chart_header(chart: dict[str, Any]) -> tuple[str | None, str | None]:
        return _heading(chart.get("header"))

    def _chart_2d(self, component: str, props: dict[str, Any]) -> Node:
        chart = _dict(props.get("chartData"))
        data = _dict(chart.get("data"))
        heading, description = self._chart_header(chart)
        extra: dict[str, Any] = {}
        if component == "BarChart":
            horizontal = props.get("isHorizontal") is True or props.get("type") == "horizontal"
            if horizontal:
                component = "HorizontalBarChart"
            else:
                extra["variant"] = props.get("variant")
        elif component in ("LineChart", "AreaChart"):
            extra["variant"] = props.get("variant")
        if component != "RadarChart":
            extra["xLabel"] = props.get("xAxisLabel")
            extra["yLabel"] = props.get("yAxisLabel")
        return node(
            component,
            labels=data.get("labels"),
            series=data.get("series"),
            heading=heading,
            description=description,
            unit=chart.get("unit"),
            **extra,
        )

    def _chart_1d(self, component: str, props: dict[str, Any], **extra: Any) -> Node:
        chart = _dict(props.get("chartData"))
        heading, description = self._chart_header(chart)
        return node(
            component,
            slices=chart.get("data"),
            heading=heading,
            description=description,
            unit=chart.get("unit"),
            **extra,
        )

    def _scatter(self, props: dict[str, Any]) -> list[Node]:
        chart = _dict(props.get("chartData"))
        heading, description = self._chart_header(chart)
        datasets = [
            {"name": d.get("name"), "points": d.get("series", [])}
            for d in _list(chart.get("data"))
            if isinstance(d, dict)
        ]
        return [
            node(
                "ScatterChart",
                datasets=datasets,
                heading=heading,
                description=description,
                xLabel=props.get("xAxisLabel"),
                yLabel=props.get("yAxisLabel"),
                unit=chart.get("unit"),
            )
        ]

    def _form(self, props: dict[str, Any]) -> Node:
        buttons = self._button_group(_props(props.get("buttons"))) if props.get("buttons") else []
        fields = [out for item in _list(props.get("children")) for out in self.item("Form", item)]
        return node(
            "Form", name=props.get("name"), buttons=buttons[0] if buttons else SUBMIT_BUTTONS, fields=fields
        )

    @staticmethod
    def _rules(rules: Any) -> dict[str, Any] | None:
        return dict(rules) if isinstance(rules, dict) and rules else None

    def _tile_options(self, props: dict[str, Any]) -> list[Node]:
        items = [
            node("OptionCard", value=o.get("value"), title=o.get("label"), topContent=_icon(o.get("icon")))
            for o in _list(props.get("children"))
            if isinstance(o, dict)
        ]
        default = props.get("defaultValue")
        return [
            node(
                "OptionCards",
                name=props.get("name"),
                type="multiple" if props.get("multiselect") else "single",
                items=items,
                rules=self._rules(props.get("rules")),
                defaultValue=default,
            )
        ]

    @staticmethod
    def _date(props: dict[str, Any]) -> Any:
        if props.get("singleDefaultDate") is not None:
            return props["singleDefaultDate"]
        dates = props.get("rangeDefaultDates")
        return dates[0] if isinstance(dates, list) and dates else None

    @staticmethod
    def _action(action: Any) -> dict[str, Any] | None:
        if not isinstance(action, dict) or not isinstance(action.get("type"), str):
            return None
        kind = action["type"]
        params = action.get("props") if isinstance(action.get("props"), dict) else None
        if kind == "open_url":
            url = params.get("url") if params else None
            return {"type": "open_url", "url": url} if isinstance(url, str) else None
        if kind == "continue_conversation":
            return {"type": "continue_conversation"}
        return {"type": kind, "params": params} if params else {"type": kind}

    def _button(self, props: dict[str, Any]) -> Node:
        return node(
            "Button",
            label=props.get("children"),
            action=self._action(props.get("action")),
            variant=props.get("variant"),
            size=props.get("size"),
        )

    def _button_group(self, props: dict[str, Any]) -> list[Node]:
        buttons = [self._button(_props(b)) for b in _list(props.get("children")) if _name(b) == "Button"]
        if not buttons:
            return []
        direction = {"vertical": "column", "horizontal": "row"}.get(str(props.get("variant")))
        return [node("ButtonGroup", buttons=buttons, direction=direction)]


# ---- v2 -> v1 ----------------------------------------------------------------------------------------------


class V2ToV1(_Converter):
    """C1 v2 chat-library nodes -> C1 v1 catalog nodes."""

    to_v2 = False

    def __init__(self, shared: Iterable[str] = ()) -> None:
        self.shared = frozenset(shared)
        self.nodes = {
            **{name: functools.partial(self.shaped, name) for name in SHARED_SHAPES},
            "TextContent": lambda p: [node("TextContent", textMarkdown=p.get("text"))],
            "Text": lambda p: [node("TextContent", textMarkdown=self._text_markdown(p, bold=False))],
            "BoldText": lambda p: [node("TextContent", textMarkdown=self._text_markdown(p, bold=True))],
            "ImageBlock": lambda p: [node("Image", alt=p.get("alt", ""), src=p.get("src"))],
            "TagBlock": lambda p: [
                node("TagBlock", children=[self._tag(t) for t in _list(p.get("children"))])
            ],
            "List": lambda p: [self._filled("List", p)],
            "Steps": lambda p: [self._filled("Steps", p)],
            "Tabs": lambda p: [self._filled("Tabs", p)],
            "Accordion": lambda p: [self._filled("Accordion", p)],
            "SectionBlock": lambda p: [self._filled("SectionBlock", p)],
            "Table": lambda p: [self._filled("Table", p)],
            "EntityList": self._entity_list,
            "EditableTable": self._editable_table,
            "BarChart": lambda p: [self._chart_2d("BarChartV2", p)],
            "HorizontalBarChart": lambda p: [self._chart_2d("BarChartV2", p, isHorizontal=True)],
            "LineChart": lambda p: [self._chart_2d("LineChartV2", p)],
            "AreaChart": lambda p: [self._chart_2d("AreaChartV2", p)],
            "RadarChart": lambda p: [self._chart_2d("RadarChartV2", p)],
            "PieChart": lambda p: [self._chart_1d("PieChartV2", p, variant=p.get("variant"))],
            "RadialChart": lambda p: [self._chart_1d("RadialChartV2", p)],
            "SegmentedBar": lambda p: [self._chart_1d("SingleStackedBarChart", p)],
            "ScatterChart": self._scatter,
            "Form": lambda p: [self._filled("Form", p)],
            "Chips": self._chips,
            "OptionCards": self._option_cards,
            "DatePicker": lambda p: [
                node(
                    "DatePicker",
                    name=p.get("name"),
                    mode=p.get("mode"),
                    singleDefaultDate=p.get("defaultDate"),
                    rules=self._rules(p.get("rules")),
                )
            ],
            "Slider": self._slider,
            "Button": lambda p: [self._button(p)],
            "ButtonGroup": self._button_group,
            "IconButton": lambda p: [
                node(
                    "IconButton",
                    icon=self._icon_node(p.get("icon")),
                    name=p.get("name"),
                    variant=p.get("variant"),
                    size=self._size(p.get("size")),
                    shape=p.get("shape"),
                    action=self._action(p.get("action")),
                )
            ],
            "OverviewCardBlock": lambda p: self._mini_cards(p, "top", "bottom"),
            "SnippetCardBlock": lambda p: self._mini_cards(p, "lhs", "rhs"),
            "VisualCardBlock": lambda p: self._mini_cards(p, "body", None),
            "ContextCardBlock": lambda p: self._mini_cards(p, "title", None),
            "CompositeCardBlock": lambda p: self._mini_cards(p, "header", None),
        }

    def adjust(self, converted: Node) -> Node | None:
        props = converted["props"]
        if "rules" in props:
            rules = self._rules(props["rules"])  # v1 rules know fewer checks
            if rules is None:
                del props["rules"]
            else:
                props["rules"] = rules
        if converted["component"] == "TextArea" and "rows" in props:
            rows = self._int(props["rows"])
            if rows is None:
                del props["rows"]
            else:
                props["rows"] = rows
        return converted

    # -- containers (shared with streaming) --------------------------------------------------------------

    def shell(self, component: str, props: dict[str, Any]) -> Node:
        """The v1 container for a v2 container's props, its slot list empty."""
        if component in ("Tabs", "Accordion", "Steps"):
            header = _inline_header(props.get("heading"), props.get("description"))
            return node(component, header=header, children=[])
        if component == "SectionBlock":
            return node("SectionBlock", isFoldable=props.get("isFoldable"), sections=[])
        if component == "List":
            return node(
                "List",
                variant=props.get("variant"),
                heading=props.get("heading"),
                description=props.get("description"),
                items=[],
            )
        if component == "Form":
            buttons = self._button_group(_props(props.get("buttons")))
            return node("Form", name=props.get("name"), buttons=buttons[0] if buttons else None, children=[])
        if component == "Table":
            columns = [self._column(c) for c in _list(props.get("columns"))]
            return node("Table", tableHeader={"rows": columns}, tableBody={"rows": []})
        raise KeyError(component)

    def open(self, kind: str, value: Any) -> tuple[Node, Slot] | str | None:
        """How a v2 container opened while streaming shows in v1 (see V1ToV2.open)."""
        props = _props(value)
        if kind in ("TabItem", "AccordionItem", "SectionBlockItem"):
            item = self.item(
                {"TabItem": "Tabs", "AccordionItem": "Accordion"}.get(kind, "SectionBlock"), value
            )
            if not item:
                return None
            return item[0], ("content",)
        if kind not in V1_SLOTS or kind == "Card":
            return None
        shell = self.shell(kind, props)
        if kind == "Table" and not shell["props"]["tableHeader"]["rows"]:
            return None  # v1 needs a header row
        return shell, V1_SLOTS[kind]

    def item(self, kind: str, value: Any) -> list[Any]:
        """One complete item of a v2 container's slot -> 0..n items of the v1 container's slot."""
        if kind in ("Card", "TabItem", "AccordionItem", "SectionBlockItem"):
            return self.many([value])
        props = _props(value)
        if kind in ("Tabs", "Accordion"):
            icon = props.get("triggerIcon")
            trigger = {"text": props.get("triggerText"), **({"icon": self._icon_node(icon)} if icon else {})}
            content = self.many(_list(props.get("children")))
            return [
                {"value": props.get("value"), "trigger": trigger, **({"content": content} if content else {})}
            ]
        if kind == "SectionBlock":
            return [
                {
                    "value": props.get("value"),
                    "trigger": props.get("trigger"),
                    "content": self.many(_list(props.get("content"))),
                }
            ]
        if kind == "Steps":
            details = node("TextContent", textMarkdown=props.get("details", ""))
            return [node("StepsItem", title=props.get("title", ""), details=details)]
        if kind == "List":
            icon, image = _props(props.get("icon")), _props(props.get("image"))
            picture = {
                k: v for k, v in (("src", image.get("src")), ("alt", image.get("alt"))) if v is not None
            }
            item = {
                "title": props.get("title"),
                "subtitle": props.get("subtitle"),
                "iconName": icon.get("name"),
                "iconCategory": icon.get("category"),
                "image": picture if image else None,
            }
            return [{k: v for k, v in item.items() if v is not None}]
        if kind == "Form":
            controls = self.convert(props.get("input"))
            if len(controls) != 1:
                return []
            field = {"label": props.get("label"), "hint": props.get("hint"), "children": controls[0]}
            return [{k: v for k, v in field.items() if v is not None}]
        if kind == "Table":
            return [{"children": [self._cell(c) for c in value]}] if isinstance(value, list) else []
        return []

    def _filled(self, component: str, props: dict[str, Any]) -> Node:
        shell = self.shell(component, props)
        source = V2_SLOTS[component][-1]
        items = [out for item in _list(props.get(source)) for out in self.item(component, item)]
        target: dict[str, Any] = shell
        for key in V1_SLOTS[component][:-1]:
            target = target[key]
        target[V1_SLOTS[component][-1]] = items
        return shell

    # -- leaves --------------------------------------------------------------------------------------------

    @staticmethod
    def _text_markdown(props: dict[str, Any], *, bold: bool) -> str | None:
        value = props.get("value")
        if not isinstance(value, str):
            return None
        text = f"**{value}**" if bold and value else value
        subtext = props.get("subtext")
        return f"{text}\n\n{subtext}" if isinstance(subtext, str) and subtext else text

    @staticmethod
    def _tag(tag: Any) -> dict[str, Any]:
        props = _props(tag)
        icon = _props(props.get("icon"))
        out = {"text": props.get("text"), "iconName": icon.get("name"), "iconCategory": icon.get("category"),
               "variant": props.get("variant")}  # fmt: skip
        return {k: v for k, v in out.items() if v is not None}

    @staticmethod
    def _icon_node(icon: Any) -> Node | None:
        props = _props(icon)
        return (
            node("Icon", name=props.get("name"), category=props.get("category")) if "name" in props else None
        )

    @staticmethod
    def _int(value: Any) -> int | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        return int(value) if float(value).is_integer() else None

    @staticmethod
    def _rules(rules: Any) -> dict[str, Any] | None:
        if not isinstance(rules, dict):
            return None
        kept = {k: rules[k] for k in _V1_RULES if k in rules}
        return kept or None

    @staticmethod
    def _column(col: Any) -> dict[str, Any]:
        props = _props(col)
        icon = _props(props.get("icon")).get("name")
        out = {"children": props.get("label", ""), "icon": icon, "type": props.get("type")}
        return {k: v for k, v in out.items() if v is not None}

    @staticmethod
    def _cell(cell: Any) -> str:
        if isinstance(cell, str):
            return cell
        if isinstance(cell, (int, float)) and not isinstance(cell, bool):
            return number_text(cell)
        return ""  # an object cell: how v2 shows it is not established

    def _entity_list(self, props: dict[str, Any]) -> list[Node]:
        def row(value: Any) -> list[str] | None:
            if not isinstance(value, dict):
                return None
            return [self._cell(value.get("left", "")), self._cell(value.get("right", ""))]

        header = props.get("header") if isinstance(props.get("header"), dict) else None
        number = bool(header and header.get("rightVariant") == "number")
        labels = row(header) or ["", ""]
        rows = [
            r for r in (row(v) for v in [*_list(props.get("rows")), props.get("footer")]) if r is not None
        ]
        head = [
            {"children": labels[0], "type": "string"},
            {"children": labels[1], "type": "number" if number else "string"},
        ]
        return [
            node("Table", tableHeader={"rows": head}, tableBody={"rows": [{"children": r} for r in rows]})
        ]

    @staticmethod
    def _editable_table(props: dict[str, Any]) -> list[Node]:
        columns = []
        for column in _list(props.get("columns")):
            if not isinstance(column, dict):
                continue
            options = column.get("options")
            labels = (
                [o.get("label") for o in options if isinstance(o, dict)]
                if isinstance(options, list)
                else None
            )
            columns.append(
                {
                    **{k: v for k, v in column.items() if k != "options"},
                    **({"options": labels} if labels else {}),
                }
            )
        return [node("EditableTable", name=props.get("name"), columns=columns, data=props.get("data"))]

    @staticmethod
    def _chart_data(props: dict[str, Any], data: Any) -> dict[str, Any]:
        header = _inline_header(props.get("heading"), props.get("description"))
        chart = {"header": header, "unit": props.get("unit"), "data": data}
        return {k: v for k, v in chart.items() if v is not None}

    def _chart_2d(self, component: str, props: dict[str, Any], **extra: Any) -> Node:
        data = {"labels": props.get("labels"), "series": props.get("series", [])}
        variant = props.get("variant") if component != "BarChartV2" or "isHorizontal" not in extra else None
        axes = (
            {}
            if component == "RadarChartV2"
            else {"xAxisLabel": props.get("xLabel"), "yAxisLabel": props.get("yLabel")}
        )
        if component == "RadarChartV2":
            variant = None
        return node(component, chartData=self._chart_data(props, data), variant=variant, **axes, **extra)

    def _chart_1d(self, component: str, props: dict[str, Any], **extra: Any) -> Node:
        return node(component, chartData=self._chart_data(props, props.get("slices", [])), **extra)

    def _scatter(self, props: dict[str, Any]) -> list[Node]:
        data = [
            {"name": d.get("name"), "series": d.get("points", [])}
            for d in _list(props.get("datasets"))
            if isinstance(d, dict)
        ]
        return [
            node(
                "ScatterChart",
                chartData=self._chart_data(props, data),
                xAxisLabel=props.get("xLabel"),
                yAxisLabel=props.get("yLabel"),
            )
        ]

    @staticmethod
    def _radio_item(item: Any) -> Node:
        props = _props(item)
        return node(
            "RadioItem",
            label=props.get("label"),
            description=props.get("description"),
            value=props.get("value"),
        )

    def _chips(self, props: dict[str, Any]) -> list[Node]:
        items = _list(props.get("items"))
        if props.get("type") == "single":
            default = props.get("defaultValue")
            return [
                node(
                    "RadioGroup",
                    name=props.get("name"),
                    rules=self._rules(props.get("rules")),
                    defaultValue=default if isinstance(default, str) else None,
                    children=[self._radio_item(i) for i in items],
                )
            ]
        children = [
            node("CheckBoxItem", label=_props(i).get("label"), name=_props(i).get("value")) for i in items
        ]
        return [
            node(
                "CheckBoxGroup",
                name=props.get("name"),
                rules=self._rules(props.get("rules")),
                children=children,
            )
        ]

    def _option_cards(self, props: dict[str, Any]) -> list[Node]:
        children = []
        for card in _list(props.get("items")):
            card_props = _props(card)
            top = card_props.get("topContent")
            icon = _props(top).get("name") if _name(top) == "Icon" else None
            value = card_props.get("value")
            children.append(
                {
                    k: v
                    for k, v in {
                        "label": card_props.get("title"),
                        "value": value,
                        "name": value,
                        "icon": icon,
                    }.items()
                    if v is not None
                }
            )
        default = props.get("defaultValue")
        return [
            node(
                "TileOptionBlock",
                name=props.get("name"),
                multiselect=props.get("type") == "multiple",
                variant="letter",
                defaultValue=default if isinstance(default, str) else None,
                rules=self._rules(props.get("rules")),
                children=children,
            )
        ]

    def _slider(self, props: dict[str, Any]) -> list[Node]:
        default = props.get("defaultValue")
        if isinstance(default, (int, float)) and not isinstance(default, bool):
            default = [default]
        return [
            node(
                "Slider",
                name=props.get("name"),
                variant=props.get("variant"),
                min=props.get("min", 0),
                max=props.get("max", 100),
                step=props.get("step"),
                defaultValue=default,
                rules=self._rules(props.get("rules")),
            )
        ]

    @staticmethod
    def _action(action: Any) -> dict[str, Any] | None:
        if not isinstance(action, dict) or not isinstance(action.get("type"), str):
            return None
        kind = action["type"]
        if kind == "open_url":
            url = action.get("url")
            return {"type": "open_url", "props": {"url": url}} if isinstance(url, str) else None
        if kind == "continue_conversation":
            return {"type": "continue_conversation"}
        params = action.get("params")
        return {"type": kind, "props": params} if isinstance(params, dict) and params else {"type": kind}

    @staticmethod
    def _size(size: Any) -> str | None:
        return size if size in _V1_SIZES else None

    def _button(self, props: dict[str, Any]) -> Node:
        label = props.get("label")
        return node(
            "Button",
            children=label,
            name=_slug(label) if isinstance(label, str) else None,
            variant=props.get("variant"),
            size=self._size(props.get("size")),
            action=self._action(props.get("action")),
        )

    def _button_group(self, props: dict[str, Any]) -> list[Node]:
        buttons = [self._button(_props(b)) for b in _list(props.get("buttons")) if _name(b) == "Button"]
        if not buttons:
            return []
        variant = {"column": "vertical", "row": "horizontal"}.get(str(props.get("direction")))
        return [node("ButtonGroup", variant=variant, children=buttons)]

    def _mini_cards(self, props: dict[str, Any], left: str, right: str | None) -> list[Node]:
        """v2 card blocks -> the closest v1 block, a MiniCardBlock: each item's main part as a ProfileTile (a
        title) or DataTile (a value), its metric as Stats."""
        cards = []
        for item in _list(props.get("items")):
            item_props = _props(item)
            lhs = self._tile(item_props.get(left))
            if lhs is None:
                continue
            rhs = self._stats(item_props.get(right)) if right else None
            cards.append(node("MiniCard", lhs=lhs, rhs=rhs))
        return [node("MiniCardBlock", children=cards)] if cards else []

    @staticmethod
    def _tile(part: Any) -> Node | None:
        if isinstance(part, str):
            return node("ProfileTile", title=part)
        name, props = _name(part), _props(part)
        if name in ("ImageText", "ImageTextLarge", "IconText"):
            return node(
                "ProfileTile",
                title=props.get("title"),
                subtitle=props.get("subtitle"),
                imageSrc=props.get("src"),
            )
        if name in ("Text", "BoldText", "MetricIndicatorInline", "MetricIndicatorWithStrikethrough"):
            return node("DataTile", amount=props.get("value"), description=props.get("subtext"))
        if name == "Tag":
            return node("ProfileTile", title=props.get("text"))
        return None

    @staticmethod
    def _stats(part: Any) -> Node | None:
        name, props = _name(part), _props(part)
        if name not in ("MetricIndicatorInline", "Text", "BoldText") or not isinstance(
            props.get("value"), str
        ):
            return None
        trend = _dict(props.get("trend"))
        kind = {"up": "positive", "down": "negative"}.get(str(trend.get("direction")))
        return node("Stats", number=props["value"], label=props.get("subtext"), type=kind)


# Where each container's growing list sits (a path inside the node or item dict), in each format; `Kind.item`
# names the plain-object items of a v1 container that are containers themselves.
V1_SLOTS: dict[str, Slot] = {
    "Card": ("props", "children"),
    "Tabs": ("props", "children"),
    "Accordion": ("props", "children"),
    "Tabs.item": ("content",),
    "Accordion.item": ("content",),
    "SectionBlock": ("props", "sections"),
    "SectionBlock.item": ("content",),
    "Steps": ("props", "children"),
    "List": ("props", "items"),
    "Form": ("props", "children"),
    "Table": ("props", "tableBody", "rows"),
    "Layout": ("props", "children", "rows"),
    "CarouselV2": ("props", "content"),
}
V2_SLOTS: dict[str, Slot] = {
    "Card": ("props", "children"),
    "Tabs": ("props", "children"),
    "TabItem": ("props", "children"),
    "Accordion": ("props", "children"),
    "AccordionItem": ("props", "children"),
    "SectionBlock": ("props", "items"),
    "SectionBlockItem": ("props", "content"),
    "Steps": ("props", "children"),
    "List": ("props", "items"),
    "Form": ("props", "fields"),
    "Table": ("props", "rows"),
}


def v1_tree_to_v2(card: Node, shared: Iterable[str] = ()) -> Node:
    """A v1 Card tree -> the v2 Card tree (unchecked: validate it against the library)."""
    convert = V1ToV2(shared)
    props = _props(card)
    children = convert.accepted("Card", convert.many(_list(props.get("children"))))
    return node("Card", children=children, sources=props.get("sources"))


def v2_tree_to_v1(card: Node, shared: Iterable[str] = ()) -> Node:
    """A v2 Card tree -> the v1 Card tree (unchecked: repair it with the catalog)."""
    convert = V2ToV1(shared)
    props = _props(card)
    return node("Card", children=convert.many(_list(props.get("children"))), sources=props.get("sources"))
