"""The Responses API through the real `openai` SDK and raw HTTP, validated with `openresponses-types`."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import openai
import pytest
from test_api_responses_support import (
    UI,
    check_resource,
    embed_client,
    live,
    raw_create,
    root_client,
    stream_raw,
)

from fakes.upstream import ScriptedUpstream, Step
from genui.ui.c1 import parse_c1
from store.dbfixtures import pg_url
from support import FAKE_MODEL, LiveServer

__all__ = ["live", "pg_url"]  # fixtures used by this module

TEXT_TURN = [
    "response.created",
    "response.in_progress",
    "response.output_item.added",
    "response.content_part.added",
    "response.output_text.delta",
    "response.output_text.done",
    "response.content_part.done",
    "response.output_item.done",
    "response.completed",
]
WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


def _collapse(types: list[str]) -> list[str]:
    """Event types with runs of the same delta type collapsed to one entry."""
    out: list[str] = []
    for t in types:
        if not (out and out[-1] == t and t.endswith(".delta")):
            out.append(t)
    return out


def _c1_children(text: str) -> list[str]:
    content = parse_c1(text).content
    assert isinstance(content, dict)
    return [c["component"] for c in content["component"]["props"]["children"]]


def test_non_stream_text_turn_is_a_complete_resource(
    live: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(Step(text=UI, usage=(101, 57)))
    client = embed_client(live)
    body = raw_create(client, input="Show revenue", metadata={"team": "sales"}, temperature=0.5)
    resource = check_resource(body)
    assert resource.status == "completed" and body["id"].startswith("resp_")
    assert (
        body["model"] == FAKE_MODEL and body["metadata"] == {"team": "sales"} and body["temperature"] == 0.5
    )
    assert body["usage"]["input_tokens"] == 101 and body["usage"]["output_tokens"] == 57
    assert body["usage"]["total_tokens"] == 158
    [message] = body["output"]
    assert (
        message["type"] == "message" and message["role"] == "assistant" and message["status"] == "completed"
    )
    text = message["content"][0]["text"]
    assert text.startswith('<content thesys="true">') and _c1_children(text) == ["Header", "TextContent"]
    assert isinstance(body["completed_at"], int) and body["store"] is True
    # The SDK parses it too, and its convenience text is the C1 Response.
    again = client.responses.retrieve(body["id"])
    assert again.output_text == text and again.status == "completed"
    assert client.responses.with_raw_response.retrieve(body["id"]).http_response.json() == body
    # The upstream got the user's text as a chat message.
    assert scripted_upstream.requests[-1]["messages"][-1] == {"role": "user", "content": "Show revenue"}


def test_stream_has_the_exact_event_sequence(live: LiveServer, scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(text=UI))
    events = stream_raw(live, {"input": "Show revenue"})
    assert _collapse([e["type"] for e in events]) == TEXT_TURN
    deltas = [e["delta"] for e in events if e["type"] == "response.output_text.delta"]
    done = next(e for e in events if e["type"] == "response.output_text.done")
    assert "".join(deltas) == done["text"]
    final = events[-1]["response"]
    assert final["status"] == "completed" and final["output"][0]["content"][0]["text"] == done["text"]
    assert events[0]["response"]["status"] == "in_progress" and events[0]["response"]["output"] == []
    stored = embed_client(live).responses.retrieve(final["id"])
    assert stored.status == "completed" and stored.output_text == done["text"]


def test_sdk_stream_helper_yields_the_final_response(
    live: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(Step(text=UI))
    with embed_client(live).responses.stream(model=FAKE_MODEL, input="Show revenue") as stream:
        seen = [event.type for event in stream]
        final = stream.get_final_response()
    assert seen[0] == "response.created" and seen[-1] == "response.completed"
    assert final.status == "completed" and _c1_children(final.output_text) == ["Header", "TextContent"]


def test_function_call_round_trip_with_previous_response_id(
    live: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    client = embed_client(live)
    scripted_upstream.push(
        Step(tool_calls=[{"id": "call_w1", "name": "get_weather", "arguments": '{"city": "Paris"}'}]),
        Step(text=UI),
    )
    first = raw_create(client, input="Weather in Paris?", tools=[WEATHER], tool_choice="auto")
    check_resource(first)
    [call] = first["output"]
    assert call["type"] == "function_call" and call["id"].startswith("fc_")
    assert (call["call_id"], call["name"], json.loads(call["arguments"])) == (
        "call_w1",
        "get_weather",
        {"city": "Paris"},
    )
    assert first["tools"][0]["name"] == "get_weather" and first["tool_choice"] == "auto"
    assert scripted_upstream.requests[-1]["tools"][0]["function"]["name"] == "get_weather"
    second = client.responses.create(
        model=FAKE_MODEL,
        previous_response_id=first["id"],
        input=[{"type": "function_call_output", "call_id": "call_w1", "output": '{"temp_c": 21}'}],
        tools=[WEATHER],  # type: ignore[list-item]
    )
    assert second.status == "completed" and second.previous_response_id == first["id"]
    sent = scripted_upstream.requests[-1]["messages"]
    assert [m["role"] for m in sent[-3:]] == ["user", "assistant", "tool"]
    assert sent[-2]["tool_calls"][0]["id"] == "call_w1"
    assert sent[-2]["tool_calls"][0]["function"] == {"name": "get_weather", "arguments": '{"city": "Paris"}'}
    assert sent[-1] == {"role": "tool", "tool_call_id": "call_w1", "content": '{"temp_c": 21}'}


def test_streamed_function_call_events(live: LiveServer, scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(
        Step(tool_calls=[{"id": "call_9", "name": "get_weather", "arguments": '{"city":"Oslo"}'}])
    )
    events = stream_raw(live, {"input": "Weather?", "tools": [WEATHER]})
    assert _collapse([e["type"] for e in events]) == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
        "response.output_item.done",
        "response.completed",
    ]
    args = "".join(e["delta"] for e in events if e["type"] == "response.function_call_arguments.delta")
    assert args == '{"city":"Oslo"}' == events[-3]["arguments"] == events[-2]["item"]["arguments"]
    assert events[-1]["response"]["output"][0]["call_id"] == "call_9"


def test_previous_response_chain_carries_every_turn(
    live: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    client = embed_client(live)
    first = client.responses.create(model=FAKE_MODEL, input="one", instructions="Be brief.")
    second = client.responses.create(model=FAKE_MODEL, input="two", previous_response_id=first.id)
    third = client.responses.create(model=FAKE_MODEL, input="three", previous_response_id=second.id)
    assert third.previous_response_id == second.id
    sent = scripted_upstream.requests[-1]["messages"]
    users = [m["content"] for m in sent if m["role"] == "user"]
    assert users == ["one", "two", "three"]
    assert sum(1 for m in sent if m["role"] == "assistant") == 2
    # Instructions apply to their own response only (not carried by previous_response_id).
    assert not any(m["role"] == "system" and m["content"] == "Be brief." for m in sent)
    assert any(
        m["role"] == "system" and m["content"] == "Be brief."
        for m in scripted_upstream.requests[0]["messages"]
    )


def test_message_items_of_every_role(live: LiveServer, scripted_upstream: ScriptedUpstream) -> None:
    body = raw_create(
        embed_client(live),
        input=[
            {"role": "system", "content": "sys"},
            {"role": "developer", "content": "dev"},
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hello"}]},
            {"role": "assistant", "content": [{"type": "output_text", "text": "hi", "annotations": []}]},
            {"role": "user", "content": "again"},
        ],
    )
    check_resource(body)
    sent = scripted_upstream.requests[-1]["messages"]
    assert [(m["role"], m["content"]) for m in sent[-5:]] == [
        ("system", "sys"),
        ("system", "dev"),
        ("user", "hello"),
        ("assistant", "hi"),
        ("user", "again"),
    ]
    page = embed_client(live).responses.input_items.list(body["id"], order="asc")
    assert [item.role for item in page.data] == ["system", "developer", "user", "assistant", "user"]  # type: ignore[union-attr]


def test_input_items_pagination(live: LiveServer) -> None:
    client = embed_client(live)
    body = raw_create(client, input=[{"role": "user", "content": str(i)} for i in range(5)])
    http = httpx.Client(base_url=live.embed_url, headers={"authorization": f"Bearer {live.key}"})
    first = http.get(f"/responses/{body['id']}/input_items", params={"limit": 2}).json()
    assert first["object"] == "list" and first["has_more"] is True
    assert [i["content"][0]["text"] for i in first["data"]] == ["4", "3"]
    rest = http.get(
        f"/responses/{body['id']}/input_items", params={"limit": 5, "after": first["last_id"]}
    ).json()
    assert [i["content"][0]["text"] for i in rest["data"]] == ["2", "1", "0"] and rest["has_more"] is False
    assert rest["first_id"] == rest["data"][0]["id"] and rest["last_id"] == rest["data"][-1]["id"]
    every = [
        i.id for i in client.responses.input_items.list(body["id"], limit=2, order="asc")
    ]  # auto-paginates
    assert every == [i["id"] for i in first["data"] + rest["data"]][::-1]
    bad = http.get(f"/responses/{body['id']}/input_items", params={"limit": 0})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "limit"


def test_unknown_previous_response_is_404(live: LiveServer) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        embed_client(live).responses.create(model=FAKE_MODEL, input="x", previous_response_id="resp_nope")
    assert caught.value.body["code"] == "previous_response_not_found"  # type: ignore[index]
    assert caught.value.body["param"] == "previous_response_id"  # type: ignore[index]


def test_previous_response_with_conversation_is_400(live: LiveServer) -> None:
    client = embed_client(live)
    first = client.responses.create(model=FAKE_MODEL, input="x")
    conv = root_client(live).conversations.create()
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(
            model=FAKE_MODEL, input="y", previous_response_id=first.id, conversation=conv.id
        )
    assert caught.value.body["param"] == "conversation"  # type: ignore[index]


def test_store_false_is_not_retrievable(live: LiveServer) -> None:
    client = embed_client(live)
    body = raw_create(client, input="x", store=False)
    assert body["store"] is False and body["status"] == "completed"
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(body["id"])


def test_delete(live: LiveServer) -> None:
    client = embed_client(live)
    created = client.responses.create(model=FAKE_MODEL, input="x")
    http = httpx.Client(base_url=live.embed_url, headers={"authorization": f"Bearer {live.key}"})
    deleted = http.delete(f"/responses/{created.id}")
    assert deleted.json() == {"id": created.id, "object": "response.deleted", "deleted": True}
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(created.id)
    assert http.delete(f"/responses/{created.id}").status_code == 404


def test_other_organization_gets_404_everywhere(live: LiveServer) -> None:
    mine = embed_client(live)
    created = mine.responses.create(model=FAKE_MODEL, input="secret")
    stranger_key = live.new_key("stranger", org=f"other-{time.monotonic_ns()}")
    stranger = embed_client(live, stranger_key)
    http = httpx.Client(base_url=live.embed_url, headers={"authorization": f"Bearer {stranger_key}"})
    for method, path in [("GET", ""), ("GET", "/input_items"), ("DELETE", "")]:
        answer = http.request(method, f"/responses/{created.id}{path}")
        assert answer.status_code == 404, (method, path)
        assert set(answer.json()["error"]) == {"message", "type", "param", "code"}
    with pytest.raises(openai.NotFoundError):
        stranger.responses.create(model=FAKE_MODEL, input="x", previous_response_id=created.id)
    assert mine.responses.retrieve(created.id).status == "completed"


def test_same_routes_under_v1(live: LiveServer) -> None:
    client = root_client(live)
    created = client.responses.create(model=FAKE_MODEL, input="x")
    assert client.responses.retrieve(created.id).id == created.id


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"input": "x", "tools": [{"type": "web_search"}]}, "tools[0].type"),
        ({"input": "x", "metadata": {"thesys": "{not json"}}, "metadata.thesys"),
        ({"input": [{"type": "reasoning", "summary": []}]}, "input[0].type"),
        ({"input": [{"role": "wizard", "content": "x"}]}, "input[0].role"),
        ({"input": "x", "background": True}, "background"),
        ({"input": "x", "text": {"format": {"type": "json_object"}}}, "text.format"),
        ({"input": "x", "temperature": 5}, "temperature"),
        ({}, "input"),
    ],
)
def test_bad_requests_are_400_in_openai_shape(live: LiveServer, body: dict[str, Any], param: str) -> None:
    answer = httpx.post(
        live.embed_url + "/responses",
        json={"model": FAKE_MODEL, **body},
        headers={"authorization": f"Bearer {live.key}"},
    )
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["param"] == param and error["type"] == "invalid_request_error" and error["message"]


def test_unknown_model_is_an_error_and_nothing_is_stored(live: LiveServer) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        embed_client(live).responses.create(model="c1/nope/nope/v-20261121", input="x")
    assert caught.value.body["code"] == "model_not_found"  # type: ignore[index]


def test_thesys_metadata_reaches_the_prompt(live: LiveServer, scripted_upstream: ScriptedUpstream) -> None:
    thesys = json.dumps({"c1_included_components": ["Header", "TextContent"]})
    body = raw_create(embed_client(live), input="x", metadata={"thesys": thesys})
    assert body["metadata"] == {"thesys": thesys}
    assert scripted_upstream.requests[-1]["messages"][0]["role"] == "system"


def test_max_output_tokens_length_finish_is_incomplete(
    live: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(Step(text=UI, finish_reason="length"))
    body = raw_create(embed_client(live), input="x", max_output_tokens=50)
    check_resource(body)
    assert body["status"] == "incomplete" and body["incomplete_details"] == {"reason": "max_output_tokens"}
    sent = scripted_upstream.requests[-1]
    assert body["max_output_tokens"] == 50 and 50 in (
        sent.get("max_tokens"),
        sent.get("max_completion_tokens"),
    )
