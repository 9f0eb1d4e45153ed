"""OpenAI-compatible upstreams: Chat Completions over aiohttp, answers parsed with orjson.

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
would forbid tool calls, so they are dropped. Retries are the router's.

Why not the official `openai` SDK here: its request path costs about 1.2 ms of CPU per call against 0.2 ms
for one aiohttp request (`bench/hot_path.py`), and the gateway's whole latency budget is 1 ms. The
wire format is the public Chat Completions one; tests drive this provider against the real llama.cpp server
and the scripted upstream, and drive genui itself with the official SDKs as clients.
"""

from __future__ import annotations

import importlib.util
import os
import urllib.request
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson

from genui import __version__
from genui.models.base import ModelRequest, UpstreamError
from genui.models.config import ProviderConfig
from genui.models.errors import from_status, from_transport, upstream_code, upstream_message
from genui.models.events import Finish, FinishReason, ModelEvent, TextDelta, ToolCallDelta, Usage
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
        self.url = (config.base_url or DEFAULT_BASE_URL).rstrip("/") + CHAT_PATH
        api_key = resolve_api_key(config, "OPENAI_API_KEY") or "no-key"
        self.headers = {
            "authorization": f"Bearer {api_key}",
            "content-type": "application/json",
            "user-agent": f"genui/{__version__}",
            **config.headers,
        }
        connect = min(10.0, config.timeout)
        # A whole answer gets `timeout` in all; a stream may run longer but never stay silent `idle_timeout`.
        self.whole_timeout = aiohttp.ClientTimeout(total=config.timeout, connect=connect)
        self.stream_timeout = aiohttp.ClientTimeout(connect=connect, sock_read=config.idle_timeout)
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        """One pooled session per provider, opened on first use inside the serving event loop."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=1000, ttl_dns_cache=300),
                # Proxies from the environment as the SDKs honour them; looked up only when some are set.
                trust_env=bool(urllib.request.getproxies()),
                skip_auto_headers=("user-agent",),
            )
        return self._session

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
        if (
            schema is None
            and request.grammar is not None
            and self.constrain == "grammar"
            and not request.tools
        ):
            extra_body["grammar"] = request.grammar  # OpenUI Lang (C1 v2) instead of the catalog's JSON
            return
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
        timeout = self.stream_timeout if request.stream else self.whole_timeout
        try:
            async with self.session().post(
                self.url, data=orjson.dumps(body), headers=self.headers, timeout=timeout
            ) as response:
                if response.status >= 400:
                    raise await self._status_error(response)
                if not request.stream:
                    data = orjson.loads(await response.read())
                    for event in _completion_events(data if isinstance(data, dict) else {}):
                        yield event
                    return
                # Leaving early releases an unfinished response by closing its connection: the upstream stops.
                events = _ChunkReader()
                async for chunks in _sse_batches(response):
                    for event in _coalesced([e for chunk in chunks for e in events.read(chunk, self.name)]):
                        yield event
                for event in events.end():
                    yield event
        except UpstreamError:
            raise
        except orjson.JSONDecodeError:
            raise UpstreamError(f"{self.name} upstream sent malformed JSON", status=502) from None
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise from_transport(self.name, exc) from exc

    async def _status_error(self, response: aiohttp.ClientResponse) -> UpstreamError:
        raw = await response.read()
        try:
            body: Any = orjson.loads(raw)
        except orjson.JSONDecodeError:
            body = None
        fallback = raw.decode("utf-8", "replace").strip()[:200] or response.reason or "no message"
        message = upstream_message(body, fallback)
        return from_status(self.name, response.status, message, response.headers, upstream_code(body))

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


DEFAULT_BASE_URL = "https://api.openai.com/v1"
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


async def _sse_batches(response: aiohttp.ClientResponse) -> AsyncIterator[list[dict[str, Any]]]:
    """The JSON objects of the `data:` lines that arrived together, batch by batch, until `[DONE]`.

    Reads whatever bytes arrived and splits lines itself: half the CPU of aiohttp's line iterator."""
    pending = b""
    async for data in response.content.iter_any():
        lines = (pending + data).split(b"\n")
        pending = lines.pop()
        batch: list[dict[str, Any]] = []
        for line in lines:
            chunk = _sse_data(line)
            if chunk is _DONE:
                if batch:
                    yield batch
                return
            if chunk is not None:
                batch.append(chunk)
        if batch:
            yield batch
    chunk = _sse_data(pending)
    if chunk is not None and chunk is not _DONE:
        yield [chunk]


def _coalesced(events: list[ModelEvent]) -> list[ModelEvent]:
    """Adjacent text deltas that arrived together as one: never a wait, and a fast upstream's 50 chunks cost
    the gateway a few events instead of 50."""
    out: list[ModelEvent] = []
    for event in events:
        if isinstance(event, TextDelta) and out and isinstance(out[-1], TextDelta):
            out[-1] = TextDelta(out[-1].text + event.text)
        else:
            out.append(event)
    return out


def _sse_data(line: bytes) -> dict[str, Any] | None:
    """The JSON of one SSE `data:` line, `_DONE` for `[DONE]`, None for anything else (comments, events)."""
    if not line.startswith(b"data:"):
        return None
    payload = line[5:].strip()
    if payload == b"[DONE]":
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
