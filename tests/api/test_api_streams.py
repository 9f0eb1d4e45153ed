"""Streams open at once and never fall silent: the opening events go out as soon as the turn is accepted,
an SSE comment every `stream_keepalive_seconds` while the upstream is slow or stalls, and a failure after
the opening (even before the model's first event) ends the stream with an error event, as OpenAI does."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import openai
import pytest
from test_api_responses_support import UI

from fakes.upstream import ScriptedUpstream, Step
from genui.ui.c1 import parse_c1
from support import FAKE_MODEL, LiveServer

KEEPALIVE = ": keep-alive"


def timed_lines(server: LiveServer, path: str, body: dict[str, Any]) -> list[tuple[float, str]]:
    """(seconds since the request, line) for every non-empty line of the SSE answer."""
    started = time.monotonic()
    lines: list[tuple[float, str]] = []
    with httpx.stream(
        "POST",
        server.embed_url + path,
        json={"model": FAKE_MODEL, "stream": True, **body},
        headers={"authorization": f"Bearer {server.key}"},
        timeout=30,
    ) as answer:
        assert answer.status_code == 200, answer.read()
        for line in answer.iter_lines():
            if line:
                lines.append((time.monotonic() - started, line))
    return lines


def _slow_server(make_server: Callable[..., LiveServer], scripted_upstream: ScriptedUpstream) -> LiveServer:
    return make_server(stream_keepalive_seconds=0.2)


def test_chat_stream_opens_at_once_and_keeps_alive_while_the_upstream_thinks(
    make_server: Callable[..., LiveServer], scripted_upstream: ScriptedUpstream
) -> None:
    server = _slow_server(make_server, scripted_upstream)
    scripted_upstream.push(Step(text=UI, delay=1.5))
    lines = timed_lines(server, "/chat/completions", {"messages": [{"role": "user", "content": "hi"}]})
    first_at, first = lines[0]
    assert first_at < 1.0 and '"role":"assistant"' in first  # before the upstream said anything
    first_content = next(i for i, (_, line) in enumerate(lines) if '"content":"<' in line)
    assert [line for _, line in lines[1:first_content]].count(KEEPALIVE) >= 4  # every 0.2 s of the wait
    data = [json.loads(line[6:]) for _, line in lines if line.startswith("data: {")]
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in data if c["choices"])
    assert parse_c1(text).content is not None and lines[-1][1] == "data: [DONE]"
    # The official client reads through the comments.
    scripted_upstream.push(Step(text=UI, delay=0.7))
    sdk = openai.OpenAI(base_url=server.embed_url, api_key=server.key, max_retries=0)
    chunks = list(
        sdk.chat.completions.create(
            model=FAKE_MODEL, messages=[{"role": "user", "content": "hi"}], stream=True
        )
    )
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == text


def test_responses_stream_announces_the_message_before_the_model_answers(
    make_server: Callable[..., LiveServer], scripted_upstream: ScriptedUpstream
) -> None:
    server = _slow_server(make_server, scripted_upstream)
    scripted_upstream.push(Step(text=UI, delay=1.5))
    lines = timed_lines(server, "/responses", {"input": "Show revenue"})
    events = [(at, json.loads(line[6:])) for at, line in lines if line.startswith("data: {")]
    opening = [e["type"] for at, e in events if at < 1.0]
    assert opening == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]
    assert sum(1 for _, line in lines if line == KEEPALIVE) >= 4
    assert events[-1][1]["type"] == "response.completed"
    sequence = [e["sequence_number"] for _, e in events]
    assert sequence == list(range(len(sequence)))


def test_with_tools_offered_only_the_response_opens_early(
    make_server: Callable[..., LiveServer], scripted_upstream: ScriptedUpstream
) -> None:
    """The answer may be a function call, so no message item is announced before the model speaks."""
    server = _slow_server(make_server, scripted_upstream)
    call = {"id": "call_1", "name": "get_weather", "arguments": '{"city": "Paris"}'}
    scripted_upstream.push(Step(text=None, tool_calls=[call], finish_reason="tool_calls", delay=1.0))
    tool = {"type": "function", "name": "get_weather", "parameters": {"type": "object", "properties": {}}}
    lines = timed_lines(server, "/responses", {"input": "Weather?", "tools": [tool]})
    events = [(at, json.loads(line[6:])) for at, line in lines if line.startswith("data: {")]
    assert [e["type"] for at, e in events if at < 0.8] == ["response.created", "response.in_progress"]
    final = events[-1][1]["response"]
    assert [item["type"] for item in final["output"]] == ["function_call"]


def test_a_stall_mid_stream_is_kept_alive_then_ends_with_an_error_event(
    make_server: Callable[..., LiveServer], scripted_upstream: ScriptedUpstream
) -> None:
    server = make_server(stream_keepalive_seconds=0.2, provider={"max_retries": 0, "idle_timeout": 1.2})
    chunks = [UI[i : i + 10] for i in range(0, len(UI), 10)]
    scripted_upstream.push(Step(chunks=chunks, stall_after=len(chunks) - 3))
    lines = timed_lines(server, "/responses", {"input": "Show revenue"})
    kinds = [
        line if line == KEEPALIVE else json.loads(line[6:])["type"]
        for _, line in lines
        if line != "data: [DONE]" and not line.startswith("event:")
    ]
    last_delta = max(i for i, k in enumerate(kinds) if k == "response.output_text.delta")
    assert kinds[last_delta + 1 :].count(KEEPALIVE) >= 3  # the stall, kept alive
    assert kinds[-2:] == ["error", "response.failed"]


@pytest.mark.parametrize("path", ["/chat/completions", "/responses"])
def test_a_failure_before_the_first_model_event_ends_the_opened_stream(
    server: LiveServer, scripted_upstream: ScriptedUpstream, path: str
) -> None:
    scripted_upstream.push(Step(status=500), Step(status=500), Step(status=500))
    body = {"messages": [{"role": "user", "content": "hi"}]} if path.startswith("/chat") else {"input": "hi"}
    lines = [line for _, line in timed_lines(server, path, body)]
    payloads = [json.loads(line[6:]) for line in lines if line.startswith("data: {")]
    if path.startswith("/chat"):
        assert payloads[0]["choices"][0]["delta"]["role"] == "assistant"
        assert payloads[-1]["error"]["code"] and "choices" not in payloads[-1]
        with pytest.raises(openai.APIError):  # the SDK raises on the error frame
            scripted_upstream.push(Step(status=500), Step(status=500), Step(status=500))
            sdk = openai.OpenAI(base_url=server.embed_url, api_key=server.key, max_retries=0)
            list(
                sdk.chat.completions.create(
                    model=FAKE_MODEL, messages=[{"role": "user", "content": "hi"}], stream=True
                )
            )
    else:
        assert [p["type"] for p in payloads][-2:] == ["error", "response.failed"]
        assert payloads[-1]["response"]["status"] == "failed" and payloads[-1]["response"]["output"] == []
        stored = httpx.get(
            server.embed_url + "/responses/" + payloads[0]["response"]["id"],
            headers={"authorization": f"Bearer {server.key}"},
        ).json()
        assert stored["status"] == "failed" and stored["error"]["code"]
