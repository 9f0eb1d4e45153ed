"""Repair as a service: a model's generated UI in (OpenUI Lang "v2" or C1 v1 JSON), a valid one out.

Deterministic repairs first (`genui.ui.openui.repair` for v2, `Catalog.repair_tree` for v1), never inventing
data. Then, only when a `repair_model` is configured, at most two model attempts for the semantic gaps left:
a required value with no default (its component had to be dropped), a result that is not valid, or one that
renders nothing. Each answer is repaired and validated again before it is accepted; otherwise the
deterministic result stands. Without a repair model nothing leaves the process. docs/repair.md has the rules.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import orjson

from genui.config import Settings
from genui.errors import ApiError
from genui.limits.ratelimit import estimate_tokens
from genui.models.base import ModelRequest, TextDelta, UpstreamError, Usage
from genui.models.registry import ModelRegistry, ResolvedModel
from genui.models.router import Router
from genui.service.repair_v1 import V1Input, read_v1, repair_v1
from genui.ui import Catalog, ThesysMetadata, openui
from genui.ui.c1 import parse_c1, to_model_text, write_content_v2
from genui.ui.openui import Issue, Library, LibraryError, Node
from genui.ui.openui.library import entry_candidates

log = logging.getLogger("genui.repair")

Format = Literal["v1", "v2"]
Status = Literal["already_valid", "fixed", "fix_failed"]
MAX_PROGRAM_CHARS = 100_000
MAX_MODEL_ATTEMPTS = 2
MAX_CONTEXT_TURNS = 20
MAX_CONTEXT_CHARS = 8_000
MAX_LIBRARY_COMPONENTS = 500
MAX_LIBRARY_BYTES = 1_000_000
MAX_LIBRARY_DEPTH = 64
MAX_CUSTOM_ACTIONS = 32
# A required value with no default: the component holding it was dropped, so content was lost.
GAP_CODES = frozenset({"missing-required", "null-required"})
# `openUIlibraryVersion`: every 0.x release selects the one bundled chat library.
LIBRARY_VERSION = re.compile(r"0\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?\Z")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_STATEMENT_LINE = re.compile(r"^\s*[A-Za-z_$][\w$]*\s*=", re.MULTILINE)
_CONTEXT_ROLES = frozenset({"user", "assistant", "system", "developer"})


@dataclass(frozen=True, slots=True)
class ContextTurn:
    role: str
    text: str


@dataclass(frozen=True, slots=True)
class RepairRequest:
    program: str
    format: Format | None = None  # None: detected
    library: Library | None = None  # v2 only; None: the C1 v2 chat library
    # action name -> parameter schema: actions the application handles, kept intact by repair
    custom_actions: Mapping[str, dict[str, Any]] | None = None
    context: tuple[ContextTurn, ...] = ()


@dataclass(frozen=True, slots=True)
class RepairOutcome:
    status: Status
    program: str | None  # None when status is fix_failed
    format: Format
    fixed: tuple[Issue, ...]
    unfixed: tuple[Issue, ...]
    usage: Usage  # what model attempts used (zero when none ran)
    model_attempts: int

    @property
    def valid(self) -> bool:
        return self.status != "fix_failed"

    def summary(self) -> dict[str, Any]:
        return {
            "fixed_errors": [issue.to_dict() for issue in self.fixed],
            "unfixed_errors": [issue.to_dict() for issue in self.unfixed],
        }


@dataclass(frozen=True, slots=True)
class Candidate:
    """One repaired version of a generation, written in the input's form."""

    program: str | None  # None when no valid program could be written
    valid: bool
    changed: bool  # False: the input itself, already valid
    fixed: tuple[Issue, ...]
    unfixed: tuple[Issue, ...]

    @property
    def acceptable(self) -> bool:
        return self.valid and self.program is not None

    @property
    def gaps(self) -> list[Issue]:
        """What deterministic repair could not do without inventing data."""
        return [*self.unfixed, *(issue for issue in self.fixed if issue.code in GAP_CODES)]


class Generation(Protocol):
    """A generation of one format: its deterministic repair, a model's answer repaired the same way."""

    format: Format
    json_schema: dict[str, Any] | None  # what a model's answer is constrained to, when the provider can

    def first(self) -> Candidate: ...

    def retry(self, answer: str) -> Candidate: ...

    def library_prompt(self) -> str: ...


# ---- input checks (each raises an ApiError naming the param) ------


