"""The open C1 renderer: a C1 Response (complete or a streamed prefix) to server-side HTML.

One renderer serves the playground, `genui render FILE > page.html`, notebooks and email: the output
is plain HTML + inline SVG, readable without JS; `static/genui.js` only adds actions and tabs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from genui.ui.c1 import C1Part, unescape
from genui.ui.client import client_tree
from genui.web.artifacts import ArtifactThread, is_artifact_text
from genui.web.assets import inline_css
from genui.web.components import TreeRenderer
from genui.web.escape import esc
from genui.web.inputs import ContentTree, is_openui, read_parts
from genui.web.markdown import render_markdown
from genui.web.openui_components import OpenUIRenderer
from genui.web.openui_tree import openui_tree

COULD_NOT_RENDER = "Could not render this response."


@dataclass
class RenderResult:
    html: str
    valid: bool  # every content tree in the text validated (False: a fallback or nothing was shown)


def render_html(c1_text: str, *, partial: bool = False, fallback: str | None = None) -> str:
    """An HTML fragment for a C1 Response.

    `partial=True` reads `c1_text` as a streamed prefix: open strings and brackets are closed the way C1
    clients do, an invalid tree falls back to the content of `fallback` (the last C1 text that rendered
    validly) or to nothing; a prefix never produces an error state. At the end (`partial=False`) an
    invalid tree without a valid fallback shows a neutral "could not render" note.
    """
    return render_result(c1_text, partial=partial, fallback=fallback).html


def render_result(c1_text: str, *, partial: bool = False, fallback: str | None = None) -> RenderResult:
    if is_artifact_text(c1_text):  # a bare v2 artifact program (SlideShow / ReportView)
        html = ArtifactThread().render(c1_text, partial=partial)
        return RenderResult(f'<div class="gu-message">{html}</div>', bool(html))
    parts = read_parts(c1_text, partial=partial)
    artifacts = dict(ArtifactThread().render_parts(parts, partial))  # diffs applied in place
    fallback_artifacts = (
        [html for _, html in ArtifactThread().render_parts(read_parts(fallback, partial=True), True)]
        if partial and fallback
        else []
    )
    artifact_index = 0
    prefix = "gu" + hashlib.sha1(c1_text.encode("utf-8", "replace")).hexdigest()[:8]
    fallback_trees = _valid_trees(fallback) if fallback else []
    out: list[str] = []
    valid = True
    content_index = 0
    for index, part in enumerate(parts):
        if part.kind == "thinkitem":
            ephemeral = part.attrs.get("ephemeral", "").lower() == "true"
            if ephemeral and not partial:
                continue
            out.append(_think_html(part.data["title"], part.data["content"], ephemeral))
        elif part.kind == "custommarkdown":
            out.append(f'<div class="gu-custom-markdown gu-markdown">{render_markdown(part.body)}</div>')
        elif part.kind in ("content", "text"):
            tree = _tree(part, partial=partial)
            if tree is None:
                valid = False
                tree = fallback_trees[content_index] if content_index < len(fallback_trees) else None
            if tree is not None:
                out.append(_draw(tree, f"{prefix}-{content_index}"))
            elif not partial:
                out.append(f'<div class="gu-note" role="note">{COULD_NOT_RENDER}</div>')
            content_index += 1
        elif part.kind == "artifact" and index not in artifacts:
            valid = False  # a prefix cut where a client reads nothing: the last valid text's artifact
            if artifact_index < len(fallback_artifacts):
                out.append(fallback_artifacts[artifact_index])
            artifact_index += 1
        elif part.kind in ("artifact", "artifact_diff"):
            out.append(artifacts.get(index, ""))
            artifact_index += part.kind == "artifact"
        # `context` holds client state (form values); nothing to show
    busy = ' aria-busy="true"' if partial else ""
    return RenderResult(f'<div class="gu-message"{busy}>{"".join(out)}</div>', valid)


def _tree(part: C1Part, *, partial: bool) -> ContentTree | None:
    """The root Card a client shows for a content part (text outside elements counts as one), or None."""
    if is_openui(part):
        root = openui_tree(part.body, partial=partial)
        return ContentTree(2, root) if root is not None else None
    body = unescape(part.body) if part.kind == "text" else part.body
    v1_root = client_tree(body, partial=partial)
    return ContentTree(1, v1_root) if v1_root is not None else None


def _draw(tree: ContentTree, id_prefix: str) -> str:
    if tree.version == 1:
        return TreeRenderer(id_prefix).node(tree.root)
    # the marker tells genui.js to answer clicks with v2 follow-up messages
    return f'<div class="gu-openui" data-gu-lang="openui">{OpenUIRenderer(id_prefix).node(tree.root)}</div>'


def _valid_trees(c1_text: str) -> list[ContentTree | None]:
    return [
        _tree(part, partial=True)
        for part in read_parts(c1_text, partial=True)
        if part.kind in ("content", "text")
    ]


def _think_html(title: str, content: str, ephemeral: bool) -> str:
    cls = "gu-think gu-think-ephemeral" if ephemeral else "gu-think"
    return (
        f'<div class="{cls}" role="status"><span class="gu-think-title">{esc(title)}</span>'
        + (f'<span class="gu-think-content">{esc(content)}</span>' if content else "")
        + "</div>"
    )


class C1Html:
    """Notebook display: `C1Html(text)` renders inline in Jupyter through `_repr_html_`."""

    def __init__(self, c1_text: str, *, theme: str = "light") -> None:
        self.c1_text = c1_text
        self.theme = theme

    def _repr_html_(self) -> str:
        return (
            f'<div class="gu-page" data-theme="{esc(self.theme)}"><style>{inline_css()}</style>'
            f"{render_html(self.c1_text)}</div>"
        )
