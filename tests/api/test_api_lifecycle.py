"""What the app wires in for crashes and stops, through a real server on loopback: the drain's terminal
events, metering of streams cut short, checkpoints of a streaming response, the lease, the usage journal."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import select

from fakes.upstream import ScriptedUpstream, Step
from genui.api.app import create_app
from genui.api.deps import AppState
from genui.config import Settings
from genui.store import Database, KeyRepository, ResponseRepository, UsageRepository, UsageTotals
from genui.store.tables import Response, Worker
from store.dbfixtures import pg_url
from support import FAKE_MODEL, AppServerThread, create_key, upstream_settings

__all__ = ["pg_url"]
# An answer that renders progressively (one paragraph after another), sent 8 characters a chunk.
PARAGRAPHS = [
    {"component": "TextContent", "props": {"textMarkdown": f"Paragraph {n} of the answer."}}
    for n in range(12)
]
UI = json.dumps({"component": "Card", "props": {"children": PARAGRAPHS}})
SLOW = [UI[i : i + 8] for i in range(0, len(UI), 8)]
HALF = len(SLOW) // 2


@dataclass
class Served:
    url: str
    key: str
    settings: Settings
    state: AppState

    def run(self, work: Callable[[AppState], Any]) -> None:
        """Call `work(state)` on the server's event loop (from the test's thread)."""
        self.state.drain.loop.call_soon_threadsafe(work, self.state)

    def query(self, coro: Callable[[Database], Any]) -> Any:
        async def go() -> Any:
            db = Database(self.settings.resolved_database_url)
            try:
                return await coro(db)
            finally:
                await db.dispose()

        return asyncio.run(go())

    def usage(self, min_requests: int = 1, timeout: float = 10) -> UsageTotals:
        """The org's usage totals once `min_requests` calls are stored (the recorder writes every second)."""
        org = self.query(lambda db: KeyRepository(db).verify(self.key)).org_id
        deadline = time.monotonic() + timeout
        while True:
            totals: UsageTotals = self.query(lambda db: UsageRepository(db).totals(org))
            if totals.requests >= min_requests or time.monotonic() > deadline:
                return totals
            time.sleep(0.1)


def _state(app: Any) -> AppState:
    while not hasattr(getattr(app, "state", None), "genui"):
        app = app.app
    state: AppState = app.state.genui
    return state


@pytest.fixture
def serve(tmp_path: Path, scripted_upstream: ScriptedUpstream) -> Iterator[Callable[..., Served]]:
    threads: list[AppServerThread] = []

    def start(**overrides: Any) -> Served:
        settings = upstream_settings(tmp_path / f"data{len(threads)}", scripted_upstream, **overrides)
        key = create_key(settings)
        app = create_app(settings)
        thread = AppServerThread(app)
        threads.append(thread)
        url = thread.__enter__()
        return Served(url, key, settings, _state(app))

    yield start
    for thread in reversed(threads):
        thread.__exit__(None, None, None)


def _post(served: Served, path: str, body: dict[str, Any]) -> Any:
    return httpx.stream(
        "POST",
        served.url + "/v1/embed" + path,
        json={"model": FAKE_MODEL, **body},
        headers={"authorization": f"Bearer {served.key}"},
        timeout=30,
    )


def _data(lines: list[str]) -> list[str]:
    return [line[6:] for line in lines if line.startswith("data: ")]


def test_a_drained_chat_stream_ends_with_an_error_frame_then_done_and_is_metered(
    serve: Callable[..., Served], scripted_upstream: ScriptedUpstream
) -> None:
    served = serve()
    scripted_upstream.push(Step(chunks=SLOW, stall_after=HALF))
    lines: list[str] = []
    with _post(
        served, "/chat/completions", {"messages": [{"role": "user", "content": "hi"}], "stream": True}
    ) as r:
        assert r.status_code == 200
        for line in r.iter_lines():
            lines.append(line)
            if line.startswith("data: ") and len(_data(lines)) == 3:  # the role frame, then two of content
                served.run(lambda state: state.drain.stop())
    data = _data(lines)
    assert data[-1] == "[DONE]"
    error = json.loads(data[-2])["error"]
    assert error["code"] == "server_shutting_down" and error["type"] == "server_error"
    assert all('"error"' not in d for d in data[:-2])
    totals = served.usage()
    assert totals.requests == 1 and totals.input_tokens > 0 and totals.output_tokens > 0


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_drained_responses_stream_ends_incomplete_and_is_stored_so(
    serve: Callable[..., Served],
    scripted_upstream: ScriptedUpstream,
    request: pytest.FixtureRequest,
    backend: str,
) -> None:
    overrides = {"database_url": request.getfixturevalue("pg_url")} if backend == "postgres" else {}
    served = serve(**overrides)
    scripted_upstream.push(Step(chunks=SLOW, stall_after=HALF))
    events: list[dict[str, Any]] = []
    with _post(served, "/responses", {"input": "hi", "stream": True}) as r:
        for line in r.iter_lines():
            if line.startswith("data: {"):
                events.append(json.loads(line[6:]))
                if [e["type"] for e in events].count("response.output_text.delta") == 2:
                    served.run(lambda state: state.drain.stop())
    last = events[-1]
    assert last["type"] == "response.incomplete"
    assert last["response"]["incomplete_details"] == {"reason": "server_shutting_down"}
    assert [e["sequence_number"] for e in events] == list(range(len(events)))
    response_id = last["response"]["id"]
    stored = httpx.get(
        f"{served.url}/v1/responses/{response_id}", headers={"authorization": f"Bearer {served.key}"}
    ).json()
    assert stored["status"] == "incomplete"
    assert stored["incomplete_details"] == {"reason": "server_shutting_down"}
    assert stored["output"] and stored["output"][0]["status"] == "incomplete"
    assert stored["output"][0]["content"][0]["text"].startswith('<content thesys="true">')
    assert served.usage().output_tokens > 0


