"""The two formats a generation comes in, each repaired deterministically into a `Candidate` written in the
input's form: OpenUI Lang (bare, or in a C1 `<content version="2">` element) and C1 v1 JSON (repair_v1)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from genui.service.repair_input import Format, detect_format
from genui.service.repair_v1 import V1Input, read_v1, repair_v1
from genui.service.turn import decoding_schema
from genui.ui import Catalog, ThesysMetadata, openui
from genui.ui.c1 import parse_c1, write_content_v2
from genui.ui.openui import Issue, Library, Node

# A required value with no default: the component holding it was dropped, so content was lost.
GAP_CODES = frozenset({"missing-required", "null-required"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """One repaired version of a generation, written in the input's form."""

    program: str | None  # None exactly when not valid
    valid: bool  # valid and renders something
    changed: bool  # False: the input itself, already valid
    fixed: tuple[Issue, ...]
    unfixed: tuple[Issue, ...]

    @property
    def gaps(self) -> list[Issue]:
        """What deterministic repair could not do without inventing data."""
        return [*self.unfixed, *(issue for issue in self.fixed if issue.code in GAP_CODES)]


class Generation(Protocol):
    """A generation of one format: its deterministic repair, a model's answer repaired the same way."""

    format: Format

    def first(self) -> Candidate: ...

    def retry(self, answer: str) -> Candidate: ...

    def library_prompt(self) -> str: ...

    def answer_schema(self) -> dict[str, Any] | None:
        """What a model's answer is constrained to, for providers that can (None: free text)."""
        ...


def renders_nothing(root: Node | None, library: Library) -> bool:
    """Whether a root holds no content: every prop absent, empty or its default (`root = Card([])`)."""
    if root is None:
        return True
    component = library.components.get(root.component)
    for name, value in root.props.items():
        param = component.param(name) if component is not None else None
        if value is None or value == [] or value == {} or value == "":
            continue
        if param is not None and param.has_default and value == param.default:
            continue
        return False
    return True


def unique(issues: Sequence[Issue]) -> tuple[Issue, ...]:
    seen: set[tuple[str, str | None, str | None, str | None, str]] = set()
    out = []
    for issue in issues:
        key = (issue.code, issue.component, issue.statement_id, issue.path, issue.message)
        if key not in seen:
            seen.add(key)
            out.append(issue)
    return tuple(out)


def _blank(fixed: Sequence[Issue], unfixed: Sequence[Issue], root: str | None) -> Candidate:
    """A repair that leaves nothing to render failed: the missing root is not fixed, it is what is left."""
    left = Issue("missing-root", "nothing is left to render after repair", root)
    kept = [issue for issue in fixed if issue.code != "missing-root"]
    return Candidate(None, False, True, unique(kept), unique([*unfixed, left]))


class OpenUIGeneration:
    """OpenUI Lang, bare (fences and prose allowed) or in a C1 `<content version="2">` element."""

    format: Format = "v2"

    def __init__(self, text: str, library: Library) -> None:
        self.text = text
        self.library = library
        self.body = text
        self.prefix = self.suffix = ""
        self.element = False
        self.cut_element = False
        if "<content" in text:
            part = next((p for p in parse_c1(text).parts if p.kind == "content"), None)
            if part is not None:
                self.element = True
                self.body, self.cut_element = part.body, not part.complete
                self.prefix, self.suffix = text[: part.start], text[part.end :]

    def _wrap(self, program: str) -> str:
        return self.prefix + write_content_v2(program) + self.suffix if self.element else program

    def _candidate(self, body: str, *, own: bool) -> Candidate:
        result = openui.repair(body, self.library)
        cut = own and self.cut_element
        if not result.changed and not cut:
            return Candidate(self.text if own else self._wrap(body), True, False, (), ())
        fixed = list(result.fixed)
        if cut:
            fixed.append(Issue("incomplete", "the content element is cut off (closed automatically)"))
        final = result.result
        root, dynamic = (final.root, final.dynamic_entry) if final is not None else (None, None)
        if result.valid and dynamic is None and renders_nothing(root, self.library):
            return _blank(fixed, result.unfixed, self.library.root)
        program = self._wrap(result.program) if result.valid else None
        return Candidate(program, result.valid, True, unique(fixed), unique(result.unfixed))

    def first(self) -> Candidate:
        return self._candidate(self.body, own=True)

    def retry(self, answer: str) -> Candidate:
        statements = openui.split_statements(answer)  # a model's fences and prose are not the program
        return self._candidate("".join(statement + "\n" for statement in statements), own=False)

    def library_prompt(self) -> str:
        lines = []
        for component in self.library.components.values():
            line = component.signature or component.typed_signature()
            if component.description and component.description not in line:
                line += f" - {component.description}"
            lines.append(line)
        root = self.library.root
        head = f"The program starts with `root = {root}(...)`.\n" if root else ""
        return (
            head
            + "Components (positional arguments in this order; `?` or no `*` marks optional):\n"
            + ("\n".join(lines))
        )

    def answer_schema(self) -> dict[str, Any] | None:
        return None


class V1Generation:
    """C1 v1 JSON: a C1 Response, the bare envelope or a bare Card node (genui extension)."""

    format: Format = "v1"

    def __init__(self, text: str, catalog: Catalog) -> None:
        self.text = text
        self.catalog = catalog
        self.input: V1Input = read_v1(text)

    def _candidate(self, read: V1Input, *, own: bool) -> Candidate:
        repaired = repair_v1(self.catalog, read.value)
        issues = unique([*read.issues, *repaired.issues])
        if own and read.strict and not issues and repaired.card == read.value:
            return Candidate(self.text, True, False, (), ())
        if repaired.empty:
            return _blank(issues, (), "Card")
        return Candidate(self.input.write(repaired.card, self.input.error), True, True, issues, ())

    def first(self) -> Candidate:
        return self._candidate(self.input, own=True)

    def retry(self, answer: str) -> Candidate:
        return self._candidate(read_v1(answer), own=False)

    def library_prompt(self) -> str:
        return self.catalog.system_prompt()

    def answer_schema(self) -> dict[str, Any] | None:
        return decoding_schema(self.catalog)  # the Card node's, built once per catalog


def generation_for(
    program: str,
    fmt: Format | None,
    library: Library | None,
    custom_actions: Mapping[str, dict[str, Any]] | None,
) -> Generation:
    """The generation in its format (given, or detected), with the library it is checked against."""
    if (fmt or detect_format(program)) == "v1":
        catalog = Catalog.default()
        if custom_actions:
            catalog = catalog.with_thesys(ThesysMetadata(c1_custom_actions=dict(custom_actions)))
        return V1Generation(program, catalog)
    chosen = library or openui.chat_library()
    return OpenUIGeneration(program, chosen.with_actions(custom_actions) if custom_actions else chosen)
