"""Reports and slide decks in the renderer: the full view (report pages; slides one at a time at 1920×1080,
scaled), the chat preview card with its side panel, `<artifact_diff>` and v2 patches applied in place, the
standalone export document (inline CSS and JS, one slide or page per printed PDF page).

`ArtifactThread` carries artifact state across the messages of a thread: a v1 `<artifact_diff>` applies to the
last tree with its id (code 9 for an unknown id, 8 for a malformed list: the last good tree stays), and a v2
program is merged (`merge_statements`) against the previous program of its kind in the thread.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from genui.ui.artifacts import DiffError, apply_diff, kind_of_program
from genui.ui.artifacts.base import TYPE_ALIASES
from genui.ui.artifacts.program import read_deck
from genui.ui.artifacts.v1 import kind_of, repair_artifact
from genui.ui.c1 import C1Part, parse_c1
from genui.ui.openui import merge_statements
from genui.ui.openui.lexer import extract_fences
from genui.ui.openui.merge import split_source
from genui.ui.tokenizer import loads_prefix
from genui.web.artifact_frames import ArtifactDoc, Frame, v1_doc, v2_doc
from genui.web.assets import inline_css
from genui.web.components import TreeRenderer
from genui.web.escape import esc

KIND_LABEL = {"slides": "Slides", "report": "Report"}
NOT_IN_THREAD = (
    '<p class="gu-note" role="note" data-gu-artifact-error="9">An edit to an artifact that is not in this '
    "thread.</p>"
)
_STATEMENT = re.compile(r"^[A-Za-z_$][\w$]*\s*=")


@cache
def _static(name: str) -> str:
    return resources.files("genui.web").joinpath("static", name).read_text(encoding="utf-8")


def artifacts_css() -> str:
    return _static("artifacts.css")


def artifacts_js() -> str:
    return _static("artifacts.js").replace("</", "<\\/")


# ---- drawing


def _frame_html(renderer: TreeRenderer, doc: ArtifactDoc, index: int, frame: Frame) -> str:
    total = len(doc.frames)
    label = f"{'Slide' if doc.kind == 'slides' else 'Page'} {index + 1} of {total}"
    head = ""
    if frame.layout in ("title", "section", "hero"):
        head = f'<h2 class="gu-frame-title">{esc(frame.title)}</h2>' if frame.title else ""
        head += f'<p class="gu-frame-subtitle">{esc(frame.subtitle)}</p>' if frame.subtitle else ""
    elif frame.title:
        head = f'<h3 class="gu-frame-heading">{esc(frame.title)}</h3>'
    body = "".join(renderer.node(node) for node in frame.nodes)
    inner = f'<div class="gu-frame-body">{body}</div>' if body else ""
    current = " gu-current" if index == 0 else ""
    if doc.kind == "slides":
        return (
            f'<div class="gu-slide-frame{current}" data-page-index="{index}" data-frame-id="{esc(frame.id)}">'
            f'<div class="gu-slide gu-layout-{esc(frame.layout)}" role="group" aria-roledescription="slide" '
            f'aria-label="{label}">{head}{inner}</div></div>'
        )
    return (
        f'<article class="gu-report-page gu-layout-{esc(frame.layout)}" data-page-index="{index}" '
        f'data-frame-id="{esc(frame.id)}" aria-label="{label}">{head}{inner}</article>'
    )


def view_html(doc: ArtifactDoc) -> str:
    """The full artifact: a bar (title, kind, navigation, print) and every slide or page."""
    prefix = "ga" + hashlib.sha1(f"{doc.id}{doc.version}{len(doc.frames)}".encode()).hexdigest()[:8]
    renderer = TreeRenderer(prefix)
    frames = "".join(_frame_html(renderer, doc, i, f) for i, f in enumerate(doc.frames))
    kind = KIND_LABEL[doc.kind]
    nav = ""
    if doc.kind == "slides":
        nav = (
            '<button type="button" class="gu-art-btn" data-gu-prev aria-label="Previous slide">‹</button>'
            f'<span class="gu-art-count" aria-live="polite">1 / {len(doc.frames)}</span>'
            '<button type="button" class="gu-art-btn" data-gu-next aria-label="Next slide">›</button>'
        )
    error = (
        f'<p class="gu-note gu-artifact-error" role="note" data-gu-artifact-error="{esc(doc.error)}">'
        f"An edit could not be applied (code {esc(doc.error)}); the last good version is shown.</p>"
        if doc.error
        else ""
    )
    body = (
        f'<div class="gu-deck" tabindex="0" aria-label="{esc(kind)}: {esc(doc.title)}">{frames}</div>'
        if doc.kind == "slides"
        else f'<div class="gu-report">{frames}</div>'
    )
    return (
        f'<section class="gu-artifact gu-artifact-{doc.kind}" data-artifact="'
        f'{"presentation" if doc.kind == "slides" else "report"}" data-artifact-id="{esc(doc.id)}" '
        f'data-version="{esc(doc.version)}" aria-label="{esc(kind)}: {esc(doc.title)}">'
        f'<header class="gu-art-bar"><span class="gu-art-title">{esc(doc.title)}</span>'
        f'<span class="gu-art-kind">{esc(kind)}</span>{nav}'
        '<button type="button" class="gu-art-btn" data-gu-print>Print / PDF</button></header>'
        f"{error}{body}</section>"
    )


def card_html(doc: ArtifactDoc) -> str:
    """The chat's preview card (title, kind, View) and the side panel it opens (a dialog: Escape closes)."""
    kind = KIND_LABEL[doc.kind]
    count = f"{len(doc.frames)} {'slides' if doc.kind == 'slides' else 'pages'}"
    return (
        f'<div class="gu-artifact-card" data-artifact-id="{esc(doc.id)}">'
        f'<div class="gu-artifact-card-text"><strong class="gu-artifact-card-title">{esc(doc.title)}</strong>'
        f'<span class="gu-art-kind">{esc(kind)}</span><span class="gu-muted">{count}</span></div>'
        '<button type="button" class="gu-art-btn gu-art-primary" data-gu-artifact-view>View</button>'
        f'<dialog class="gu-artifact-panel" aria-label="{esc(kind)}: {esc(doc.title)}">'
        '<button type="button" class="gu-art-btn gu-art-close" data-gu-artifact-close aria-label="Close">'
        "×</button>"
        f"{view_html(doc)}</dialog></div>"
    )


