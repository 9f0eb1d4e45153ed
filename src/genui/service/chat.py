"""Chat Completions: the request model, and one completion run over a turn (admission, the turn's events,
usage settled at the end). The API parses the body into `ChatRequest` and frames what the run yields."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from genui.errors import ApiError
from genui.models.base import UpstreamError
from genui.models.events import Finish, ToolCallDelta, Usage
from genui.service.accounting import Accounting, Caller
from genui.service.lifecycle import Drain, ServerShuttingDown
from genui.service.params import STRICT, FunctionSpec, check_request_metadata, thesys_of
from genui.service.turn import TextOut, Turn, TurnEvent, TurnRequest, TurnRunner


class FunctionDef(FunctionSpec):
    model_config = ConfigDict(strict=True, extra="allow")


class Tool(BaseModel):
    model_config = STRICT
    type: Literal["function"]
    function: FunctionDef


class StreamOptions(BaseModel):
    model_config = STRICT
    include_usage: bool = False


class FunctionCall(BaseModel):
    model_config = STRICT
    name: str = Field(min_length=1, max_length=64)
    arguments: str


class ToolCall(BaseModel):
    """An assistant turn's tool call, as OpenAI returns it and expects it back."""

    model_config = STRICT
    id: str = Field(min_length=1, max_length=256)
    type: Literal["function"]
    function: FunctionCall


class Message(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict[str, Any]] | None = None
    name: str | None = None
    tool_calls: list[ToolCall] | None = None
    tool_call_id: str | None = Field(default=None, min_length=1, max_length=256)


class ChatRequest(BaseModel):
    model_config = STRICT
    model: str = Field(min_length=1, max_length=256)
    messages: list[Message] = Field(min_length=1, max_length=2048)
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    metadata: dict[str, str] | None = None
    n: int | None = None
    parallel_tool_calls: bool | None = None
    stop: str | list[str] | None = None
    stream: bool = False
    stream_options: StreamOptions | None = None
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, ge=0, le=1)
    tool_choice: Literal["none", "auto", "required"] | dict[str, Any] | None = None
    tools: list[Tool] | None = Field(default=None, max_length=128)
    prompt_cache_key: str | None = None
    reasoning_effort: Literal["none", "minimal", "low", "medium", "high", "xhigh"] | None = None
    verbosity: Literal["low", "medium", "high"] | None = None
    functions: Any = None
    function_call: Any = None

    _metadata = field_validator("metadata")(check_request_metadata)

    @field_validator("stop")
    @classmethod
    def _stop(cls, v: str | list[str] | None) -> str | list[str] | None:
        if isinstance(v, list) and len(v) > 4:
            raise ValueError("at most 4 stop sequences")
        return v


# Content part types each role may send (OpenAI's table); audio is refused for every role.
PART_TYPES: dict[str, tuple[str, ...]] = {
    "system": ("text",),
    "developer": ("text",),
    "user": ("text", "image_url", "file"),
    "assistant": ("text", "refusal"),
    "tool": ("text",),
}
IMAGE_DETAILS = ("auto", "low", "high")


def _bad(message: str, param: str, code: str = "invalid_value") -> ApiError:
    return ApiError(400, message, param=param, code=code)


def _check_part(role: str, part: Any, param: str) -> None:
    if not isinstance(part, dict):
        raise _bad("A content part must be an object.", param)
    kind = part.get("type")
    if kind in ("input_audio", "audio"):
        raise _bad("Audio content is not supported.", param + ".type", "unsupported_parameter")
    if kind not in PART_TYPES[role]:
        allowed = ", ".join(PART_TYPES[role])
        message = f"Content part type {kind!r} is not allowed for role {role!r} (use {allowed})."
        raise _bad(message, param + ".type")
    if kind == "text" and not isinstance(part.get("text"), str):
        raise _bad("A text part needs a string 'text'.", param + ".text")
    if kind == "refusal" and not isinstance(part.get("refusal"), str):
        raise _bad("A refusal part needs a string 'refusal'.", param + ".refusal")
    if kind == "image_url":
        image = part.get("image_url")
        if not isinstance(image, dict) or not isinstance(image.get("url"), str) or not image["url"]:
            raise _bad('An image_url part needs \'image_url\': {"url": "..."}.', param + ".image_url")
        if image.get("detail") is not None and image["detail"] not in IMAGE_DETAILS:
            raise _bad(f"'detail' must be one of {', '.join(IMAGE_DETAILS)}.", param + ".image_url.detail")
    if kind == "file" and not isinstance(part.get("file"), dict):
        raise _bad("A file part needs a 'file' object.", param + ".file")


def _check_message(message: Message, param: str) -> None:
    """What each role must carry, as OpenAI checks it."""
    role = message.role
    if message.tool_calls is not None and role != "assistant":
        raise _bad("Only assistant messages carry 'tool_calls'.", param + ".tool_calls")
    if role == "tool" and message.tool_call_id is None:
        raise _bad(
            "A tool message needs the 'tool_call_id' of the call it answers.",
            param + ".tool_call_id",
            "missing_required_parameter",
        )
    if message.content is None and not (role == "assistant" and message.tool_calls):
        raise _bad(f"A {role} message needs 'content'.", param + ".content", "missing_required_parameter")
    if isinstance(message.content, list):
        for j, part in enumerate(message.content):
            _check_part(role, part, f"{param}.content[{j}]")


