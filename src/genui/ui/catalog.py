"""Pydantic v2 models of every current v1 C1 component (c1-wire-format.md §4): source of truth for schemas.

Conventions read by `schema.py` and the fast repairer in `registry.py`:
- every node is `{"component": <Literal name>, "props": <Name>Props}`; models forbid extra keys;
- a prop typed `AnyNode` is any active block (`$defs/Node`), `AnyAction` any active action (`$defs/Action`);
- `x-kind` marks strings as text / markdown / url / image (which sanitizing applies), `x-default` is what
  repair fills in for a REQUIRED prop the model left out (the client fills some defaults the same way);
- `max_length` bounds are the hard validation caps; the decoding schema tightens them (see schema.py).
Shapes the public docs leave open (Layout rows, MiniCard tiles, Button icons) are best guesses, kept minimal.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

T = TypeVar("T")

MAX_LIST = 100  # hard cap on any list (validation); repair limits are at most this
MAX_CARD_CHILDREN = 100
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def _kind(kind: str, **extra: Any) -> dict[str, Any]:
    return {"x-kind": kind, **extra}


Label = Annotated[str, Field(max_length=500, json_schema_extra=_kind("text"))]
Ident = Annotated[str, Field(max_length=200, json_schema_extra=_kind("text"))]
Markdown = Annotated[str, Field(max_length=20000, json_schema_extra=_kind("markdown"))]
Url = Annotated[str, Field(max_length=2048, json_schema_extra=_kind("url"))]  # a link target
ImageUrl = Annotated[str, Field(max_length=2048, json_schema_extra=_kind("image"))]  # an image source
Many = Annotated[list[T], Field(max_length=MAX_LIST)]

AnyNode = Annotated[dict[str, Any], WithJsonSchema({"$ref": "#/$defs/Node"})]
AnyAction = Annotated[dict[str, Any], WithJsonSchema({"$ref": "#/$defs/Action"})]

Surface = Literal["clear", "card", "sunk"]
Unit = Literal["k", "m", "b", "t"]
Tone = Literal["neutral", "info", "success", "warning", "danger"]
ButtonVariant = Literal["primary", "secondary", "tertiary"]
ButtonSize = Literal["small", "medium", "large"]


def required_default(value: Any) -> Any:
    """Field() for a required prop that repair fills with `value` when missing or invalid."""
    return Field(json_schema_extra={"x-default": value})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---- actions


class ContinueConversation(Strict):
    type: Literal["continue_conversation"]


class OpenUrlProps(Strict):
    url: Url


class OpenUrl(Strict):
    type: Literal["open_url"]
    props: OpenUrlProps


BUILTIN_ACTIONS: dict[str, type[Strict]] = {
    "continue_conversation": ContinueConversation,
    "open_url": OpenUrl,
}

# ---- small shared shapes


class IconProps(Strict):
    name: Ident
    category: Ident | None = None


class Icon(Strict):
    component: Literal["Icon"]
    props: IconProps


class InlineHeaderProps(Strict):
    heading: Label
    description: Label | None = None


class InlineHeader(Strict):
    component: Literal["InlineHeader"]
    props: InlineHeaderProps


class Rules(Strict):
    required: bool | None = None
    minLength: int | None = None
    maxLength: int | None = None
    min: float | None = None
    max: float | None = None


# ---- buttons


class ButtonProps(Strict):
    children: Label
    name: Ident
    variant: ButtonVariant | None = None
    size: ButtonSize | None = None
    iconLeft: Ident | None = None
    iconRight: Ident | None = None
    action: AnyAction | None = None


class Button(Strict):
    component: Literal["Button"]
    props: ButtonProps


class IconButtonProps(Strict):
    icon: Icon
    name: Ident
    variant: ButtonVariant | None = None
    size: ButtonSize | None = None
    shape: Literal["square", "circle"] | None = None
    action: AnyAction | None = None


class IconButton(Strict):
    component: Literal["IconButton"]
    props: IconButtonProps


class ButtonGroupProps(Strict):
    variant: Literal["vertical", "horizontal"] | None = None
    children: Annotated[list[Button | IconButton], Field(min_length=1, max_length=MAX_LIST)]


class ButtonGroup(Strict):
    component: Literal["ButtonGroup"]
    props: ButtonGroupProps


# ---- text blocks


class HeaderProps(Strict):
    title: Label
    subtitle: Label | None = None
    actions: Many[Button | IconButton] | None = None


class Header(Strict):
    component: Literal["Header"]
    props: HeaderProps


class TextContentProps(Strict):
    textMarkdown: Markdown
    header: InlineHeader | None = None
    variant: Surface | None = None


class TextContent(Strict):
    component: Literal["TextContent"]
    props: TextContentProps


class CalloutV2Props(Strict):
    variant: Tone = required_default("info")
    title: Label = required_default("")
    description: Label = required_default("")


class CalloutV2(Strict):
    component: Literal["CalloutV2"]
    props: CalloutV2Props


class Tag(Strict):
    text: Label
    iconName: Ident | None = None
    iconCategory: Ident | None = None
    variant: Tone = required_default("neutral")


class TagBlockProps(Strict):
    children: Annotated[list[Tag], Field(min_length=1, max_length=MAX_LIST)]


class TagBlock(Strict):
    component: Literal["TagBlock"]
    props: TagBlockProps


class FollowUpBlockProps(Strict):
    followUpText: Annotated[list[Label], Field(min_length=1, max_length=MAX_LIST)]


class FollowUpBlock(Strict):
    component: Literal["FollowUpBlock"]
    props: FollowUpBlockProps


# ---- media and lists


class ImageProps(Strict):
    alt: Label = required_default("")
    src: ImageUrl | None = None
    aspectRatio: Ident | None = None


class Image(Strict):
    component: Literal["Image"]
    props: ImageProps


class ImageGalleryProps(Strict):
    imagesAlt: Annotated[list[Label], Field(min_length=1, max_length=MAX_LIST)]
    imagesSrc: Many[ImageUrl] | None = None


class ImageGallery(Strict):
    component: Literal["ImageGallery"]
    props: ImageGalleryProps


class ListImage(Strict):
    src: ImageUrl | None = None
    alt: Label = required_default("")


class ListItemAction(Strict):
    action: AnyAction | None = None
    label: Label | None = None
    icon: Ident | None = None


class ListItem(Strict):
    title: Label
    subtitle: Label | None = None
    iconName: Ident | None = None
    iconCategory: Ident | None = None
    image: ListImage | None = None
    itemAction: ListItemAction | None = None


class ListProps(Strict):
    variant: Literal["icon", "image", "number"] = required_default("number")
    heading: Label | None = None
    description: Label | None = None
    items: Annotated[list[ListItem], Field(min_length=1, max_length=MAX_LIST)]


class List(Strict):
    component: Literal["List"]
    props: ListProps


class StepsItemProps(Strict):
    title: Label
    details: TextContent


class StepsItem(Strict):
    component: Literal["StepsItem"]
    props: StepsItemProps


class StepsProps(Strict):
    header: InlineHeader | None = None
    children: Annotated[list[StepsItem], Field(min_length=1, max_length=MAX_LIST)]


class Steps(Strict):
    component: Literal["Steps"]
    props: StepsProps


# ---- containers


class TabTrigger(Strict):
    text: Label
    icon: Icon | None = None


class TabItem(Strict):
    value: Ident
    trigger: TabTrigger
    content: Many[AnyNode] | None = None


class TabsProps(Strict):
    header: InlineHeader | None = None
    children: Annotated[list[TabItem], Field(min_length=1, max_length=MAX_LIST)]


class Tabs(Strict):
    component: Literal["Tabs"]
    props: TabsProps


class Accordion(Strict):
    component: Literal["Accordion"]
    props: TabsProps


class Section(Strict):
    value: Ident
    trigger: Label
    content: Many[AnyNode]


class SectionBlockProps(Strict):
    isFoldable: bool = required_default(False)
    sections: Annotated[list[Section], Field(min_length=1, max_length=MAX_LIST)]


class SectionBlock(Strict):
    component: Literal["SectionBlock"]
    props: SectionBlockProps


class LayoutRow(Strict):
    left: Many[AnyNode]
    right: Many[AnyNode]


class LayoutSpec(Strict):
    variant: Literal["M-M", "L-S", "S-L"] = required_default("M-M")
    rows: Annotated[list[LayoutRow], Field(min_length=1, max_length=MAX_LIST)]


class LayoutProps(Strict):
    children: LayoutSpec


class Layout(Strict):
    component: Literal["Layout"]
    props: LayoutProps


class CarouselSlide(Strict):
    children: Many[TextContent | InlineHeader | TagBlock | Image | Button] | None = None
    footer: Many[Button] | None = None


class CarouselV2Props(Strict):
    header: InlineHeader | None = None
    content: Annotated[list[CarouselSlide], Field(min_length=1, max_length=MAX_LIST)]


class CarouselV2(Strict):
    component: Literal["CarouselV2"]
    props: CarouselV2Props


class ProfileTileProps(Strict):
    title: Label
    subtitle: Label | None = None
    imageSrc: ImageUrl | None = None


class ProfileTile(Strict):
    component: Literal["ProfileTile"]
    props: ProfileTileProps


class DataTileProps(Strict):
    amount: Label
    description: Label | None = None


class DataTile(Strict):
    component: Literal["DataTile"]
    props: DataTileProps


class StatsProps(Strict):
    number: Label
    label: Label | None = None
    type: Literal["neutral", "positive", "negative"] | None = None


class Stats(Strict):
    component: Literal["Stats"]
    props: StatsProps


class MiniCardProps(Strict):
    lhs: ProfileTile | DataTile
    rhs: Stats | None = None


class MiniCard(Strict):
    component: Literal["MiniCard"]
    props: MiniCardProps


class MiniCardBlockProps(Strict):
    children: Annotated[list[MiniCard], Field(min_length=1, max_length=MAX_LIST)]


class MiniCardBlock(Strict):
    component: Literal["MiniCardBlock"]
    props: MiniCardBlockProps


# ---- tables


class TableHeaderCell(Strict):
    children: Label
    icon: Ident | None = None
    type: Literal["string", "number", "action"] = required_default("string")


class TableHeaderSpec(Strict):
    rows: Annotated[list[TableHeaderCell], Field(min_length=1, max_length=MAX_LIST)]


class CellButton(Strict):
    label: Label
    leftIcon: Ident | None = None
    rightIcon: Ident | None = None
    action: AnyAction | None = None


class TableRow(Strict):
    children: Many[Label | TagBlock | Many[CellButton]]


class TableBodySpec(Strict):
    rows: Many[TableRow]


class TableProps(Strict):
    tableHeader: TableHeaderSpec
    tableBody: TableBodySpec


class Table(Strict):
    component: Literal["Table"]
    props: TableProps


class EditableColumn(Strict):
    type: Literal["text", "number", "date-single", "select", "url"] = required_default("text")
    key: Ident
    header: Label
    width: float | None = None
    options: Many[Label] | None = None


class EditableRow(Strict):
    id: Ident
    values: Many[Label | float]


class EditableTableProps(Strict):
    name: Ident
    columns: Annotated[list[EditableColumn], Field(min_length=1, max_length=MAX_LIST)]
    data: Many[EditableRow]


class EditableTable(Strict):
    component: Literal["EditableTable"]
    props: EditableTableProps


# ---- charts


class Series2D(Strict):
    category: Label
    values: Many[float]


class Data2D(Strict):
    labels: Many[Label]
    series: Annotated[list[Series2D], Field(min_length=1, max_length=MAX_LIST)]


class Chart2D(Strict):
    header: InlineHeader | None = None
    unit: Unit | None = None
    data: Data2D


class Slice1D(Strict):
    category: Label
    value: float


class Chart1D(Strict):
    header: InlineHeader | None = None
    unit: Unit | None = None
    data: Annotated[list[Slice1D], Field(min_length=1, max_length=MAX_LIST)]


class BarChartV2Props(Strict):
    chartData: Chart2D
    variant: Literal["grouped", "stacked"] | None = None
    isHorizontal: bool | None = None
    type: Literal["normal", "horizontal", "condensedNormal"] | None = None
    xAxisLabel: Label | None = None
    yAxisLabel: Label | None = None


class BarChartV2(Strict):
    component: Literal["BarChartV2"]
    props: BarChartV2Props


class LineChartV2Props(Strict):
    chartData: Chart2D
    type: Literal["normal", "condensedNormal"] | None = None
    variant: Literal["linear", "natural"] | None = None
    xAxisLabel: Label | None = None
    yAxisLabel: Label | None = None


class LineChartV2(Strict):
    component: Literal["LineChartV2"]
    props: LineChartV2Props


class AreaChartV2(Strict):
    component: Literal["AreaChartV2"]
    props: LineChartV2Props


class RadarChartV2Props(Strict):
    chartData: Chart2D


class RadarChartV2(Strict):
    component: Literal["RadarChartV2"]
    props: RadarChartV2Props


class PieChartV2Props(Strict):
    variant: Literal["pie", "donut"] = required_default("pie")
    chartData: Chart1D


class PieChartV2(Strict):
    component: Literal["PieChartV2"]
    props: PieChartV2Props


class Chart1DProps(Strict):
    chartData: Chart1D


class RadialChartV2(Strict):
    component: Literal["RadialChartV2"]
    props: Chart1DProps


class SingleStackedBarChart(Strict):
    component: Literal["SingleStackedBarChart"]
    props: Chart1DProps


class ScatterPoint(Strict):
    x: float
    y: float
    z: float | None = None


class ScatterSeries(Strict):
    name: Label
    series: Many[ScatterPoint]


class ScatterData(Strict):
    header: InlineHeader | None = None
    unit: Unit | None = None
    data: Annotated[list[ScatterSeries], Field(min_length=1, max_length=MAX_LIST)]


class ScatterChartProps(Strict):
    chartData: ScatterData
    xAxisLabel: Label | None = None
    yAxisLabel: Label | None = None


class ScatterChart(Strict):
    component: Literal["ScatterChart"]
    props: ScatterChartProps


# ---- forms


class InputProps(Strict):
    name: Ident
    placeholder: Label | None = None
    type: Ident | None = None
    defaultValue: Label | None = None
    rules: Rules | None = None


class Input(Strict):
    component: Literal["Input"]
    props: InputProps


class TextAreaProps(Strict):
    name: Ident
    placeholder: Label | None = None
    rows: int | None = None
    defaultValue: Label | None = None
    rules: Rules | None = None


class TextArea(Strict):
    component: Literal["TextArea"]
    props: TextAreaProps


class SelectItemProps(Strict):
    value: Ident
    children: Label


class SelectItem(Strict):
    component: Literal["SelectItem"]
    props: SelectItemProps


class SelectLabelProps(Strict):
    text: Label


class SelectLabel(Strict):
    component: Literal["SelectLabel"]
    props: SelectLabelProps


class EmptyProps(Strict):
    pass


class SelectSeparator(Strict):
    component: Literal["SelectSeparator"]
    props: EmptyProps


class SelectProps(Strict):
    name: Ident
    placeholder: Label | None = None
    defaultValue: Label | None = None
    rules: Rules | None = None
    children: Many[SelectItem | SelectLabel | SelectSeparator] | None = None


class Select(Strict):
    component: Literal["Select"]
    props: SelectProps


class CheckItemProps(Strict):
    label: Label
    description: Label | None = None
    name: Ident
    defaultChecked: bool | None = None


class CheckBoxItem(Strict):
    component: Literal["CheckBoxItem"]
    props: CheckItemProps


class SwitchItem(Strict):
    component: Literal["SwitchItem"]
    props: CheckItemProps


class CheckBoxGroupProps(Strict):
    name: Ident
    rules: Rules | None = None
    children: Annotated[list[CheckBoxItem], Field(min_length=1, max_length=MAX_LIST)]


class CheckBoxGroup(Strict):
    component: Literal["CheckBoxGroup"]
    props: CheckBoxGroupProps


class SwitchGroupProps(Strict):
    name: Ident
    rules: Rules | None = None
    children: Annotated[list[SwitchItem], Field(min_length=1, max_length=MAX_LIST)]


class SwitchGroup(Strict):
    component: Literal["SwitchGroup"]
    props: SwitchGroupProps


class RadioItemProps(Strict):
    label: Label
    description: Label | None = None
    value: Ident


class RadioItem(Strict):
    component: Literal["RadioItem"]
    props: RadioItemProps


class RadioGroupProps(Strict):
    name: Ident
    defaultValue: Ident | None = None
    rules: Rules | None = None
    children: Annotated[list[RadioItem], Field(min_length=1, max_length=MAX_LIST)]


class RadioGroup(Strict):
    component: Literal["RadioGroup"]
    props: RadioGroupProps


class TileOption(Strict):
    label: Label
    value: Ident
    name: Ident
    defaultChecked: bool | None = None
    icon: Ident | None = None


class TileOptionBlockProps(Strict):
    name: Ident
    multiselect: bool = required_default(False)
    variant: Literal["icon", "letter", "number"] = required_default("letter")
    defaultValue: Ident | None = None
    rules: Rules | None = None
    children: Annotated[list[TileOption], Field(min_length=1, max_length=MAX_LIST)]


class TileOptionBlock(Strict):
    component: Literal["TileOptionBlock"]
    props: TileOptionBlockProps


class DatePickerProps(Strict):
    name: Ident
    mode: Literal["single", "range"] | None = None
    singleDefaultDate: Ident | None = None
    rangeDefaultDates: Annotated[list[Ident], Field(max_length=2)] | None = None
    rules: Rules | None = None


class DatePicker(Strict):
    component: Literal["DatePicker"]
    props: DatePickerProps


class SliderProps(Strict):
    name: Ident
    variant: Literal["continuous", "discrete"] = required_default("continuous")
    min: float
    max: float
    step: float | None = None
    defaultValue: Many[float] = required_default([])
    rules: Rules | None = None


class Slider(Strict):
    component: Literal["Slider"]
    props: SliderProps


FormControl = (
    Input
    | TextArea
    | Select
    | CheckBoxGroup
    | RadioGroup
    | DatePicker
    | Slider
    | SwitchGroup
    | TileOptionBlock
)


class FormField(Strict):
    label: Label
    hint: Label | None = None
    children: FormControl


class FormProps(Strict):
    name: Ident = required_default("form")
    children: Annotated[list[FormField], Field(min_length=1, max_length=MAX_LIST)]
    buttons: ButtonGroup | None = None


class Form(Strict):
    component: Literal["Form"]
    props: FormProps


# ---- root


class Source(Strict):
    url: Url | None = None
    title: Label
    sourceName: Label


class CardProps(Strict):
    variant: Surface | None = None
    width: Literal["standard", "full"] | None = None
    children: Annotated[list[AnyNode], Field(max_length=MAX_CARD_CHILDREN)]
    sources: Many[Source] | None = None


class Card(Strict):
    component: Literal["Card"]
    props: CardProps


# Block components: what may appear wherever a generic node goes (Card children, tab content, layout slots).
BLOCK_COMPONENTS: tuple[type[Strict], ...] = (
    Header, InlineHeader, TextContent, CalloutV2, TagBlock, Image, ImageGallery, List, Steps, Tabs, Accordion,
    SectionBlock, Layout, CarouselV2, MiniCardBlock, Table, EditableTable,
    BarChartV2, LineChartV2, AreaChartV2, RadarChartV2, PieChartV2, RadialChartV2, SingleStackedBarChart,
    ScatterChart, Form, ButtonGroup, FollowUpBlock,
)  # fmt: skip
OPT_IN_COMPONENTS: frozenset[str] = frozenset({"EditableTable"})
# The components the small embedded model decodes with (measured on SmolLM2-135M: with charts, tables and
# callouts it writes long noise and runs out of tokens); Catalog.embedded_schema() offers only these.
EMBEDDED_COMPONENTS: frozenset[str] = frozenset({"Card", "Header", "TextContent", "List", "FollowUpBlock"})

# ---- names models and older clients write (repair maps them; "folded" = lower case, letters and digits only)

# Deprecated v1 components (c1-wire-format.md §4): clients still render them, the catalog never offers them,
# repair maps each to its successor (None: none; `Section` is spliced as a layout wrapper, `MiniChart` is
# dropped).
DEPRECATED_COMPONENTS: dict[str, str | None] = {
    "CardHeader": "Header", "Callout": "CalloutV2", "ListBlock": "List", "Carousel": "CarouselV2",
    "Section": None, "MiniChart": None, "BarChart": "BarChartV2", "LineChart": "LineChartV2",
    "AreaChart": "AreaChartV2", "PieChart": "PieChartV2", "RadarChart": "RadarChartV2",
    "RadialChart": "RadialChartV2",
}  # fmt: skip
# Deprecated v0 charts (`categoryKey` + row objects): repair reshapes the rows into the successor's chartData.
V0_CHARTS: frozenset[str] = frozenset(
    {"BarChart", "LineChart", "AreaChart", "PieChart", "RadarChart", "RadialChart"}
)
# Other names models write for a component (folded) whose intent is unambiguous.
COMPONENT_ALIASES: dict[str, str] = {
    "text": "TextContent", "markdown": "TextContent", "paragraph": "TextContent", "textblock": "TextContent",
    "alert": "CalloutV2", "followups": "FollowUpBlock", "followup": "FollowUpBlock", "tags": "TagBlock",
}  # fmt: skip
# Layout-only wrappers (folded names) models put around components: repair splices their children in place.
LAYOUT_WRAPPERS: frozenset[str] = frozenset(
    {"stack", "vstack", "hstack", "grid", "container", "card", "box", "column", "columns", "row", "group",
     "div", "fragment", "section", "view", "flex", "wrapper", "content"}
)  # fmt: skip
# Prop names models write instead of the declared one: component -> declared prop -> names tried in order.
PROP_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "TextContent": {"textMarkdown": ("text", "markdown", "content", "children", "body", "value")},
    "Header": {"title": ("heading", "text", "label"), "subtitle": ("description", "subheading")},
    "InlineHeader": {"heading": ("title", "text"), "description": ("subtitle",)},
    "CalloutV2": {"description": ("text", "content", "message", "body"), "title": ("heading",)},
    "Button": {"children": ("label", "text", "title")},
    "FollowUpBlock": {"followUpText": ("followUps", "items", "questions", "suggestions", "children")},
    "Image": {"src": ("url",), "alt": ("caption", "title")},
}
# Tone names models write for a CalloutV2 variant.
TONE_ALIASES: dict[str, str] = {
    "error": "danger",
    "warn": "warning",
    "note": "info",
    "tip": "info",
    "ok": "success",
}


def fold(name: str) -> str:
    """A name as the alias tables above key it: lower case, letters and digits only."""
    return _NOT_ALNUM.sub("", name.lower())


def component_name(model: type[Strict]) -> str:
    """The `component` literal of a node model."""
    annotation = model.model_fields["component"].annotation
    args: tuple[str, ...] = getattr(annotation, "__args__", ())
    return args[0]


def components_with(prop: str, shape: type[Strict]) -> frozenset[str]:
    """Block components whose prop `prop` has exactly the type `shape` (e.g. charts with Chart1D data)."""
    found = set()
    for model in BLOCK_COMPONENTS:
        props = model.model_fields["props"].annotation
        field = (
            props.model_fields.get(prop) if isinstance(props, type) and issubclass(props, Strict) else None
        )
        if field is not None and field.annotation is shape:
            found.add(component_name(model))
    return frozenset(found)
