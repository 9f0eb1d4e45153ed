"""OpenAI-compatible provider: the real `openai` SDK against the scripted upstream on loopback."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from fakes import DEFAULT_UI_TEXT, ScriptedUpstream, Step
from genui.models.base import ModelRequest, UpstreamError
from genui.models.config import ProviderConfig
from genui.models.events import Finish, ModelEvent, TextDelta, ToolCallDelta, Usage
from genui.models.openai_compat import OpenAICompatProvider, flavor_of, gemini_thinking_budget

pytestmark = pytest.mark.timeout(30)

CARD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "component": {"const": "Card"},
        "props": {
            "type": "object",
            "properties": {
                "children": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"x": {"type": "string"}}},
                },
                "variant": {"enum": ["clear", "card"]},
            },
            "required": ["children"],
        },
    },
    "required": ["component", "props"],
}


def provider_for(upstream: ScriptedUpstream, **overrides: Any) -> OpenAICompatProvider:
    fields: dict[str, Any] = {"timeout": 5, "idle_timeout": 2, **overrides}
    config = ProviderConfig(kind="openai", base_url=upstream.base_url, api_key="sk-test", **fields)
    return OpenAICompatProvider(config, name="fake")


async def collect(
    provider: OpenAICompatProvider, request: ModelRequest, model: str = "fake-model"
) -> list[ModelEvent]:
    return [event async for event in provider.stream(model, request)]


def user(text: str = "hi") -> ModelRequest:
    return ModelRequest(messages=[{"role": "user", "content": text}])


async def test_streams_text_usage_and_finish(scripted_upstream: ScriptedUpstream) -> None:
    provider = provider_for(scripted_upstream)
    events = await collect(provider, user())
    await provider.aclose()
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert text == DEFAULT_UI_TEXT
    assert events[-2:] == [Usage(input_tokens=12, output_tokens=34), Finish("stop")]
    body = scripted_upstream.requests[0]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["model"] == "fake-model" and body["messages"] == [{"role": "user", "content": "hi"}]
    assert scripted_upstream.request_headers[0]["authorization"] == "Bearer sk-test"


async def test_text_is_passed_on_as_it_arrives_and_what_arrived_together_is_one_delta(
    scripted_upstream: ScriptedUpstream,
) -> None:
    pieces = [f'"piece {n}", ' for n in range(8)]
    scripted_upstream.push(Step(chunks=pieces, chunk_delay=0.05))  # apart: each read holds one chunk
    scripted_upstream.push(Step(chunks=pieces * 10))  # all at once: a few reads hold everything
    provider = provider_for(scripted_upstream)
    apart = [e.text for e in await collect(provider, user()) if isinstance(e, TextDelta)]
    together = [e.text for e in await collect(provider, user()) if isinstance(e, TextDelta)]
    await provider.aclose()
    assert apart == pieces
    assert "".join(together) == "".join(pieces * 10) and len(together) < 40


async def test_tool_calls_are_streamed_with_id_and_name_once(scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(
        Step(
            tool_calls=[
                {"id": "call_a", "name": "get_weather", "arguments": '{"city": "Paris"}'},
                {"id": "call_b", "name": "get_time", "arguments": '{"tz": "CET"}'},
            ]
        )
    )
    provider = provider_for(scripted_upstream)
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]
    request = ModelRequest(
        messages=[{"role": "user", "content": "weather?"}], tools=tools, tool_choice="auto"
    )
    events = await collect(provider, request)
    await provider.aclose()
    calls = [e for e in events if isinstance(e, ToolCallDelta)]
    by_index: dict[int, str] = {}
    for call in calls:
        by_index[call.index] = by_index.get(call.index, "") + call.arguments
    assert json.loads(by_index[0]) == {"city": "Paris"} and json.loads(by_index[1]) == {"tz": "CET"}
    firsts = [c for c in calls if c.id is not None]
    assert [(c.index, c.id, c.name) for c in firsts] == [
        (0, "call_a", "get_weather"),
        (1, "call_b", "get_time"),
    ]
    assert all(c.name is None for c in calls if c.id is None)
    assert events[-1] == Finish("tool_calls")
    assert (
        scripted_upstream.requests[0]["tools"] == tools
        and scripted_upstream.requests[0]["tool_choice"] == "auto"
    )


async def test_repeated_ids_from_a_sloppy_server_are_sent_once(scripted_upstream: ScriptedUpstream) -> None:
    # A server that repeats id/name on every delta: hostile for clients that concatenate strings.
    scripted_upstream.push(Step(tool_calls=[{"id": "c1", "name": "f", "arguments": '{"a":1}'}]))
    provider = provider_for(scripted_upstream)
    events = await collect(provider, user())
    await provider.aclose()
    ids = [e.id for e in events if isinstance(e, ToolCallDelta) and e.id]
    assert ids == ["c1"]


@pytest.mark.parametrize(
    ("status", "expected_status", "retryable"),
    [(429, 429, True), (500, 502, True), (503, 502, True), (401, 502, False), (403, 502, False)],
)
async def test_error_statuses_map_to_upstream_errors(
    scripted_upstream: ScriptedUpstream, status: int, expected_status: int, retryable: bool
) -> None:
    scripted_upstream.push(Step(status=status, error_message="upstream says no"))
    provider = provider_for(scripted_upstream)
    with pytest.raises(UpstreamError) as info:
        await collect(provider, user())
    await provider.aclose()
    assert info.value.status == expected_status
    assert info.value.retryable is retryable
    assert "upstream says no" in info.value.message and str(status) in info.value.message
    if status == 429:
        assert info.value.retry_after == 0.0


@pytest.mark.parametrize(
    ("status", "code", "expected_status", "expected_code"),
    [
        (400, "context_length_exceeded", 400, "context_length_exceeded"),
        (400, None, 400, "invalid_request_error"),  # no code: the error type
        (404, "model_not_found", 404, "model_not_found"),
        (413, None, 413, "invalid_request_error"),
        (422, "invalid_value", 400, "invalid_value"),  # genui never answers 422
    ],
)
async def test_upstream_refusals_of_the_request_keep_their_status_class_and_code(
    scripted_upstream: ScriptedUpstream,
    status: int,
    code: str | None,
    expected_status: int,
    expected_code: str,
) -> None:
    message = "This model's maximum context length is 8192 tokens."
    scripted_upstream.push(Step(status=status, error_message=message, error_code=code))
    provider = provider_for(scripted_upstream)
    with pytest.raises(UpstreamError) as info:
        await collect(provider, user())
    await provider.aclose()
    assert info.value.status == expected_status and info.value.code == expected_code
    assert info.value.message == message and not info.value.retryable


async def test_connection_reset_mid_stream_is_a_retryable_502(scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(text="x" * 200, reset_after=3))
    provider = provider_for(scripted_upstream)
    received: list[ModelEvent] = []
    with pytest.raises(UpstreamError) as info:
        async for event in provider.stream("fake-model", user()):
            received.append(event)
    await provider.aclose()
    assert info.value.status == 502 and info.value.retryable
    assert 0 < len(received) <= 3 and all(isinstance(e, TextDelta) for e in received)


async def test_a_silent_stream_hits_the_idle_timeout_as_504(scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(text="x" * 100, stall_after=2))
    provider = provider_for(scripted_upstream, idle_timeout=0.5)
    with pytest.raises(UpstreamError) as info:
        await collect(provider, user())
    await provider.aclose()
    assert info.value.status == 504 and info.value.retryable


async def test_a_whole_answer_is_one_non_streaming_call(scripted_upstream: ScriptedUpstream) -> None:
    provider = provider_for(scripted_upstream)
    events = await collect(provider, ModelRequest(messages=[{"role": "user", "content": "hi"}], stream=False))
    await provider.aclose()
    assert [e.text for e in events if isinstance(e, TextDelta)] == [DEFAULT_UI_TEXT]
    assert events[-2:] == [Usage(input_tokens=12, output_tokens=34), Finish("stop")]
    sent = scripted_upstream.requests[0]
    assert sent["stream"] is False and "stream_options" not in sent


async def test_a_slow_whole_answer_hits_the_total_timeout_as_504(scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(delay=3))
    provider = provider_for(scripted_upstream, timeout=0.5)
    with pytest.raises(UpstreamError) as info:
        await collect(provider, ModelRequest(messages=[{"role": "user", "content": "hi"}], stream=False))
    await provider.aclose()
    assert info.value.status == 504 and info.value.retryable


async def test_closing_a_stream_early_hangs_up_on_the_upstream(scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(text="x" * 400, chunk_delay=0.05))
    provider = provider_for(scripted_upstream)
    stream = provider.stream("fake-model", user())
    assert isinstance(await anext(stream), TextDelta)
    await stream.aclose()  # type: ignore[attr-defined]
    for _ in range(100):
        if scripted_upstream.abandoned_streams:
            break
        await asyncio.sleep(0.02)
    await provider.aclose()
    assert scripted_upstream.abandoned_streams == 1


async def test_unreachable_upstream_is_a_retryable_502() -> None:
    provider = OpenAICompatProvider(
        ProviderConfig(kind="openai", base_url="http://127.0.0.1:9/v1", api_key="k")
    )
    with pytest.raises(UpstreamError) as info:
        await collect(provider, user())
    await provider.aclose()
    assert info.value.status == 502 and info.value.retryable


async def test_json_schema_constraint_uses_strict_mode(scripted_upstream: ScriptedUpstream) -> None:
    provider = provider_for(scripted_upstream, constrain="json_schema")
    await collect(
        provider, ModelRequest(messages=[{"role": "user", "content": "x"}], json_schema=CARD_SCHEMA)
    )
    await provider.aclose()
    response_format = scripted_upstream.requests[0]["response_format"]
    assert response_format["type"] == "json_schema"
    spec = response_format["json_schema"]
    assert spec["name"] == "c1_card" and spec["strict"] is True
    props = spec["schema"]["properties"]["props"]
    assert props["required"] == ["children", "variant"] and props["additionalProperties"] is False
    assert {"type": "null"} in props["properties"]["variant"]["anyOf"]


async def test_open_map_schema_falls_back_to_non_strict(scripted_upstream: ScriptedUpstream) -> None:
    provider = provider_for(scripted_upstream, constrain="json_schema")
    schema = {
        "type": "object",
        "properties": {"data": {"type": "object", "additionalProperties": {"type": "number"}}},
    }
    await collect(provider, ModelRequest(messages=[{"role": "user", "content": "x"}], json_schema=schema))
    await provider.aclose()
    spec = scripted_upstream.requests[0]["response_format"]["json_schema"]
    assert spec["strict"] is False and spec["schema"] == schema


async def test_guided_json_and_grammar_go_in_the_body(scripted_upstream: ScriptedUpstream) -> None:
    request = ModelRequest(messages=[{"role": "user", "content": "x"}], json_schema=CARD_SCHEMA)
    vllm = provider_for(scripted_upstream, constrain="guided_json")
    llamacpp = provider_for(scripted_upstream, constrain="grammar")
    await collect(vllm, request)
    await collect(llamacpp, request)
    await vllm.aclose()
    await llamacpp.aclose()
    assert scripted_upstream.requests[0]["guided_json"] == CARD_SCHEMA
    assert "response_format" not in scripted_upstream.requests[0]
    grammar = scripted_upstream.requests[1]["grammar"]
    assert grammar.startswith("char ::=") or "root ::=" in grammar
    assert "\\x00-\\x1F" in grammar


async def test_grammar_constraint_is_dropped_when_tools_are_passed(
    scripted_upstream: ScriptedUpstream,
) -> None:
    provider = provider_for(scripted_upstream, constrain="guided_json")
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    await collect(
        provider,
        ModelRequest(messages=[{"role": "user", "content": "x"}], json_schema=CARD_SCHEMA, tools=tools),
    )
    await provider.aclose()
    assert (
        "guided_json" not in scripted_upstream.requests[0] and scripted_upstream.requests[0]["tools"] == tools
    )


async def test_auto_constrain_is_prompt_only_for_non_openai_hosts(
    scripted_upstream: ScriptedUpstream,
) -> None:
    provider = provider_for(scripted_upstream)
    assert provider.constrain == "none" and provider.supports_json_schema is False
    await collect(
        provider,
        ModelRequest(
            messages=[{"role": "user", "content": "x"}],
            json_schema=CARD_SCHEMA,
            reasoning_effort="high",
            verbosity="low",
            prompt_cache_key="k",
            max_tokens=77,
        ),
    )
    await provider.aclose()
    body = scripted_upstream.requests[0]
    for key in (
        "response_format",
        "reasoning_effort",
        "verbosity",
        "prompt_cache_key",
        "max_completion_tokens",
    ):
        assert key not in body
    assert body["max_tokens"] == 77


def test_openai_flavor_maps_reasoning_verbosity_cache_key_and_strict_schema() -> None:
    provider = OpenAICompatProvider(ProviderConfig(kind="openai", api_key="k"))
    assert provider.constrain == "json_schema" and provider.supports_json_schema
    params = provider.build_params(
        "gpt-5",
        ModelRequest(
            messages=[{"role": "user", "content": "x"}],
            json_schema=CARD_SCHEMA,
            reasoning_effort="low",
            verbosity="high",
            prompt_cache_key="conv-1",
            max_tokens=100,
            tools=[{"type": "function", "function": {"name": "f"}}],
        ),
    )
    assert params["reasoning_effort"] == "low" and params["verbosity"] == "high"
    assert params["prompt_cache_key"] == "conv-1" and params["max_completion_tokens"] == 100
    assert params["response_format"]["json_schema"]["strict"] is True  # OpenAI mixes tools and schemas


def test_gemini_reasoning_effort_maps_to_thinking_budget() -> None:
    config = ProviderConfig(
        kind="openai", api_key="k", base_url="https://generativelanguage.googleapis.com/v1beta/openai/"
    )
    provider = OpenAICompatProvider(config, name="google")
    assert provider.flavor == "gemini"
    params = provider.build_params("gemini-3-flash", ModelRequest(messages=[], reasoning_effort="medium"))
    assert params["extra_body"] == {"extra_body": {"google": {"thinking_config": {"thinking_budget": 2048}}}}
    assert "reasoning_effort" not in params
    assert gemini_thinking_budget("none", "gemini-3-flash") == 0
    assert gemini_thinking_budget("none", "gemini-3-pro") == 256
    assert gemini_thinking_budget("xhigh", "gemini-3-pro") == 8192


def test_flavors() -> None:
    assert flavor_of(None) == "openai"
    assert flavor_of("https://api.openai.com/v1") == "openai"
    assert flavor_of("https://openrouter.ai/api/v1") == "openrouter"
    assert flavor_of("http://localhost:11434/v1") == "generic"
