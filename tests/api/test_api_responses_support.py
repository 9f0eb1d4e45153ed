"""Helpers (no tests) for the Responses/Conversations API tests: servers on both backends, the spec oracle."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import openresponses_types as ort
import pytest
from openai import OpenAI
from pydantic import BaseModel

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

RESOURCE_KEYS = set(ort.ResponseResource.model_fields)


def _event_type(model: type[BaseModel]) -> str:
    [member] = list(model.model_fields["type"].annotation)  # type: ignore[arg-type]
    return str(member.value)


# The spec's closed union of streaming events (24), by their `type`.
EVENT_MODELS: dict[str, type[BaseModel]] = {
    _event_type(model): model
    for model in (getattr(ort, name) for name in dir(ort) if name.endswith("StreamingEvent"))
}
assert len(EVENT_MODELS) == 24 and "response.completed" in EVENT_MODELS


def check_resource(body: dict[str, Any]) -> ort.ResponseResource:
    """Every one of the 31 keys, validated by the spec's pydantic model."""
    assert len(RESOURCE_KEYS) == 31
    assert set(body) >= RESOURCE_KEYS, RESOURCE_KEYS - set(body)
    resource = ort.ResponseResource.model_validate(body)
    usage = body["usage"]
    if usage is not None:
        assert "cached_tokens" in usage["input_tokens_details"]
        assert "reasoning_tokens" in usage["output_tokens_details"]
    for item in body["output"]:
        for part in item.get("content") or []:
            if part["type"] == "output_text":
                assert part["annotations"] == [] and part["logprobs"] == []
    return resource


def read_sse(response: httpx.Response) -> list[dict[str, Any]]:
    """Parse a Responses stream strictly: `event:` is `data.type`, sequence numbers 0..N, ends in [DONE].
    Comment frames (`: keep-alive` while a model is slow) are skipped, as every SSE client does."""
    raw = response.read().decode()
    assert "\r" not in raw
    frames = [f for f in raw.split("\n\n") if f and f != ": keep-alive"]
    assert frames[-1] == "data: [DONE]"
    events: list[dict[str, Any]] = []
    for frame in frames[:-1]:
        lines = frame.split("\n")
        assert len(lines) == 2 and lines[0].startswith("event: ") and lines[1].startswith("data: "), frame
        event = json.loads(lines[1][len("data: ") :])
        assert lines[0][len("event: ") :] == event["type"]
        EVENT_MODELS[event["type"]].model_validate(event)
        if "response" in event:
            check_resource(event["response"])
        events.append(event)
    assert [e["sequence_number"] for e in events] == list(range(len(events)))
    return events


def stream_raw(server: LiveServer, body: dict[str, Any], key: str | None = None) -> list[dict[str, Any]]:
    with httpx.stream(
        "POST",
        server.embed_url + "/responses",
        json={"model": FAKE_MODEL, "stream": True, **body},
        headers={"authorization": f"Bearer {key or server.key}"},
        timeout=30,
    ) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        return read_sse(response)


def embed_client(server: LiveServer, key: str | None = None) -> OpenAI:
    return OpenAI(base_url=server.embed_url, api_key=key or server.key, max_retries=0, timeout=30)


def root_client(server: LiveServer, key: str | None = None) -> OpenAI:
    return OpenAI(base_url=server.url + "/v1", api_key=key or server.key, max_retries=0, timeout=30)


def raw_create(client: OpenAI, **kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = client.responses.with_raw_response.create(
        model=FAKE_MODEL, **kw
    ).http_response.json()
    return body


@pytest.fixture(params=["sqlite", "postgres"])
def live(request: pytest.FixtureRequest, make_server: Callable[..., LiveServer]) -> Iterator[LiveServer]:
    """A real genui server on the scripted upstream, storing in SQLite or in the real PostgreSQL."""
    if request.param == "postgres":
        yield make_server(database_url=request.getfixturevalue("pg_url"))
    else:
        yield make_server()