def _too_deep(document: Any) -> bool:
    """Whether a JSON value nests deeper than MAX_LIBRARY_DEPTH (iterative: no stack to exhaust)."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_LIBRARY_DEPTH:
            return True
        if isinstance(value, Mapping):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return False


def _bad(param: str, message: str, code: str = "invalid_value") -> ApiError:
    return ApiError(400, message, param=param, code=code)


def resolve_library(
    document: Any,
    version: str | None = None,
    *,
    param: str = "library",
    version_param: str = "openUIlibraryVersion",
) -> Library | None:
    """The library a request names: a document (toJSONSchema() output or the CLI spec), a version of the
    bundled chat library, or neither (None: the chat library). Documents are cached by content
    (`openui.load_library`, least recently used out)."""
    if version is not None:
        if document is not None:
            raise _bad(param, f"'{param}' and '{version_param}' are mutually exclusive: send one of them.")
        if not LIBRARY_VERSION.match(version):
            raise _bad(
                version_param,
                f"Unknown '{version_param}' {version[:40]!r}: genui serves the bundled 0.x chat library "
                "(any '0.MINOR.PATCH').",
            )
        return None
    if document is None:
        return None
    if not isinstance(document, Mapping):
        raise _bad(param, f"'{param}' must be a JSON object: toJSONSchema() output or the CLI spec.")
    if _too_deep(document):
        raise _bad(param, f"'{param}' nests deeper than {MAX_LIBRARY_DEPTH} levels.", "library_too_large")
    size = len(orjson.dumps(document))
    if size > MAX_LIBRARY_BYTES:
        raise _bad(
            param,
            f"'{param}' is {size} bytes of JSON; the limit is {MAX_LIBRARY_BYTES}.",
            "library_too_large",
        )
    schema = document.get("schema", document)
    defs = schema.get("$defs") if isinstance(schema, Mapping) else None
    if isinstance(defs, Mapping) and len(defs) > MAX_LIBRARY_COMPONENTS:
        raise _bad(
            param,
            f"'{param}' has {len(defs)} components; the limit is {MAX_LIBRARY_COMPONENTS}.",
            "library_too_large",
        )
    # a toJSONSchema() document names no root: a "root" key beside "$defs" may (genui), else it is inferred
    given = document.get("root") if "$defs" in document else None
    try:
        library = openui.load_library(document, root=given if isinstance(given, str) else None)
        if library.root is None:
            candidates = entry_candidates(library)
            if len(candidates) == 1:  # the one component nothing else refers to is where programs start
                library = openui.load_library(document, root=candidates[0])
    except LibraryError as exc:
        where = f"{param}/{exc.path}" if exc.path else param
        raise _bad(param, f"Invalid '{param}' at {where}: {exc.reason}", "invalid_library") from None
    return library


def check_custom_actions(value: Any, *, param: str = "customActions") -> dict[str, dict[str, Any]]:
    """`customActions`: {name: parameter schema}; names are identifiers (`@name(...)`, `{type: name}`)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _bad(param, f"'{param}' must be an object of action name -> parameter schema.")
    if len(value) > MAX_CUSTOM_ACTIONS:
        raise _bad(param, f"'{param}' has {len(value)} actions; the limit is {MAX_CUSTOM_ACTIONS}.")
    for name, schema in value.items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise _bad(param, f"'{param}': action name {str(name)[:40]!r} must match [A-Za-z][A-Za-z0-9_]*.")
        if not isinstance(schema, Mapping):
            raise _bad(param, f"'{param}.{name}' must be an object (the action's parameter schema).")
        if _too_deep(schema):
            raise _bad(param, f"'{param}.{name}' nests deeper than {MAX_LIBRARY_DEPTH} levels.")
    actions = {name: dict(schema) for name, schema in value.items()}
    # The v1 catalog compiles these schemas, partly when an action first shows up: build it and show it each
    # action now, so a schema it cannot use is the client's 400 here rather than a 500 mid-repair.
    buttons = [
        {"component": "Button", "props": {"children": name, "name": name, "action": {"type": name}}}
        for name in actions
    ]
    probe = {
        "component": "Card",
        "props": {"children": [{"component": "ButtonGroup", "props": {"children": buttons}}]},
    }
    try:
        Catalog.default().with_thesys(ThesysMetadata(c1_custom_actions=actions)).repair_tree(probe)
    except Exception as exc:
        raise _bad(param, f"'{param}' holds a parameter schema genui cannot use: {str(exc)[:200]}") from None
    return actions