# ---- reading artifacts out of messages


def _v1_tree(part: C1Part, partial: bool) -> dict[str, Any] | None:
    data = part.data if part.complete else (loads_prefix(part.body) if partial else None)
    kind = TYPE_ALIASES.get(part.attrs.get("type", "slides"))
    if kind is None or kind_of(data) != kind:
        return None
    return repair_artifact(data, kind)


@dataclass
class ArtifactThread:
    """Artifact state across a thread's messages: `render(c1_text)` returns the HTML of each artifact the
    message shows (the preview card with its panel, or the full view), with edits applied."""

    full: bool = False  # the full view instead of the chat card
    trees: dict[str, tuple[str, dict[str, Any], str]] = field(
        default_factory=dict
    )  # id -> (kind, tree, version)
    programs: dict[str, str] = field(default_factory=dict)  # kind -> last v2 program

    def _draw(self, doc: ArtifactDoc) -> str:
        return view_html(doc) if self.full else card_html(doc)

    def render_parts(self, parts: list[C1Part], partial: bool = False) -> list[tuple[int, str]]:
        """(index of the part, html) for the artifact and artifact_diff parts of one message."""
        out: list[tuple[int, str]] = []
        shown: dict[str, int] = {}  # artifact id -> position in `out` (a diff redraws it in place)
        for index, part in enumerate(parts):
            if part.kind == "artifact":
                tree = _v1_tree(part, partial)
                if tree is None:
                    continue
                kind = kind_of(tree) or "slides"
                artifact_id = part.attrs.get("id", "")
                version = part.attrs.get("version", "")
                self.trees[artifact_id] = (kind, tree, version)
                shown[artifact_id] = len(out)
                out.append((index, self._draw(v1_doc(tree, kind, artifact_id, version))))
            elif part.kind == "artifact_diff" and part.complete:
                out.extend(self._diff(index, part.data, shown, out))
        return out

    def _diff(
        self, index: int, ops: Any, shown: dict[str, int], out: list[tuple[int, str]]
    ) -> list[tuple[int, str]]:
        target = next(reversed(shown), None) or next(reversed(self.trees), None)
        if target is None or target not in self.trees:
            return [(index, NOT_IN_THREAD)]
        kind, tree, version = self.trees[target]
        doc: ArtifactDoc
        try:
            tree = apply_diff(tree, ops, repair=True)
            self.trees[target] = (kind, tree, version)
            doc = v1_doc(tree, kind, target, version)
        except DiffError as exc:
            doc = v1_doc(tree, kind, target, version)
            doc.error = str(exc.code)
        html = self._draw(doc)
        if target in shown:
            out[shown[target]] = (out[shown[target]][0], html)
            return []
        shown[target] = len(out)
        return [(index, html)]

    def render_program(self, text: str, artifact_id: str = "") -> str | None:
        """A bare v2 program (or patch, merged against the previous program of its kind); None if neither."""
        program = extract_fences(text)
        kind = kind_of_program(program)
        if kind is None:
            lines = split_source(program)
            if len(self.programs) != 1 or not lines or not all(_STATEMENT.match(line) for line in lines):
                return None
            kind = next(iter(self.programs))  # a patch: merged against the thread's program
        merged = merge_statements(self.programs[kind], program) if kind in self.programs else program
        deck = read_deck(merged, kind)
        if deck is None or not deck.items:
            return None
        self.programs[kind] = merged
        return self._draw(v2_doc(deck, artifact_id or f"{kind}-program"))

    def render(self, c1_text: str, *, partial: bool = False) -> str:
        """The artifacts of one message, edits applied (empty when it holds none)."""
        if "<artifact" not in c1_text:
            return self.render_program(c1_text) or ""
        return "".join(
            html for _, html in self.render_parts(parse_c1(c1_text, partial=partial).parts, partial)
        )


def is_artifact_text(text: str) -> bool:
    """True for a bare v2 artifact program (`root = SlideShow(` / `ReportView(`)."""
    return "<content" not in text and kind_of_program(extract_fences(text)) is not None


def artifact_document(c1_text: str | list[str], *, title: str = "", theme: str = "light") -> str:
    """A standalone HTML document showing the artifact(s) of a message, or of a thread's messages (edits
    applied; the last state of each is shown): inline CSS and JS, no network; printing gives one slide (or
    report page) per PDF page."""
    texts = [c1_text] if isinstance(c1_text, str) else c1_text
    thread = ArtifactThread(full=True)
    views = [thread.render(text) for text in texts]
    body = views[-1] if views and views[-1] else "".join(views)
    theme = "dark" if theme == "dark" else "light"
    return (
        f'<!doctype html>\n<html lang="en" data-theme="{theme}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title or 'genui artifact')}</title>\n<style>{inline_css()}\n{artifacts_css()}\n"
        "body{margin:0;padding:16px;background:var(--gu-surface);}</style>\n</head>\n<body>\n"
        f'<main class="gu-page gu-message gu-artifact-page">{body}</main>\n'
        f"<script>{artifacts_js()}</script>\n</body>\n</html>\n"
    )
