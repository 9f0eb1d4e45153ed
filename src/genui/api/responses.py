"""The Responses API (Open Responses): create (stream or not), retrieve, delete, list input items.

Lifecycle: a stored response is written `in_progress` before the model runs and finished exactly once, in one
transaction with its output items (and the conversation append when it completed). Disconnects and failures
end it `incomplete` or `failed`; the finishing write is shielded from cancellation.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import Annotated, Any, Literal

import anyio
import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from genui.api.body import json_object, thesys_of, validated
from genui.api.deps import AppState, Principal, get_state, principal, settle_usage
from genui.api.errors import from_upstream, json_response
from genui.errors import ApiError
from genui.limits.ratelimit import estimate_tokens
from genui.models.base import Finish, ToolCallDelta, UpstreamError, Usage
from genui.service.responses import (
    OutputBuilder,
    ResponseParams,
    error_body,
    items_to_messages,
    new_resource,
    normalize_input,
    tool_choice_to_chat,
    tools_to_chat,
)
from genui.service.turn import TextOut, Turn, TurnEvent, TurnRequest, message_chars
from genui.store import UnknownCursor
from genui.store.ids import new_id

log = logging.getLogger("genui.responses")
router = APIRouter(tags=["responses"])


class FunctionToolIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: Literal["function"]
    name: str = Field(min_length=1, max_length=64, pattern=r"^[a-zA-Z0-9_-]+$")
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


class ReasoningIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    effort: Literal["none", "minimal", "low", "medium", "high", "xhigh"] | None = None
    summary: Literal["auto", "concise", "detailed"] | None = None


class TextIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    format: dict[str, Any] | None = None
    verbosity: Literal["low", "medium", "high"] | None = None


class CreateResponse(BaseModel):
    model_config = ConfigDict(extra="ignore")
    model: str = Field(min_length=1, max_length=256)
    input: str | list[Any] | None = None
    instructions: str | None = None
    tools: list[FunctionToolIn] | None = Field(default=None, max_length=128)
    tool_choice: Literal["none", "auto", "required"] | dict[str, Any] | None = None
    parallel_tool_calls: bool | None = None
    max_output_tokens: int | None = Field(default=None, ge=1)
    max_tool_calls: int | None = Field(default=None, ge=1)
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, ge=0, le=1)
    reasoning: ReasoningIn | None = None
    text: TextIn | None = None
    metadata: dict[str, str] | None = Field(default=None, max_length=16)
    store: bool | None = True
    previous_response_id: str | None = Field(default=None, max_length=64)
    conversation: str | dict[str, Any] | None = None
    stream: bool | None = False
    prompt_cache_key: str | None = None
    safety_identifier: str | None = None
    background: bool | None = None
    top_logprobs: int | None = Field(default=None, ge=0, le=20)


def parse_request(raw: bytes) -> CreateResponse:
    data = json_object(raw)
    for unsupported in ("tools",):
        for i, tool in enumerate(data.get(unsupported) or []):
            if isinstance(tool, dict) and tool.get("type") != "function":
                raise ApiError(
                    400,
                    f"Unsupported tool type {tool.get('type')!r}: only 'function' tools.",
                    param=f"tools[{i}].type",
                    code="unsupported_parameter",
                )
    req = validated(CreateResponse, data)
    if req.background:
        raise ApiError(
            400, "Background responses are not supported.", param="background", code="unsupported_parameter"
        )
    if req.text and req.text.format and req.text.format.get("type", "text") != "text":
        raise ApiError(
            400,
            "Only the 'text' format is supported: the output is a generative UI response.",
            param="text.format",
            code="unsupported_parameter",
        )
    if req.previous_response_id and req.conversation is not None:
        raise ApiError(
            400,
            "'previous_response_id' cannot be used together with 'conversation'.",
            param="conversation",
            code="invalid_value",
        )
    return req


def conversation_id_of(value: str | dict[str, Any] | None) -> str | None:
    if value is None:
        return None
    conv_id = value.get("id") if isinstance(value, dict) else value
    if not isinstance(conv_id, str) or not conv_id:
        raise ApiError(
            400, "'conversation' must be an id or {\"id\": ...}.", param="conversation", code="invalid_value"
        )
    return conv_id


def not_found(response_id: str) -> ApiError:
    return ApiError(404, f"No response found with id '{response_id}'.", param="response_id", code="not_found")


class Run:
    """One response being produced: the builder plus what finishing it needs."""

    def __init__(
        self,
        state: AppState,
        who: Principal,
        turn: Turn,
        builder: OutputBuilder,
        *,
        store: bool,
        input_items: list[dict[str, Any]],
        conversation_id: str | None,
    ) -> None:
        self.state = state
        self.who = who
        self.turn = turn
        self.builder = builder
        self.store = store
        self.input_items = input_items
        self.conversation_id = conversation_id
        self.finished = False

    def handle(self, event: TurnEvent) -> None:
        if isinstance(event, TextOut):
            self.builder.text(event.text)
        elif isinstance(event, ToolCallDelta):
            self.builder.tool_call(event)
        elif isinstance(event, Usage):
            self.builder.usage = event
        elif isinstance(event, Finish):
            self.builder.finish = event

    async def complete(self) -> dict[str, Any]:
        self.builder.close_items()
        return await self._finish(self.builder.final_status())

    async def fail(self, status: int, message: str, code: str | None, type_: str) -> dict[str, Any]:
        self.builder.output.clear()
        return await self._finish("failed", error=error_body(status, message, code, type_))

    async def interrupt(self) -> None:
        """The client went away (or the server is stopping): keep a valid, clearly incomplete response."""
        if self.finished:
            return
        try:
            rest = self.turn.repairer.finish() if self.builder.message_text else ""
        except Exception:  # the partial text stays as streamed; it is marked incomplete anyway
            rest = ""
        self.builder.text(rest)
        self.builder.close_items("incomplete")
        with anyio.CancelScope(shield=True):
            await self._finish("incomplete")

    async def _finish(self, status: str, error: dict[str, Any] | None = None) -> dict[str, Any]:
        self.finished = True
        final = self.builder.end(status, error=error)
        state, org = self.state, self.who.org_id
        conversation_items = None
        if self.conversation_id and status == "completed":
            conversation_items = self.input_items + list(final["output"])
        try:
            if self.store:
                await state.responses.finish(org, final, conversation_items=conversation_items)
            elif conversation_items:
                await state.conversations.add_items(
                    self.conversation_id or "", org, conversation_items, skip_existing=True
                )
        except Exception:
            log.exception("could not store the end of response %s", final["id"])
        await self._settle(self.builder.usage)
        return final

    async def _settle(self, usage: Usage | None) -> None:
        try:
            await settle_usage(self.state, self.who, self.turn.model_name, usage)
        except Exception:  # accounting must never fail a finished answer
            log.exception("could not record usage")


def sse(event: dict[str, Any]) -> bytes:
    return b"event: " + str(event["type"]).encode() + b"\ndata: " + orjson.dumps(event) + b"\n\n"


@router.post("/v1/embed/responses")
@router.post("/v1/responses", include_in_schema=False)
async def create_response(request: Request) -> Response:
    """Served by `FastLane` (it takes only the request: the key is checked here, not by a dependency)."""
    who = await principal(request)
    state = get_state(request)
    req = parse_request(await request.body())
    org = who.org_id
    input_items = normalize_input(req.input)
    conversation_id = conversation_id_of(req.conversation)
    history: list[dict[str, Any]] = []
    if req.previous_response_id:
        found = await state.responses.context_items(req.previous_response_id, org)
        if found is None:
            raise ApiError(
                404,
                f"Previous response with id '{req.previous_response_id}' not found.",
                param="previous_response_id",
                code="previous_response_not_found",
            )
        history = found
    if conversation_id:
        conv_items = await state.conversations.all_items(conversation_id, org)
        if conv_items is None:
            raise ApiError(
                404,
                f"Conversation with id '{conversation_id}' not found.",
                param="conversation",
                code="conversation_not_found",
            )
        history = conv_items
    if not input_items and not history:
        raise ApiError(400, "'input' is required.", param="input", code="missing_required_parameter")
    messages = items_to_messages(history + input_items, req.instructions)
    tools = [t.model_dump() for t in req.tools or []]
    turn_req = TurnRequest(
        model=req.model,
        messages=messages,
        tools=tools_to_chat(tools),
        tool_choice=tool_choice_to_chat(req.tool_choice),
        parallel_tool_calls=req.parallel_tool_calls,
        max_tokens=req.max_output_tokens,
        temperature=req.temperature,
        top_p=req.top_p,
        thesys=thesys_of(req.metadata),
        reasoning_effort=req.reasoning.effort if req.reasoning else None,
        verbosity=req.text.verbosity if req.text else None,
        prompt_cache_key=req.prompt_cache_key,
        org_id=org,
        stream=bool(req.stream),
    )
    headers = await state.limiter.acquire(org, estimate_tokens(message_chars(messages)))
    turn = await state.runner.start(turn_req)
    store = req.store is not False
    params = ResponseParams(
        model=turn.model_name,
        instructions=req.instructions,
        tools=tools,
        tool_choice=req.tool_choice if req.tool_choice is not None else "auto",
        parallel_tool_calls=req.parallel_tool_calls is not False,
        temperature=req.temperature,
        top_p=req.top_p,
        max_output_tokens=req.max_output_tokens,
        max_tool_calls=req.max_tool_calls,
        reasoning_effort=req.reasoning.effort if req.reasoning else None,
        reasoning_summary=req.reasoning.summary if req.reasoning else None,
        verbosity=req.text.verbosity if req.text else None,
        metadata=req.metadata or {},
        store=store,
        previous_response_id=req.previous_response_id,
        prompt_cache_key=req.prompt_cache_key,
        safety_identifier=req.safety_identifier,
        top_logprobs=req.top_logprobs or 0,
    )
    resource = new_resource(new_id("resp"), params)
    if store:
        await state.responses.start(org, resource, input_items, conversation_id=conversation_id)
    run = Run(
        state,
        who,
        turn,
        OutputBuilder(resource),
        store=store,
        input_items=input_items,
        conversation_id=conversation_id,
    )
    if req.stream:
        try:
            events = await turn.opened_events()
        except UpstreamError as exc:
            await run.fail(exc.status, exc.message, exc.code, "upstream_error")
            raise from_upstream(exc) from None
        except BaseException:
            await run.interrupt()
            raise
        headers.update({"cache-control": "no-cache", "x-accel-buffering": "no"})
        return StreamingResponse(_stream(run, events), media_type="text/event-stream", headers=headers)
    return json_response(await _complete(run), headers=headers)


async def _complete(run: Run) -> dict[str, Any]:
    try:
        async with aclosing(run.turn.events()) as events:
            async for event in events:
                run.handle(event)
    except UpstreamError as exc:
        await run.fail(exc.status, exc.message, exc.code, "upstream_error")
        raise from_upstream(exc) from None
    except ApiError as exc:
        await run.fail(exc.status, exc.message, exc.code, exc.type)
        raise
    except BaseException:
        await run.interrupt()
        raise
    return await run.complete()


async def _stream(run: Run, turn_events: AsyncGenerator[TurnEvent, None]) -> AsyncIterator[bytes]:
    builder = run.builder
    try:
        builder.created()
        for event in builder.drain():
            yield sse(event)
        try:
            async with aclosing(turn_events):
                async for turn_event in turn_events:
                    run.handle(turn_event)
                    for event in builder.drain():
                        yield sse(event)
        except UpstreamError as exc:
            log.warning("upstream failed mid-stream: %s", exc.message)
            await run.fail(exc.status, exc.message, exc.code, "upstream_error")
        except ApiError as exc:
            await run.fail(exc.status, exc.message, exc.code, exc.type)
        except Exception:
            log.exception("response failed mid-stream")
            await run.fail(
                500, "The server had an error while processing your request.", "server_error", "server_error"
            )
        else:
            await run.complete()
        for event in builder.drain():
            yield sse(event)
        yield b"data: [DONE]\n\n"
    finally:
        if not run.finished:
            await run.interrupt()


@router.get("/v1/embed/responses/{response_id}")
@router.get("/v1/responses/{response_id}", include_in_schema=False)
async def get_response(
    request: Request, response_id: str, who: Annotated[Principal, Depends(principal)]
) -> Response:
    found = await get_state(request).responses.get(response_id, who.org_id)
    if found is None:
        raise not_found(response_id)
    return json_response(found)


@router.delete("/v1/embed/responses/{response_id}")
@router.delete("/v1/responses/{response_id}", include_in_schema=False)
async def delete_response(
    request: Request, response_id: str, who: Annotated[Principal, Depends(principal)]
) -> Response:
    if not await get_state(request).responses.delete(response_id, who.org_id):
        raise not_found(response_id)
    return json_response({"id": response_id, "object": "response.deleted", "deleted": True})


@router.get("/v1/embed/responses/{response_id}/input_items")
@router.get("/v1/responses/{response_id}/input_items", include_in_schema=False)
async def list_input_items(
    request: Request,
    response_id: str,
    who: Annotated[Principal, Depends(principal)],
    after: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    order: Annotated[Literal["asc", "desc"], Query()] = "desc",
) -> Response:
    try:
        page = await get_state(request).responses.input_items(
            response_id, who.org_id, after=after, limit=limit, order=order
        )
    except UnknownCursor:
        raise ApiError(
            400, f"No input item with id '{after}' in this response.", param="after", code="invalid_value"
        ) from None
    if page is None:
        raise not_found(response_id)
    return json_response(page.body())