def message_text(content: Any) -> str:
    """The text of a chat message's content: a string, or its text parts joined (other parts dropped)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [
            part["text"]
            for part in content
            if isinstance(part, Mapping) and part.get("type") == "text" and isinstance(part.get("text"), str)
        ]
        return "\n".join(texts)
    return ""


def context_turns(messages: Sequence[Mapping[str, Any]]) -> tuple[ContextTurn, ...]:
    """The conversation a model attempt may read: text of user/assistant/system/developer turns (tool turns
    and non-text parts dropped), the newest MAX_CONTEXT_TURNS, at most MAX_CONTEXT_CHARS characters in all
    (older turns go first; the oldest kept turn keeps its end)."""
    turns: list[ContextTurn] = []
    for message in messages:
        role = message.get("role")
        if role not in _CONTEXT_ROLES:
            continue
        text = message_text(message.get("content"))
        if role in ("user", "assistant"):
            text = to_model_text(text, str(role))  # C1 history and UI actions as readable text
        if text.strip():
            turns.append(ContextTurn(str(role), text))
    kept: list[ContextTurn] = []
    budget = MAX_CONTEXT_CHARS
    for turn in reversed(turns[-MAX_CONTEXT_TURNS:]):
        if budget <= 0:
            break
        text = turn.text[-budget:]
        kept.append(ContextTurn(turn.role, text))
        budget -= len(text)
    return tuple(reversed(kept))


def detect_format(text: str) -> Format:
    """v1 for a C1 v1 content element or JSON; v2 (OpenUI Lang) otherwise."""
    if "<content" in text:
        part = next((p for p in parse_c1(text).parts if p.kind == "content"), None)
        if part is not None:
            return "v2" if part.attrs.get("version") == "2" else "v1"
    body = text.strip()
    if body.startswith("```"):
        body = body.split("\n", 1)[1].lstrip() if "\n" in body else ""
    if body.startswith("{"):
        return "v1"
    if '"component"' in text and _STATEMENT_LINE.search(text) is None:
        return "v1"
    return "v2"


# ---- the two formats ------


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


def _unique(issues: Sequence[Issue]) -> tuple[Issue, ...]:
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
    return Candidate(None, False, True, _unique(kept), _unique([*unfixed, left]))


class OpenUIGeneration:
    """OpenUI Lang, bare (fences and prose allowed) or in a C1 `<content version="2">` element."""

    format: Format = "v2"
    json_schema: dict[str, Any] | None = None

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
        return Candidate(program, result.valid, True, _unique(fixed), _unique(result.unfixed))

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


class V1Generation:
    """C1 v1 JSON: a C1 Response, the bare envelope or a bare Card node (genui extension)."""

    format: Format = "v1"

    def __init__(self, text: str, catalog: Catalog) -> None:
        self.text = text
        self.catalog = catalog
        self.input: V1Input = read_v1(text)
        self.json_schema: dict[str, Any] | None = catalog.json_schema()

    def _candidate(self, read: V1Input, *, own: bool) -> Candidate:
        repaired = repair_v1(self.catalog, read.value)
        issues = _unique([*read.issues, *repaired.issues])
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


def generation_for(request: RepairRequest) -> Generation:
    """The request's generation in its format (given, or detected), with the library it is checked against."""
    fmt = request.format or detect_format(request.program)
    if fmt == "v1":
        catalog = Catalog.default()
        if request.custom_actions:
            catalog = catalog.with_thesys(ThesysMetadata(c1_custom_actions=dict(request.custom_actions)))
        return V1Generation(request.program, catalog)
    library = request.library or openui.chat_library()
    if request.custom_actions:
        library = library.with_actions(request.custom_actions)
    return OpenUIGeneration(request.program, library)


# ---- model attempts ------

_INSTRUCTIONS: dict[Format, str] = {
    "v2": (
        "You repair OpenUI Lang programs (the generative UI language of OpenUI and Thesys C1 v2). "
        "One statement per line: `name = Component(arg, ...)` with positional arguments in the order "
        "of the signature, strings in double quotes, data as object literals `{key: value}`, `null` for "
        "a skipped optional argument; every referenced name is defined; only the library's components. "
        "Fix every problem listed. Keep all content that is valid. Fill a missing required value only "
        "from the conversation and the rest of the program, never with a placeholder. Answer with the "
        "complete corrected program only: no prose, no code fence."
    ),
    "v1": (
        'You repair C1 UI specs: a JSON Card node {"component": "Card", "props": {"children": [...]}}. '
        "Fix every problem listed. Keep all content that is valid. Fill a missing required value only "
        "from the conversation and the rest of the spec, never with a placeholder. Answer with the "
        "complete corrected JSON only: no prose, no code fence. The component catalog follows."
    ),
}


def _issue_line(issue: Issue) -> str:
    where = " ".join(
        part
        for part in (
            issue.component,
            issue.path,
            f"(statement {issue.statement_id})" if issue.statement_id else None,
        )
        if part
    )
    return f"- {issue.code}{' ' + where if where else ''}: {issue.message}"


