"""The Responses API run: create (whole or streamed), retrieve, delete, list input items.

Lifecycle: a stored response is written `in_progress` before the model runs and finished exactly once, in one
transaction with its output items (and the conversation append unless it failed). Disconnects, the drain and
failures end it `incomplete` or `failed`; the finishing write is shielded from cancellation. While it streams,
its output so far is checkpointed (what a crash of this process keeps). The API parses the body
into `CreateResponse` and frames what `ResponseRun` returns (JSON) or yields (Open Responses events, as SSE).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import KW_ONLY, dataclass
from typing import Any, Literal

import anyio
from pydantic import BaseModel, Field, field_validator

from genui.errors import ApiError
from genui.models.base import UpstreamError
from genui.models.events import Finish, ToolCallDelta, Usage
from genui.service.accounting import Accounting, Caller
from genui.service.conversations import conversation_full
from genui.service.history import history_budget, newest_within
from genui.service.items import (
    check_call_outputs,
    items_to_messages,
    normalize_input,
    tool_choice_to_chat,
    tools_to_chat,
)
from genui.service.lifecycle import SHUTTING_DOWN, Drain, ServerShuttingDown
from genui.service.output import OutputBuilder, ResponseParams, error_body, new_resource
from genui.service.pages import page_or_error
from genui.service.params import STRICT, FunctionSpec, check_request_metadata, thesys_of
from genui.service.turn import TextOut, Turn, TurnEvent, TurnRequest, TurnRunner
from genui.store import Checkpointer, ConversationRepository, Page, PageQuery, ResponseRepository
from genui.store.ids import new_id

log = logging.getLogger("genui.responses")
SERVER_ERROR = "The server had an error while processing your request."


class FunctionToolIn(FunctionSpec):
    type: Literal["function"]


class ReasoningIn(BaseModel):
    model_config = STRICT
    effort: Literal["none", "minimal", "low", "medium", "high", "xhigh"] | None = None
    summary: Literal["auto", "concise", "detailed"] | None = None


class TextIn(BaseModel):
    model_config = STRICT
    format: dict[str, Any] | None = None
    verbosity: Literal["low", "medium", "high"] | None = None


class CreateResponse(BaseModel):
    model_config = STRICT
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
    metadata: dict[str, str] | None = None
    store: bool | None = True
    previous_response_id: str | None = Field(default=None, max_length=64)
    conversation: str | dict[str, Any] | None = None
    stream: bool | None = False
    prompt_cache_key: str | None = None
    safety_identifier: str | None = None
    background: bool | None = None
    top_logprobs: int | None = Field(default=None, ge=0, le=20)

    _metadata = field_validator("metadata")(check_request_metadata)


def check_tool_types(data: dict[str, Any]) -> None:
    """Before validation: a non-function tool is an unsupported parameter, not a shape error."""
    tools = data.get("tools")
    for i, tool in enumerate(tools if isinstance(tools, list) else []):
        if isinstance(tool, dict) and tool.get("type") != "function":
            raise ApiError(
                400,
                f"Unsupported tool type {tool.get('type')!r}: only 'function' tools.",
                param=f"tools[{i}].type",
                code="unsupported_parameter",
            )


def check_create_request(req: CreateResponse) -> CreateResponse:
    """The supported-parameter rules, as 400s naming the parameter."""
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


def response_params(req: CreateResponse, model: str, tools: list[dict[str, Any]]) -> ResponseParams:
    """What the resource echoes back from the request."""
    return ResponseParams(
        model=model,
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
        store=req.store is not False,
        previous_response_id=req.previous_response_id,
        prompt_cache_key=req.prompt_cache_key,
        safety_identifier=req.safety_identifier,
        top_logprobs=req.top_logprobs or 0,
    )


class ResponseRun:
    """One response being produced: the turn, the output builder, and what finishing it needs. `complete()`
    returns the final resource; `stream()` yields the Open Responses events. `headers` are the rate-limit
    headers for the answer."""

    def __init__(
        self,
        service: ResponseService,
        caller: Caller,
        turn: Turn,
        builder: OutputBuilder,
        *,
        headers: dict[str, str],
        store: bool,
        input_items: list[dict[str, Any]],
        conversation_id: str | None,
        messages: list[dict[str, Any]],
        checkpoint: Checkpointer | None,
        history: list[dict[str, Any]] | None = None,
    ) -> None:
        self.service = service
        self.caller = caller
        self.turn = turn
        self.builder = builder
        self.headers = headers
        self.store = store
        self.input_items = input_items
        self.conversation_id = conversation_id
        # The messages admission charged for (metered again if the run ends before the model's usage).
        self.messages = messages
        # Saves the output so far while streaming (None when not stored): what a crash of this process keeps.
        self.checkpoint = checkpoint
        self.metered: Usage | None = None
        # the items before this turn's input (a previous response's chain or the conversation's items)
        self.history = history or []
        self.finished = False

    @property
    def model_name(self) -> str:
        return self.turn.model_name

    @property
    def usage(self) -> Usage | None:
        return self.builder.usage or self.metered

    @property
    def repairs(self) -> int:
        return len(self.turn.repairer.repairs)

    @property
    def error_code(self) -> str | None:
        error = self.builder.resource.get("error")
        return str(error["code"]) if isinstance(error, dict) else None

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
        """The whole answer: the final resource (a failure finishes it `failed` and raises)."""
        try:
            async with aclosing(self.service.drain.guard(self.turn.events())) as events:
                async for event in events:
                    self.handle(event)
        except UpstreamError as exc:
            await self.fail(exc.status, exc.message, exc.code, "upstream_error")
            raise
        except ServerShuttingDown:
            await self.interrupt(SHUTTING_DOWN)
            raise
        except ApiError as exc:
            await self.fail(exc.status, exc.message, exc.code, exc.type)
            raise
        except BaseException:
            await self.interrupt()
            raise
        return await self._completed()

    async def stream(self) -> AsyncGenerator[dict[str, Any], None]:
        """The event sequence, opened at once (`response.created`, `response.in_progress`, and the message
        item when no tools were offered, so the answer can only be a message) before the model says anything;
        a failure, even before the first model event, ends it with `error` and `response.failed`; a
        consumer that stops early (a disconnect) leaves the response `incomplete`."""
        builder = self.builder
        turn_events = self.service.drain.guard(self.turn.events())
        checkpoint = self.checkpoint
        try:
            builder.created()
            if not self.turn.request.tools:
                builder.open_message()
            for event in builder.drain():
                yield event
            try:
                async with aclosing(turn_events):
                    async for turn_event in turn_events:
                        self.handle(turn_event)
                        if checkpoint is not None:
                            checkpoint.offer(builder.partial_items)
                        for event in builder.drain():
                            yield event
            except UpstreamError as exc:
                log.warning("upstream failed mid-stream: %s", exc.message)
                await self.fail(exc.status, exc.message, exc.code, "upstream_error")
            except ServerShuttingDown:
                await self.interrupt(SHUTTING_DOWN)
            except ApiError as exc:
                await self.fail(exc.status, exc.message, exc.code, exc.type)
            except Exception:
                log.exception("response failed mid-stream")
                await self.fail(500, SERVER_ERROR, "server_error", "server_error")
            else:
                await self._completed()
            for event in builder.drain():
                yield event
        finally:
            if not self.finished:
                await self.interrupt()

    async def _completed(self) -> dict[str, Any]:
        self.builder.close_items()
        return await self._finish(self.builder.final_status())

    async def fail(self, status: int, message: str, code: str | None, type_: str) -> dict[str, Any]:
        self.builder.output.clear()
        return await self._finish("failed", error=error_body(status, message, code, type_))

    async def interrupt(self, reason: str = "interrupted") -> None:
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
            await self._finish("incomplete", reason=reason)

    async def _finish(
        self, status: str, error: dict[str, Any] | None = None, reason: str | None = None
    ) -> dict[str, Any]:
        self.finished = True
        final = self.builder.end(status, error=error, reason=reason)
        service, org = self.service, self.caller.org_id
        conversation_items = None
        # A failed response leaves its conversation as it was (the client may send the turn again); a
        # completed or incomplete one adds the turn, as a crashed process's response does (store.responses).
        if self.conversation_id and status != "failed":
            conversation_items = self.input_items + list(final["output"])
        if self.checkpoint is not None:
            await self.checkpoint.aclose()  # no checkpoint may land after the final write
        try:
            if self.store:
                await service.responses.finish(org, final, conversation_items=conversation_items)
            elif conversation_items:
                await service.conversations.add_items(
                    self.conversation_id or "", org, conversation_items, skip_existing=True
                )
        except Exception:
            log.exception("could not store the end of response %s", final["id"])
        if self.builder.usage is not None:
            await service.accounting.settle(self.caller, self.turn.resolved, self.builder.usage, self.repairs)
        else:
            tool_chars = sum(len(call.item["arguments"]) for call in self.builder.calls.values())
            self.metered = await service.accounting.settle_cut_short(
                self.caller, self.turn.resolved, self.messages, len(self.turn.repairer.text) + tool_chars,
                self.repairs, failed=status == "failed",
            )  # fmt: skip
        return final


@dataclass(eq=False)
class ResponseService:
    """Creates, stores and reads responses: a `ResponseRun` per create (see the module docstring)."""

    runner: TurnRunner
    accounting: Accounting
    responses: ResponseRepository
    conversations: ConversationRepository
    _: KW_ONLY
    max_conversation_items: int
    drain: Drain
    checkpoint_seconds: float = 2.0

    async def _history(
        self, req: CreateResponse, conversation_id: str | None, org: str
    ) -> list[dict[str, Any]]:
        """The items before this turn: the previous response's chain, or the conversation's items."""
        if req.previous_response_id:
            return await self.previous_items(req.previous_response_id, org)
        if conversation_id:
            conv_items = await self.conversations.all_items(conversation_id, org)
            if conv_items is None:
                message = f"Conversation with id '{conversation_id}' not found."
                raise ApiError(404, message, param="conversation", code="conversation_not_found")
            return conv_items
        return []

    async def previous_items(self, response_id: str, org: str) -> list[dict[str, Any]]:
        """The input and output items of the stored chain ending at `response_id`."""
        found = await self.responses.context_items(response_id, org)
        if found is None:
            message = f"Previous response with id '{response_id}' not found."
            raise ApiError(404, message, param="previous_response_id", code="previous_response_not_found")
        return found

    async def create(
        self, req: CreateResponse, caller: Caller, *, unstored_history: list[dict[str, Any]] | None = None
    ) -> ResponseRun:
        """Admit and start the turn and store the `in_progress` response; every refusal raises ApiError here,
        before anything is stored or sent. `unstored_history`: the previous response's chain when only the
        caller holds it (a WebSocket's `store: false` chain); a stored response then keeps it as input."""
        org = caller.org_id
        input_items = normalize_input(req.input)
        conversation_id = conversation_id_of(req.conversation)
        if unstored_history is not None:
            history = unstored_history
        else:
            history = await self._history(req, conversation_id, org)
        if not input_items and not history:
            raise ApiError(400, "'input' is required.", param="input", code="missing_required_parameter")
        check_call_outputs(history, input_items)
        if conversation_id and len(history) + len(input_items) + 1 > self.max_conversation_items:
            raise conversation_full(self.max_conversation_items, "conversation")
        resolved = self.runner.registry.resolve(req.model)
        stored_input = input_items if unstored_history is None else unstored_history + input_items
        history = newest_within(history, history_budget(resolved.context_tokens))
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
        headers = await self.accounting.admit(caller, messages)
        turn = await self.runner.start(turn_req)
        params = response_params(req, turn.model_name, tools)
        resource = new_resource(new_id("resp"), params)
        checkpoint = None
        if params.store:
            await self.responses.start(org, resource, stored_input, conversation_id=conversation_id)
            if req.stream:
                checkpoint = Checkpointer(
                    self.responses, org, resource["id"], interval=self.checkpoint_seconds
                )
        return ResponseRun(
            self,
            caller,
            turn,
            OutputBuilder(resource),
            headers=headers,
            store=params.store,
            input_items=input_items,
            conversation_id=conversation_id,
            messages=messages,
            checkpoint=checkpoint,
            history=history,
        )

    async def get(self, response_id: str, caller: Caller) -> dict[str, Any]:
        found = await self.responses.get(response_id, caller.org_id)
        if found is None:
            raise not_found(response_id)
        return found

    async def delete(self, response_id: str, caller: Caller) -> None:
        if not await self.responses.delete(response_id, caller.org_id):
            raise not_found(response_id)

    async def input_items(self, response_id: str, caller: Caller, page: PageQuery) -> Page:
        return await page_or_error(
            self.responses.input_items(response_id, caller.org_id, page),
            page=page,
            where="input item with id '{after}' in this response",
            missing=not_found(response_id),
        )
