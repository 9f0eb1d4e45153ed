"""HTML for every component of the C1 v2 chat library (OpenUI Lang, `genui.ui.openui.chat_library()`).

Drawings read the library's named props (positional arguments bound by the materializer) and share the
v1 drawing helpers where the shapes match: a v2 `Tabs` item `{value, triggerText, children, triggerIcon}`
is drawn by the v1 tabs drawing as `{value, trigger: {text, icon}, content}`. Every value is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from genui.ui.openui import chat_library
from genui.web import charts
from genui.web.components import (
    _CONTROLS,
    Control,
    TreeRenderer,
    _check_items,
    _control,
    _date,
    _dict,
    _list,
    _radio,
    _select,
    _slider,
    _str,
    check_drawings,
)
from genui.web.escape import esc
from genui.web.markdown import render_markdown

MAX_DRAWN_NODES = 5000  # references are inlined: a small program can name the same subtree thousands of times
_SIZES = frozenset({"small", "default", "large", "small-heavy", "large-heavy"})
_TEXT_SIZES = frozenset({"xs", "sm", "md", "lg"})
_ICON_TONES = frozenset({"neutral", "info", "success", "warning", "danger", "inverted", "filled", "soft"})


def _props(value: object) -> dict[str, Any]:
    """The props of a component node (a plain object is its own props)."""
    node = _dict(value)
    return _dict(node.get("props")) if isinstance(node.get("component"), str) else node


def _enum(value: object, allowed: Iterable[str], default: str) -> str:
    return value if isinstance(value, str) and value in allowed else default


def _words(name: str) -> str:
    """`HorizontalBarChart` -> "Horizontal bar chart" (a chart's title when it has no heading)."""
    return " ".join(re.findall(r"[A-Z][a-z]*", name)).capitalize()


def _v1_action(action: object) -> dict[str, Any]:
    """A v2 action (`{type: "open_url", url}`, `{type, params}`) in the v1 shape the shared controls take."""
    act = _dict(action)
    kind = _str(act.get("type")) or "continue_conversation"
    if kind == "open_url":
        return {"type": kind, "props": {"url": act.get("url")}}
    if kind == "continue_conversation":
        return {"type": kind}
    return {"type": kind, "props": _dict(act.get("params"))}


class OpenUIRenderer(TreeRenderer):
    """Renders one materialized v2 tree (static: see `genui.web.openui_tree`)."""

    def __init__(self, id_prefix: str) -> None:
        super().__init__(id_prefix)
        self._drawn = 0

    def node(self, value: object) -> str:
        if isinstance(value, list):
            return "".join(self.node(v) for v in value)
        if isinstance(value, str):  # 0.5 programs may put text where components go
            return f'<p class="gu-text">{esc(value)}</p>'
        if not isinstance(value, dict) or self._drawn >= MAX_DRAWN_NODES:
            return ""
        self._drawn += 1
        name = value.get("component")
        props = _dict(value.get("props"))
        drawing = V2_DRAWINGS.get(name) if isinstance(name, str) else None
        return drawing(self, props) if drawing is not None else self.generic(props)

    def control_handler(self, name: str) -> Control | None:
        return V2_CONTROLS.get(name)

    def _heading(self, props: dict[str, Any]) -> str:
        """The optional `heading` + `description` pair many v2 components carry, as an InlineHeader."""
        return self.inline_header(props) if _str(props.get("heading")) else ""

    def _v2_action(
        self,
        label: str,
        action: object,
        variant: str,
        icons: tuple[str, str] = ("", ""),
        aria_label: str | None = None,
    ) -> str:
        message = _str(_dict(action).get("message")) or label  # `@ToAssistant("...")` says its own words
        return self._action_control(
            label, label, _v1_action(action), variant, icons, aria_label=aria_label, message=message
        )

    # ---- text --------------------------------------------------------------------------------------

    def text_content(self, props: dict[str, Any]) -> str:
        size = _enum(props.get("size"), _SIZES, "default")
        return (
            f'<div class="gu-text-content gu-size-{size}" data-component="TextContent">'
            f'<div class="gu-markdown">{render_markdown(_str(props.get("text")))}</div></div>'
        )

    def text(self, props: dict[str, Any], *, bold: bool = False, name: str = "Text") -> str:
        size = _enum(props.get("size"), _TEXT_SIZES, "sm")
        number = " gu-num" if props.get("variant") == "number" else ""
        subtext = _str(props.get("subtext"))
        sub_cls = "gu-num" if props.get("subtextVariant") in ("number", "metric") else "gu-muted"
        return (
            f'<div class="gu-v2-text gu-text-{size}{" gu-bold" if bold else ""}" data-component="{name}">'
            f'<span class="gu-text-value{number}">{esc(_str(props.get("value")))}</span>'
            + (f'<span class="{sub_cls} gu-subtext">{esc(subtext)}</span>' if subtext else "")
            + "</div>"
        )

    def bold_text(self, props: dict[str, Any]) -> str:
        return self.text(props, bold=True, name="BoldText")

    def tag_v2(self, props: dict[str, Any]) -> str:
        return self.tag(
            {"text": props.get("text"), "variant": props.get("variant"), "iconName": props.get("icon")}
        )

    def tag_block_v2(self, props: dict[str, Any]) -> str:
        tags = "".join(self.tag_v2(_props(t)) for t in _list(props.get("children")))
        return f'<div class="gu-tags" data-component="TagBlock">{tags}</div>'

    # ---- lists, steps, tabs, sections ----------------------------------------------------------------

    def list_v2(self, props: dict[str, Any]) -> str:
        items = []
        for item in _list(props.get("items")):
            p = _props(item)
            image = _props(p.get("image"))
            items.append(
                {
                    "title": p.get("title"),
                    "subtitle": p.get("subtitle"),
                    "iconName": p.get("icon"),
                    "image": {"src": image.get("src"), "alt": image.get("alt")} if image else None,
                }
            )
        return self.list_block({**props, "items": items})

    def list_item(self, props: dict[str, Any]) -> str:
        return self.list_v2({"items": [props], "variant": "icon"})

    def steps_v2(self, props: dict[str, Any]) -> str:
        items = "".join(self.steps_item_v2(_props(c)) for c in _list(props.get("children")))
        return f'<div class="gu-steps" data-component="Steps">{self._heading(props)}<ol>{items}</ol></div>'

    def steps_item_v2(self, props: dict[str, Any]) -> str:
        details = _str(props.get("details"))
        return (
            f"<li><strong>{esc(_str(props.get('title')))}</strong>"
            + (f'<div class="gu-markdown">{render_markdown(details)}</div>' if details else "")
            + "</li>"
        )

    def _panels(self, props: dict[str, Any]) -> dict[str, Any]:
        """v2 Tabs/Accordion props in the v1 shape: items `{value, trigger: {text, icon}, content}`."""
        children = []
        for item in _list(props.get("children")):
            p = _props(item)
            trigger = {"text": p.get("triggerText"), "icon": p.get("triggerIcon")}
            children.append({"value": p.get("value"), "trigger": trigger, "content": p.get("children")})
        header = {"heading": props.get("heading"), "description": props.get("description")}
        return {"children": children, "header": header if _str(props.get("heading")) else None}

    def tabs_v2(self, props: dict[str, Any]) -> str:
        return self.tabs(self._panels(props))

    def accordion_v2(self, props: dict[str, Any]) -> str:
        return self.accordion(self._panels(props))

    def panel_item(self, props: dict[str, Any]) -> str:
        """A TabItem / AccordionItem met on its own: its title over its content."""
        return self.section({"title": props.get("triggerText"), "children": props.get("children")})

    def section_block_v2(self, props: dict[str, Any]) -> str:
        sections = [
            {"value": p.get("value"), "trigger": _str(p.get("trigger")), "content": p.get("content")}
            for p in (_props(i) for i in _list(props.get("items")))
        ]
        return self.section_block({"sections": sections, "isFoldable": props.get("isFoldable") is not False})

    def section_block_item(self, props: dict[str, Any]) -> str:
        return self.section({"title": props.get("trigger"), "children": props.get("content")})

    # ---- tables ----------------------------------------------------------------------------------------

    def _v2_cell(self, cell: object) -> str:
        if isinstance(cell, dict) and not isinstance(cell.get("component"), str):
            for key in ("text", "label", "value", "title", "name"):  # object cells: their main text
                if isinstance(cell.get(key), str | int | float) and not isinstance(cell.get(key), bool):
                    return esc(cell[key])
            return ""
        return self._cell(cell)

    def table_v2(self, props: dict[str, Any]) -> str:
        columns = [_props(c) for c in _list(props.get("columns"))]
        types = [_enum(c.get("type"), ("string", "number", "action"), "string") for c in columns]
        ths = "".join(
            f'<th scope="col" class="gu-col-{types[i]}">'
            f"{self.icon(c.get('icon'))}{esc(_str(c.get('label')))}</th>"
            for i, c in enumerate(columns)
        )
        body = []
        for row in _list(props.get("rows"))[:5000]:
            tds = "".join(
                f'<td class="gu-col-{types[i] if i < len(types) else "string"}">{self._v2_cell(cell)}</td>'
                for i, cell in enumerate(_list(row))
            )
            body.append(f"<tr>{tds}</tr>")
        return (
            f'<div class="gu-table-wrap" data-component="Table" tabindex="0"><table class="gu-table">'
            f"<thead><tr>{ths}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
        )

    def col(self, props: dict[str, Any]) -> str:
        return (
            f'<span class="gu-col-label">{self.icon(props.get("icon"))}{esc(_str(props.get("label")))}</span>'
        )

    def entity_list(self, props: dict[str, Any]) -> str:
        def row(value: object, cell: str) -> str:
            r = _dict(value)
            number = " gu-col-number" if r.get("rightVariant") == "number" else ""
            return (
                f"<tr><{cell}>{esc(_str(r.get('left')))}</{cell}>"
                f'<{cell} class="gu-entity-right{number}">{esc(_str(r.get("right")))}</{cell}></tr>'
            )

        head = f"<thead>{row(props['header'], 'th')}</thead>" if _dict(props.get("header")) else ""
        foot = f"<tfoot>{row(props['footer'], 'th')}</tfoot>" if _dict(props.get("footer")) else ""
        rows = "".join(row(r, "td") for r in _list(props.get("rows"))[:5000])
        size = _enum(props.get("size"), ("small", "default"), "default")
        return (
            f'<div class="gu-table-wrap" data-component="EntityList"><table class="gu-table gu-entity-list '
            f'gu-size-{size}">{head}<tbody>{rows}</tbody>{foot}</table></div>'
        )

    # ---- charts ------------------------------------------------------------------------------------------

    def _figure(self, name: str, props: dict[str, Any], svg: str, legend: str) -> str:
        return (
            f'<figure class="gu-chart" data-component="{name}">{self._heading(props)}{svg}{legend}</figure>'
        )

    def _series_chart(self, name: str, props: dict[str, Any]) -> str:
        data = charts.chart2d(
            {
                "data": {"labels": props.get("labels"), "series": props.get("series")},
                "unit": props.get("unit"),
            }
        )
        title = _str(props.get("heading")) or _words(name)
        x_label, y_label = _str(props.get("xLabel")), _str(props.get("yLabel"))
        if name == "RadarChart":
            svg = charts.radar_chart(data, self.ids, title=title)
        elif name in ("BarChart", "HorizontalBarChart"):
            svg = charts.bar_chart(
                data,
                self.ids,
                title=title,
                stacked=props.get("variant") == "stacked",
                horizontal=name == "HorizontalBarChart",
                x_label=x_label,
                y_label=y_label,
            )
        else:
            svg = charts.line_chart(
                data,
                self.ids,
                title=title,
                area=name == "AreaChart",
                smooth=props.get("variant") == "natural",
                x_label=x_label,
                y_label=y_label,
            )
        return self._figure(name, props, svg, charts.legend([s.name for s in data.series]))

    def _slices_chart(self, name: str, props: dict[str, Any]) -> str:
        items, unit = charts.chart1d({"data": props.get("slices"), "unit": props.get("unit")})
        title = _str(props.get("heading")) or _words(name)
        if name == "PieChart":
            svg = charts.pie_chart(items, unit, self.ids, title=title, donut=props.get("variant") == "donut")
        elif name == "RadialChart":
            svg = charts.radial_chart(items, unit, self.ids, title=title)
        else:
            svg = charts.stacked_bar(items, unit, self.ids, title=title)
        return self._figure(name, props, svg, self._legend1d(items, unit))

    def scatter_v2(self, props: dict[str, Any]) -> str:
        datasets = [
            {"name": _dict(d).get("name"), "series": _dict(d).get("points")}
            for d in _list(props.get("datasets"))
        ]
        svg = charts.scatter_chart(
            {"data": datasets, "unit": props.get("unit")},
            self.ids,
            title=_str(props.get("heading")) or "Scatter chart",
            x_label=_str(props.get("xLabel")),
            y_label=_str(props.get("yLabel")),
        )
        names = [_str(d["name"]) for d in datasets]
        return self._figure("ScatterChart", props, svg, charts.legend(names))

    # ---- forms and actions -----------------------------------------------------------------------------

    def form_v2(self, props: dict[str, Any]) -> str:
        fields: list[Any] = []
        for field in _list(props.get("fields")):
            if _dict(field).get("component") != "FormControl":
                fields.append(field)  # drawn as it is (the v1 form draws bare controls too)
                continue
            p = _props(field)
            fields.append({"label": p.get("label"), "hint": p.get("hint"), "children": p.get("input")})
        return self.form({"name": props.get("name"), "buttons": props.get("buttons"), "children": fields})

    def form_control(self, props: dict[str, Any]) -> str:
        control = _dict(props.get("input"))
        hint = _str(props.get("hint"))
        hint_id = self.ids() if hint else None
        hint_html = f'<p class="gu-hint" id="{hint_id}">{esc(hint)}</p>' if hint else ""
        name, control_props = _str(control.get("component")), _dict(control.get("props"))
        return self.control(name, control_props, _str(props.get("label")), hint_id, hint_html)

    def button_v2(self, props: dict[str, Any]) -> str:
        variant = _enum(props.get("variant"), ("primary", "secondary", "tertiary"), "primary")
        if props.get("type") == "destructive":
            variant += " gu-btn-destructive"
        return self._v2_action(_str(props.get("label")), props.get("action"), variant)

    def button_group_v2(self, props: dict[str, Any]) -> str:
        vertical = "vertical" if props.get("direction") == "column" else "horizontal"
        return self.button_group({"children": props.get("buttons"), "variant": vertical})

    def icon_button_v2(self, props: dict[str, Any]) -> str:
        variant = _enum(props.get("variant"), ("primary", "secondary", "tertiary"), "secondary")
        shape = " gu-btn-circle" if props.get("shape") == "circle" else ""
        name = _str(props.get("name")) or _str(_props(props.get("icon")).get("name")) or "Button"
        icons = (self.icon(props.get("icon")), "")
        return self._v2_action(
            "", props.get("action"), f"{variant} gu-btn-icon{shape}", icons, aria_label=name
        )

    # ---- small blocks --------------------------------------------------------------------------------------

    def _titles(self, props: dict[str, Any]) -> str:
        title, subtitle = _str(props.get("title")), _str(props.get("subtitle"))
        strong = props.get("bold") is True
        return (
            '<span class="gu-titles">'
            + (f"<strong>{esc(title)}</strong>" if strong else f'<span class="gu-title">{esc(title)}</span>')
            + (f'<span class="gu-muted">{esc(subtitle)}</span>' if subtitle else "")
            + "</span>"
        )

    def icon_text(self, props: dict[str, Any]) -> str:
        tone = _enum(props.get("iconVariant"), _ICON_TONES, "neutral")
        layout = _enum(props.get("layout"), ("horizontal", "vertical"), "horizontal")
        return (
            f'<div class="gu-media gu-media-{layout}" data-component="IconText">'
            f'<span class="gu-icon-badge gu-tone-{tone}">{self.icon(props.get("icon"))}</span>'
            f"{self._titles(props)}</div>"
        )

    def image_text(self, props: dict[str, Any], *, large: bool = False) -> str:
        layout = "vertical" if large else _enum(props.get("layout"), ("horizontal", "vertical"), "horizontal")
        size = charts.num(props.get("imageSize"))
        style = f' style="width:{min(max(size, 16), 240):g}px"' if size is not None and not large else ""
        alt = _str(props.get("alt")) or _str(props.get("title"))
        name = "ImageTextLarge" if large else "ImageText"
        return (
            f'<div class="gu-media gu-media-{layout}{" gu-media-large" if large else ""}" '
            f'data-component="{name}">'
            f'<span class="gu-media-image"{style}>{self._img(props.get("src"), alt)}</span>'
            f"{self._titles(props)}</div>"
        )

    def image_text_large(self, props: dict[str, Any]) -> str:
        return self.image_text(props, large=True)

    def _metric(self, props: dict[str, Any], name: str, previous: str = "") -> str:
        trend = _dict(props.get("trend"))
        direction = "down" if trend.get("direction") == "down" else "up"
        amount = charts.num(trend.get("value"))
        trend_html = (
            f'<span class="gu-trend gu-trend-{direction}">{"↓" if direction == "down" else "↑"} '
            f"{esc(charts.fmt(abs(amount)))}%</span>"  # a percentage, as the C1 client shows it
            if trend and amount is not None
            else ""
        )
        subtext = _str(props.get("subtext"))
        return (
            f'<div class="gu-metric" data-component="{name}"><span class="gu-metric-value">'
            f"{esc(_str(props.get('value')))}</span>"
            + (f'<s class="gu-muted">{esc(previous)}</s>' if previous else "")
            + trend_html
            + (f'<span class="gu-muted">{esc(subtext)}</span>' if subtext else "")
            + "</div>"
        )

    def metric_inline(self, props: dict[str, Any]) -> str:
        return self._metric(props, "MetricIndicatorInline")

    def metric_strikethrough(self, props: dict[str, Any]) -> str:
        return self._metric(props, "MetricIndicatorWithStrikethrough", _str(props.get("previousValue")))

    # ---- card blocks -------------------------------------------------------------------------------------

    def _card_block(
        self, name: str, props: dict[str, Any], draw_item: Callable[[dict[str, Any]], str]
    ) -> str:
        """A grid (or a scrolling row, `layout: "carousel"`) of cards; with a block `action`, each card
        does it (a click sends the card's title, as the C1 client does; custom actions get the item in
        `params`)."""
        layout = _enum(props.get("layout"), ("grid", "carousel"), "grid")
        action = _dict(props.get("action"))
        cards = []
        for index, item in enumerate(_list(props.get("items"))):
            p = _props(item)
            inner = draw_item(p)
            if not action:
                cards.append(f'<li class="gu-card-item">{inner}</li>')
                continue
            title = _item_title(p) or _str(p.get("id")) or f"Card {index + 1}"
            item_action = _v1_action(action)
            if "props" in item_action and item_action["type"] != "open_url":
                item_action["props"] = {
                    **item_action["props"],
                    "itemIndex": index,
                    "itemId": p.get("id"),
                    "itemTitle": title,
                }
            message = _str(action.get("message")) or title
            control = self.action_element(
                inner, "gu-card-item gu-clickable", item_action, name=title, message=message, block=True
            )
            cards.append(f"<li>{control}</li>")
        return (
            f'<ul class="gu-card-block gu-card-block-{layout}" data-component="{name}">{"".join(cards)}</ul>'
        )

    def context_card_item(self, props: dict[str, Any]) -> str:
        title = props.get("title")
        title_html = (
            self.tag_v2(_props(title))
            if isinstance(title, dict)
            else f'<strong class="gu-title">{esc(_str(title))}</strong>'
        )
        image = ""
        if _str(props.get("bgImageSrc")):
            image = self._img(props.get("bgImageSrc"), _str(props.get("bgImageAlt")))
        body = _str(props.get("body"))
        tone = " gu-bg-gray" if props.get("bgColor") == "gray" else ""
        return (
            f'<div class="gu-item-card{tone}" data-component="ContextCardItem">{image}{title_html}'
            + (f'<div class="gu-markdown">{render_markdown(body)}</div>' if body else "")
            + "</div>"
        )

    def composite_card_item(self, props: dict[str, Any]) -> str:
        footer = _dict(props.get("footer"))
        foot = self.node(footer.get("price")) + self.node(footer.get("button"))
        return (
            '<div class="gu-item-card" data-component="CompositeCardItem">'
            f"{self.node(props.get('header'))}{self.node(_list(props.get('body')))}"
            + (f'<div class="gu-item-footer">{foot}</div>' if foot else "")
            + "</div>"
        )

    def overview_card_item(self, props: dict[str, Any]) -> str:
        return (
            '<div class="gu-item-card" data-component="OverviewCardItem">'
            f"{self.node(props.get('top'))}{self.node(props.get('bottom'))}</div>"
        )

    def snippet_card_item(self, props: dict[str, Any]) -> str:
        return (
            '<div class="gu-item-card gu-item-row" data-component="SnippetCardItem">'
            f"{self.node(props.get('lhs'))}{self.node(props.get('rhs'))}</div>"
        )

    def visual_card_item(self, props: dict[str, Any]) -> str:
        image = ""
        if _str(props.get("bgImageSrc")):
            image = self._img(props.get("bgImageSrc"), _str(props.get("bgImageAlt")))
        tag = self.tag_v2(_props(props.get("tag"))) if _dict(props.get("tag")) else ""
        return (
            f'<div class="gu-item-card gu-visual-card" data-component="VisualCardItem">{image}{tag}'
            f"{self.node(props.get('body'))}</div>"
        )


def _item_title(props: dict[str, Any]) -> str:
    """The words a card item is known by (what clicking it says)."""
    for key in ("title", "top", "lhs", "header", "body"):
        value = props.get(key)
        if isinstance(value, str) and value:
            return value
        inner = _props(value)
        for field in ("title", "text", "value"):
            if isinstance(inner.get(field), str) and inner[field]:
                return str(inner[field])
    return ""


# ---- form controls: v2 props in the shapes the v1 controls take, plus the two v2-only ones ---------------


def _options(props: dict[str, Any], *, multiple: bool) -> tuple[str, set[str]]:
    default = props.get("defaultValue")
    defaults = {_str(d) for d in default} if isinstance(default, list) else {_str(default)} - {""}
    return ("checkbox" if multiple else "radio"), defaults


def _chips(r: TreeRenderer, props: dict[str, Any], described: str) -> tuple[str, bool]:
    kind, defaults = _options(props, multiple=props.get("type") != "single")
    group = esc(_str(props.get("name")))
    chips = []
    for item in _list(props.get("items")):
        p = _props(item)
        value = _str(p.get("value"))
        checked = " checked" if value and value in defaults else ""
        disabled = " disabled" if p.get("disabled") is True else ""
        chips.append(
            f'<label class="gu-chip"><input type="{kind}" name="{group}" value="{esc(value)}"'
            f"{checked}{disabled}>"
            f"{r.icon(p.get('icon'))}<span>{esc(_str(p.get('label')) or value)}</span></label>"
        )
    return f'<div class="gu-chips">{"".join(chips)}</div>', True


def _option_cards(r: TreeRenderer, props: dict[str, Any], described: str) -> tuple[str, bool]:
    kind, defaults = _options(props, multiple=props.get("type") == "multiple")
    group = esc(_str(props.get("name")))
    cards = []
    for item in _list(props.get("items")):
        p = _props(item)
        value = _str(p.get("value"))
        top_node = _dict(p.get("topContent"))
        top_props = _props(top_node)
        if top_node.get("component") == "Image":
            top = r._img(top_props.get("src"), _str(top_props.get("alt")))
        else:
            top = r.icon(top_node)
        checked = " checked" if value and value in defaults else ""
        disabled = " disabled" if p.get("disabled") is True else ""
        subtitle = _str(p.get("subtitle"))
        cards.append(
            f'<label class="gu-option-card"><input type="{kind}" name="{group}" value="{esc(value)}"{checked}'
            f'{disabled}>{top}<span class="gu-titles"><strong>{esc(_str(p.get("title")) or value)}</strong>'
            + (f'<span class="gu-muted">{esc(subtitle)}</span>' if subtitle else "")
            + "</span></label>"
        )
    return f'<div class="gu-option-cards">{"".join(cards)}</div>', True


def _as_children(props: dict[str, Any]) -> dict[str, Any]:
    return {**props, "children": _list(props.get("items"))}


def _select_v2(r: TreeRenderer, props: dict[str, Any], described: str) -> tuple[str, bool]:
    items = [
        {"component": "SelectItem", "props": {"value": p.get("value"), "children": p.get("label")}}
        for p in (_props(i) for i in _list(props.get("items")))
    ]
    return _select(r, {**props, "children": items}, described)


def _date_v2(r: TreeRenderer, props: dict[str, Any], described: str) -> tuple[str, bool]:
    default = _str(props.get("defaultDate"))
    return _date(r, {**props, "singleDefaultDate": default, "rangeDefaultDates": [default]}, described)


def _slider_v2(r: TreeRenderer, props: dict[str, Any], described: str) -> tuple[str, bool]:
    default = props.get("defaultValue")
    return _slider(
        r, {**props, "defaultValue": default if isinstance(default, list) else [default]}, described
    )


V2_CONTROLS: dict[str, Control] = {
    "Input": _CONTROLS["Input"],
    "TextArea": _CONTROLS["TextArea"],
    "Select": _select_v2,
    "CheckBoxGroup": lambda r, p, d: _check_items(r, _as_children(p), d, False),
    "SwitchGroup": lambda r, p, d: _check_items(r, _as_children(p), d, True),
    "RadioGroup": lambda r, p, d: _radio(r, _as_children(p), d),
    "Chips": _chips,
    "OptionCards": _option_cards,
    "DatePicker": _date_v2,
    "Slider": _slider_v2,
}

Drawing = Callable[[OpenUIRenderer, dict[str, Any]], str]


def _charted(name: str, slices: bool = False) -> Drawing:
    if slices:
        return lambda renderer, props: renderer._slices_chart(name, props)
    return lambda renderer, props: renderer._series_chart(name, props)


def _block(name: str, item: Callable[[OpenUIRenderer, dict[str, Any]], str]) -> Drawing:
    return lambda renderer, props: renderer._card_block(name, props, lambda p: item(renderer, p))


def _item_text(renderer: OpenUIRenderer, props: dict[str, Any]) -> str:
    """An item drawn by its parent, met on its own: the text it carries."""
    return renderer.generic(props)


# One drawing per component of the C1 v2 chat library, keyed by the library's names.
V2_DRAWINGS: dict[str, Drawing] = {
    "Card": OpenUIRenderer.card,
    "TextContent": OpenUIRenderer.text_content,
    "Text": OpenUIRenderer.text,
    "BoldText": OpenUIRenderer.bold_text,
    "Header": OpenUIRenderer.header,
    "InlineHeader": OpenUIRenderer.inline_header,
    "CalloutV2": OpenUIRenderer.callout,
    "Image": OpenUIRenderer.image,
    "ImageBlock": OpenUIRenderer.image,
    "ImageGallery": OpenUIRenderer.image_gallery,
    "Tag": OpenUIRenderer.tag_v2,
    "TagBlock": OpenUIRenderer.tag_block_v2,
    "ListItem": OpenUIRenderer.list_item,
    "List": OpenUIRenderer.list_v2,
    "StepsItem": OpenUIRenderer.steps_item_v2,
    "Steps": OpenUIRenderer.steps_v2,
    "AccordionItem": OpenUIRenderer.panel_item,
    "Accordion": OpenUIRenderer.accordion_v2,
    "TabItem": OpenUIRenderer.panel_item,
    "Tabs": OpenUIRenderer.tabs_v2,
    "Col": OpenUIRenderer.col,
    "Table": OpenUIRenderer.table_v2,
    "EditableTable": OpenUIRenderer.editable_table,
    "BarChart": _charted("BarChart"),
    "HorizontalBarChart": _charted("HorizontalBarChart"),
    "LineChart": _charted("LineChart"),
    "AreaChart": _charted("AreaChart"),
    "RadarChart": _charted("RadarChart"),
    "PieChart": _charted("PieChart", slices=True),
    "RadialChart": _charted("RadialChart", slices=True),
    "SegmentedBar": _charted("SegmentedBar", slices=True),
    "ScatterChart": OpenUIRenderer.scatter_v2,
    "Form": OpenUIRenderer.form_v2,
    "FormControl": OpenUIRenderer.form_control,
    **{name: _control(name) for name in V2_CONTROLS},
    "SelectItem": _item_text,
    "ChipItem": _item_text,
    "OptionCard": _item_text,
    "CheckBoxItem": _item_text,
    "RadioItem": _item_text,
    "SwitchItem": _item_text,
    "Button": OpenUIRenderer.button_v2,
    "ButtonGroup": OpenUIRenderer.button_group_v2,
    "FollowUpBlock": OpenUIRenderer.follow_ups,
    "Icon": OpenUIRenderer.icon_node,
    "IconButton": OpenUIRenderer.icon_button_v2,
    "IconText": OpenUIRenderer.icon_text,
    "ImageText": OpenUIRenderer.image_text,
    "ImageTextLarge": OpenUIRenderer.image_text_large,
    "EntityList": OpenUIRenderer.entity_list,
    "MetricIndicatorWithStrikethrough": OpenUIRenderer.metric_strikethrough,
    "MetricIndicatorInline": OpenUIRenderer.metric_inline,
    "SectionBlockItem": OpenUIRenderer.section_block_item,
    "SectionBlock": OpenUIRenderer.section_block_v2,
    "ContextCardItem": OpenUIRenderer.context_card_item,
    "ContextCardBlock": _block("ContextCardBlock", OpenUIRenderer.context_card_item),
    "CompositeCardItem": OpenUIRenderer.composite_card_item,
    "CompositeCardBlock": _block("CompositeCardBlock", OpenUIRenderer.composite_card_item),
    "OverviewCardItem": OpenUIRenderer.overview_card_item,
    "OverviewCardBlock": _block("OverviewCardBlock", OpenUIRenderer.overview_card_item),
    "SnippetCardItem": OpenUIRenderer.snippet_card_item,
    "SnippetCardBlock": _block("SnippetCardBlock", OpenUIRenderer.snippet_card_item),
    "VisualCardItem": OpenUIRenderer.visual_card_item,
    "VisualCardBlock": _block("VisualCardBlock", OpenUIRenderer.visual_card_item),
}


check_drawings(chat_library().components, V2_DRAWINGS, "C1 v2 library components")
