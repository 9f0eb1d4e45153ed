"""POST /v1/responses/compact on a real server (both backends): the CompactResource, what a compaction item
restores for the model over HTTP, in conversations and after a stored chain, and the refusals."""

from __future__ import annotations

from typing import Any

import httpx
import openai
import openresponses_types as ort
import pytest
from test_api_responses_support import UI, embed_client, live, root_client

from fakes.upstream import ScriptedUpstream, Step
from genui.service.compaction_item import SUMMARY_HEADING
from store.dbfixtures import pg_url
from support import FAKE_MODEL, LiveServer

__all__ = ["live", "pg_url"]  # fixtures used by this module

CONVERSATION = [
    {"type": "message", "role": "user", "content": "Remember the code word: slate."},
    {"type": "message", "role": "assistant", "content": "OK."},
    {"type": "message", "role": "user", "content": "Compress this conversation."},
]


def compact(server: LiveServer, body: dict[str, Any], path: str = "/v1/responses/compact") -> httpx.Response:
    return httpx.post(
        server.url + path, json=body, headers={"authorization": f"Bearer {server.key}"}, timeout=30
    )


def compacted(server: LiveServer, **body: Any) -> dict[str, Any]:
    answer = compact(server, {"model": FAKE_MODEL, **body})
    assert answer.status_code == 200, answer.text
    resource: dict[str, Any] = answer.json()
    ort.CompactResource.model_validate(resource)
    return resource


def sent_messages(upstream: ScriptedUpstream) -> list[tuple[str, str]]:
    return [(m["role"], str(m["content"])) for m in upstream.requests[-1]["messages"][1:]]


def test_compaction_keeps_the_latest_turn_and_seals_the_rest(live: LiveServer) -> None:
    resource = compacted(live, input=CONVERSATION, prompt_cache_key="k1", instructions="be brief")
    assert resource["object"] == "response.compaction" and resource["id"].startswith("resp_")
    item, kept = resource["output"]
    assert item["type"] == "compaction" and item["id"].startswith("cmp_") and item["encrypted_content"]
    assert kept["role"] == "user" and kept["content"][0]["text"] == "Compress this conversation."
    usage = resource["usage"]
    assert usage["input_tokens"] > 0 and usage["output_tokens"] > 0
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]


def test_the_compacted_window_as_input_restores_the_history_for_the_model(
    live: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    window = compacted(live, input=CONVERSATION)["output"]
    scripted_upstream.push(Step(text=UI))
    answer = embed_client(live).responses.create(
        model=FAKE_MODEL, input=[*window, {"role": "user", "content": "Which code word?"}]
    )
    assert answer.status == "completed"
    sent = sent_messages(scripted_upstream)
    assert sent[0] == ("user", f"{SUMMARY_HEADING}\n\nuser: Remember the code word: slate.\nassistant: OK.")
    assert sent[1:] == [("user", "Compress this conversation."), ("user", "Which code word?")]
    # the stored input keeps the compaction item as it came
    listed = embed_client(live).responses.input_items.list(answer.id, order="asc")
    assert [i.type for i in listed] == ["compaction", "message", "message"]


def test_a_stored_chain_is_compacted_from_previous_response_id(
    live: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    client = embed_client(live)
    first = client.responses.create(model=FAKE_MODEL, input="Remember basalt.")
    second = client.responses.create(model=FAKE_MODEL, previous_response_id=first.id, input="And granite.")
    resource = compacted(live, previous_response_id=second.id, input="Now compact.")
    item, kept = resource["output"]
    assert kept["content"][0]["text"] == "Now compact."
    client.responses.create(model=FAKE_MODEL, input=[item, kept])
    summary = sent_messages(scripted_upstream)[0][1]
    lines = summary.removeprefix(SUMMARY_HEADING + "\n\n").splitlines()
    assert [line.split(":")[0] for line in lines] == ["user", "assistant", "user", "assistant"]
    assert lines[0] == "user: Remember basalt." and lines[2] == "user: And granite."


def test_a_compaction_item_can_live_in_a_conversation(
    live: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    window = compacted(live, input=CONVERSATION)["output"]
    conversation = root_client(live).conversations.create(items=window)  # type: ignore[arg-type]
    embed_client(live).responses.create(model=FAKE_MODEL, input="Which word?", conversation=conversation.id)
    assert sent_messages(scripted_upstream)[0][1].startswith(SUMMARY_HEADING)


def test_the_embed_path_answers_too(live: LiveServer) -> None:
    answer = compact(live, {"model": FAKE_MODEL, "input": "hello"}, path="/v1/embed/responses/compact")
    assert answer.status_code == 200 and answer.json()["output"][0]["type"] == "compaction"


@pytest.mark.parametrize(
    ("body", "status", "param", "code"),
    [
        ({"input": "x"}, 400, "model", "invalid_value"),
        ({"model": "c1/nope/none/v-20260101", "input": "x"}, 400, "model", "model_not_found"),
        ({"model": FAKE_MODEL}, 400, "input", "missing_required_parameter"),
        (
            {"model": FAKE_MODEL, "input": "x", "prompt_cache_key": "k" * 65},
            400,
            "prompt_cache_key",
            "invalid_value",
        ),
        ({"model": FAKE_MODEL, "input": [{"type": "reasoning"}]}, 400, "input[0].type", "invalid_value"),
        (
            {"model": FAKE_MODEL, "input": [{"type": "compaction", "encrypted_content": "forged"}]},
            400,
            "input[0].encrypted_content",
            "invalid_encrypted_content",
        ),
        ({"model": FAKE_MODEL, "previous_response_id": "resp_nope"}, 404, "previous_response_id", None),
    ],
)
def test_refusals_are_openai_errors(
    live: LiveServer, body: dict[str, Any], status: int, param: str, code: str | None
) -> None:
    answer = compact(live, body)
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["param"] == param and error["code"] == (code or "previous_response_not_found")


def test_a_forged_compaction_item_is_refused_by_responses_too(live: LiveServer) -> None:
    window = compacted(live, input=CONVERSATION)["output"]
    forged = {**window[0], "encrypted_content": window[0]["encrypted_content"][:-2] + "AA"}
    with pytest.raises(openai.BadRequestError) as refused:
        embed_client(live).responses.create(model=FAKE_MODEL, input=[forged])
    assert refused.value.body["param"] == "input[0].encrypted_content"  # type: ignore[index]


def test_compaction_is_rate_limited_like_any_request(make_server: Any) -> None:
    server = make_server(requests_per_minute=1)
    assert compact(server, {"model": FAKE_MODEL, "input": "one"}).status_code == 200
    limited = compact(server, {"model": FAKE_MODEL, "input": "two"})
    assert limited.status_code == 429 and limited.json()["error"]["type"] == "rate_limit_error"


def test_an_unanswered_tool_output_is_a_400_over_http(live: LiveServer) -> None:
    with pytest.raises(openai.BadRequestError) as refused:
        embed_client(live).responses.create(
            model=FAKE_MODEL, input=[{"type": "function_call_output", "call_id": "call_x", "output": "1"}]
        )
    assert refused.value.body["param"] == "input[0].call_id"  # type: ignore[index]
    assert "call_x" in refused.value.body["message"]  # type: ignore[index]
