"""One turn: history -> prompt -> model call -> stream repair -> C1 Response text.

The Chat Completions and Responses routers are thin adapters over `TurnRunner`: they build a `TurnRequest`,
call `start` (which raises `ApiError` before anything is sent), then relay `Turn.events()`.

Formats (docs/openui.md, "Formats"): the answer is C1 v1 (JSON) or v2 (OpenUI Lang) as C1 decides it, by the
model's pinned version (v-20260331 and later: v2), unless the thread's history already holds v1 content or
the model's `content_format` says otherwise; a request with a `]]>openui:config` system turn gets a bare
OpenUI Lang program. The model is asked to write its `upstream_format` (default: the answer's language) and
the repairer converts through the tree when the two differ (and when the model writes the other one).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import Any

from genui import telemetry
from genui.errors import ApiError
from genui.models.base import ModelOptions, ModelRequest
from genui.models.events import Finish, TextDelta, ToolCallDelta, Usage
from genui.models.grammar import openui_gbnf
from genui.models.messages import content_text
from genui.models.registry import ModelRegistry, ResolvedModel
from genui.models.router import Router
from genui.ui import CATALOG_VERSIONS, LATEST_CATALOG_VERSION, Catalog, StreamRepairer, ThesysMetadata
from genui.ui.c1 import has_v1_content, to_model_text
from genui.ui.formats import AnswerFormat, ModelFormat, format_for_version, model_format_of
from genui.ui.openui.config import ConfigError, OpenUIConfig, is_config_turn, read_config
from genui.ui.openui.library import Library
from genui.ui.v2_library import EMBEDDED_V2_COMPONENTS, library_for
from genui.ui.v2_prompt import PromptOptions, v2_system_prompt


@dataclass(frozen=True, slots=True)
class TextOut:
    """A piece of the C1 Response, safe to send to the client as is."""

    text: str


TurnEvent = TextOut | ToolCallDelta | Usage | Finish


@dataclass(slots=True, kw_only=True)
class TurnRequest(ModelOptions):
    model: str
    messages: list[dict[str, Any]]
    thesys: ThesysMetadata | None = None
    org_id: str | None = None


@lru_cache(maxsize=32)
def catalog_for(version: str | None) -> Catalog:
    """The newest catalog not newer than the model's pinned version (catalogs are immutable: cache them)."""
    if version is None:
        return Catalog.default(LATEST_CATALOG_VERSION)
    eligible = [v for v in CATALOG_VERSIONS if v <= version]
    return Catalog.default(max(eligible) if eligible else min(CATALOG_VERSIONS))


@lru_cache(maxsize=256)
def decoding_schema(catalog: Catalog) -> dict[str, Any]:
    """The catalog's decoding schema, built once per (immutable, cached) catalog; providers only read it."""
    return catalog.json_schema()


@lru_cache(maxsize=64)
def lang_grammar(library: Library, small: bool) -> str:
    """The GBNF grammar of a library's OpenUI Lang programs (`small`: the embedded model's few components),
    built once per (immutable, cached) library."""
    components = list(EMBEDDED_V2_COMPONENTS) if small else None
    return openui_gbnf({"root": library.root, "schema": dict(library.schema)}, components=components)


@lru_cache(maxsize=256)
def small_schema(catalog: Catalog) -> dict[str, Any]:
    """The catalog's schema for a small local model, built once per catalog; providers only read it."""
    return catalog.embedded_schema()


def model_messages(
    catalog: Catalog, messages: list[dict[str, Any]], prompt: str | None = None
) -> list[dict[str, Any]]:
    """The prompt (default: the catalog's v1 prompt), then the client's messages with C1 history turned into
    model-readable text (an OpenUI config turn is not sent: the prompt renders it)."""
    out: list[dict[str, Any]] = [{"role": "system", "content": prompt or catalog.system_prompt()}]
    for message in messages:
        role = message.get("role")
        if role in ("system", "developer") and content_text(message.get("content")).startswith(
            "]]>openui:config"
        ):
            continue
        content = message.get("content")
        converted = dict(message)
        if role == "developer":
            converted["role"] = "system"
        if role in ("user", "assistant") and content is not None:
            converted["content"] = _convert_content(content, role)
        out.append(converted)
    return out


