"""Hostile input, endpoint family by endpoint family: every case is a 4xx in the OpenAI error shape naming
what is wrong, and the same keep-alive connection serves the next request (a real uvicorn server, SQLite and
PostgreSQL). A 500, should one remain, keeps the connection too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from fakes.upstream import ScriptedUpstream
from genui.service.chat import ChatService
from genui.service.conversations import ConversationService
from store.dbfixtures import pg_url
from support import FAKE_MODEL, ServerThread, create_key, upstream_settings

__all__ = ["pg_url"]


@dataclass
class Served:
    client: httpx.Client  # keep-alive, with the key
    conversation: str  # an existing conversation of the key's organization


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    overrides: dict[str, Any] = {"max_conversation_items": 30}
    if request.param == "postgres":
        overrides["database_url"] = request.getfixturevalue("pg_url")
    with ScriptedUpstream() as upstream:
        settings = upstream_settings(tmp_path_factory.mktemp("hostile"), upstream, **overrides)
        key = create_key(settings, name=f"hostile-{request.param}", org=f"hostile-{request.param}")
        with (
            ServerThread(settings) as url,
            httpx.Client(base_url=url, headers={"authorization": f"Bearer {key}"}, timeout=30) as client,
        ):
            created = client.post("/v1/conversations", json={"items": [_user("first")]})
            assert created.status_code == 200, created.text
            yield Served(client, created.json()["id"])


def _user(text: str) -> dict[str, Any]:
    return {"type": "message", "role": "user", "content": text}


def deep(levels: int, leaf: Any = 1) -> Any:
    for _ in range(levels):
        leaf = [leaf]
    return leaf


def nesting(levels: int) -> str:
    """JSON text nested `levels` deep (built as text: the encoders refuse such depth)."""
    return "[" * levels + "1" + "]" * levels


def with_raw(body: dict[str, Any], key: str, fragment: str) -> bytes:
    """`body` as JSON bytes with one more key whose value is the JSON text `fragment`."""
    head = json.dumps(body)[:-1]
    return (head + (", " if body else "") + f'"{key}": {fragment}}}').encode()


def chat(**body: Any) -> dict[str, Any]:
    return {"model": FAKE_MODEL, "messages": [{"role": "user", "content": "Show revenue"}], **body}


def say(*messages: dict[str, Any]) -> dict[str, Any]:
    return {"model": FAKE_MODEL, "messages": list(messages)}


def respond(**body: Any) -> dict[str, Any]:
    return {"model": FAKE_MODEL, "input": "Show revenue", **body}


def thesys(value: Any) -> dict[str, str]:
    return {"thesys": value if isinstance(value, str) else json.dumps(value)}


def custom(schema: Any) -> dict[str, str]:
    return thesys({"c1_custom_components": {"Widget": schema}})


def c1(payload: str) -> str:
    return f'<content thesys="true">{payload}</content>'


def nested_card(levels: int) -> str:
    """A C1 Response whose Card holds a Card ... `levels` deep (built as text, like `nesting`)."""
    leaf = '{"component":"TextContent","props":{"textMarkdown":"x"}}'
    node = '{"component":"Card","props":{"children":[' * levels + leaf + "]}}" * levels
    return c1(('{"component":' + node + ',"error":null}').replace('"', "&quot;"))


USER = {"role": "user", "content": "hi"}
DANGLING = {"type": "object", "properties": {"a": {"$ref": "#/$defs/Missing"}}}
CHAT = "/v1/embed/chat/completions"
RESPONSES = "/v1/embed/responses"

# (method, path, body, status, param): a body of bytes is sent as is (as JSON unless the case says otherwise)
CHAT_CASES: list[tuple[str, str, Any, int, str | None]] = [
    ("POST", CHAT, b"{oops", 400, None),
    ("POST", CHAT, b"[1, 2]", 400, None),
    ("POST", CHAT, with_raw(chat(), "extra", nesting(400)), 400, "extra[0][0][0][0]"),
    ("POST", CHAT, with_raw(chat(), "messages2", nesting(900)), 400, None),
    (
        "POST",
        CHAT,
        chat(tools=[{"type": "function", "function": {"name": "f", "parameters": {"x": deep(300)}}}]),
        400,
        None,
    ),
    ("POST", CHAT, chat(metadata=thesys("[" * 5000 + "]" * 5000)), 400, "metadata.thesys"),
    (
        "POST",
        CHAT,
        chat(metadata=thesys({"c1_custom_components": {"W": deep(200, {})}})),
        400,
        "metadata.thesys",
    ),
    ("POST", CHAT, chat(metadata=custom(DANGLING)), 400, "metadata.thesys"),
    ("POST", CHAT, chat(metadata=custom({"type": "object", "properties": [1, 2]})), 400, "metadata.thesys"),
    (
        "POST",
        CHAT,
        chat(metadata=custom({"type": "object", "properties": {"a": {"type": "string", "pattern": "(["}}})),
        400,
        "metadata.thesys",
    ),
    ("POST", CHAT, chat(metadata=thesys({"c1_custom_actions": {"Act": DANGLING}})), 400, "metadata.thesys"),
    ("POST", CHAT, chat(metadata=thesys("{not json")), 400, "metadata.thesys"),
    ("POST", CHAT, chat(metadata={"thesys": 5}), 400, "metadata.thesys"),
    ("POST", CHAT, chat(metadata={f"k{i}": "v" for i in range(17)}), 400, "metadata"),
    ("POST", CHAT, chat(metadata={"k" * 65: "v"}), 400, "metadata"),
    ("POST", CHAT, chat(metadata={"note": "v" * 513}), 400, "metadata"),
    ("POST", CHAT, chat(stream="yes"), 400, "stream"),
    ("POST", CHAT, chat(stream=1), 400, "stream"),
    ("POST", CHAT, chat(n=2), 400, "n"),
    ("POST", CHAT, chat(temperature="hot"), 400, "temperature"),
    ("POST", CHAT, chat(temperature=5), 400, "temperature"),
    ("POST", CHAT, chat(max_tokens=0), 400, "max_tokens"),
    ("POST", CHAT, chat(max_tokens="10"), 400, "max_tokens"),
    ("POST", CHAT, chat(stop=["a", "b", "c", "d", "e"]), 400, "stop"),
    ("POST", CHAT, chat(functions=[{"name": "f"}]), 400, "functions"),
    ("POST", CHAT, chat(stream_options={"include_usage": True}), 400, "stream_options"),
    ("POST", CHAT, chat(tools=[{"type": "retrieval"}]), 400, "tools[0].type"),
    (
        "POST",
        CHAT,
        chat(tools=[{"type": "function", "function": {"name": "no spaces"}}]),
        400,
        "tools[0].function.name",
    ),
    ("POST", CHAT, chat(tool_choice=5), 400, "tool_choice"),
    ("POST", CHAT, {"model": FAKE_MODEL}, 400, "messages"),
    ("POST", CHAT, say(), 400, "messages"),
    ("POST", CHAT, {"model": FAKE_MODEL, "messages": "hi"}, 400, "messages"),
    ("POST", CHAT, say(5), 400, "messages[0]"),  # type: ignore[arg-type]
    ("POST", CHAT, say({"role": "wizard", "content": "x"}), 400, "messages[0].role"),
    ("POST", CHAT, say({"role": "user", "content": 5}), 400, "messages[0].content"),
    ("POST", CHAT, say({"role": "user", "content": None}), 400, "messages[0].content"),
    (
        "POST",
        CHAT,
        say({"role": "user", "content": [{"type": "text", "text": 5}]}),
        400,
        "messages[0].content[0].text",
    ),
    ("POST", CHAT, say({"role": "user", "content": [5]}), 400, "messages[0].content[0]"),
    ("POST", CHAT, say({"role": "user", "content": [{"type": "video"}]}), 400, "messages[0].content[0].type"),
    (
        "POST",
        CHAT,
        say({"role": "user", "content": [{"type": "image_url", "image_url": 5}]}),
        400,
        "messages[0].content[0].image_url",
    ),
    (
        "POST",
        CHAT,
        say({"role": "user", "content": [{"type": "image_url", "image_url": {"url": 5}}]}),
        400,
        "messages[0].content[0].image_url",
    ),
    (
        "POST",
        CHAT,
        say({"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x", "detail": "8k"}}]}),
        400,
        "messages[0].content[0].image_url.detail",
    ),
    (
        "POST",
        CHAT,
        say({"role": "user", "content": [{"type": "input_audio", "input_audio": {}}]}),
        400,
        "messages[0].content[0].type",
    ),
    (
        "POST",
        CHAT,
        say({"role": "system", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}),
        400,
        "messages[0].content[0].type",
    ),
    ("POST", CHAT, say(USER, {"role": "tool", "content": "42"}), 400, "messages[1].tool_call_id"),
    (
        "POST",
        CHAT,
        say(USER, {"role": "assistant", "tool_calls": [{"x": 1}]}),
        400,
        "messages[1].tool_calls[0].id",
    ),
    (
        "POST",
        CHAT,
        say(
            USER,
            {
                "role": "assistant",
                "tool_calls": [
                    {"id": "c", "type": "function", "function": {"name": "f", "arguments": {"a": 1}}}
                ],
            },
        ),
        400,
        "messages[1].tool_calls[0].function.arguments",
    ),
    ("POST", CHAT, say({"role": "user", "content": "x", "tool_calls": []}), 400, "messages[0].tool_calls"),
    ("POST", CHAT, {"model": "", "messages": [USER]}, 400, "model"),
    ("POST", CHAT, {"model": "c1/nope/nope/v-20261121", "messages": [USER]}, 400, "model"),
    ("GET", CHAT, None, 405, None),
]

RESPONSE_CASES: list[tuple[str, str, Any, int, str | None]] = [
    ("POST", RESPONSES, b"{oops", 400, None),
    ("POST", RESPONSES, respond(input=5), 400, "input"),
    ("POST", RESPONSES, respond(input=[5]), 400, "input[0]"),
    ("POST", RESPONSES, respond(input=[{"role": "wizard", "content": "x"}]), 400, "input[0].role"),
    ("POST", RESPONSES, respond(input=[{"type": "reasoning", "summary": []}]), 400, "input[0].type"),
    (
        "POST",
        RESPONSES,
        respond(input=[{"role": "user", "content": [{"type": "input_text", "text": 5}]}]),
        400,
        "input[0].content[0].text",
    ),
    (
        "POST",
        RESPONSES,
        respond(input=[{"role": "user", "content": [{"type": "input_image", "image_url": 5}]}]),
        400,
        "input[0].content[0].image_url",
    ),
    (
        "POST",
        RESPONSES,
        respond(input=[{"type": "function_call", "name": "f", "arguments": "{}"}]),
        400,
        "input[0].call_id",
    ),
    (
        "POST",
        RESPONSES,
        respond(input=[{"type": "function_call_output", "call_id": "c", "output": 5}]),
        400,
        "input[0].output",
    ),
    ("POST", RESPONSES, respond(input=[{"role": "user", "content": "x", "id": 5}]), 400, "input[0].id"),
    ("POST", RESPONSES, with_raw(respond(), "extra", nesting(300)), 400, None),
    ("POST", RESPONSES, respond(metadata={f"k{i}": "v" for i in range(17)}), 400, "metadata"),
    ("POST", RESPONSES, respond(metadata={"k" * 65: "v"}), 400, "metadata"),
    ("POST", RESPONSES, respond(metadata={"note": "v" * 513}), 400, "metadata"),
    ("POST", RESPONSES, respond(metadata={"note": 5}), 400, "metadata.note"),
    ("POST", RESPONSES, respond(metadata=thesys("[" * 3000)), 400, "metadata.thesys"),
    ("POST", RESPONSES, respond(metadata=custom(DANGLING)), 400, "metadata.thesys"),
    (
        "POST",
        RESPONSES,
        respond(metadata=custom({"type": "object", "properties": "all"})),
        400,
        "metadata.thesys",
    ),
    ("POST", RESPONSES, respond(stream="yes"), 400, "stream"),
    ("POST", RESPONSES, respond(store="no"), 400, "store"),
    ("POST", RESPONSES, respond(tools=[{"type": "web_search"}]), 400, "tools[0].type"),
    ("POST", RESPONSES, respond(tools=[{"type": "function", "name": "a b"}]), 400, "tools[0].name"),
    ("POST", RESPONSES, respond(temperature=5), 400, "temperature"),
    ("POST", RESPONSES, respond(top_p="1"), 400, "top_p"),
    ("POST", RESPONSES, respond(max_output_tokens=0), 400, "max_output_tokens"),
    ("POST", RESPONSES, respond(background=True), 400, "background"),
    ("POST", RESPONSES, respond(text={"format": {"type": "json_object"}}), 400, "text.format"),
    ("POST", RESPONSES, respond(previous_response_id="resp_missing"), 404, "previous_response_id"),
    ("POST", RESPONSES, respond(previous_response_id="resp_x", conversation="conv_x"), 400, "conversation"),
    ("POST", RESPONSES, respond(conversation=5), 400, "conversation"),
    ("POST", RESPONSES, respond(conversation={"id": 5}), 400, "conversation"),
    ("POST", RESPONSES, respond(conversation="conv_missing"), 404, "conversation"),
    ("POST", RESPONSES, respond(model="c1/nope/nope/v-20261121"), 400, "model"),
    ("POST", RESPONSES, {"model": FAKE_MODEL}, 400, "input"),
    ("GET", RESPONSES + "/resp_missing", None, 404, "response_id"),
    ("GET", RESPONSES + "/resp_missing/input_items?limit=0", None, 400, "limit"),
    ("GET", RESPONSES + "/resp_missing/input_items?order=sideways", None, 400, "order"),
    ("GET", RESPONSES + "/resp_missing/input_items?after=" + "m" * 65, None, 400, "after"),
    ("DELETE", RESPONSES + "/resp_missing", None, 404, "response_id"),
    ("PUT", RESPONSES, None, 405, None),
]

CONVERSATION_CASES: list[tuple[str, str, Any, int, str | None]] = [
    ("POST", "/v1/conversations", {"items": [_user(str(i)) for i in range(21)]}, 400, "items"),
    ("POST", "/v1/conversations", {"items": [5]}, 400, "items[0]"),
    ("POST", "/v1/conversations", {"items": [{"type": "mystery"}]}, 400, "items[0].type"),
    ("POST", "/v1/conversations", {"items": "x"}, 400, "items"),
    ("POST", "/v1/conversations", {"metadata": {f"k{i}": "v" for i in range(17)}}, 400, "metadata"),
    ("POST", "/v1/conversations", {"metadata": {"thesys": "v" * 513}}, 400, "metadata"),
    ("POST", "/v1/conversations", {"metadata": "x"}, 400, "metadata"),
    ("POST", "/v1/conversations", with_raw({}, "metadata", nesting(300)), 400, None),
    ("POST", "/v1/conversations/{conv}", {}, 400, "metadata"),
    ("POST", "/v1/conversations/{conv}", {"metadata": {"a": 1}}, 400, "metadata.a"),
    ("POST", "/v1/conversations/{conv}/items", {"items": []}, 400, "items"),
    (
        "POST",
        "/v1/conversations/{conv}/items",
        {"items": [_user(str(i)) for i in range(15)] * 2},
        400,
        "items",
    ),
    ("POST", "/v1/conversations/conv_missing/items", {"items": [_user("x")]}, 404, "conversation_id"),
    ("GET", "/v1/conversations/conv_missing", None, 404, "conversation_id"),
    ("GET", "/v1/conversations/{conv}/items?limit=1000", None, 400, "limit"),
    ("GET", "/v1/conversations/{conv}/items?after=msg_missing", None, 400, "after"),
    ("GET", "/v1/conversations/{conv}/items?after=" + "m" * 65, None, 400, "after"),
    ("GET", "/v1/conversations/{conv}/items?after=msg%00x", None, 400, "after"),
    ("GET", "/v1/conversations/{conv}/items/msg_missing", None, 404, "item_id"),
    ("DELETE", "/v1/conversations/{conv}/items/msg_missing", None, 404, "item_id"),
    ("PATCH", "/v1/conversations/{conv}", None, 405, None),
]

RENDER_CASES: list[tuple[str, str, Any, int, str | None]] = [
    ("POST", "/v1/render", {"partial": True}, 400, "c1"),
    ("POST", "/v1/render", {"c1": 5}, 400, "c1"),
    ("POST", "/v1/render", {"c1": "x", "partial": "yes"}, 400, "partial"),
    ("POST", "/v1/render", {"c1": "x", "fallback": 5}, 400, "fallback"),
    ("POST", "/v1/render", {"c1": nested_card(600)}, 400, "c1"),
    ("POST", "/v1/render", {"c1": c1("[" * 100_000)}, 400, "c1"),
    ("POST", "/v1/render", {"c1": "x", "fallback": c1("{" * 5000)}, 400, "fallback"),
    ("POST", "/v1/render", {"c1": "x" * 300_000}, 413, None),
    ("POST", "/v1/render", b"[]", 400, None),
    ("POST", "/v1/render", with_raw({}, "c1", nesting(200)), 400, None),
    ("GET", "/v1/render", None, 405, None),
]

OTHER_CASES: list[tuple[str, str, Any, int, str | None]] = [
    ("GET", "/v1/embed/models/c1%2Fnope", None, 404, "model"),
    ("DELETE", "/v1/embed/models", None, 405, None),
    ("GET", "/v1/nothing-here", None, 404, None),
]


def _id(case: tuple[str, str, Any, int, str | None]) -> str:
    method, path, _, status, param = case
    return f"{method} {path.split('?')[0]} -> {status} {param or ''}".strip()


def local_port(response: httpx.Response) -> int:
    """The client-side port of the connection that carried `response` (same port: same connection)."""
    return int(response.extensions["network_stream"].get_extra_info("client_addr")[1])


def send(served: Served, method: str, path: str, body: Any) -> httpx.Response:
    path = path.replace("{conv}", served.conversation)
    if isinstance(body, bytes):
        return served.client.request(method, path, content=body, headers={"content-type": "application/json"})
    return served.client.request(method, path, json=body)


def check_error_then_keep_alive(
    served: Served, answer: httpx.Response, status: int, param: str | None
) -> None:
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert set(error) == {"message", "type", "param", "code"} and error["message"] and error["type"]
    if param is not None:
        assert error["param"] == param, error
    after = served.client.get("/v1/embed/models")
    assert after.status_code == 200 and local_port(after) == local_port(answer)


ALL_CASES = CHAT_CASES + RESPONSE_CASES + CONVERSATION_CASES + RENDER_CASES + OTHER_CASES


@pytest.mark.parametrize(("method", "path", "body", "status", "param"), ALL_CASES, ids=map(_id, ALL_CASES))
def test_hostile_input(
    served: Served, method: str, path: str, body: Any, status: int, param: str | None
) -> None:
    check_error_then_keep_alive(served, send(served, method, path, body), status, param)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
@pytest.mark.parametrize("path", [CHAT, RESPONSES, "/v1/conversations", "/v1/render"])
def test_a_body_not_sent_as_json_is_415(served: Served, path: str, content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    body = json.dumps(chat() if path == CHAT else respond() if path == RESPONSES else {"c1": "x"})
    answer = served.client.post(path, content=body.encode(), headers=headers)
    if content_type is None:  # httpx sends no content type for raw bytes
        assert "content-type" not in answer.request.headers
    assert answer.json()["error"]["code"] == "unsupported_media_type"
    check_error_then_keep_alive(served, answer, 415, None)


def test_405_names_every_allowed_method(served: Served) -> None:
    answer = served.client.request("PUT", f"/v1/conversations/{served.conversation}")
    assert answer.status_code == 405
    assert set(answer.headers["allow"].replace(" ", "").split(",")) >= {"GET", "POST", "DELETE"}
    assert served.client.get(CHAT).headers["allow"] == "POST"


def test_an_unexpected_error_is_a_json_500_on_a_kept_connection(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(ConversationService, "get", broken)  # a route FastAPI dispatches
    monkeypatch.setattr(ChatService, "start", broken)  # a fast-lane route
    for method, path, body in (("GET", "/v1/conversations/{conv}", None), ("POST", CHAT, chat())):
        answer = send(served, method, path, body)
        assert answer.json()["error"]["code"] == "internal_error"
        assert "a bug" not in answer.text and "Traceback" not in answer.text
        check_error_then_keep_alive(served, answer, 500, None)