def test_a_whole_answer_drained_while_the_model_is_silent_is_a_503(
    serve: Callable[..., Served], scripted_upstream: ScriptedUpstream
) -> None:
    served = serve()
    scripted_upstream.push(Step(text=UI, delay=30))
    answers: list[httpx.Response] = []

    def ask() -> None:
        answers.append(
            httpx.post(
                served.url + "/v1/embed/chat/completions",
                json={"model": FAKE_MODEL, "messages": [{"role": "user", "content": "hi"}]},
                headers={"authorization": f"Bearer {served.key}"},
                timeout=30,
            )
        )

    asker = threading.Thread(target=ask)
    asker.start()
    deadline = time.monotonic() + 10
    while not scripted_upstream.requests and time.monotonic() < deadline:
        time.sleep(0.02)
    served.run(lambda state: state.drain.stop())
    asker.join(10)
    assert answers and answers[0].status_code == 503
    assert answers[0].json()["error"]["code"] == "server_shutting_down"


@pytest.mark.parametrize("path", ["/chat/completions", "/responses"])
def test_a_stream_the_client_aborts_is_metered(
    serve: Callable[..., Served], scripted_upstream: ScriptedUpstream, path: str
) -> None:
    """Issue 16: 0 of 20 aborted streams were metered."""
    served = serve()
    scripted_upstream.push(Step(chunks=SLOW, chunk_delay=0.05))
    body: dict[str, Any] = {"stream": True}
    body |= (
        {"messages": [{"role": "user", "content": "x" * 400}]}
        if path == "/chat/completions"
        else {"input": "x" * 400}
    )
    with _post(served, path, body) as r:
        seen = 0
        for line in r.iter_lines():
            seen += "delta" in line or '"content":"' in line
            if seen >= 4:
                break  # the client hangs up mid-stream
    totals = served.usage()
    assert totals.requests == 1
    assert totals.input_tokens >= 100  # the admission estimate of 400 characters
    assert 0 < totals.output_tokens < len(UI) // 4  # what was generated until the abort, not the whole answer


def test_a_streaming_response_is_checkpointed_while_it_runs(
    serve: Callable[..., Served], scripted_upstream: ScriptedUpstream
) -> None:
    served = serve(checkpoint_seconds=0.1)
    scripted_upstream.push(Step(chunks=SLOW, chunk_delay=0.1))

    async def partial(db: Database, response_id: str) -> Any:
        async with db.sessionmaker() as session:
            return await session.scalar(select(Response.partial_output).where(Response.id == response_id))

    response_id = ""
    streamed = ""
    checkpoint = None
    with _post(served, "/responses", {"input": "hi", "stream": True}) as r:
        for line in r.iter_lines():
            if not line.startswith("data: {"):
                continue
            event = json.loads(line[6:])
            if event["type"] == "response.created":
                response_id = event["response"]["id"]
            elif event["type"] == "response.output_text.delta":
                streamed += event["delta"]
                if len(streamed) > 40 and checkpoint is None:
                    time.sleep(0.3)
                    checkpoint = served.query(lambda db, rid=response_id: partial(db, rid))
    assert checkpoint is not None, "no checkpoint while streaming"
    [item] = checkpoint
    assert item["type"] == "message" and item["status"] == "in_progress"
    text = item["content"][0]["text"]
    assert text and streamed.startswith(text)
    assert served.query(lambda db: partial(db, response_id)) is None  # cleared by the final write


def test_the_server_holds_a_lease_and_finishes_orphans_when_it_starts(
    serve: Callable[..., Served], tmp_path: Path, scripted_upstream: ScriptedUpstream
) -> None:
    settings = upstream_settings(tmp_path / "data0", scripted_upstream)
    key = create_key(settings)

    async def orphan(db: Database) -> tuple[str, str]:
        org = (await KeyRepository(db).verify(key)).org_id  # type: ignore[union-attr]
        resource = {"id": "resp_orphan", "object": "response", "created_at": int(time.time()) - 3600,
                    "status": "in_progress", "model": FAKE_MODEL, "output": [], "metadata": {}}  # fmt: skip
        await ResponseRepository(db, owner_id="wrk_gone").start(org, resource, [])
        return org, resource["id"]

    async def workers(db: Database) -> list[str]:
        async with db.sessionmaker() as session:
            return list((await session.scalars(select(Worker.id))).all())

    served = serve(lease_heartbeat_seconds=0.2, lease_ttl_seconds=1.0)
    org, response_id = served.query(orphan)
    deadline = time.monotonic() + 10
    while served.query(lambda db: ResponseRepository(db).status(response_id, org)) == "in_progress":
        assert time.monotonic() < deadline, "the orphan was not finished"
        time.sleep(0.1)
    assert served.query(lambda db: ResponseRepository(db).status(response_id, org)) == "incomplete"
    assert served.query(workers) == [served.state.keeper.worker_id]


def test_usage_journal_and_local_fallback_follow_the_settings(serve: Callable[..., Served]) -> None:
    journaled = serve(rate_limit_fallback_local=True, requests_per_minute=100)
    assert (journaled.settings.data_dir / "usage-journal").is_dir()
    assert journaled.state.recorder.journal_dir == journaled.settings.data_dir / "usage-journal"
    assert journaled.state.limiter.local is not None
    plain = serve(usage_journal=False)
    assert plain.state.recorder.journal_dir is None and plain.state.limiter.local is None


def test_the_lease_must_outlive_its_heartbeat(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="lease_ttl_seconds"):
        Settings(data_dir=tmp_path, lease_heartbeat_seconds=10, lease_ttl_seconds=10)