def model_messages(
    generation: Generation, program: str, issues: Sequence[Issue], context: Sequence[ContextTurn]
) -> list[dict[str, Any]]:
    """The first attempt's prompt: the library, the conversation, the broken generation, its problems."""
    system = _INSTRUCTIONS[generation.format] + "\n\n" + generation.library_prompt()
    parts = []
    if context:
        parts.append("The conversation (newest last):\n" + "\n".join(f"[{t.role}] {t.text}" for t in context))
    parts.append("The generation to repair:\n" + program)
    parts.append("Its problems:\n" + "\n".join(_issue_line(issue) for issue in issues))
    return [{"role": "system", "content": system}, {"role": "user", "content": "\n\n".join(parts)}]


@dataclass(frozen=True, slots=True)
class RepairModel:
    resolved: ResolvedModel
    router: Router


class RepairService:
    """Runs repairs; `model` (from the `repair_model` setting) is the only way anything leaves the process."""

    def __init__(self, model: RepairModel | None = None) -> None:
        self.model = model

    @classmethod
    def from_settings(
        cls, repair_model: str | None, registry: ModelRegistry, router: Router
    ) -> RepairService:
        """ApiError (model_not_found) when `repair_model` names no configured model."""
        if not repair_model:
            return cls()
        return cls(RepairModel(registry.resolve(repair_model), router))

    def input_estimate(self, request: RepairRequest) -> int:
        """Input tokens a model attempt could read (0 without a repair model: nothing is sent anywhere)."""
        if self.model is None:
            return 0
        return estimate_tokens(len(request.program) + sum(len(turn.text) for turn in request.context))

    async def run(self, request: RepairRequest) -> RepairOutcome:
        generation = generation_for(request)
        first = await asyncio.to_thread(generation.first)
        if not first.changed:
            return RepairOutcome("already_valid", request.program, generation.format, (), (), Usage(0, 0), 0)
        usage = Usage(0, 0)
        attempts = 0
        gaps = first.gaps
        if self.model is not None and (gaps or not first.acceptable):
            messages = model_messages(
                generation, request.program, [*first.fixed, *first.unfixed], request.context
            )
            while attempts < MAX_MODEL_ATTEMPTS:
                attempts += 1
                try:
                    answer, used = await self._ask(messages, generation.json_schema)
                except UpstreamError as exc:
                    if not first.acceptable:
                        raise
                    log.warning("repair model failed, the deterministic repair stands: %s", exc.message)
                    break
                usage = Usage(
                    usage.input_tokens + used.input_tokens, usage.output_tokens + used.output_tokens
                )
                candidate = await asyncio.to_thread(generation.retry, answer)
                if candidate.acceptable and not candidate.gaps:
                    everything = _unique([*first.fixed, *first.unfixed])
                    return RepairOutcome(
                        "fixed", candidate.program, generation.format, everything, (), usage, attempts
                    )
                problems = [*candidate.fixed, *candidate.unfixed] or [
                    Issue("missing-root", "the answer renders nothing")
                ]
                messages = [
                    *messages,
                    {"role": "assistant", "content": answer},
                    {
                        "role": "user",
                        "content": "That answer still has these problems:\n"
                        + "\n".join(_issue_line(issue) for issue in problems)
                        + "\nAnswer again with the complete corrected generation only.",
                    },
                ]
        if first.acceptable:
            return RepairOutcome("fixed", first.program, generation.format, first.fixed, (), usage, attempts)
        return RepairOutcome(
            "fix_failed", None, generation.format, first.fixed, first.unfixed, usage, attempts
        )

    async def _ask(
        self, messages: list[dict[str, Any]], json_schema: dict[str, Any] | None
    ) -> tuple[str, Usage]:
        assert self.model is not None
        request = ModelRequest(messages=messages, temperature=0, json_schema=json_schema, stream=False)
        text: list[str] = []
        usage: Usage | None = None
        async with aclosing(self.model.router.stream(self.model.resolved, request)) as events:
            async for event in events:
                if isinstance(event, TextDelta):
                    text.append(event.text)
                elif isinstance(event, Usage):
                    usage = event
        answer = "".join(text)
        if usage is None:  # estimated like a chat turn when the upstream does not count
            chars = sum(len(str(m.get("content", ""))) for m in messages)
            usage = Usage(input_tokens=estimate_tokens(chars), output_tokens=estimate_tokens(len(answer)))
        return answer, usage


async def repair_in_process(settings: Settings, request: RepairRequest) -> RepairOutcome:
    """One repair without a server (`genui fix`); a model router is built only for a `repair_model`."""
    if not settings.repair_model:
        return await RepairService().run(request)
    registry = ModelRegistry.from_settings(settings)
    router = Router.from_settings(settings, registry)
    try:
        return await RepairService.from_settings(settings.repair_model, registry, router).run(request)
    finally:
        await router.aclose()
