"""The Responses WebSocket mode beyond the compliance scenarios: what the model is sent, the connection-local
cache against the store, hostile messages, failures, rate limits and hang-ups (real server, both backends)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from open_responses_suite import Target, Turn, read_turn, ws_create, ws_session
from openai import OpenAI
from test_api_responses_support import UI, check_resource, embed_client, live
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from fakes.upstream import ScriptedUpstream, Step
from store.dbfixtures import pg_url
from support import FAKE_MODEL, LiveServer

__all__ = ["live", "pg_url"]  # fixtures used by this module


def target_of(server: LiveServer, key: str | None = None) -> Target:
    return Target(base_url=server.url + "/v1", key=key or server.key, model=FAKE_MODEL)


def texts(messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(role, text) of chat messages the upstream received, the catalog prompt left out."""
    return [(m["role"], str(m["content"])) for m in messages[1:]]


def send_raw(server: LiveServer, *messages: str | bytes) -> list[Turn]:
    """Each message sent as is on one connection; the turn each one got."""
    turns = []
    with connect(target_of(server).ws_url, additional_headers=target_of(server).headers) as ws:
        for message in messages:
            ws.send(message)
            turns.append(read_turn(ws, Turn({})))
    return turns


def completed(turn: Turn) -> dict[str, Any]:
    assert turn.final is not None and turn.final["status"] == "completed", turn.events[-1]
    return turn.final