def _convert_content(content: Any, role: str) -> Any:
    if isinstance(content, str):
        return to_model_text(content, role)
    if isinstance(content, list):
        parts: list[Any] = []
        for part in content:
            if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str):
                parts.append({**part, "text": to_model_text(part["text"], role)})
            else:
                parts.append(part)
        return parts
    return content


def openui_config(messages: list[dict[str, Any]]) -> OpenUIConfig | None:
    """The request's `]]>openui:config` system turn, read (ApiError 400 naming it when malformed)."""
    for index, message in enumerate(messages):
        if message.get("role") not in ("system", "developer"):
            continue
        text = content_text(message.get("content"))
        if not is_config_turn(text):
            continue
        try:
            return read_config(text)
        except ConfigError as exc:
            where = f"messages[{index}].content" + (f" ({exc.key})" if exc.key else "")
            raise ApiError(
                400,
                f"Invalid OpenUI config turn in {where}: {exc}",
                param=f"messages[{index}].content",
                code="invalid_openui_config",
            ) from None
    return None


@dataclass(frozen=True, slots=True)
class Formats:
    """What a turn answers in, what its model is asked to write, and the v2 library and prompt options."""

    answer: AnswerFormat
    model: ModelFormat
    library: Library
    options: PromptOptions


def turn_formats(
    resolved: ResolvedModel,
    messages: list[dict[str, Any]],
    thesys: ThesysMetadata | None,
    provider_kind: str | None,
) -> Formats:
    """The formats of a turn (see the module docstring)."""
    config = openui_config(messages)
    answer: AnswerFormat
    if config is not None:
        answer = "openui"
    elif resolved.content_format in ("v1", "v2"):
        answer = "v1" if resolved.content_format == "v1" else "v2"
    else:
        answer = format_for_version(resolved.catalog_version)
        if answer == "v2" and any(
            m.get("role") == "assistant" and has_v1_content(content_text(m.get("content"))) for m in messages
        ):
            answer = "v1"  # a thread begun in v1 stays v1, as C1 keeps it
    model: ModelFormat
    if resolved.upstream_format in ("v1", "v2"):
        model = "v1" if resolved.upstream_format == "v1" else "v2"
    elif provider_kind == "embedded" and config is None:
        model = "v1"  # the embedded model decodes with the catalog's JSON grammar
    else:
        model = model_format_of(answer)
    library = config.library if config is not None and config.library is not None else library_for(thesys)
    options = (
        PromptOptions.from_config(config.prompt_options, config.custom_actions, config.prose)
        if config is not None
        else PromptOptions(custom_actions=tuple(thesys.c1_custom_actions) if thesys else ())
    )
    return Formats(answer, model, library, options)


def message_chars(messages: list[dict[str, Any]]) -> int:
    """Length of the text in messages, for token estimates before the call."""
    total = 0
    for message in messages:
        content = message.get("content")
        if isinstance(content, str):
            total += len(content)
        elif isinstance(content, list):
            total += sum(len(p.get("text") or "") for p in content if isinstance(p, dict))
    return total


