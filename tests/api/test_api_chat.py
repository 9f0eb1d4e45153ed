"""Chat Completions through the real `openai` SDK against a real genui server on loopback."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from typing import Any

import httpx
import openai
import pytest
from openai import OpenAI

from fakes.upstream import ScriptedUpstream, Step
from genui.ui.c1 import parse_c1, unescape
from support import FAKE_MODEL, LiveServer

UI = json.dumps(
    {
        "component": "Card",
        "props": {
            "children": [
                {"component": "Header", "props": {"title": "Revenue"}},
                {"component": "TextContent", "props": {"textMarkdown": "Up **12%** this quarter."}},
            ]
        },
    }
)


def client(server: LiveServer, key: str | None = None) -> OpenAI:
    return OpenAI(base_url=server.embed_url, api_key=key or server.key, max_retries=0, timeout=20)


def card_children(c1_text: str) -> list[dict[str, Any]]:
    content = parse_c1(c1_text).content
    assert isinstance(content, dict), c1_text
    assert content["error"] is None
    root = content["component"]
    assert root["component"] == "Card"
    children: list[dict[str, Any]] = root["props"]["children"]
    return children


def ask(**kw: Any) -> dict[str, Any]:
    return {"model": FAKE_MODEL, "messages": [{"role": "user", "content": "Show revenue"}], **kw}


def test_non_stream_returns_a_c1_response_with_true_usage(
    server: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(Step(text=UI, usage=(101, 57)))
    completion = client(server).chat.completions.create(**ask())
    text = completion.choices[0].message.content
    assert text is not None and text.startswith('<content thesys="true">') and text.endswith("</content>")
    children = card_children(text)
    assert [c["component"] for c in children] == ["Header", "TextContent"]
    assert children[1]["props"]["textMarkdown"] == "Up **12%** this quarter."
    assert completion.choices[0].finish_reason == "stop"
    assert completion.model == FAKE_MODEL
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (101, 57)


def test_catalog_prompt_first_and_client_system_message_kept(
    server: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(Step(text=UI))
    client(server).chat.completions.create(
        model=FAKE_MODEL,
        messages=[{"role": "system", "content": "You are a finance bot."}, {"role": "user", "content": "hi"}],
    )
    sent = scripted_upstream.requests[-1]["messages"]
    assert sent[0]["role"] == "system" and "TextContent" in sent[0]["content"]
    assert sent[1] == {"role": "system", "content": "You are a finance bot."}
    assert sent[2]["content"] == "hi"


def test_c1_history_and_action_messages_become_model_readable(
    server: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    first = client(server).chat.completions.create(**ask()).choices[0].message.content
    assert first is not None
    action = (
        '<content thesys="true">Submit</content><context>[&quot;User clicked on Button: submit_contact&quot;,'
        "[{&quot;contact&quot;:{&quot;name&quot;:{&quot;value&quot;:&quot;Jane Doe&quot;,"
        "&quot;componentType&quot;:&quot;Input&quot;}}}]]</context>"
    )
    scripted_upstream.push(Step(text=UI))
    client(server).chat.completions.create(
        model=FAKE_MODEL,
        messages=[
            {"role": "user", "content": "Show revenue"},
            {"role": "assistant", "content": first},
            {"role": "user", "content": action},
        ],
    )
    sent = scripted_upstream.requests[-1]["messages"]
    assistant_text = sent[2]["content"]
    assert "&quot;" not in assistant_text and "<content" not in assistant_text
    assert "Header" in assistant_text
    user_text = sent[3]["content"]
    assert "<context>" not in user_text and "&quot;" not in user_text
    assert "Submit" in user_text and "Jane Doe" in user_text and "contact" in user_text


def test_stream_obeys_the_chunk_rules_and_include_usage(
    server: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(Step(text=UI, usage=(40, 20)))
    chunks = list(
        client(server).chat.completions.create(**ask(stream=True, stream_options={"include_usage": True}))
    )
    assert len({c.id for c in chunks}) == 1 and len({c.created for c in chunks}) == 1
    assert chunks[0].choices[0].delta.role == "assistant"
    assert all(c.choices[0].delta.role is None for c in chunks[1:] if c.choices)
    with_choices = [c for c in chunks if c.choices]
    assert with_choices[-1].choices[0].finish_reason == "stop"
    assert all(c.choices[0].finish_reason is None for c in with_choices[:-1])
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert chunks[-1].usage.prompt_tokens == 40 and chunks[-1].usage.completion_tokens == 20
    assert all(c.usage is None for c in chunks[:-1])
    text = "".join(c.choices[0].delta.content or "" for c in with_choices)
    assert [c["component"] for c in card_children(text)] == ["Header", "TextContent"]


def test_stream_without_include_usage_has_no_usage_chunk(
    server: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(Step(text=UI))
    chunks = list(client(server).chat.completions.create(**ask(stream=True)))
    assert all(c.choices for c in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_stream_helper_accumulates_the_final_completion(
    server: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(Step(text=UI))
    with client(server).chat.completions.stream(**ask()) as stream:
        deltas = [e.delta for e in stream if e.type == "content.delta"]
        final = stream.get_final_completion()
    text = final.choices[0].message.content
    assert text == "".join(deltas)
    assert card_children(text or "")[0]["props"]["title"] == "Revenue"


TOOLS: list[Any] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather for a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
]
CALL = {"id": "call_abc123", "name": "get_weather", "arguments": '{"city": "Paris"}'}


def test_tools_are_passed_and_tool_calls_returned_non_stream(
    server: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(Step(text=None, tool_calls=[CALL], finish_reason="tool_calls"))
    completion = client(server).chat.completions.create(
        **ask(tools=TOOLS, tool_choice="auto", parallel_tool_calls=False)
    )
    sent = scripted_upstream.requests[-1]
    assert sent["tools"][0]["function"]["name"] == "get_weather"
    assert sent["tool_choice"] == "auto" and sent["parallel_tool_calls"] is False
    message = completion.choices[0].message
    assert message.content is None
    assert completion.choices[0].finish_reason == "tool_calls"
    assert message.tool_calls is not None and len(message.tool_calls) == 1
    call = message.tool_calls[0]
    assert call.id == "call_abc123" and call.type == "function"
    assert call.function.name == "get_weather" and json.loads(call.function.arguments) == {"city": "Paris"}


def test_tool_calls_stream_like_openai(server: LiveServer, scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(text=None, tool_calls=[CALL], finish_reason="tool_calls"))
    chunks = list(client(server).chat.completions.create(**ask(tools=TOOLS, stream=True)))
    deltas = [tc for c in chunks for tc in (c.choices[0].delta.tool_calls or [])]
    assert deltas[0].id == "call_abc123" and deltas[0].function is not None
    assert deltas[0].function.name == "get_weather"
    assert all(d.id is None and d.function is not None and d.function.name is None for d in deltas[1:])
    assert json.loads("".join(d.function.arguments or "" for d in deltas if d.function)) == {"city": "Paris"}
    assert chunks[-1].choices[0].finish_reason == "tool_calls"
    scripted_upstream.push(Step(text=None, tool_calls=[CALL], finish_reason="tool_calls"))
    with client(server).chat.completions.stream(**ask(tools=TOOLS)) as stream:
        final = stream.get_final_completion()
    calls = final.choices[0].message.tool_calls
    assert calls is not None and calls[0].id == "call_abc123"
    assert calls[0].function.name == "get_weather" and calls[0].function.arguments == '{"city": "Paris"}'


def test_tool_round_trip_reaches_the_model(server: LiveServer, scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(text=UI))
    client(server).chat.completions.create(
        model=FAKE_MODEL,
        tools=TOOLS,
        messages=[
            {"role": "user", "content": "Weather in Paris?"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": "{}"},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": '{"temp": 21}'},
        ],
    )
    sent = scripted_upstream.requests[-1]["messages"]
    assert sent[-1] == {"role": "tool", "tool_call_id": "call_1", "content": '{"temp": 21}'}
    assert sent[-2]["tool_calls"][0]["id"] == "call_1"


def test_hostile_upstream_output_is_repaired_and_sanitized(
    server: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    hostile = (
        "Sure! Here is your UI:\n```json\n"
        '{"component":"Card","props":{"children":[{"component":"Stack","props":{"children":['
        '{"component":"TextContent","props":{"textMarkdown":"<script>alert(1)</script>hello"}}]}},'
        '{"component":"Button","props":{"children":"Go","name":"go","action":{"type":"open_url",'
        '"props":{"url":"javascript:alert(1)"}}}}]}}\n```\nHope this helps!'
    )
    scripted_upstream.push(Step(text=hostile))
    text = client(server).chat.completions.create(**ask()).choices[0].message.content or ""
    plain = unescape(text)
    assert "javascript:" not in plain and "<script" not in plain
    components = [c["component"] for c in card_children(text)]
    assert "TextContent" in components and "Stack" not in components


def test_prose_only_answer_becomes_a_text_card(
    server: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(Step(text="I am sorry, I can only answer in prose today."))
    text = client(server).chat.completions.create(**ask()).choices[0].message.content or ""
    children = card_children(text)
    assert children[0]["component"] == "TextContent"
    assert "only answer in prose" in children[0]["props"]["textMarkdown"]


@pytest.mark.parametrize(
    "key", [None, "sk-genui-unknown", "not-even-a-key"], ids=["missing", "unknown", "garbage"]
)
def test_bad_keys_are_403_permission_denied(server: LiveServer, key: str | None) -> None:
    headers = {} if key is None else {"authorization": f"Bearer {key}"}
    r = httpx.post(server.embed_url + "/chat/completions", json=ask(), headers=headers)
    assert r.status_code == 403
    assert set(r.json()["error"]) == {"message", "type", "param", "code"}
    if key:
        with pytest.raises(openai.PermissionDeniedError):
            client(server, key).chat.completions.create(**ask())


def test_revoked_key_is_refused(make_server: Callable[..., LiveServer]) -> None:
    import asyncio

    from genui.store.db import Database
    from genui.store.keys import KeyRepository

    server = make_server()
    key = server.new_key("to-revoke")

    async def revoke() -> str | None:
        db = Database(server.settings.resolved_database_url)
        try:
            return await KeyRepository(db).revoke("to-revoke")
        finally:
            await db.dispose()

    assert asyncio.run(revoke())
    with pytest.raises(openai.PermissionDeniedError):
        client(server, key).chat.completions.create(**ask())


def test_n_other_than_1_is_a_400(server: LiveServer) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client(server).chat.completions.create(**ask(n=2))
    assert info.value.status_code == 400
    assert info.value.body["param"] == "n"  # type: ignore[index]


def test_unknown_model_is_model_not_found(server: LiveServer) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client(server).chat.completions.create(
            model="c1/nope/nothing/v-20260101", messages=[{"role": "user", "content": "x"}]
        )
    assert info.value.code == "model_not_found"


def test_malformed_thesys_metadata_names_the_param(server: LiveServer) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client(server).chat.completions.create(**ask(metadata={"thesys": "{not json"}))
    assert info.value.body["param"] == "metadata.thesys"  # type: ignore[index]


def test_thesys_metadata_shapes_the_prompt(server: LiveServer, scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(text=UI))
    thesys = json.dumps({"c1_excluded_components": ["Table"]})
    client(server).chat.completions.create(**ask(metadata={"thesys": thesys}))
    prompt = scripted_upstream.requests[-1]["messages"][0]["content"]
    assert "Table(" not in prompt and "TextContent" in prompt


@pytest.mark.parametrize(
    "body,param",
    [
        ({"model": FAKE_MODEL}, "messages"),
        ({"model": FAKE_MODEL, "messages": [{"role": "wizard", "content": "x"}]}, "messages[0].role"),
        (
            {"model": FAKE_MODEL, "messages": [{"role": "user", "content": "x"}], "temperature": 7},
            "temperature",
        ),
    ],
)
def test_validation_errors_are_400_not_422(server: LiveServer, body: dict[str, Any], param: str) -> None:
    r = httpx.post(
        server.embed_url + "/chat/completions", json=body, headers={"authorization": f"Bearer {server.key}"}
    )
    assert r.status_code == 400
    assert r.json()["error"]["param"] == param


def test_invalid_json_body_is_400(server: LiveServer) -> None:
    r = httpx.post(
        server.embed_url + "/chat/completions",
        content=b"{oops",
        headers={"authorization": f"Bearer {server.key}", "content-type": "application/json"},
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_json"


def test_audio_is_rejected(server: LiveServer) -> None:
    with pytest.raises(openai.BadRequestError):
        client(server).chat.completions.create(
            model=FAKE_MODEL,
            messages=[
                {
                    "role": "user",
                    "content": [{"type": "input_audio", "input_audio": {"data": "AAAA", "format": "wav"}}],
                }
            ],
        )


def test_ignored_parameters_are_accepted(server: LiveServer, scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(text=UI))
    completion = client(server).chat.completions.create(
        **ask(
            frequency_penalty=0.5,
            presence_penalty=0.1,
            logit_bias={"50256": -100},
            seed=3,
            response_format={"type": "json_object"},
            service_tier="auto",
        )
    )
    assert completion.choices[0].message.content
    assert "frequency_penalty" not in scripted_upstream.requests[-1]


def test_body_limit_is_413(make_server: Callable[..., LiveServer]) -> None:
    server = make_server(max_body_bytes=4096)
    big = ask(messages=[{"role": "user", "content": "x" * 10_000}])
    r = httpx.post(
        server.embed_url + "/chat/completions", json=big, headers={"authorization": f"Bearer {server.key}"}
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"


def test_unknown_path_is_404_in_openai_shape(server: LiveServer) -> None:
    r = httpx.get(server.url + "/v1/embed/nothing-here")
    assert r.status_code == 404 and r.json()["error"]["type"] == "not_found_error"


def test_rate_limit_requests_per_minute(make_server: Callable[..., LiveServer]) -> None:
    server = make_server(requests_per_minute=2)
    c = client(server)
    for _ in range(2):
        c.chat.completions.create(**ask())
    with pytest.raises(openai.RateLimitError) as info:
        c.chat.completions.create(**ask())
    headers = info.value.response.headers
    assert int(headers["retry-after"]) >= 1
    assert headers["x-ratelimit-limit-requests"] == "2"
    assert headers["x-ratelimit-remaining-requests"] == "0"
    assert "x-ratelimit-reset-requests" in headers
    # the limit is per organization: another key of the same org is refused too, another org is not
    with pytest.raises(openai.RateLimitError):
        client(server, server.new_key("same-org")).chat.completions.create(**ask())
    client(server, server.new_key("other", org="acme")).chat.completions.create(**ask())


def test_output_token_limit_settles_after_the_call(
    make_server: Callable[..., LiveServer], scripted_upstream: ScriptedUpstream
) -> None:
    server = make_server(output_tokens_per_minute=50)
    scripted_upstream.push(Step(text=UI, usage=(10, 80)))
    client(server).chat.completions.create(**ask())
    with pytest.raises(openai.RateLimitError) as info:
        client(server).chat.completions.create(**ask())
    assert info.value.response.headers["x-ratelimit-limit-output-tokens"] == "50"


def test_upstream_failure_maps_to_5xx(
    make_server: Callable[..., LiveServer], scripted_upstream: ScriptedUpstream
) -> None:
    server = make_server()
    scripted_upstream.push(Step(status=500), Step(status=500), Step(status=500))
    with pytest.raises(openai.APIStatusError) as info:
        client(server).chat.completions.create(**ask())
    assert info.value.status_code in (502, 503)
    assert set(info.value.body) >= {"message", "type", "code"}  # type: ignore[arg-type]


def test_upstream_reset_mid_stream_ends_with_an_error_frame(
    server: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(Step(text=UI, reset_after=5))
    with pytest.raises(openai.APIError):
        for _ in client(server).chat.completions.create(**ask(stream=True)):
            pass


def test_health_ready_metrics_and_docs(server: LiveServer) -> None:
    assert httpx.get(server.url + "/healthz").json() == {"status": "ok"}
    assert httpx.get(server.url + "/readyz").json()["status"] == "ready"
    client(server).models.list()
    metrics = httpx.get(server.url + "/metrics").text
    assert "genui_http_requests_total" in metrics
    assert httpx.get(server.url + "/openapi.json").status_code == 200
    assert httpx.get(server.url + "/docs").status_code == 200


def test_a_started_app_keeps_its_long_lived_objects_out_of_full_collections(server: LiveServer) -> None:
    assert gc.get_freeze_count() > 0  # the lifespan froze what startup built (see api.app)


def test_models_list_has_alias_and_configured_models(server: LiveServer) -> None:
    ids = [m.id for m in client(server).models.list()]
    assert ids[0] == "c1-embed-latest" and FAKE_MODEL in ids
    assert (
        httpx.get(server.url + "/v1/models", headers={"authorization": f"Bearer {server.key}"}).status_code
        == 200
    )


def test_models_list_names_every_id_once(make_server: Callable[..., LiveServer]) -> None:
    from genui.config import ModelConfig

    second = ModelConfig(name="c1/fake/other/v-20261121", provider="fake", upstream_model="other")
    server = make_server(models=[*server_models(), second])
    ids = [m.id for m in client(server).models.list()]
    assert ids == ["c1-embed-latest", FAKE_MODEL, second.name]


def server_models() -> list[Any]:
    from genui.config import ModelConfig

    return [ModelConfig(name=FAKE_MODEL, provider="fake", upstream_model="fake-model")]


def test_request_id_is_echoed(server: LiveServer) -> None:
    r = httpx.get(server.url + "/healthz", headers={"x-request-id": "req_test_1"})
    assert r.headers["x-request-id"] == "req_test_1"


def test_client_disconnect_cancels_the_upstream_call(
    server: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    import time

    pieces = [f'{{"component":"TextContent","props":{{"textMarkdown":"part {i}"}}}},' for i in range(40)]
    chunks = ['{"component":"Card","props":{"children":[', *pieces, "]}}"]
    scripted_upstream.push(Step(chunks=chunks, chunk_delay=0.1))
    stream = client(server).chat.completions.create(**ask(stream=True))
    for n, _ in enumerate(stream):
        if n == 3:
            break
    stream.close()  # the client hangs up after a few chunks of a ~4 s answer
    deadline = time.monotonic() + 3
    while scripted_upstream.abandoned_streams == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert scripted_upstream.abandoned_streams == 1


def test_usage_is_recorded_per_organization(server: LiveServer, scripted_upstream: ScriptedUpstream) -> None:
    import asyncio
    import time
    from concurrent.futures import ThreadPoolExecutor

    from genui.store import Database, KeyRepository, UsageRepository

    scripted_upstream.push(Step(text=UI, usage=(30, 7)), Step(text=UI, usage=(20, 3)))
    for _ in range(2):
        client(server).chat.completions.create(**ask())
    time.sleep(1.5)  # rows are written in batches, once a second

    async def totals() -> tuple[int, int, int]:
        db = Database(server.settings.resolved_database_url)
        try:
            record = await KeyRepository(db).verify(server.key)
            assert record is not None
            t = await UsageRepository(db).totals(record.org_id)
            return t.requests, t.input_tokens, t.output_tokens
        finally:
            await db.dispose()

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, totals()).result() == (2, 50, 10)