def check_chat_request(req: ChatRequest) -> ChatRequest:
    """What the models cannot say: the per-role message rules and the supported-parameter rules, as 400s
    naming the parameter."""
    for i, message in enumerate(req.messages):
        _check_message(message, f"messages[{i}]")
    if req.n not in (None, 1):
        raise ApiError(400, "Only n=1 is supported.", param="n", code="invalid_value")
    if req.functions is not None or req.function_call is not None:
        param = "functions" if req.functions is not None else "function_call"
        raise ApiError(
            400,
            f"'{param}' is deprecated: use 'tools' and 'tool_choice'.",
            param=param,
            code="unsupported_parameter",
        )
    if req.stream_options is not None and not req.stream:
        raise ApiError(
            400,
            "'stream_options' is only allowed when 'stream' is true.",
            param="stream_options",
            code="invalid_value",
        )
    return req


def turn_request(req: ChatRequest, org_id: str) -> TurnRequest:
    stop = [req.stop] if isinstance(req.stop, str) else req.stop
    return TurnRequest(
        model=req.model,
        messages=[m.model_dump(exclude_none=True) for m in req.messages],
        tools=[t.model_dump(exclude_none=True) for t in req.tools] if req.tools else None,
        tool_choice=req.tool_choice,
        parallel_tool_calls=req.parallel_tool_calls,
        max_tokens=req.max_completion_tokens or req.max_tokens,
        temperature=req.temperature,
        top_p=req.top_p,
        stop=stop,
        thesys=thesys_of(req.metadata),
        reasoning_effort=req.reasoning_effort,
        verbosity=req.verbosity,
        prompt_cache_key=req.prompt_cache_key,
        org_id=org_id,
        stream=req.stream,
    )


@dataclass(slots=True)
class ChatResult:
    """A whole answer: the C1 Response text (None when the model only called tools) and the tool calls."""

    content: str | None
    tool_calls: list[dict[str, Any]]
    usage: Usage | None
    finish_reason: str


@dataclass(slots=True)
class ChatRun:
    """A started completion. `headers` are the rate-limit headers for the answer; `usage`, `repairs` and
    `error_code` are known once the run ended (for the access log)."""

    accounting: Accounting
    caller: Caller
    turn: Turn
    headers: dict[str, str]
    drain: Drain
    # The client's messages: what admission charged, metered again if the run ends before the model's usage.
    messages: list[dict[str, Any]]
    usage: Usage | None = None
    error_code: str | None = None  # why the run failed, once it did

    @property
    def model_name(self) -> str:
        return self.turn.model_name

    @property
    def repairs(self) -> int:
        return len(self.turn.repairer.repairs)

    async def events(self) -> AsyncGenerator[TurnEvent, None]:
        """The turn's events, metered (see `_Meter`); an error mid-way propagates."""
        async with _Meter(self) as meter, aclosing(meter.events) as events:
            async for event in events:
                meter.see(event)
                yield event

    async def complete(self) -> ChatResult:
        """The whole answer (read from the turn directly, not through `events()`: one generator less)."""
        text: list[str] = []
        calls: dict[int, dict[str, Any]] = {}
        finish = "stop"
        async with _Meter(self) as meter, aclosing(meter.events) as events:
            async for event in events:
                meter.see(event)
                if isinstance(event, TextOut):
                    text.append(event.text)
                elif isinstance(event, ToolCallDelta):
                    call = calls.setdefault(
                        event.index, {"id": "", "type": "function", "function": {"name": "", "arguments": ""}}
                    )
                    if event.id:
                        call["id"] = event.id
                    if event.name:
                        call["function"]["name"] = event.name
                    call["function"]["arguments"] += event.arguments
                elif isinstance(event, Finish):
                    finish = event.reason
        return ChatResult(
            content="".join(text) if text else None,
            tool_calls=[calls[i] for i in sorted(calls)],
            usage=self.usage,
            finish_reason=finish,
        )


class _Meter:
    """A run's events (the turn's, unless the drain stops them) and their metering: the model's usage is
    settled after the last event. A run cut short (the client gone, the server draining, the model failing
    after some output) is metered with the admission estimate and what was generated so far."""

    __slots__ = ("events", "run", "tool_chars")

    def __init__(self, run: ChatRun) -> None:
        self.run = run
        self.events = run.drain.guard(run.turn.events())
        self.tool_chars = 0

    def see(self, event: TurnEvent) -> None:
        if isinstance(event, Usage):
            self.run.usage = event
        elif isinstance(event, ToolCallDelta):
            self.tool_chars += len(event.arguments)

    async def __aenter__(self) -> _Meter:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        run = self.run
        if exc is None:
            await run.accounting.settle(run.caller, run.turn.resolved, run.usage, run.repairs)
            return
        failed = False
        if isinstance(exc, ApiError | UpstreamError):
            run.error_code = exc.code
            failed = not isinstance(exc, ServerShuttingDown)
        output_chars = len(run.turn.repairer.text) + self.tool_chars
        run.usage = await run.accounting.settle_cut_short(
            run.caller, run.turn.resolved, run.messages, output_chars, run.repairs,
            usage=run.usage, failed=failed,
        )  # fmt: skip


class ChatService:
    def __init__(self, runner: TurnRunner, accounting: Accounting, drain: Drain) -> None:
        self.runner = runner
        self.accounting = accounting
        self.drain = drain

    async def start(self, req: ChatRequest, caller: Caller) -> ChatRun:
        """Admit and start the turn; every refusal (limits, unknown model, bad metadata) raises ApiError here,
        before anything is sent."""
        turn_req = turn_request(req, caller.org_id)
        headers = await self.accounting.admit(caller, turn_req.messages)
        turn = await self.runner.start(turn_req)
        return ChatRun(self.accounting, caller, turn, headers, self.drain, turn_req.messages)
