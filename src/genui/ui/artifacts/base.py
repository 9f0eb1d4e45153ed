"""The artifact an edit starts from: found in the assistant turn that precedes the user's change.

v1: a C1 Response holding `<artifact>` elements: the last one with the request's id (else the last of the
type), with the `<artifact_diff>`s after it applied. v2: a bare OpenUI Lang program rooted at SlideShow /
ReportView (fences allowed). Without `is_edit` an edit is recognised the way older C1 examples send one: the
last two non-system turns are an assistant turn holding an artifact of the requested type, then a user turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..c1 import parse_c1
from ..openui.lexer import extract_fences
from .diff import DiffError, apply_diff
from .v1 import kind_of, repair_artifact
from .v2 import kind_of_program

TYPE_ALIASES = {"slides": "slides", "presentation": "slides", "report": "report"}


@dataclass(frozen=True)
class Base:
    format: str  # "v1" | "v2"
    kind: str  # "slides" | "report"
    tree: dict[str, Any] | None = None  # v1: the artifact root
    version: int = 1  # v1: the `version` attribute of the base
    program: str = ""  # v2: the program text


def text_of(content: Any) -> str:
    """A message's text: a string, or its text parts joined."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(p["text"] for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


def _version(raw: str | None) -> int:
    try:
        return max(1, int(raw or "1"))
    except ValueError:
        return 1


def v1_base(text: str, kind: str, artifact_id: str | None) -> Base | None:
    parts = parse_c1(text).parts
    candidates = [
        i for i, p in enumerate(parts)
        if p.kind == "artifact" and TYPE_ALIASES.get(p.attrs.get("type", "slides")) == kind
        and kind_of(p.data) == kind
    ]  # fmt: skip
    same_id = [i for i in candidates if parts[i].attrs.get("id") == artifact_id]
    if not candidates:
        return None
    chosen = (same_id or candidates)[-1]
    part = parts[chosen]
    tree = repair_artifact(part.data, kind)
    if tree is None:
        return None
    for later in parts[chosen + 1 :]:
        if later.kind == "artifact_diff" and later.data is not None:
            try:
                tree = apply_diff(tree, later.data)
            except DiffError:
                break  # a client keeps the last good tree
    return Base("v1", kind, tree=tree, version=_version(part.attrs.get("version")))


def v2_base(text: str, kind: str) -> Base | None:
    program = extract_fences(text).strip()
    if kind_of_program(program) != kind:
        return None
    return Base("v2", kind, program=program + "\n")


def find_base(content: Any, kind: str, artifact_id: str | None) -> Base | None:
    text = text_of(content)
    if "<artifact" in text:
        return v1_base(text, kind, artifact_id)
    return v2_base(text, kind)


def edit_base(
    messages: Sequence[dict[str, Any]], kind: str, artifact_id: str | None, is_edit: bool
) -> tuple[Base | None, bool]:
    """(base, is an edit): the base from the assistant turn before the last user turn. An explicit `is_edit`
    with no usable base gives (None, True): the caller refuses it."""
    turns = [m for m in messages if m.get("role") not in ("system", "developer")]
    if len(turns) >= 2 and turns[-1].get("role") == "user" and turns[-2].get("role") == "assistant":
        base = find_base(turns[-2].get("content"), kind, artifact_id)
        if base is not None:
            return base, True
    return None, is_edit
