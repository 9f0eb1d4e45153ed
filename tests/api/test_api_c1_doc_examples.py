"""Every call of the C1 docs' examples (the shared doc c1-doc-examples.md), made as the docs make them: the
real `openai` SDKs and curl-like raw HTTP, nothing changed but the base URL and the key. Python here (both
storage backends); the Node `openai` package in a slow test (tests/node/c1_examples.mjs)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import openai
import pytest
from openai import OpenAI
from test_api_responses_support import UI, live

from fakes.upstream import ScriptedUpstream, Step
from genui.ui.c1 import parse_c1
from store.dbfixtures import pg_url
from support import FAKE_MODEL, LiveServer, run_node

__all__ = ["live", "pg_url"]  # fixtures used by this module

POPULATION = "How did the population of the world grow from 1950 to 2020?"


def embed_client(server: LiveServer, key: str | None = None) -> OpenAI:
    """`OpenAI(base_url="HOST/v1/embed", api_key=KEY)`, as the docs build it."""
    return OpenAI(base_url=server.url + "/v1/embed", api_key=key or server.key)


def conv_client(server: LiveServer, key: str | None = None) -> OpenAI:
    """`OpenAI(base_url="HOST", api_key=KEY)`: the server root, no `/v1`."""
    return OpenAI(base_url=server.url, api_key=key or server.key)


def is_c1_response(text: str | None) -> bool:
    content = parse_c1(text or "").content
    return isinstance(content, dict) and content["component"]["component"] == "Card"


def sent_texts(upstream: ScriptedUpstream) -> list[str]:
    return [str(m["content"]) for m in upstream.requests[-1]["messages"][1:]]


def test_1_chat_completion(live: LiveServer) -> None:
    completion = embed_client(live).chat.completions.create(
        model=FAKE_MODEL, messages=[{"role": "user", "content": POPULATION}]
    )
    assert is_c1_response(completion.choices[0].message.content)


def test_2_response_prints(live: LiveServer) -> None:
    response = embed_client(live).responses.create(model=FAKE_MODEL, input=POPULATION)
    assert response.id in str(response) and is_c1_response(response.output_text)


def test_3_a_follow_up_continues_the_first_response(
    live: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    client = embed_client(live)
    response = client.responses.create(model=FAKE_MODEL, input="What is the capital of France?")
    client.responses.create(
        model=FAKE_MODEL, input="And what is its population?", previous_response_id=response.id
    )
    sent = sent_texts(scripted_upstream)
    assert sent[0] == "What is the capital of France?" and sent[-1] == "And what is its population?"
    assert len(sent) == 3  # the first answer in between


def test_4_conversations_at_the_server_root(live: LiveServer, scripted_upstream: ScriptedUpstream) -> None:
    conversations = conv_client(live).conversations
    conversation = conversations.create()
    for question in ("What is the capital of France?", "And what is its population?"):
        embed_client(live).responses.create(
            model=FAKE_MODEL, input=question, store=True, conversation={"id": conversation.id}
        )
    items = list(conversations.items.list(conversation.id, order="asc"))
    assert [item.role for item in items] == ["user", "assistant", "user", "assistant"]  # type: ignore[union-attr]
    assert sent_texts(scripted_upstream)[0] == "What is the capital of France?"
    # every sub-resource answers at the root too
    assert conversations.retrieve(conversation.id).id == conversation.id
    assert conversations.update(conversation.id, metadata={"topic": "France"}).metadata == {"topic": "France"}
    added = conversations.items.create(
        conversation.id, items=[{"type": "message", "role": "user", "content": "note"}]
    )
    [note] = added.data
    assert conversations.items.retrieve(note.id, conversation_id=conversation.id).id == note.id  # type: ignore[union-attr]
    conversations.items.delete(note.id, conversation_id=conversation.id)  # type: ignore[union-attr]
    assert len(list(conversations.items.list(conversation.id))) == 4
    assert conversations.delete(conversation.id).deleted
    with pytest.raises(openai.NotFoundError):
        conversations.retrieve(conversation.id)


def test_6_curl(live: LiveServer) -> None:
    answer = httpx.post(
        live.url + "/v1/embed/chat/completions",
        headers={"Authorization": f"Bearer {live.key}", "Content-Type": "application/json"},
        content=json.dumps(
            {"model": "c1-embed-latest", "messages": [{"role": "user", "content": "Hello, world!"}]}
        ),
        timeout=30,
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["object"] == "chat.completion" and body["choices"][0]["finish_reason"] == "stop"
    assert (
        body["usage"]["total_tokens"] == body["usage"]["prompt_tokens"] + body["usage"]["completion_tokens"]
    )


def test_7_the_integration_guides_history(live: LiveServer, scripted_upstream: ScriptedUpstream) -> None:
    client = embed_client(live)
    previous = (
        client.chat.completions.create(
            model=FAKE_MODEL, messages=[{"role": "user", "content": "Show revenue"}]
        )
        .choices[0]
        .message.content
    )
    history: list[Any] = [
        {"role": "system", "content": "You are a helpful analytics assistant."},
        {"role": "user", "content": "Show revenue"},
        {"role": "assistant", "content": previous},
        {"role": "user", "content": "Now by region"},
    ]
    scripted_upstream.push(Step(text=UI))
    assert is_c1_response(
        client.chat.completions.create(model=FAKE_MODEL, messages=history).choices[0].message.content
    )
    sent = sent_texts(scripted_upstream)
    assert sent[0] == "You are a helpful analytics assistant." and sent[-1] == "Now by region"
    assert "<content" not in sent[2] and "Hi from the scripted upstream." in sent[2]  # the UI, as text


def test_the_reference_pages_parameters(live: LiveServer) -> None:
    stream = embed_client(live).chat.completions.create(
        model=FAKE_MODEL,
        messages=[{"role": "user", "content": POPULATION}],
        temperature=0.5,
        top_p=0.9,
        n=1,
        stop=["END"],
        stream=True,
    )
    text = "".join(choice.delta.content or "" for chunk in stream for choice in chunk.choices)
    assert is_c1_response(text)


@pytest.mark.parametrize("make", [embed_client, conv_client])
def test_8_a_bad_key_is_403_invalid_api_key(live: LiveServer, make: Any) -> None:
    client = make(live, key="sk-not-a-real-key")
    calls = (
        [lambda: client.models.list()] if make is embed_client else [lambda: client.conversations.create()]
    )
    if make is embed_client:
        calls.append(lambda: client.responses.create(model=FAKE_MODEL, input=POPULATION))
        calls.append(
            lambda: client.chat.completions.create(
                model=FAKE_MODEL, messages=[{"role": "user", "content": "x"}]
            )
        )
    for call in calls:
        with pytest.raises(openai.PermissionDeniedError) as refused:
            call()
        assert refused.value.status_code == 403 and refused.value.code == "invalid_api_key"


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_5_the_same_calls_from_the_node_sdk(live: LiveServer, scripted_upstream: ScriptedUpstream) -> None:
    out = run_node("c1_examples.mjs", live.url, live.key, FAKE_MODEL)
    result = json.loads(out.strip().splitlines()[-1])
    assert is_c1_response(result["chat"]) and is_c1_response(result["response"])
    assert result["printed"] and result["followUpPrevious"] == result["firstId"]
    assert result["conversationRoles"] == ["user", "assistant", "user", "assistant"]
    assert result["badKey"] == {"status": 403, "code": "invalid_api_key"}
    assert sent_texts(scripted_upstream)[0] == "What is the capital of France?"