@dataclass(eq=False)
class Turn:
    """A started turn: the resolved model, the catalog in force and the request sent upstream."""

    router: Router
    resolved: ResolvedModel
    catalog: Catalog
    request: ModelRequest
    formats: Formats | None = None

    @cached_property
    def repairer(self) -> StreamRepairer:
        """The turn's streaming repairer (one per turn: it holds the answer so far)."""
        if (formats := self.formats) is None:
            return StreamRepairer(self.catalog)
        answer, model, library = formats.answer, formats.model, formats.library
        return StreamRepairer(self.catalog, answer=answer, model=model, library=library)

    @property
    def model_name(self) -> str:
        return self.resolved.name

    async def opened_events(self) -> AsyncGenerator[TurnEvent, None]:
        """`events()` once the model's first event is in: a failure before any output raises here, while a
        streaming caller can still answer with a real HTTP status."""
        events = self.events()
        try:
            first = await anext(events)
        except BaseException:
            await events.aclose()
            raise
        return _prepend(first, events)

    async def events(self) -> AsyncGenerator[TurnEvent, None]:
        """C1 text and tool-call deltas, then usage and the finish; closing this cancels the model call."""
        repairer = self.repairer
        wrote_text = False
        called_tool = False
        declared = {t.get("function", {}).get("name") for t in self.request.tools or ()}
        # upstream call index -> the client's (None: a tool the client never declared, dropped)
        calls: dict[int, int | None] = {}
        usage: Usage | None = None
        finish: Finish | None = None
        whole: list[str] | None = None if self.request.stream else []
        async with aclosing(self.router.stream(self.resolved, self.request)) as upstream:
            async for event in upstream:
                if isinstance(event, TextDelta):
                    if not wrote_text and not event.text.strip():
                        continue
                    wrote_text = True
                    if whole is not None:
                        whole.append(event.text)
                        continue
                    out = repairer.feed(event.text)
                    if out:
                        yield TextOut(out)
                elif isinstance(event, ToolCallDelta):
                    if event.index not in calls:
                        kept = sum(index is not None for index in calls.values())
                        calls[event.index] = kept if event.name in declared else None
                        if calls[event.index] is None:  # never reaches the client, who could not run it
                            repairer.repairs.append(f"dropped a call of the undeclared tool {event.name!r}")
                    index = calls[event.index]
                    if index is not None:
                        called_tool = True
                        yield event if index == event.index else replace(event, index=index)
                elif isinstance(event, Usage):
                    usage = event
                elif isinstance(event, Finish):
                    finish = event
        # A turn that only calls tools has no UI (content null, as OpenAI answers); others get a valid one.
        if wrote_text or not called_tool:
            with telemetry.span("repair") as span:
                rest = repairer.complete("".join(whole)) if whole else repairer.finish()
                if span is not None:
                    span.set_attribute("genui.repairs", len(repairer.repairs))
            if rest:
                yield TextOut(rest)
        if usage is None:
            usage = Usage(
                input_tokens=max(1, message_chars(self.request.messages) // 4),
                output_tokens=max(1, len(repairer.text) // 4) if wrote_text else 0,
            )
        yield usage
        if finish is not None and finish.reason == "tool_calls" and not called_tool:
            finish = None  # every call was dropped: the turn ends as the text turn it became
        yield finish or Finish("tool_calls" if called_tool and not wrote_text else "stop")


async def _prepend(
    first: TurnEvent, rest: AsyncGenerator[TurnEvent, None]
) -> AsyncGenerator[TurnEvent, None]:
    """The already received first event, then the rest; closing this closes the model call."""
    try:
        yield first
        async for event in rest:
            yield event
    finally:
        await rest.aclose()


class TurnRunner:
    def __init__(self, registry: ModelRegistry, router: Router) -> None:
        self.registry = registry
        self.router = router

    async def start(self, req: TurnRequest) -> Turn:
        resolved = self.registry.resolve(req.model)
        catalog = catalog_for(resolved.catalog_version)
        if req.thesys is not None:
            catalog = catalog.with_thesys(req.thesys)
        provider = self.router.configs.get(resolved.provider_name)
        formats = turn_formats(resolved, req.messages, req.thesys, provider.kind if provider else None)
        request = ModelRequest(messages=[], **req.options())
        if formats.model == "v2":
            small = provider is not None and provider.kind == "embedded"
            options = formats.options
            if small:  # a short prompt of the few components the grammar offers (a 4k context)
                options = replace(options, components=EMBEDDED_V2_COMPONENTS)
            prompt = v2_system_prompt(formats.library, version=catalog.version, options=options)
            request.messages = model_messages(catalog, req.messages, prompt)
            if provider is not None and (small or provider.constrain == "grammar"):
                request.grammar = lang_grammar(formats.library, small)
        else:
            request.messages = model_messages(catalog, req.messages)
            request.json_schema = decoding_schema(catalog)
            request.small_json_schema = small_schema(catalog)
            # the stock catalog's small schema compiles (tested): the fallback if metadata.thesys broke it
            request.fallback_json_schema = small_schema(catalog_for(resolved.catalog_version))
        return Turn(self.router, resolved, catalog, request, formats)
