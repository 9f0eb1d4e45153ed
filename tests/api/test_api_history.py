"""Stored history is bounded: a conversation holds at most `max_conversation_items` (400 beyond), and what
goes upstream from a conversation or a `previous_response_id` chain is the newest items within half the
model's context window. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from fakes.upstream import ScriptedUpstream
from genui.config import ModelConfig
from genui.service.history import newest_within
from store.dbfixtures import pg_url
from support import FAKE_MODEL, LiveServer

__all__ = ["pg_url"]


@pytest.fixture(params=["sqlite", "postgres"])
def small(request: pytest.FixtureRequest, make_server: Callable[..., LiveServer]) -> Iterator[LiveServer]:
    """A server whose conversations hold 6 items and whose model has a 1,024-token context."""
    overrides: dict[str, Any] = {
        "max_conversation_items": 6,
        "models": [
            ModelConfig(name=FAKE_MODEL, provider="fake", upstream_model="fake-model", context_tokens=1024)
        ],
    }
    if request.param == "postgres":
        overrides["database_url"] = request.getfixturevalue("pg_url")
    yield make_server(**overrides)


def _user(text: str) -> dict[str, Any]:
    return {"type": "message", "role": "user", "content": text}


def _http(server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"authorization": f"Bearer {server.key}"}, timeout=30)


def test_a_conversation_is_capped(small: LiveServer) -> None:
    http = _http(small)
    conv = http.post("/v1/conversations", json={"items": [_user(str(i)) for i in range(4)]}).json()["id"]
    assert http.post(f"/v1/conversations/{conv}/items", json={"items": [_user("4")]}).status_code == 200
    full = http.post(f"/v1/conversations/{conv}/items", json={"items": [_user("5"), _user("6")]})
    assert full.status_code == 400 and full.json()["error"]["code"] == "conversation_full"
    assert full.json()["error"]["param"] == "items"
    # A turn needs room for its input and an answer: 5 + 1 + 1 > 6.
    turn = http.post("/v1/embed/responses", json={"model": FAKE_MODEL, "input": "more", "conversation": conv})
    assert turn.status_code == 400 and turn.json()["error"]["param"] == "conversation"
    assert len(http.get(f"/v1/conversations/{conv}/items", params={"limit": 100}).json()["data"]) == 5
    too_many = http.post("/v1/conversations", json={"items": [_user(str(i)) for i in range(7)]})
    assert too_many.status_code == 400 and too_many.json()["error"]["code"] == "conversation_full"


def test_only_the_newest_history_within_the_budget_goes_upstream(
    small: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    http = _http(small)
    paragraphs = [f"turn {i}: " + "word " * 150 for i in range(4)]  # ~760 characters, ~190 tokens each
    conv = http.post("/v1/conversations", json={"items": [_user(p) for p in paragraphs]}).json()["id"]
    answer = http.post(
        "/v1/embed/responses", json={"model": FAKE_MODEL, "input": "now", "conversation": conv}
    )
    assert answer.status_code == 200, answer.text
    sent = [m["content"] for m in scripted_upstream.requests[-1]["messages"] if m["role"] == "user"]
    # 512 tokens of history (half of 1,024) hold the two newest paragraphs; the turn's own input follows.
    assert [s.split(":")[0] for s in sent] == ["turn 2", "turn 3", "now"]
    # The stored conversation keeps everything.
    stored = http.get(f"/v1/conversations/{conv}/items", params={"limit": 100, "order": "asc"}).json()["data"]
    assert len(stored) == 6 and stored[0]["content"][0]["text"].startswith("turn 0")


def test_a_cut_never_starts_with_an_orphaned_tool_result() -> None:
    call = {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}" + " " * 400}
    result = {"type": "function_call_output", "call_id": "c1", "output": "ok"}
    items = [_user("old"), call, result, _user("new")]
    budget_tokens = 40  # room for the result and the last message, not for the call
    assert newest_within(items, budget_tokens) == [_user("new")]
    assert newest_within(items, 10_000) == items
    assert newest_within([], 100) == []
