"""Anthropic provider: the real `anthropic` SDK over recorded Messages API shapes (httpx2.MockTransport).

A real Anthropic endpoint can't run offline, so the transport replays event sequences shaped exactly like the
API's (message_start, content_block_start/delta/stop for text and tool_use with input_json_delta,
message_delta with usage, message_stop), and its error bodies.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2
import pytest

from genui.models.anthropic_provider import AnthropicProvider, to_anthropic_messages, to_anthropic_tool_choice
from genui.models.base import ModelRequest, UpstreamError
from genui.models.config import ProviderConfig
from genui.models.events import Finish, ModelEvent, TextDelta, ToolCallDelta, Usage

pytestmark = pytest.mark.timeout(20)
MODEL = "claude-opus-4-5"


def sse(events: list[dict[str, Any]]) -> bytes:
    return b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)


def message_start(input_tokens: int = 25, cache_read: int = 0) -> dict[str, Any]:
    return {
        "type": "message_start",
        "message": {
            "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
            "type": "message",
            "role": "assistant",
            "content": [],
            "model": MODEL,
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {
                "input_tokens": input_tokens,
                "output_tokens": 1,
                "cache_read_input_tokens": cache_read,
                "cache_creation_input_tokens": 0,
            },
        },
    }


TEXT_STREAM = [
    message_start(),
    {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    {"type": "ping"},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": '{"component":'}},
    {
        "type": "content_block_delta",
        "index": 0,
        "delta": {"type": "text_delta", "text": '"Card","props":{}}'},
    },
    {"type": "content_block_stop", "index": 0},
    {
        "type": "message_delta",
        "delta": {"stop_reason": "end_turn", "stop_sequence": None},
        "usage": {"output_tokens": 15},
    },
    {"type": "message_stop"},
]

TOOL_STREAM = [
    message_start(input_tokens=472, cache_read=100),
    {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Let me check."}},
    {"type": "content_block_stop", "index": 0},
    {
        "type": "content_block_start",
        "index": 1,
        "content_block": {
            "type": "tool_use",
            "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
            "name": "get_weather",
            "input": {},
        },
    },
    {"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": ""}},
    {
        "type": "content_block_delta",
        "index": 1,
        "delta": {"type": "input_json_delta", "partial_json": '{"loc'},
    },
    {
        "type": "content_block_delta",
        "index": 1,
        "delta": {"type": "input_json_delta", "partial_json": 'ation": "San Francisco, CA"}'},
    },
    {"type": "content_block_stop", "index": 1},
    {
        "type": "content_block_start",
        "index": 2,
        "content_block": {"type": "tool_use", "id": "toolu_02", "name": "get_time", "input": {}},
    },
    {"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": "{}"}},
    {"type": "content_block_stop", "index": 2},
    {
        "type": "message_delta",
        "delta": {"stop_reason": "tool_use", "stop_sequence": None},
        "usage": {"output_tokens": 89},
    },
    {"type": "message_stop"},
]


class Recorder:
    def __init__(self, respond: Callable[[httpx2.Request], httpx2.Response]) -> None:
        self.respond = respond
        self.bodies: list[dict[str, Any]] = []
        self.headers: list[httpx2.Headers] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.bodies.append(json.loads(request.content))
        self.headers.append(request.headers)
        return self.respond(request)


def streaming(events: list[dict[str, Any]]) -> Callable[[httpx2.Request], httpx2.Response]:
    return lambda _: httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=sse(events))


def provider_with(recorder: Recorder) -> AnthropicProvider:
    client = httpx2.AsyncClient(transport=httpx2.MockTransport(recorder))
    return AnthropicProvider(ProviderConfig(kind="anthropic", api_key="sk-ant-test"), http_client=client)


async def collect(provider: AnthropicProvider, request: ModelRequest) -> list[ModelEvent]:
    return [e async for e in provider.stream(MODEL, request)]


async def test_text_stream_maps_to_events_and_request_is_translated() -> None:
    recorder = Recorder(streaming(TEXT_STREAM))
    provider = provider_with(recorder)
    request = ModelRequest(
        messages=[{"role": "system", "content": "Answer with UI."}, {"role": "user", "content": "hello"}],
        max_tokens=300,
        temperature=0.2,
        stop=["END"],
    )
    events = await collect(provider, request)
    await provider.aclose()
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == '{"component":"Card","props":{}}'
    assert events[-2:] == [Usage(input_tokens=25, output_tokens=15), Finish("stop")]
    body = recorder.bodies[0]
    assert body["system"] == "Answer with UI." and body["stream"] is True and body["max_tokens"] == 300
    assert body["messages"] == [{"role": "user", "content": [{"type": "text", "text": "hello"}]}]
    assert body["stop_sequences"] == ["END"] and "temperature" not in body
    assert recorder.headers[0]["authorization"] == "Bearer sk-ant-test"


async def test_tool_use_streams_as_openai_tool_call_deltas() -> None:
    recorder = Recorder(streaming(TOOL_STREAM))
    provider = provider_with(recorder)
    tools = [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Weather",
                "parameters": {"type": "object", "properties": {"location": {}}},
            },
        }
    ]
    events = await collect(
        provider,
        ModelRequest(
            messages=[{"role": "user", "content": "weather?"}],
            tools=tools,
            tool_choice="required",
            parallel_tool_calls=False,
        ),
    )
    await provider.aclose()
    calls = [e for e in events if isinstance(e, ToolCallDelta)]
    assert calls[0] == ToolCallDelta(index=0, id="toolu_01T1x1fJ34qAmk2tNTrN7Up6", name="get_weather")
    args0 = "".join(c.arguments for c in calls if c.index == 0)
    assert json.loads(args0) == {"location": "San Francisco, CA"}
    assert [(c.index, c.id, c.name) for c in calls if c.id] == [
        (0, "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather"),
        (1, "toolu_02", "get_time"),
    ]
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Let me check."
    assert events[-2:] == [Usage(input_tokens=572, output_tokens=89, cached_tokens=100), Finish("tool_calls")]
    body = recorder.bodies[0]
    assert body["tools"] == [
        {
            "name": "get_weather",
            "description": "Weather",
            "input_schema": {"type": "object", "properties": {"location": {}}},
        }
    ]
    assert body["tool_choice"] == {"type": "any", "disable_parallel_tool_use": True}


def test_history_with_tool_calls_and_results_translates_to_blocks() -> None:
    system, messages = to_anthropic_messages(
        [
            {"role": "system", "content": "S1"},
            {"role": "developer", "content": "S2"},
            {"role": "user", "content": [{"type": "text", "text": "weather in Paris and Rome?"}]},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "w", "arguments": '{"city":"Paris"}'},
                    },
                    {"id": "call_2", "type": "function", "function": {"name": "w", "arguments": "not json"}},
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "18C"},
            {"role": "tool", "tool_call_id": "call_2", "content": "21C"},
            {"role": "user", "content": "thanks"},
        ]
    )
    assert system == "S1\n\nS2"
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert messages[1]["content"] == [
        {"type": "tool_use", "id": "call_1", "name": "w", "input": {"city": "Paris"}},
        {"type": "tool_use", "id": "call_2", "name": "w", "input": {}},
    ]
    assert messages[2]["content"] == [
        {"type": "tool_result", "tool_use_id": "call_1", "content": "18C"},
        {"type": "tool_result", "tool_use_id": "call_2", "content": "21C"},
        {"type": "text", "text": "thanks"},
    ]


def test_tool_choice_mapping() -> None:
    assert to_anthropic_tool_choice("auto", None) is None
    assert to_anthropic_tool_choice("none", None) == {"type": "none"}
    assert to_anthropic_tool_choice({"type": "function", "function": {"name": "f"}}, None) == {
        "type": "tool",
        "name": "f",
    }
    assert to_anthropic_tool_choice("auto", False) == {"type": "auto", "disable_parallel_tool_use": True}


@pytest.mark.parametrize(
    ("status", "error_type", "expected", "retryable"),
    [
        (429, "rate_limit_error", 429, True),
        (529, "overloaded_error", 502, True),
        (500, "api_error", 502, True),
        (400, "invalid_request_error", 400, False),
        (401, "authentication_error", 502, False),
    ],
)
async def test_error_statuses(status: int, error_type: str, expected: int, retryable: bool) -> None:
    body = {"type": "error", "error": {"type": error_type, "message": f"recorded {error_type}"}}
    headers = {"retry-after": "3"} if status == 429 else {}
    recorder = Recorder(lambda _: httpx2.Response(status, json=body, headers=headers))
    provider = provider_with(recorder)
    with pytest.raises(UpstreamError) as info:
        await collect(provider, ModelRequest(messages=[{"role": "user", "content": "x"}]))
    await provider.aclose()
    assert info.value.status == expected and info.value.retryable is retryable
    assert f"recorded {error_type}" in info.value.message
    assert len(recorder.bodies) == 1  # the SDK's own retries are off
    if status == 400:  # a refusal of the request reaches the client with Anthropic's error type as its code
        assert info.value.code == "invalid_request_error"
    if status == 429:
        assert info.value.retry_after == 3.0


async def test_error_event_mid_stream_is_an_upstream_error() -> None:
    events = [
        *TEXT_STREAM[:4],
        {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
    ]
    provider = provider_with(Recorder(streaming(events)))
    received: list[ModelEvent] = []
    with pytest.raises(UpstreamError) as info:
        async for event in provider.stream(MODEL, ModelRequest(messages=[])):
            received.append(event)
    await provider.aclose()
    assert info.value.status == 502 and "Overloaded" in info.value.message
    assert received == [TextDelta('{"component":')]


async def test_connection_failure_is_a_retryable_502() -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("connection refused", request=request)

    provider = provider_with(Recorder(refuse))
    with pytest.raises(UpstreamError) as info:
        await collect(provider, ModelRequest(messages=[{"role": "user", "content": "x"}]))
    await provider.aclose()
    assert info.value.status == 502 and info.value.retryable
