"""OpenAI-compatible upstreams through the official `openai` SDK (AsyncOpenAI).

One provider class serves OpenAI, Gemini's OpenAI-compatible endpoint, vLLM, Ollama, the llama.cpp server and
OpenRouter; base URL and key come from the provider config. Output is constrained to the catalog schema
according to `ProviderConfig.constrain`:

- `json_schema`: `response_format={"type": "json_schema", "json_schema": {"name": "c1_card", "strict": ...}}`.
  The schema is transformed for strict mode (see `genui.models.strict`); if it can't be (open maps),
  it is sent with `strict: false`.
- `guided_json` (vLLM): `extra_body={"guided_json": schema}`.
- `grammar` (llama.cpp server, llama-cpp-python server): `extra_body={"grammar": gbnf}` with the grammar built
  here (control characters excluded, see `genui.models.grammar`) when llama-cpp-python is installed, else
  `extra_body={"json_schema": schema}` (llama.cpp's server converts it itself).
- `none`: prompt-only. `auto`: `json_schema` for api.openai.com (and no base URL), else `none`.

With tools in the request, only `json_schema` is kept (OpenAI mixes tools and structured outputs); the others
would forbid tool calls, so they are dropped. The SDK's own retries are off: the router retries.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import openai
import orjson
from openai._constants import RAW_RESPONSE_HEADER  # the SDK's switch for raw streamed responses

from genui.models.base import (
    Finish,
    FinishReason,
    ModelEvent,
    ModelRequest,
    TextDelta,
    ToolCallDelta,
    UpstreamError,
    Usage,
)
from genui.models.config import ProviderConfig
from genui.models.errors import from_status, from_transport, upstream_message
from genui.models.strict import strict_schema

OPENAI_HOST = "api.openai.com"
GEMINI_HOST = "generativelanguage.googleapis.com"
OPENROUTER_HOST = "openrouter.ai"
# api-surface §3: Gemini reasoning budget per effort; "none" is 0 on Flash, 256 on Pro (can't turn off).
GEMINI_THINKING_BUDGET = {"minimal": 512, "low": 1024, "medium": 2048, "high": 4096, "xhigh": 8192}
_FINISH: dict[str, FinishReason] = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "content_filter": "content_filter",
}


def flavor_of(base_url: str | None) -> str:
    """Which upstream family a base URL belongs to: openai, gemini, openrouter or generic."""
    if not base_url or OPENAI_HOST in base_url:
        return "openai"
    if GEMINI_HOST in base_url:
        return "gemini"
    if OPENROUTER_HOST in base_url:
        return "openrouter"
    return "generic"


def resolve_api_key(config: ProviderConfig, default_env: str) -> str | None:
    if config.api_key:
        return config.api_key
    if config.api_key_env:
        return os.environ.get(config.api_key_env)
    return os.environ.get(default_env)


def grammar_body(schema: dict[str, Any]) -> dict[str, Any]:
    if importlib.util.find_spec("llama_cpp") is None:
        return {"json_schema": schema}
    from genui.models.grammar import schema_to_gbnf

    return {"grammar": schema_to_gbnf(schema)}


def gemini_thinking_budget(effort: str, model: str) -> int | None:
    if effort == "none":
        return 256 if "pro" in model.lower() else 0
    return GEMINI_THINKING_BUDGET.get(effort)


class OpenAICompatProvider:
    """A provider over any OpenAI-compatible Chat Completions endpoint (see module docstring)."""

    def __init__(self, config: ProviderConfig, name: str = "openai") -> None:
        self.name = name
        self.config = config
        self.flavor = flavor_of(config.base_url)
        self.constrain = config.constrain
        if self.constrain == "auto":
            self.constrain = "json_schema" if self.flavor == "openai" else "none"
        self.supports_json_schema = self.constrain != "none"
        timeout = httpx2.Timeout(config.timeout, connect=min(10.0, config.timeout), read=config.idle_timeout)
        self.client = openai.AsyncOpenAI(
            api_key=resolve_api_key(config, "OPENAI_API_KEY") or "no-key",
            base_url=config.base_url,
            timeout=timeout,
            max_retries=0,
            default_headers=config.headers or None,
            # The SDK's aiohttp transport: about half the CPU per request of its default httpx transport.
            http_client=openai.DefaultAioHttpClient(timeout=timeout),
        )

    def build_params(self, model: str, request: ModelRequest) -> dict[str, Any]:
        """The keyword arguments of `chat.completions.create` for this request (streaming)."""
        params: dict[str, Any] = {"model": model, "messages": request.messages, "stream": request.stream}
        if request.stream:
            params["stream_options"] = {"include_usage": True}
        extra_body: dict[str, Any] = {}
        if request.tools:
            params["tools"] = request.tools
            if request.tool_choice is not None:
                params["tool_choice"] = request.tool_choice
            if request.parallel_tool_calls is not None:
                params["parallel_tool_calls"] = request.parallel_tool_calls
        if request.max_tokens is not None:
            key = "max_completion_tokens" if self.flavor == "openai" else "max_tokens"
            params[key] = request.max_tokens
        for key in ("temperature", "top_p", "stop"):
            value = getattr(request, key)
            if value is not None:
                params[key] = value
        self._constrain(request, params, extra_body)
        self._reasoning(model, request, params, extra_body)
        if self.flavor == "openai" and request.prompt_cache_key:
            params["prompt_cache_key"] = request.prompt_cache_key
        extra_body.update(request.extra.get("extra_body", {}) if isinstance(request.extra, dict) else {})
        if extra_body:
            params["extra_body"] = extra_body
        return params

    def _constrain(self, request: ModelRequest, params: dict[str, Any], extra_body: dict[str, Any]) -> None:
        schema = request.json_schema
        if schema is None or self.constrain == "none":
            return
        if request.tools and self.constrain != "json_schema":
            return  # a grammar / guided decoding would forbid the tool calls
        if self.constrain == "json_schema":
            strict = strict_schema(schema)
            params["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "c1_card", "strict": strict is not None, "schema": strict or schema},
            }
        elif self.constrain == "guided_json":
            extra_body["guided_json"] = schema
        elif self.constrain == "grammar":
            extra_body.update(grammar_body(schema))

    def _reasoning(
        self, model: str, request: ModelRequest, params: dict[str, Any], extra_body: dict[str, Any]
    ) -> None:
        effort = request.reasoning_effort
        if effort and self.flavor == "gemini":
            budget = gemini_thinking_budget(effort, model)
            if budget is not None:
                extra_body["extra_body"] = {"google": {"thinking_config": {"thinking_budget": budget}}}
        elif effort and self.flavor in ("openai", "openrouter"):
            params["reasoning_effort"] = effort
        if request.verbosity and self.flavor == "openai":
            params["verbosity"] = request.verbosity

    async def stream(self, model: str, request: ModelRequest) -> AsyncIterator[ModelEvent]:
        body = self.build_params(model, request)
        body.update(body.pop("extra_body", {}))
        try:
            if not request.stream:
                # One JSON answer: the SDK's generic `post` (no per-request params transform, no pydantic
                # models), parsed with orjson.
                response = await self.client.post(CHAT_PATH, cast_to=httpx2.Response, body=body)
                data = orjson.loads(response.content)
                for event in _completion_events(data if isinstance(data, dict) else {}):
                    yield event
                return
            # Raw streaming through the SDK (its auth, headers and status errors), chunks parsed with orjson:
            # about 8x less CPU than building a pydantic model per chunk.
            raw = await self.client.post(
                CHAT_PATH,
                cast_to=httpx2.Response,
                body=body,
                options={"headers": {RAW_RESPONSE_HEADER: "stream"}},
            )
            events = _ChunkReader()
            try:
                async for line in raw.aiter_lines():
                    chunk = _sse_data(line)
                    if chunk is None:
                        continue
                    if chunk is _DONE:
                        break
                    for event in events.read(chunk, self.name):
                        yield event
            finally:
                await raw.aclose()
            for event in events.end():
                yield event
        except UpstreamError:
            raise
        except Exception as exc:
            raise self._map(exc) from exc

    def _map(self, exc: BaseException) -> UpstreamError:
        if isinstance(exc, openai.APIStatusError):
            message = upstream_message(exc.body, exc.message)
            return from_status(self.name, exc.status_code, message, exc.response.headers)
        if isinstance(exc, openai.APIConnectionError | httpx2.HTTPError | OSError | TimeoutError):
            refused = _refusal_in_chain(exc)
            if refused is not None:
                # The aiohttp transport reports a refused connection as a ConnectTimeout: say what it was.
                return from_transport(self.name, refused)
            cause = exc.__cause__ if isinstance(exc, openai.APIConnectionError) and exc.__cause__ else exc
            if isinstance(exc, openai.APITimeoutError):
                cause = TimeoutError()
            return from_transport(self.name, cause)
        return UpstreamError(f"{self.name} upstream failed: {type(exc).__name__}: {exc}"[:500], status=502)

    async def aclose(self) -> None:
        await self.client.close()


CHAT_PATH = "/chat/completions"
_DONE: dict[str, Any] = {}


class _ChunkReader:
    """Turns OpenAI chat chunks into provider events; tool-call ids and names are sent once per call."""

    def __init__(self) -> None:
        self.finish: FinishReason | None = None
        self.usage: Usage | None = None
        self.seen_calls: set[int] = set()

    def read(self, chunk: dict[str, Any], provider: str) -> list[ModelEvent]:
        if "error" in chunk and not chunk.get("choices"):
            raise UpstreamError(upstream_message(chunk, f"{provider} upstream failed mid-stream"), status=502)
        if chunk.get("usage"):
            self.usage = _usage(chunk["usage"])
        out: list[ModelEvent] = []
        for choice in chunk.get("choices") or ():
            delta = choice.get("delta") or choice.get("message") or {}
            content = delta.get("content")
            if content:
                out.append(TextDelta(content))
            for position, call in enumerate(delta.get("tool_calls") or ()):
                index = call.get("index", position)
                first = index not in self.seen_calls
                self.seen_calls.add(index)
                function = call.get("function") or {}
                # Some servers repeat id/name on each delta; clients concatenate: send once.
                out.append(
                    ToolCallDelta(
                        index=index,
                        id=(call.get("id") or f"call_{index}") if first else None,
                        name=function.get("name") if first else None,
                        arguments=function.get("arguments") or "",
                    )
                )
            if choice.get("finish_reason"):
                self.finish = _FINISH.get(choice["finish_reason"], "stop")
        return out

    def end(self) -> list[ModelEvent]:
        out: list[ModelEvent] = [self.usage] if self.usage is not None else []
        out.append(Finish(self.finish or ("tool_calls" if self.seen_calls else "stop")))
        return out


def _completion_events(data: dict[str, Any]) -> list[ModelEvent]:
    """A non-streamed chat completion as the same events a stream gives."""
    reader = _ChunkReader()
    events = reader.read(data, "upstream")
    return events + reader.end()


def _refusal_in_chain(exc: BaseException) -> ConnectionError | None:
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return None
        if isinstance(seen, ConnectionError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _sse_data(line: str) -> dict[str, Any] | None:
    """The JSON of one SSE `data:` line, `_DONE` for `[DONE]`, None for anything else (comments, events)."""
    if not line.startswith("data:"):
        return None
    payload = line[5:].strip()
    if payload == "[DONE]":
        return _DONE
    if not payload:
        return None
    try:
        data = orjson.loads(payload)
    except orjson.JSONDecodeError:
        raise UpstreamError("upstream sent a malformed stream chunk", status=502) from None
    return data if isinstance(data, dict) else None


def _usage(raw: dict[str, Any]) -> Usage:
    prompt_details = raw.get("prompt_tokens_details") or {}
    completion_details = raw.get("completion_tokens_details") or {}
    return Usage(
        input_tokens=int(raw.get("prompt_tokens") or 0),
        output_tokens=int(raw.get("completion_tokens") or 0),
        cached_tokens=int(prompt_details.get("cached_tokens") or 0),
        reasoning_tokens=int(completion_details.get("reasoning_tokens") or 0),
    )
