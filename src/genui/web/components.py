"""HTML for every v1 component (and the deprecated ones, read-only). Every value is escaped here."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from genui.ui.client import known_components
from genui.ui.sanitize import safe_image_url, safe_url
from genui.web import charts
from genui.web.escape import esc
from genui.web.markdown import render_markdown

_ICONS = {
    "check": "✓",
    "check-circle": "✓",
    "x": "✕",
    "close": "✕",
    "plus": "+",
    "minus": "−",
    "star": "★",
    "heart": "♥",
    "info": "ℹ",
    "alert-triangle": "⚠",
    "warning": "⚠",
    "arrow-right": "→",
    "arrow-left": "←",
    "arrow-up": "↑",
    "arrow-down": "↓",
    "trending-up": "↗",
    "trending-down": "↘",
    "external-link": "↗",
    "mail": "✉",
    "phone": "☎",
    "calendar": "📅",
    "clock": "⏱",
    "user": "👤",
    "users": "👥",
    "search": "🔍",
    "settings": "⚙",
    "home": "⌂",
    "map-pin": "📍",
    "globe": "🌐",
    "dollar-sign": "$",
    "chevron-right": "›",
    "chevron-left": "‹",
    "download": "⤓",
    "upload": "⤒",
    "edit": "✎",
    "trash": "🗑",
    "sun": "☀",
    "moon": "☾",
    "cloud": "☁",
    "zap": "⚡",
    "lock": "🔒",
    "book": "📖",
    "file": "📄",
    "image": "🖼",
    "link": "🔗",
}
_TILE_KEYS = (
    "title",
    "name",
    "amount",
    "number",
    "value",
    "count",
    "label",
    "subtitle",
    "description",
    "text",
)
_VARIANTS = frozenset({"neutral", "info", "success", "warning", "danger"})
_PRIMARY_TEXT_KEYS = (
    "title",
    "heading",
    "label",
    "name",
    "text",
    "value",
    "number",
    "subtitle",
    "description",
)


def _str(value: object) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _variant(value: object, default: str = "neutral") -> str:
    return value if isinstance(value, str) and value in _VARIANTS else default


# A form control: (renderer, props, aria-describedby attribute) -> (inner HTML, grouped in a fieldset)
Control = Callable[["TreeRenderer", dict[str, Any], str], tuple[str, bool]]


class TreeRenderer:
    """Renders one v1 component tree; `id_prefix` keeps element ids unique per rendered message."""

    def __init__(self, id_prefix: str) -> None:
        self._prefix = id_prefix
        self._counter = 0

    # ---- plumbing ----------------------------------------------------------------------------------

    def ids(self) -> str:
        self._counter += 1
        return f"{self._prefix}-{self._counter}"

    def node(self, value: object) -> str:
        """Any node; a list renders each item; a plain string renders as text."""
        if isinstance(value, list):
            return "".join(self.node(v) for v in value)
        if isinstance(value, str):
            return f'<p class="gu-text">{esc(value)}</p>'
        if not isinstance(value, dict):
            return ""
        name = value.get("component")
        props = _dict(value.get("props"))
        if not isinstance(name, str):
            return self.generic(value)
        drawing = DRAWINGS.get(name)
        return drawing(self, props) if drawing is not None else self.generic(props)

    def generic(self, props: dict[str, Any]) -> str:
        """Fallback for shapes we do not know in detail: show the text it carries, then nested nodes."""
        texts = [
            f'<span class="gu-generic-{esc(k)}">{esc(_str(props[k]))}</span>'
            for k in _PRIMARY_TEXT_KEYS
            if _str(props.get(k))
        ]
        nested = "".join(
            self.node(v) for k, v in props.items() if isinstance(v, dict | list) and k != "action"
        )
        return f'<div class="gu-generic">{" ".join(texts)}{nested}</div>'

    def icon(self, value: object) -> str:
        name = ""
        if isinstance(value, str):
            name = value
        elif isinstance(value, dict):
            name = _str(_dict(value.get("props")).get("name") or value.get("name"))
        if not name:
            return ""
        glyph = _ICONS.get(name.lower().replace("_", "-"), "•")
        return f'<span class="gu-icon" aria-hidden="true" title="{esc(name)}">{esc(glyph)}</span>'

    def icon_node(self, props: dict[str, Any]) -> str:
        return self.icon(_str(props.get("name")))

    # ---- layout and text ---------------------------------------------------------------------------

    def card(self, props: dict[str, Any]) -> str:
        variant = props.get("variant") if props.get("variant") in ("clear", "card", "sunk") else "card"
        width = "full" if props.get("width") == "full" else "standard"
        sources = ""
        links = []
        for src in _list(props.get("sources"))[:50]:
            if not isinstance(src, dict):
                continue
            title = _str(src.get("title")) or _str(src.get("sourceName")) or "Source"
            url = safe_url(src.get("url"))
            name = _str(src.get("sourceName"))
            label = f"{esc(title)}" + (f' <span class="gu-muted">{esc(name)}</span>' if name else "")
            links.append(
                f'<li><a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{label}</a></li>'
                if url
                else f"<li>{label}</li>"
            )
        if links:
            sources = f'<footer class="gu-sources"><h4>Sources</h4><ol>{"".join(links)}</ol></footer>'
        return (
            f'<div class="gu-card gu-card-{variant} gu-width-{width}" data-component="Card">'
            f"{self.node(_list(props.get('children')))}{sources}</div>"
        )

    def header(self, props: dict[str, Any]) -> str:
        subtitle = _str(props.get("subtitle") or props.get("description"))
        actions = "".join(self.node(a) for a in _list(props.get("actions")))
        return (
            f'<header class="gu-header" data-component="Header"><div><h2>{esc(_str(props.get("title")))}</h2>'
            + (f'<p class="gu-subtitle">{esc(subtitle)}</p>' if subtitle else "")
            + "</div>"
            + (f'<div class="gu-actions">{actions}</div>' if actions else "")
            + "</header>"
        )

    def inline_header(self, props: dict[str, Any]) -> str:
        desc = _str(props.get("description"))
        return (
            '<div class="gu-inline-header" data-component="InlineHeader">'
            f"<h3>{esc(_str(props.get('heading')))}"
            "</h3>" + (f'<p class="gu-muted">{esc(desc)}</p>' if desc else "") + "</div>"
        )

    def _maybe_header(self, value: object) -> str:
        if isinstance(value, dict):
            if value.get("component") == "InlineHeader":
                return self.inline_header(_dict(value.get("props")))
            if "heading" in value:
                return self.inline_header(value)
        return ""

    def text_content(self, props: dict[str, Any]) -> str:
        variant = props.get("variant") if props.get("variant") in ("clear", "card", "sunk") else "clear"
        return (
            f'<div class="gu-text-content gu-card-{variant}" data-component="TextContent">'
            f"{self._maybe_header(props.get('header'))}"
            f'<div class="gu-markdown">{render_markdown(_str(props.get("textMarkdown")))}</div></div>'
        )

    def callout(self, props: dict[str, Any]) -> str:
        variant = _variant(props.get("variant"))
        role = "alert" if variant == "danger" else "note"
        return (
            f'<div class="gu-callout gu-tone-{variant}" role="{role}" data-component="CalloutV2">'
            f"<strong>{esc(_str(props.get('title')))}</strong>"
            f'<div class="gu-markdown">{render_markdown(_str(props.get("description")))}</div></div>'
        )

    def tag(self, tag: object) -> str:
        item = _dict(tag)
        if item.get("component"):
            item = _dict(item.get("props"))
        icon = self.icon(item.get("iconName"))
        return (
            f'<span class="gu-tag gu-tone-{_variant(item.get("variant"))}">{icon}'
            f"{esc(_str(item.get('text') or item.get('children')))}</span>"
        )

    def tag_block(self, props: dict[str, Any]) -> str:
        tags = "".join(self.tag(t) for t in _list(props.get("children")))
        return f'<div class="gu-tags" data-component="TagBlock">{tags}</div>'

    def _img(self, src: object, alt: str, ratio: object = None) -> str:
        url = safe_image_url(src)
        style = ""
        if isinstance(ratio, str) and all(c.isdigit() or c in ":/. " for c in ratio) and ratio.strip():
            style = f' style="aspect-ratio:{esc(ratio.replace(":", "/"))}"'
        if url is None:
            return (
                f'<div class="gu-img-placeholder" role="img" aria-label="{esc(alt)}"{style}>{esc(alt)}</div>'
            )
        return f'<img class="gu-img" src="{esc(url)}" alt="{esc(alt)}" loading="lazy"{style}>'

    def image(self, props: dict[str, Any]) -> str:
        alt = _str(props.get("alt"))
        return (
            '<figure class="gu-image" data-component="Image">'
            f"{self._img(props.get('src'), alt, props.get('aspectRatio'))}"
            f"<figcaption>{esc(alt)}</figcaption></figure>"
        )

    def image_gallery(self, props: dict[str, Any]) -> str:
        alts = [_str(a) for a in _list(props.get("imagesAlt"))]
        srcs = _list(props.get("imagesSrc"))
        items = "".join(
            f"<li>{self._img(srcs[i] if i < len(srcs) else None, alt)}</li>" for i, alt in enumerate(alts)
        )
        return f'<ul class="gu-gallery" data-component="ImageGallery">{items}</ul>'

    def list_block(self, props: dict[str, Any]) -> str:
        variant = props.get("variant") if props.get("variant") in ("icon", "image", "number") else "icon"
        heading, desc = _str(props.get("heading") or props.get("title")), _str(props.get("description"))
        rows = []
        for item in _list(props.get("items") or props.get("children")):
            it = _dict(item)
            if it.get("component"):
                it = _dict(it.get("props"))
            lead = ""
            if variant == "image" and isinstance(it.get("image"), dict):
                lead = self._img(it["image"].get("src"), _str(it["image"].get("alt")))
            elif variant == "icon":
                lead = self.icon(it.get("iconName"))
            sub = _str(it.get("subtitle") or it.get("description"))
            action = ""
            item_action = _dict(it.get("itemAction"))
            if item_action:
                label = _str(item_action.get("label")) or _str(it.get("title"))
                action = self._action_control(
                    label, _str(it.get("title")), item_action.get("action"), "tertiary"
                )
            rows.append(
                f'<li><span class="gu-list-lead">{lead}</span><span class="gu-list-body">'
                f"<strong>{esc(_str(it.get('title')))}</strong>"
                + (f'<span class="gu-muted">{esc(sub)}</span>' if sub else "")
                + f"</span>{action}</li>"
            )
        tag = "ol" if variant == "number" else "ul"
        head = (f"<h3>{esc(heading)}</h3>" if heading else "") + (
            f'<p class="gu-muted">{esc(desc)}</p>' if desc else ""
        )
        return (
            f'<div class="gu-list gu-list-{variant}" data-component="List">{head}'
            f"<{tag}>{''.join(rows)}</{tag}></div>"
        )

    def steps_item(self, props: dict[str, Any]) -> str:
        return f"<li><strong>{esc(_str(props.get('title')))}</strong>{self.node(props.get('details'))}</li>"

    def steps(self, props: dict[str, Any]) -> str:
        items = []
        for child in _list(props.get("children")):
            c = _dict(child)
            items.append(self.steps_item(_dict(c.get("props")) if c.get("component") else c))
        return (
            f'<div class="gu-steps" data-component="Steps">{self._maybe_header(props.get("header"))}'
            f"<ol>{''.join(items)}</ol></div>"
        )

    def _trigger_text(self, trigger: object) -> tuple[str, str]:
        if isinstance(trigger, str):
            return trigger, ""
        t = _dict(trigger)
        return _str(t.get("text")), self.icon(t.get("icon"))

    def tabs(self, props: dict[str, Any]) -> str:
        buttons, panels = [], []
        for i, item in enumerate(_list(props.get("children"))):
            it = _dict(item)
            text, icon = self._trigger_text(it.get("trigger"))
            tab_id, panel_id = self.ids(), self.ids()
            selected = "true" if i == 0 else "false"
            buttons.append(
                f'<button type="button" role="tab" id="{tab_id}" aria-controls="{panel_id}" '
                f'aria-selected="{selected}" tabindex="{0 if i == 0 else -1}">{icon}{esc(text)}</button>'
            )
            active = " gu-active" if i == 0 else ""
            panels.append(
                f'<section class="gu-tabpanel{active}" role="tabpanel" id="{panel_id}" '
                f'aria-labelledby="{tab_id}" tabindex="0"><h4 class="gu-tabpanel-title">{esc(text)}</h4>'
                f"{self.node(_list(it.get('content')))}</section>"
            )
        return (
            '<div class="gu-tabs" data-component="Tabs" data-gu-tabs>'
            f"{self._maybe_header(props.get('header'))}"
            f'<div class="gu-tablist" role="tablist">{"".join(buttons)}</div>{"".join(panels)}</div>'
        )

    def accordion(self, props: dict[str, Any]) -> str:
        items = []
        for item in _list(props.get("children")):
            it = _dict(item)
            text, icon = self._trigger_text(it.get("trigger"))
            items.append(
                f"<details><summary>{icon}{esc(text)}</summary>"
                f'<div class="gu-details-body">{self.node(_list(it.get("content")))}</div></details>'
            )
        return (
            f'<div class="gu-accordion" data-component="Accordion">{self._maybe_header(props.get("header"))}'
            f"{''.join(items)}</div>"
        )

    def section_block(self, props: dict[str, Any]) -> str:
        foldable = props.get("isFoldable") is True
        parts = []
        for sec in _list(props.get("sections")):
            s = _dict(sec)
            text, _ = self._trigger_text(s.get("trigger"))
            body = self.node(_list(s.get("content")))
            parts.append(
                f"<details open><summary>{esc(text)}</summary>{body}</details>"
                if foldable
                else f'<section class="gu-section"><h3>{esc(text)}</h3>{body}</section>'
            )
        return f'<div class="gu-section-block" data-component="SectionBlock">{"".join(parts)}</div>'

    def section(self, props: dict[str, Any]) -> str:
        title = _str(props.get("title") or props.get("heading") or props.get("trigger"))
        body = self.node(props.get("children") or props.get("content"))
        return f'<section class="gu-section" data-component="Section"><h3>{esc(title)}</h3>{body}</section>'

    def layout(self, props: dict[str, Any]) -> str:
        spec = props.get("children")
        rows_html = []
        specs = spec if isinstance(spec, list) else [spec]
        for block in specs:
            b = _dict(block)
            variant = b.get("variant") if b.get("variant") in ("M-M", "L-S", "S-L") else "M-M"
            for row in _list(b.get("rows")):
                if isinstance(row, dict) and not row.get("component"):
                    columns = list(row.values())
                elif isinstance(row, list):
                    columns = row
                else:
                    columns = [row]
                cols = "".join(f'<div class="gu-col">{self.node(c)}</div>' for c in columns)
                rows_html.append(f'<div class="gu-row gu-row-{esc(variant)}">{cols}</div>')
        return f'<div class="gu-layout" data-component="Layout">{"".join(rows_html)}</div>'

    def carousel(self, props: dict[str, Any]) -> str:
        slides = []
        for slide in _list(props.get("content") or props.get("children")):
            if isinstance(slide, dict) and not slide.get("component"):
                body = self.node(_list(slide.get("children")))
                footer = "".join(self.node(b) for b in _list(slide.get("footer")))
                body += f'<div class="gu-actions">{footer}</div>' if footer else ""
            else:
                body = self.node(slide)
            slides.append(f'<li class="gu-slide">{body}</li>')
        return (
            f'<div class="gu-carousel" data-component="CarouselV2">{self._maybe_header(props.get("header"))}'
            f'<ul class="gu-slides" tabindex="0" aria-label="Carousel">{"".join(slides)}</ul></div>'
        )

    def mini_card_block(self, props: dict[str, Any]) -> str:
        cards = "".join(
            self.node(c) if _dict(c).get("component") else self.mini_card(_dict(c))
            for c in _list(props.get("children"))
        )
        return f'<div class="gu-minicards" data-component="MiniCardBlock">{cards}</div>'

    def mini_card(self, props: dict[str, Any]) -> str:
        return (
            f'<div class="gu-minicard"><div class="gu-minicard-lhs">{self.node(props.get("lhs"))}</div>'
            f'<div class="gu-minicard-rhs">{self.node(props.get("rhs"))}</div></div>'
        )

    def tile(self, props: dict[str, Any]) -> str:
        """ProfileTile / DataTile / Stats: the text they carry, most prominent first."""
        lines = []
        img = props.get("image") or props.get("imageSrc") or props.get("avatar")
        if isinstance(img, dict):
            lines.append(self._img(img.get("src"), _str(img.get("alt"))))
        elif isinstance(img, str):
            lines.append(self._img(img, _str(props.get("title") or props.get("name"))))
        icon = self.icon(props.get("iconName") or props.get("icon"))
        first = True
        for key in _TILE_KEYS:
            text = _str(props.get(key))
            if text:
                cls = "gu-tile-main" if first else "gu-tile-sub"
                lines.append(f'<span class="{cls}">{icon if first else ""}{esc(text)}</span>')
                first = False
        for v in props.values():
            if isinstance(v, dict) and v.get("component"):
                lines.append(self.node(v))
        tone = {"positive": " gu-tone-success", "negative": " gu-tone-danger"}.get(
            _str(props.get("type")), ""
        )
        return f'<div class="gu-tile{tone}">{"".join(lines)}</div>'

    def mini_chart(self, props: dict[str, Any]) -> str:
        raw = props.get("data")
        if isinstance(raw, dict):
            raw = raw.get("values") or raw.get("data")
        values = []
        for v in _list(raw)[:500]:
            n = charts.num(_dict(v).get("value")) if isinstance(v, dict) else charts.num(v)
            values.append(n or 0.0)
        bars = props.get("type") == "bar" or props.get("variant") == "bar"
        title = _str(props.get("title") or props.get("label")) or "Trend"
        svg = charts.sparkline(values, self.ids, title=title, bars=bars)
        return f'<div class="gu-minichart" data-component="MiniChart">{svg}</div>'

    # ---- table ---------------------------------------------------------------------------------------

    def _cell(self, cell: object) -> str:
        if isinstance(cell, str | int | float) and not isinstance(cell, bool):
            return esc(cell)
        if isinstance(cell, dict):
            if cell.get("component"):
                return self.node(cell)
            return self._cell(cell.get("children") if "children" in cell else cell.get("label"))
        if isinstance(cell, list):
            out = []
            for b in cell:
                bd = _dict(b)
                if bd.get("component"):
                    out.append(self.node(bd))
                elif bd:
                    label = _str(bd.get("label"))
                    icons = self.icon(bd.get("leftIcon")), self.icon(bd.get("rightIcon"))
                    out.append(self._action_control(label, label, bd.get("action"), "tertiary", icons))
            return f'<span class="gu-cell-actions">{"".join(out)}</span>'
        return ""

    def table(self, props: dict[str, Any]) -> str:
        head = _list(_dict(props.get("tableHeader")).get("rows"))
        types = [_str(_dict(h).get("type")) for h in head]
        ths = "".join(
            f'<th scope="col" class="gu-col-{esc(types[i] or "string")}">'
            f"{self.icon(_dict(h).get('icon'))}{self._cell(_dict(h).get('children'))}</th>"
            for i, h in enumerate(head)
        )
        body = []
        for row in _list(_dict(props.get("tableBody")).get("rows"))[:5000]:
            cells = _list(_dict(row).get("children")) if isinstance(row, dict) else _list(row)
            tds = "".join(
                f'<td class="gu-col-{esc(types[i] if i < len(types) and types[i] else "string")}">'
                f"{self._cell(c)}</td>"
                for i, c in enumerate(cells)
            )
            body.append(f"<tr>{tds}</tr>")
        return (
            f'<div class="gu-table-wrap" data-component="Table" tabindex="0"><table class="gu-table">'
            f"<thead><tr>{ths}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
        )

    def editable_table(self, props: dict[str, Any]) -> str:
        columns = [_dict(c) for c in _list(props.get("columns"))]
        ths = "".join(f'<th scope="col">{esc(_str(c.get("header") or c.get("key")))}</th>' for c in columns)
        rows = []
        for r_index, row in enumerate(_list(props.get("data"))[:2000]):
            r = _dict(row)
            values = _list(r.get("values"))
            tds = []
            for i, col in enumerate(columns):
                value = _str(values[i]) if i < len(values) else ""
                label = f"{_str(col.get('header') or col.get('key'))}, row {r_index + 1}"
                kind = col.get("type")
                key = esc(_str(col.get("key")))
                if kind == "select":
                    opts = []
                    for o in _list(col.get("options")):
                        ov = _str(_dict(o).get("value")) if isinstance(o, dict) else _str(o)
                        ol = _str(_dict(o).get("label")) or ov if isinstance(o, dict) else ov
                        sel = " selected" if ov == value else ""
                        opts.append(f'<option value="{esc(ov)}"{sel}>{esc(ol)}</option>')
                    ctrl = f'<select data-key="{key}" aria-label="{esc(label)}">{"".join(opts)}</select>'
                else:
                    itype = {"number": "number", "date-single": "date", "url": "url"}.get(_str(kind), "text")
                    ctrl = (
                        f'<input type="{itype}" data-key="{key}" value="{esc(value)}" '
                        f'aria-label="{esc(label)}">'
                    )
                tds.append(f"<td>{ctrl}</td>")
            rows.append(f'<tr data-row-id="{esc(_str(r.get("id")))}">{"".join(tds)}</tr>')
        return (
            '<div class="gu-table-wrap" data-component="EditableTable" '
            f'data-gu-field="{esc(_str(props.get("name")))}" '
            f'data-gu-type="EditableTable"><table class="gu-table"><thead><tr>{ths}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )

    # ---- charts --------------------------------------------------------------------------------------

    def _chart_wrap(self, name: str, props: dict[str, Any], svg: str, legend: str) -> str:
        header = self._maybe_header(_dict(props.get("chartData")).get("header"))
        return f'<figure class="gu-chart" data-component="{name}">{header}{svg}{legend}</figure>'

    def _title(self, props: dict[str, Any], default: str) -> str:
        header = _dict(_dict(props.get("chartData")).get("header"))
        head_props = _dict(header.get("props")) if header.get("component") else header
        return _str(head_props.get("heading")) or _str(props.get("title")) or default

    def bar_chart(self, props: dict[str, Any]) -> str:
        data = charts.chart2d(props.get("chartData"))
        horizontal = props.get("isHorizontal") is True or props.get("type") == "horizontal"
        svg = charts.bar_chart(
            data,
            self.ids,
            title=self._title(props, "Bar chart"),
            stacked=props.get("variant") == "stacked",
            horizontal=horizontal,
            x_label=_str(props.get("xAxisLabel")),
            y_label=_str(props.get("yAxisLabel")),
        )
        return self._chart_wrap("BarChartV2", props, svg, charts.legend([s.name for s in data.series]))

    def _line(self, props: dict[str, Any], area: bool, name: str) -> str:
        data = charts.chart2d(props.get("chartData"))
        svg = charts.line_chart(
            data,
            self.ids,
            title=self._title(props, f"{'Area' if area else 'Line'} chart"),
            area=area,
            smooth=props.get("variant") == "natural",
            x_label=_str(props.get("xAxisLabel")),
            y_label=_str(props.get("yAxisLabel")),
        )
        return self._chart_wrap(name, props, svg, charts.legend([s.name for s in data.series]))

    def line_chart(self, props: dict[str, Any]) -> str:
        return self._line(props, False, "LineChartV2")

    def area_chart(self, props: dict[str, Any]) -> str:
        return self._line(props, True, "AreaChartV2")

    def radar_chart(self, props: dict[str, Any]) -> str:
        data = charts.chart2d(props.get("chartData"))
        svg = charts.radar_chart(data, self.ids, title=self._title(props, "Radar chart"))
        return self._chart_wrap("RadarChartV2", props, svg, charts.legend([s.name for s in data.series]))

    def _legend1d(self, items: list[tuple[str, float]], unit: str) -> str:
        return charts.legend([n for n, _ in items], [charts.fmt(v, unit) for _, v in items])

    def pie_chart(self, props: dict[str, Any]) -> str:
        items, unit = charts.chart1d(props.get("chartData"))
        svg = charts.pie_chart(
            items,
            unit,
            self.ids,
            title=self._title(props, "Pie chart"),
            donut=props.get("variant") == "donut",
        )
        return self._chart_wrap("PieChartV2", props, svg, self._legend1d(items, unit))

    def radial_chart(self, props: dict[str, Any]) -> str:
        items, unit = charts.chart1d(props.get("chartData"))
        svg = charts.radial_chart(items, unit, self.ids, title=self._title(props, "Radial chart"))
        return self._chart_wrap("RadialChartV2", props, svg, self._legend1d(items, unit))

    def single_stacked_bar(self, props: dict[str, Any]) -> str:
        items, unit = charts.chart1d(props.get("chartData"))
        svg = charts.stacked_bar(items, unit, self.ids, title=self._title(props, "Stacked bar"))
        return self._chart_wrap("SingleStackedBarChart", props, svg, self._legend1d(items, unit))

    def scatter_chart(self, props: dict[str, Any]) -> str:
        cd = props.get("chartData")
        svg = charts.scatter_chart(
            cd,
            self.ids,
            title=self._title(props, "Scatter chart"),
            x_label=_str(props.get("xAxisLabel")),
            y_label=_str(props.get("yAxisLabel")),
        )
        names = [_str(_dict(g).get("name")) for g in _list(_dict(cd).get("data"))]
        return self._chart_wrap("ScatterChart", props, svg, charts.legend(names))

    def v0_chart(self, kind: str, props: dict[str, Any]) -> str:
        """A deprecated v0 chart (`categoryKey` + rows), drawn with the V2 chart of its kind."""
        data = charts.v0_chart2d(props)
        title = _str(props.get("title") or props.get("heading")) or kind
        names = [s.name for s in data.series]
        if kind in ("PieChart", "RadialChart"):
            items = [
                (lab, data.series[0].values[i] if data.series else 0.0) for i, lab in enumerate(data.labels)
            ]
            svg = (
                charts.pie_chart(items, "", self.ids, title=title, donut=props.get("variant") == "donut")
                if kind == "PieChart"
                else charts.radial_chart(items, "", self.ids, title=title)
            )
            return self._chart_wrap(kind, props, svg, self._legend1d(items, ""))
        if kind == "RadarChart":
            svg = charts.radar_chart(data, self.ids, title=title)
        elif kind == "BarChart":
            svg = charts.bar_chart(
                data, self.ids, title=title, stacked=props.get("variant") == "stacked", horizontal=False
            )
        else:
            svg = charts.line_chart(data, self.ids, title=title, area=kind == "AreaChart", smooth=False)
        return self._chart_wrap(kind, props, svg, charts.legend(names))

    # ---- actions -------------------------------------------------------------------------------------

    def _action_control(
        self,
        label: str,
        name: str,
        action: object,
        variant: str,
        icons: tuple[str, str] = ("", ""),
        aria_label: str | None = None,
        message: str | None = None,
    ) -> str:
        inner = f"{icons[0]}<span>{esc(label)}</span>{icons[1]}" if label else f"{icons[0]}{icons[1]}"
        return self.action_element(
            inner,
            f"gu-btn gu-btn-{variant}",
            action,
            name=name,
            message=label if message is None else message,
            aria_label=aria_label,
        )

    def action_element(
        self,
        inner: str,
        cls: str,
        action: object,
        *,
        name: str,
        message: str,
        aria_label: str | None = None,
        block: bool = False,
    ) -> str:
        """`inner` doing a v1-shaped action: a link for open_url (inert when the URL policy refuses it),
        else a button whose click genui.js turns into `genui:send` (`message` is what the user "says") or
        `genui:action`. `block`: a clickable region (a card) instead of a button."""
        act = _dict(action) or {"type": "continue_conversation"}
        kind = _str(act.get("type")) or "continue_conversation"
        aria = f' aria-label="{esc(aria_label)}"' if aria_label else ""
        if kind == "open_url":
            url = safe_url(_dict(act.get("props")).get("url"))
            if url is None:
                if block:
                    return f'<div class="{cls}">{inner}</div>'
                return f'<button type="button" class="{cls}" disabled{aria}>{inner}</button>'
            return (
                f'<a class="{cls}" href="{esc(url)}" target="_blank" rel="noopener noreferrer" '
                f'data-gu-action="open_url"{aria}>{inner}</a>'
            )
        payload = esc(json.dumps({"type": kind, "props": _dict(act.get("props"))}, ensure_ascii=False))
        opening, closing = (
            ('div role="button" tabindex="0"', "div") if block else ('button type="button"', "button")
        )
        return (
            f'<{opening} class="{cls}" data-gu-action="{esc(kind)}" data-gu-payload="{payload}" '
            f'data-gu-name="{esc(name)}" data-gu-label="{esc(message)}"{aria}>{inner}</{closing}>'
        )

    def button(self, props: dict[str, Any]) -> str:
        variant = (
            props.get("variant")
            if props.get("variant") in ("primary", "secondary", "tertiary")
            else "secondary"
        )
        label = _str(props.get("children"))
        icons = self.icon(props.get("iconLeft")), self.icon(props.get("iconRight"))
        return self._action_control(
            label, _str(props.get("name")) or label, props.get("action"), str(variant), icons
        )

    def icon_button(self, props: dict[str, Any]) -> str:
        icon = props.get("icon")
        icon_name = (
            _str(_dict(_dict(icon).get("props")).get("name")) if isinstance(icon, dict) else _str(icon)
        )
        name = _str(props.get("name")) or icon_name
        variant = (
            props.get("variant")
            if props.get("variant") in ("primary", "secondary", "tertiary")
            else "secondary"
        )
        return self._action_control(
            "",
            name,
            props.get("action"),
            f"{variant} gu-btn-icon",
            (self.icon(icon), ""),
            aria_label=name or "Button",
        )

    def button_group(self, props: dict[str, Any]) -> str:
        vertical = " gu-vertical" if props.get("variant") == "vertical" else ""
        return (
            f'<div class="gu-button-group{vertical}" role="group" data-component="ButtonGroup">'
            f"{self.node(_list(props.get('children')))}</div>"
        )

    def follow_ups(self, props: dict[str, Any]) -> str:
        items = "".join(
            f'<li><button type="button" class="gu-followup" data-gu-followup="{esc(_str(t))}">'
            f"{esc(_str(t))}</button></li>"
            for t in _list(props.get("followUpText"))
            if _str(t)
        )
        return (
            f'<nav class="gu-followups" aria-label="Suggested follow-ups" data-component="FollowUpBlock">'
            f"<ul>{items}</ul></nav>"
        )

    # ---- forms ---------------------------------------------------------------------------------------

    def form(self, props: dict[str, Any]) -> str:
        fields = []
        for field in _list(props.get("children")):
            f = _dict(field)
            if f.get("component"):  # a bare control without its {label, children} wrapper
                fields.append(self.node(f))
                continue
            control = _dict(f.get("children"))
            hint = _str(f.get("hint"))
            hint_id = self.ids() if hint else None
            hint_html = f'<p class="gu-hint" id="{hint_id}">{esc(hint)}</p>' if hint else ""
            name = _str(control.get("component"))
            fields.append(
                self.control(name, _dict(control.get("props")), _str(f.get("label")), hint_id, hint_html)
            )
        buttons = self.node(props.get("buttons"))
        return (
            f'<form class="gu-form" data-component="Form" data-gu-form="{esc(_str(props.get("name")))}" '
            f"novalidate>{''.join(fields)}"
            f"{f'<div class=gu-form-buttons>{buttons}</div>' if buttons else ''}</form>"
        )

    def control_handler(self, name: str) -> Control | None:
        return _CONTROLS.get(name)

    def control(
        self,
        name: str,
        props: dict[str, Any],
        label: str | None,
        hint_id: str | None = None,
        hint_html: str = "",
    ) -> str:
        handler = self.control_handler(name)
        if handler is None:
            inner_html = self.node({"component": name, "props": props})
            return f'<div class="gu-field">{esc(label or "")}{inner_html}</div>'
        field = esc(_str(props.get("name")))
        described = f' aria-describedby="{hint_id}"' if hint_id else ""
        text = label or _str(props.get("placeholder")) or _str(props.get("name")) or name
        inner, grouped = handler(self, props, described)
        attrs = (
            f'class="gu-field" data-gu-field="{field}" data-gu-type="{esc(name)}" '
            f'data-component="{esc(name)}"'
        )
        if grouped:
            return f"<fieldset {attrs}{described}><legend>{esc(text)}</legend>{inner}{hint_html}</fieldset>"
        return (
            f'<div {attrs}><label class="gu-label"><span class="gu-label-text">{esc(text)}</span>'
            f"{inner}</label>"
            f"{hint_html}</div>"
        )


def _rules(props: dict[str, Any]) -> str:
    rules = _dict(props.get("rules"))
    out = " required" if rules.get("required") is True else ""
    for key, attr in (("minLength", "minlength"), ("maxLength", "maxlength"), ("min", "min"), ("max", "max")):
        value = rules.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out += f' {attr}="{esc(value)}"'
    return out


def _input(r: TreeRenderer, props: dict[str, Any], described: str) -> tuple[str, bool]:
    kind = _str(props.get("type")) or "text"
    kind = (
        kind
        if kind in ("text", "email", "number", "password", "tel", "url", "date", "time", "search")
        else "text"
    )
    return (
        f'<input type="{kind}" name="{esc(_str(props.get("name")))}" '
        f'placeholder="{esc(_str(props.get("placeholder")))}" value="{esc(_str(props.get("defaultValue")))}"'
        f"{_rules(props)}{described}>",
        False,
    )


def _textarea(r: TreeRenderer, props: dict[str, Any], described: str) -> tuple[str, bool]:
    rows = props.get("rows") if isinstance(props.get("rows"), int) and 0 < props["rows"] < 50 else 3
    return (
        f'<textarea name="{esc(_str(props.get("name")))}" rows="{rows}" '
        f'placeholder="{esc(_str(props.get("placeholder")))}"{_rules(props)}{described}>'
        f"{esc(_str(props.get('defaultValue')))}</textarea>",
        False,
    )


def _select(r: TreeRenderer, props: dict[str, Any], described: str) -> tuple[str, bool]:
    default = _str(props.get("defaultValue"))
    placeholder = _str(props.get("placeholder"))
    opts = [f'<option value="">{esc(placeholder or "Select…")}</option>'] if not default else []
    group: list[str] | None = None
    for child in _list(props.get("children")):
        c = _dict(child)
        kind, cp = c.get("component"), _dict(c.get("props"))
        if kind == "SelectLabel":
            if group is not None:
                opts.append("".join(group) + "</optgroup>")
            group = [f'<optgroup label="{esc(_str(cp.get("text") or cp.get("children")))}">']
            continue
        if kind == "SelectSeparator":
            continue
        value = _str(cp.get("value"))
        sel = " selected" if value and value == default else ""
        opt = f'<option value="{esc(value)}"{sel}>{esc(_str(cp.get("children")) or value)}</option>'
        (group if group is not None else opts).append(opt)
    if group is not None:
        opts.append("".join(group) + "</optgroup>")
    return (
        f'<select name="{esc(_str(props.get("name")))}"{_rules(props)}{described}>{"".join(opts)}</select>',
        False,
    )


def _check_items(r: TreeRenderer, props: dict[str, Any], described: str, switch: bool) -> tuple[str, bool]:
    items = []
    for child in _list(props.get("children")):
        c = _dict(child)
        cp = _dict(c.get("props")) if c.get("component") else c
        checked = " checked" if cp.get("defaultChecked") is True else ""
        role = ' role="switch"' if switch else ""
        desc = _str(cp.get("description"))
        items.append(
            '<label class="gu-check">'
            f'<input type="checkbox"{role} name="{esc(_str(cp.get("name")))}"{checked}>'
            f"<span>{esc(_str(cp.get('label')))}"
            + (f' <small class="gu-muted">{esc(desc)}</small>' if desc else "")
            + "</span></label>"
        )
    return "".join(items), True


def _radio(r: TreeRenderer, props: dict[str, Any], described: str) -> tuple[str, bool]:
    default = _str(props.get("defaultValue"))
    group = esc(_str(props.get("name")))
    items = []
    for child in _list(props.get("children")):
        c = _dict(child)
        cp = _dict(c.get("props")) if c.get("component") else c
        value = _str(cp.get("value"))
        checked = " checked" if value and value == default else ""
        desc = _str(cp.get("description"))
        items.append(
            f'<label class="gu-check"><input type="radio" name="{group}" value="{esc(value)}"{checked}>'
            f"<span>{esc(_str(cp.get('label')) or value)}"
            + (f' <small class="gu-muted">{esc(desc)}</small>' if desc else "")
            + "</span></label>"
        )
    return "".join(items), True


def _tiles(r: TreeRenderer, props: dict[str, Any], described: str) -> tuple[str, bool]:
    multi = props.get("multiselect") is True
    default = props.get("defaultValue")
    defaults = {_str(d) for d in default} if isinstance(default, list) else {_str(default)}
    group = esc(_str(props.get("name")))
    items = []
    for i, child in enumerate(_list(props.get("children"))):
        c = _dict(child)
        cp = _dict(c.get("props")) if c.get("component") else c
        value = _str(cp.get("value"))
        checked = " checked" if cp.get("defaultChecked") is True or (value and value in defaults) else ""
        variant = props.get("variant")
        marker = (
            (chr(65 + i % 26) if variant == "letter" else str(i + 1) if variant == "number" else "")
            if variant != "icon"
            else ""
        )
        lead = (
            r.icon(cp.get("icon")) if variant == "icon" else f'<span class="gu-tile-marker">{marker}</span>'
        )
        items.append(
            f'<label class="gu-tile-option"><input type="{"checkbox" if multi else "radio"}" name="{group}" '
            f'value="{esc(value)}"{checked}>{lead}<span>{esc(_str(cp.get("label")) or value)}</span></label>'
        )
    return f'<div class="gu-tile-options">{"".join(items)}</div>', True


def _date(r: TreeRenderer, props: dict[str, Any], described: str) -> tuple[str, bool]:
    name = esc(_str(props.get("name")))
    if props.get("mode") == "range":
        dates = _list(props.get("rangeDefaultDates"))
        start = _str(dates[0]) if dates else ""
        end = _str(dates[1]) if len(dates) > 1 else ""
        return (
            f'<label class="gu-label">From <input type="date" name="{name}" '
            f'value="{esc(start[:10])}"></label>'
            f'<label class="gu-label">To <input type="date" name="{name}" value="{esc(end[:10])}"></label>',
            True,
        )
    value = esc(_str(props.get("singleDefaultDate"))[:10])
    return f'<input type="date" name="{name}" value="{value}"{_rules(props)}{described}>', False


def _slider(r: TreeRenderer, props: dict[str, Any], described: str) -> tuple[str, bool]:
    lo = charts.num(props.get("min"))
    hi = charts.num(props.get("max"))
    lo = 0.0 if lo is None else lo
    hi = 100.0 if hi is None else hi
    step = charts.num(props.get("step")) or (
        1.0 if props.get("variant") == "discrete" else (hi - lo) / 100 or 1.0
    )
    defaults = [charts.num(v) for v in _list(props.get("defaultValue"))] or [lo]
    name = esc(_str(props.get("name")))
    inputs = []
    for i, v in enumerate(defaults[:2]):
        value = lo if v is None else v
        label = ("Minimum" if i == 0 else "Maximum") if len(defaults) > 1 else "Value"
        inputs.append(
            f'<label class="gu-label gu-slider">{label} <input type="range" name="{name}" min="{lo:g}" '
            f'max="{hi:g}" step="{step:g}" value="{value:g}">'
            f"<output>{value:g}</output></label>"
        )
    return "".join(inputs), True


_CONTROLS: dict[str, Control] = {
    "Input": _input,
    "TextArea": _textarea,
    "Select": _select,
    "CheckBoxGroup": lambda r, p, d: _check_items(r, p, d, False),
    "SwitchGroup": lambda r, p, d: _check_items(r, p, d, True),
    "RadioGroup": _radio,
    "TileOptionBlock": _tiles,
    "DatePicker": _date,
    "Slider": _slider,
}


Drawing = Callable[[TreeRenderer, dict[str, Any]], str]


def _control(name: str) -> Drawing:
    return lambda renderer, props: renderer.control(name, props, None)


def _v0(kind: str) -> Drawing:
    return lambda renderer, props: renderer.v0_chart(kind, props)


# One drawing per component a client draws (genui.ui.client.known_components(): every declared component and
# every deprecated one); the items drawn by their parents show their text when met on their own.
DRAWINGS: dict[str, Drawing] = {
    "Card": TreeRenderer.card,
    "Header": TreeRenderer.header,
    "CardHeader": TreeRenderer.header,
    "InlineHeader": TreeRenderer.inline_header,
    "TextContent": TreeRenderer.text_content,
    "CalloutV2": TreeRenderer.callout,
    "Callout": TreeRenderer.callout,
    "TagBlock": TreeRenderer.tag_block,
    "Image": TreeRenderer.image,
    "ImageGallery": TreeRenderer.image_gallery,
    "List": TreeRenderer.list_block,
    "ListBlock": TreeRenderer.list_block,
    "Steps": TreeRenderer.steps,
    "StepsItem": TreeRenderer.steps_item,
    "Tabs": TreeRenderer.tabs,
    "Accordion": TreeRenderer.accordion,
    "SectionBlock": TreeRenderer.section_block,
    "Section": TreeRenderer.section,
    "Layout": TreeRenderer.layout,
    "CarouselV2": TreeRenderer.carousel,
    "Carousel": TreeRenderer.carousel,
    "MiniCardBlock": TreeRenderer.mini_card_block,
    "MiniCard": TreeRenderer.mini_card,
    "ProfileTile": TreeRenderer.tile,
    "DataTile": TreeRenderer.tile,
    "Stats": TreeRenderer.tile,
    "MiniChart": TreeRenderer.mini_chart,
    "Table": TreeRenderer.table,
    "EditableTable": TreeRenderer.editable_table,
    "BarChartV2": TreeRenderer.bar_chart,
    "LineChartV2": TreeRenderer.line_chart,
    "AreaChartV2": TreeRenderer.area_chart,
    "RadarChartV2": TreeRenderer.radar_chart,
    "PieChartV2": TreeRenderer.pie_chart,
    "RadialChartV2": TreeRenderer.radial_chart,
    "SingleStackedBarChart": TreeRenderer.single_stacked_bar,
    "ScatterChart": TreeRenderer.scatter_chart,
    **{
        kind: _v0(kind)
        for kind in ("BarChart", "LineChart", "AreaChart", "PieChart", "RadarChart", "RadialChart")
    },
    "Form": TreeRenderer.form,
    **{name: _control(name) for name in _CONTROLS},
    "SelectItem": TreeRenderer.generic,
    "SelectLabel": TreeRenderer.generic,
    "SelectSeparator": TreeRenderer.generic,
    "CheckBoxItem": TreeRenderer.generic,
    "SwitchItem": TreeRenderer.generic,
    "RadioItem": TreeRenderer.generic,
    "Button": TreeRenderer.button,
    "IconButton": TreeRenderer.icon_button,
    "ButtonGroup": TreeRenderer.button_group,
    "FollowUpBlock": TreeRenderer.follow_ups,
    "Icon": TreeRenderer.icon_node,
}


def check_drawings(
    components: Iterable[str], drawings: Mapping[str, object] | None = None, what: str = "catalog components"
) -> None:
    """Refuse to start (RuntimeError) when a component a client draws has no drawing (in `drawings`,
    default: the v1 table)."""
    missing = sorted(set(components) - (DRAWINGS if drawings is None else drawings).keys())
    if missing:
        raise RuntimeError(f"the renderer has no drawing for the {what} {missing}")


check_drawings(known_components())
