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
        )

    def build_params(self, model: str, request: ModelRequest) -> dict[str, Any]:
        """The keyword arguments of `chat.completions.create` for this request (streaming)."""
        params: dict[str, Any] = {
            "model": model,
            "messages": request.messages,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
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
        params = self.build_params(model, request)
        try:
            response = await self.client.chat.completions.create(**params)
        except Exception as exc:
            raise self._map(exc) from exc
        finish: FinishReason | None = None
        usage: Usage | None = None
        seen_calls: set[int] = set()
        try:
            async for chunk in response:
                if chunk.usage is not None:
                    usage = _usage(chunk.usage)
                for choice in chunk.choices or []:
                    delta = choice.delta
                    if delta is not None and delta.content:
                        yield TextDelta(delta.content)
                    for position, call in enumerate((delta.tool_calls if delta is not None else None) or []):
                        index = call.index if call.index is not None else position
                        first = index not in seen_calls
                        seen_calls.add(index)
                        function = call.function
                        # Some servers repeat id/name on each delta; clients concatenate: send once.
                        yield ToolCallDelta(
                            index=index,
                            id=(call.id or f"call_{index}") if first else None,
                            name=(function.name if function is not None else None) if first else None,
                            arguments=(function.arguments or "") if function is not None else "",
                        )
                    if choice.finish_reason:
                        finish = _FINISH.get(choice.finish_reason, "stop")
        except UpstreamError:
            raise
        except Exception as exc:
            raise self._map(exc) from exc
        finally:
            await response.close()
        if usage is not None:
            yield usage
        yield Finish(finish or ("tool_calls" if seen_calls else "stop"))

    def _map(self, exc: BaseException) -> UpstreamError:
        if isinstance(exc, openai.APIStatusError):
            message = upstream_message(exc.body, exc.message)
            return from_status(self.name, exc.status_code, message, exc.response.headers)
        if isinstance(exc, openai.APIConnectionError | httpx2.HTTPError | OSError | TimeoutError):
            cause = exc.__cause__ if isinstance(exc, openai.APIConnectionError) and exc.__cause__ else exc
            if isinstance(exc, openai.APITimeoutError):
                cause = TimeoutError()
            return from_transport(self.name, cause)
        return UpstreamError(f"{self.name} upstream failed: {type(exc).__name__}: {exc}"[:500], status=502)

    async def aclose(self) -> None:
        await self.client.close()


def _usage(raw: Any) -> Usage:
    prompt_details = getattr(raw, "prompt_tokens_details", None)
    completion_details = getattr(raw, "completion_tokens_details", None)
    return Usage(
        input_tokens=int(raw.prompt_tokens or 0),
        output_tokens=int(raw.completion_tokens or 0),
        cached_tokens=int(getattr(prompt_details, "cached_tokens", 0) or 0),
        reasoning_tokens=int(getattr(completion_details, "reasoning_tokens", 0) or 0),
    )
