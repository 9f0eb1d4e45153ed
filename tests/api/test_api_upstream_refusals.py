"""What reaches a client when the upstream refuses the request (a 400 such as `context_length_exceeded` stays
a 400 with the upstream's code and message) and when the model calls a tool the client never declared (the
call is dropped; the turn becomes a UI answer). Through the real `openai` SDK against a real server."""

from __future__ import annotations

from typing import Any

import httpx
import openai
import pytest
from test_api_responses_support import embed_client, stream_raw

from fakes.upstream import ScriptedUpstream, Step
from genui.ui.c1 import parse_c1
from support import FAKE_MODEL, LiveServer

TOO_LONG = (
    "This model's maximum context length is 8192 tokens. However, your messages resulted in 9001 tokens."
)
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}


def refuse(upstream: ScriptedUpstream) -> None:
    upstream.push(Step(status=400, error_message=TOO_LONG, error_code="context_length_exceeded"))


REFUSAL = {
    "message": TOO_LONG,
    "type": "invalid_request_error",
    "param": None,
    "code": "context_length_exceeded",
}


@pytest.mark.parametrize("api", ["chat", "responses"])
def test_a_refused_request_is_a_400_with_the_upstream_code(
    server: LiveServer, scripted_upstream: ScriptedUpstream, api: str
) -> None:
    refuse(scripted_upstream)
    client = embed_client(server)
    with pytest.raises(openai.BadRequestError) as refused:
        if api == "chat":
            messages: Any = [{"role": "user", "content": "a long story"}]
            client.chat.completions.create(model=FAKE_MODEL, messages=messages)
        else:
            client.responses.create(model=FAKE_MODEL, input="a long story")
    assert refused.value.status_code == 400 and refused.value.body == REFUSAL  # type: ignore[comparison-overlap]
    assert len(scripted_upstream.requests) == 1  # neither retried nor sent to a fallback


def test_a_refused_chat_stream_ends_with_the_upstream_error(
    server: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    refuse(scripted_upstream)
    stream = embed_client(server).chat.completions.create(
        model=FAKE_MODEL, messages=[{"role": "user", "content": "a long story"}], stream=True
    )
    with pytest.raises(openai.APIError) as refused:
        for _ in stream:
            pass
    assert refused.value.body == REFUSAL  # type: ignore[comparison-overlap]


def test_a_refused_response_stream_fails_with_the_upstream_code(
    server: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    refuse(scripted_upstream)
    events = stream_raw(server, {"input": "a long story"})
    error, failed = events[-2:]
    assert error["type"] == "error" and error["error"]["code"] == "context_length_exceeded"
    assert error["error"]["message"] == TOO_LONG
    assert failed["type"] == "response.failed"
    assert failed["response"]["error"] == {"code": "context_length_exceeded", "message": TOO_LONG}


def rogue(*names: str) -> Step:
    calls = [
        {"id": f"call_{n}", "name": name, "arguments": '{"city": "Oslo"}'} for n, name in enumerate(names)
    ]
    return Step(text=None, tool_calls=calls)


def ask(server: LiveServer, **body: Any) -> dict[str, Any]:
    answer = httpx.post(
        server.embed_url + "/chat/completions",
        json={"model": FAKE_MODEL, "messages": [{"role": "user", "content": "Weather in Oslo?"}], **body},
        headers={"authorization": f"Bearer {server.key}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def test_a_call_of_a_tool_nobody_declared_never_reaches_the_client(
    server: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(rogue("delete_everything"))
    [choice] = ask(server)["choices"]
    assert "tool_calls" not in choice["message"] and choice["finish_reason"] == "stop"
    assert isinstance(parse_c1(choice["message"]["content"]).content, dict)  # a UI answer instead


def test_only_the_declared_calls_reach_the_client_renumbered(
    server: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(rogue("delete_everything", "get_weather"))
    [choice] = ask(server, tools=[WEATHER])["choices"]
    assert [c["function"]["name"] for c in choice["message"]["tool_calls"]] == ["get_weather"]
    assert choice["finish_reason"] == "tool_calls"
    scripted_upstream.push(rogue("delete_everything", "get_weather"))
    stream = embed_client(server).chat.completions.create(
        model=FAKE_MODEL, messages=[{"role": "user", "content": "Weather?"}], tools=[WEATHER], stream=True
    )
    deltas = [c for chunk in stream for choice in chunk.choices for c in choice.delta.tool_calls or []]
    assert {d.index for d in deltas} == {0} and deltas[0].function.name == "get_weather"  # type: ignore[union-attr]


def test_the_responses_api_drops_undeclared_calls_too(
    server: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(rogue("delete_everything"))
    answer = embed_client(server).responses.create(model=FAKE_MODEL, input="Weather in Oslo?")
    assert [item.type for item in answer.output] == ["message"] and answer.status == "completed"
    assert isinstance(parse_c1(answer.output_text).content, dict)
