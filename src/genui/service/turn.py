"""One turn: history -> prompt -> model call -> stream repair -> C1 Response text.

The Chat Completions and Responses routers are thin adapters over `TurnRunner`: they build a `TurnRequest`,
call `start` (which raises `ApiError` before anything is sent), then relay `Turn.events()`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from genui import telemetry
from genui.models.base import Finish, ModelRequest, TextDelta, ToolCallDelta, Usage
from genui.models.registry import ModelRegistry, ResolvedModel
from genui.models.router import Router
from genui.ui import CATALOG_VERSIONS, LATEST_CATALOG_VERSION, Catalog, StreamRepairer, ThesysMetadata
from genui.ui.c1 import to_model_text


@dataclass(frozen=True, slots=True)
class TextOut:
    """A piece of the C1 Response, safe to send to the client as is."""

    text: str


TurnEvent = TextOut | ToolCallDelta | Usage | Finish


@dataclass(slots=True)
class TurnRequest:
    model: str
    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]] | None = None
    tool_choice: Any = None
    parallel_tool_calls: bool | None = None
    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    stop: list[str] | None = None
    thesys: ThesysMetadata | None = None
    reasoning_effort: str | None = None
    verbosity: str | None = None
    prompt_cache_key: str | None = None
    org_id: str | None = None
    # False when the client wants one whole answer: the upstream call need not stream either.
    stream: bool = True


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


@lru_cache(maxsize=256)
def small_schema(catalog: Catalog) -> dict[str, Any]:
    """The catalog's schema for a small local model, built once per catalog; providers only read it."""
    return catalog.embedded_schema()


def model_messages(catalog: Catalog, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The catalog prompt, then the client's messages with C1 history turned into model-readable text."""
    out: list[dict[str, Any]] = [{"role": "system", "content": catalog.system_prompt()}]
    for message in messages:
        role = message.get("role")
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


class Turn:
    """A started turn: the resolved model, the catalog in force and the request sent upstream."""

    def __init__(
        self, router: Router, resolved: ResolvedModel, catalog: Catalog, request: ModelRequest
    ) -> None:
        self.router = router
        self.resolved = resolved
        self.catalog = catalog
        self.request = request
        self.repairer = StreamRepairer(catalog)

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
        request = ModelRequest(
            messages=model_messages(catalog, req.messages),
            tools=req.tools,
            tool_choice=req.tool_choice,
            parallel_tool_calls=req.parallel_tool_calls,
            max_tokens=req.max_tokens,
            temperature=req.temperature,
            top_p=req.top_p,
            stop=req.stop,
            json_schema=decoding_schema(catalog),
            small_json_schema=small_schema(catalog),
            # the stock catalog's small schema compiles (tested): the fallback if metadata.thesys broke it
            fallback_json_schema=small_schema(catalog_for(resolved.catalog_version)),
            reasoning_effort=req.reasoning_effort,
            verbosity=req.verbosity,
            prompt_cache_key=req.prompt_cache_key,
            stream=req.stream,
        )
        return Turn(self.router, resolved, catalog, request)