@pytest.mark.parametrize(
    ("headers", "code"),
    [({}, "missing_api_key"), ({"authorization": "Bearer sk-wrong"}, "invalid_api_key")],
)
def test_the_upgrade_needs_a_valid_key(server: LiveServer, headers: dict[str, str], code: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(target_of(server).ws_url, additional_headers=headers, open_timeout=10)
    assert refused.value.response.status_code == 403
    error = json.loads(refused.value.response.body or b"{}")["error"]
    assert error["code"] == code and error["type"] == "permission_denied_error"


def test_a_continuation_sends_the_model_the_cached_chain(
    live: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(Step(text=UI), Step(text=UI))
    first, second = ws_session(
        target_of(live),
        [
            ws_create(target_of(live), store=False, input="Remember the code word: cobalt."),
            lambda turns: ws_create(
                target_of(live),
                store=False,
                previous_response_id=turns[0].final["id"],  # type: ignore[index]
                input="What is the code word?",
            ),
        ],
    )
    completed(first), completed(second)
    sent = texts(scripted_upstream.requests[1]["messages"])
    assert sent[0] == ("user", "Remember the code word: cobalt.") and sent[-1] == (
        "user",
        "What is the code word?",
    )
    assert [role for role, _ in sent] == ["user", "assistant", "user"]
    # store: false means the chain lives on that connection only
    for response_id in (first.final["id"], second.final["id"]):  # type: ignore[index]
        missing = httpx.get(
            f"{live.url}/v1/responses/{response_id}", headers=target_of(live).headers, timeout=10
        )
        assert missing.status_code == 404


def test_only_the_most_recent_unstored_response_is_kept(live: LiveServer) -> None:
    t = target_of(live)
    first, second, third = ws_session(
        t,
        [
            ws_create(t, store=False, input="one"),
            ws_create(t, store=False, input="two"),
            lambda turns: ws_create(t, store=False, previous_response_id=turns[0].final["id"], input="three"),  # type: ignore[index]
        ],
    )
    completed(first), completed(second)
    assert third.error_code == "previous_response_not_found"
    assert third.envelope is not None and third.envelope["status"] == 404
    assert third.envelope["error"]["param"] == "previous_response_id"


def test_stored_responses_continue_from_the_store_on_any_connection(
    live: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    t = target_of(live)
    [first] = ws_session(t, [ws_create(t, input="Remember: basalt.")])
    stored = completed(first)
    assert embed_client(live).responses.retrieve(stored["id"]).status == "completed"
    [second] = ws_session(t, [ws_create(t, previous_response_id=stored["id"], input="Which stone?")])
    completed(second)
    assert texts(scripted_upstream.requests[-1]["messages"])[0] == ("user", "Remember: basalt.")


def test_a_stored_turn_continuing_an_unstored_chain_keeps_that_chain(
    live: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    t = target_of(live)
    first, second = ws_session(
        t,
        [
            ws_create(t, store=False, input="Remember: granite."),
            lambda turns: ws_create(t, store=True, previous_response_id=turns[0].final["id"], input="Noted?"),  # type: ignore[index]
        ],
    )
    completed(first)
    stored_id = completed(second)["id"]
    # over HTTP, later, the stored response still carries the whole context
    embed_client(live).responses.create(
        model=FAKE_MODEL, previous_response_id=stored_id, input="Which stone?"
    )
    sent = texts(scripted_upstream.requests[-1]["messages"])
    assert sent[0] == ("user", "Remember: granite.") and sent[-1] == ("user", "Which stone?")
    assert len(sent) == 5  # user, assistant, user, assistant, user


def test_bad_messages_get_an_error_envelope_and_the_socket_stays_usable(live: LiveServer) -> None:
    good = json.dumps(ws_create(target_of(live), input="hello"))
    turns = send_raw(
        live,
        "{not json",
        "[1, 2]",
        json.dumps({"type": "response.cancel"}),
        json.dumps(ws_create(target_of(live), input="x", stream=True)),
        json.dumps(ws_create(target_of(live), input="x", background=False)),
        json.dumps(ws_create(target_of(live), input="x", temperature=5)),
        json.dumps({"type": "response.create", "input": "no model"}),
        json.dumps(
            ws_create(
                target_of(live), input=[{"type": "function_call_output", "call_id": "c9", "output": "1"}]
            )
        ),
        good.encode(),  # a binary frame holding JSON is read the same
        good,
    )
    expected = [
        (400, "invalid_json", None),
        (400, "invalid_json", None),
        (400, "invalid_event_type", "type"),
        (400, "unsupported_parameter", "stream"),
        (400, "unsupported_parameter", "background"),
        (400, "invalid_value", "temperature"),
        (400, "invalid_value", "model"),
        (400, "invalid_value", "input[0].call_id"),
    ]
    for turn, (status, code, param) in zip(turns, expected, strict=False):
        assert turn.envelope is not None, turn.events
        assert (turn.envelope["status"], turn.envelope["error"]["code"]) == (status, code)
        assert turn.envelope["error"]["param"] == param
    completed(turns[-2]), completed(turns[-1])


def test_a_message_over_the_body_limit_is_413_and_the_socket_stays_usable(
    make_server: Callable[..., LiveServer],
) -> None:
    server = make_server(max_body_bytes=4096)
    big = json.dumps(ws_create(target_of(server), input="x" * 5000))
    small = json.dumps(ws_create(target_of(server), input="hello"))
    too_big, fine = send_raw(server, big, small)
    assert too_big.envelope is not None and too_big.envelope["status"] == 413
    assert too_big.envelope["error"]["code"] == "request_too_large"
    completed(fine)


def test_a_model_failing_before_any_output_ends_the_opened_turn_failed(
    live: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(Step(status=500), Step(status=500))
    t = target_of(live)
    failed, fine = ws_session(t, [ws_create(t, input="hi"), ws_create(t, input="hi again")])
    assert failed.final is not None and failed.final["status"] == "failed"
    assert [e["type"] for e in failed.events if e["type"] == "error"] == []
    completed(fine)


def test_a_request_the_upstream_refuses_fails_with_its_code(
    live: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(Step(status=400, error_message="too long", error_code="context_length_exceeded"))
    t = target_of(live)
    [turn] = ws_session(t, [ws_create(t, input="a very long story")])
    assert turn.final is not None and turn.final["status"] == "failed"
    assert turn.final["error"] == {"code": "context_length_exceeded", "message": "too long"}


def test_a_failure_mid_stream_ends_with_response_failed_and_evicts_what_it_continued(
    live: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(Step(text=UI), Step(text=UI, reset_after=16))
    t = target_of(live)

    def continue_first(input: str) -> Callable[[list[Turn]], dict[str, Any]]:
        return lambda turns: ws_create(t, store=False, previous_response_id=turns[0].final["id"], input=input)  # type: ignore[index]

    first, failed, retry = ws_session(
        t, [ws_create(t, store=False, input="one"), continue_first("two"), continue_first("two again")]
    )
    completed(first)
    assert failed.final is not None and failed.final["status"] == "failed"
    assert failed.final["error"]["code"]
    types = [event["type"] for event in failed.events]
    assert "error" not in types and types[-1] == "response.failed" and "response.output_text.delta" in types
    assert retry.error_code == "previous_response_not_found"


def test_rate_limits_apply_to_each_turn(make_server: Callable[..., LiveServer]) -> None:
    server = make_server(requests_per_minute=1)
    t = target_of(server)
    first, limited = ws_session(t, [ws_create(t, input="one"), ws_create(t, input="two")])
    usage = completed(first)["usage"]
    assert usage["input_tokens"] == 12 and usage["output_tokens"] == 34  # the upstream's own counts
    assert limited.envelope is not None and limited.envelope["status"] == 429


def test_turns_sent_back_to_back_are_served_in_order(
    live: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(Step(text=UI, chunk_delay=0.02), Step(text=UI))
    t = target_of(live)
    with connect(t.ws_url, additional_headers=t.headers) as ws:
        for word in ("first", "second"):
            ws.send(json.dumps(ws_create(t, store=False, input=word)))
        turns = [read_turn(ws, Turn({})) for _ in range(2)]
    assert [texts(r["messages"])[-1][1] for r in scripted_upstream.requests] == ["first", "second"]
    first, second = (completed(turn) for turn in turns)
    assert first["id"] != second["id"]


def test_hanging_up_mid_turn_cancels_the_model_call_and_leaves_the_response_incomplete(
    live: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(
        Step(text=UI, chunks=[UI[i : i + 4] for i in range(0, len(UI), 4)], chunk_delay=0.05)
    )
    t = target_of(live)
    with connect(t.ws_url, additional_headers=t.headers) as ws:
        ws.send(json.dumps(ws_create(t, input="Show revenue")))
        created = json.loads(ws.recv(timeout=10))
        while json.loads(ws.recv(timeout=10))["type"] != "response.output_text.delta":
            pass
    response_id = created["response"]["id"]
    client = embed_client(live)
    deadline = time.monotonic() + 10
    while client.responses.retrieve(response_id).status == "in_progress" and time.monotonic() < deadline:
        time.sleep(0.05)
    stored = client.responses.with_raw_response.retrieve(response_id).http_response.json()
    check_resource(stored)
    assert stored["status"] == "incomplete"
    while scripted_upstream.abandoned_streams == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert scripted_upstream.abandoned_streams == 1


def test_the_openai_sdk_websocket_client_runs_a_chain(
    live: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    client = OpenAI(base_url=live.embed_url, api_key=live.key, max_retries=0)

    def until_done(connection: Any) -> Any:
        for event in connection:
            if event.type in ("response.completed", "response.failed", "error"):
                return event
        raise AssertionError("the connection closed mid-turn")

    with client.responses.connect() as connection:
        connection.response.create(model=FAKE_MODEL, input="Remember the code word: cobalt.", store=False)
        first = until_done(connection).response
        connection.response.create(
            model=FAKE_MODEL, input="What is the code word?", store=False, previous_response_id=first.id
        )
        second = until_done(connection).response
        connection.response.create(
            model=FAKE_MODEL, input="again", store=False, previous_response_id=first.id
        )
        missing = until_done(connection)
    assert first.status == second.status == "completed" and second.previous_response_id == first.id
    assert texts(scripted_upstream.requests[1]["messages"])[0] == ("user", "Remember the code word: cobalt.")
    assert missing.type == "error" and missing.error.code == "previous_response_not_found"


def test_no_auth_mode_serves_its_own_machine_and_refuses_other_web_origins(
    make_server: Callable[..., LiveServer],
) -> None:
    server = make_server(no_auth=True)
    url = target_of(server).ws_url
    with connect(url) as ws:  # no key: this machine, no web origin
        ws.send(json.dumps(ws_create(target_of(server), input="hello")))
        completed(read_turn(ws, Turn({})))
    # a web page elsewhere may open a WebSocket to localhost: the upgrade is refused like its HTTP requests
    with pytest.raises(InvalidStatus) as refused:
        connect(url, origin="https://attacker.example", open_timeout=10)  # type: ignore[arg-type]
    assert refused.value.response.status_code == 403
    assert json.loads(refused.value.response.body or b"{}")["error"]["code"] == "origin_not_allowed"
