"""@with_c1_response() on a real FastAPI app served by uvicorn: streaming, parameters, errors, disconnects."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel

from genui.sdk.context import get_assistant_message, write_content, write_custom_markdown, write_think_item
from genui.sdk.fast_api import with_c1_response
from genui.ui import c1
from genui.ui.c1 import parse_c1
from support import AppServerThread

CONTENT = c1.write_content({"component": "Card", "props": {"children": []}})


class Ask(BaseModel):
    question: str


class Probe:
    """Thread-safe signals between the test (client thread) and the handlers (server thread)."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.cancelled = threading.Event()
        self.stored: list[str] = []
        self.events: list[str] = []


def make_app(probe: Probe) -> FastAPI:
    app = FastAPI()

    @app.post("/ask/{thread_id}")
    @with_c1_response()
    async def ask(thread_id: str, body: Ask) -> None:
        await write_think_item("Thinking", f"{thread_id}: {body.question}")
        for piece in (CONTENT[:10], CONTENT[10:]):
            await write_content(piece)
        probe.stored.append(get_assistant_message()["content"])

    @app.post("/slow")
    @with_c1_response()
    async def slow() -> None:
        await write_think_item("Waiting", "for the gate")
        await asyncio.to_thread(probe.gate.wait, 10)
        await write_content(CONTENT)

    @app.post("/missing")
    @with_c1_response()
    async def missing() -> None:
        raise HTTPException(status_code=404, detail="no such thread")

    @app.post("/broken")
    @with_c1_response()
    async def broken() -> None:
        await write_content(CONTENT[:10])
        raise RuntimeError("the handler failed mid-stream")

    @app.post("/endless")
    @with_c1_response()
    async def endless() -> None:
        await write_custom_markdown("tick")
        try:
            while True:
                await asyncio.sleep(0.02)
        except asyncio.CancelledError:
            probe.cancelled.set()
            raise

    async def session() -> AsyncIterator[str]:
        probe.events.append("session opened")
        yield "session"
        probe.events.append("session closed")

    @app.post("/with-session")
    @with_c1_response()
    async def with_session(db: str = Depends(session)) -> None:
        await write_content(CONTENT[:10])
        await asyncio.sleep(0.05)
        probe.events.append(f"{db} used after the first write")
        await write_content(CONTENT[10:])

    @app.post("/silent")
    @with_c1_response()
    async def silent() -> None:
        return None

    return app


@pytest.fixture(scope="module")
def probe() -> Probe:
    return Probe()


@pytest.fixture(scope="module")
def base_url(probe: Probe) -> Iterator[str]:
    with AppServerThread(make_app(probe)) as url:
        yield url


def test_the_route_streams_the_c1_response_as_text_event_stream(base_url: str, probe: Probe) -> None:
    reply = httpx.post(f"{base_url}/ask/t1", json={"question": "Why <b>?"}, timeout=10)

    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/event-stream")
    assert reply.headers["x-accel-buffering"] == "no"
    message = parse_c1(reply.text)
    (think,) = message.think_items
    assert think.data == {"title": "Thinking", "content": "t1: Why <b>?"}  # path and body parameters arrive
    assert message.content == {"component": {"component": "Card", "props": {"children": []}}, "error": None}
    assert probe.stored[-1] == CONTENT  # what the handler stores: the ephemeral think item is not in it


def test_pieces_reach_the_client_while_the_handler_still_runs(base_url: str, probe: Probe) -> None:
    with httpx.Client(timeout=10) as client, client.stream("POST", f"{base_url}/slow") as reply:
        chunks = reply.iter_text()
        first = next(chunks)
        assert "<thinkitem" in first and not probe.gate.is_set()
        probe.gate.set()
        rest = "".join(chunks)
    assert parse_c1(first + rest).content is not None


def test_an_error_before_the_first_write_is_an_ordinary_http_error(base_url: str) -> None:
    reply = httpx.post(f"{base_url}/missing", timeout=10)
    assert reply.status_code == 404
    assert reply.json() == {"detail": "no such thread"}


def test_an_error_after_the_first_write_breaks_the_stream_off(base_url: str) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.post(f"{base_url}/broken", timeout=10)


def test_a_client_that_hangs_up_cancels_the_handler(base_url: str, probe: Probe) -> None:
    with httpx.Client(timeout=10) as client, client.stream("POST", f"{base_url}/endless") as reply:
        assert "tick" in next(reply.iter_text())
    assert probe.cancelled.wait(5)


def test_a_yield_dependency_stays_open_until_the_handler_is_done(base_url: str, probe: Probe) -> None:
    reply = httpx.post(f"{base_url}/with-session", timeout=10)
    assert reply.text == CONTENT
    deadline = time.monotonic() + 5
    while len(probe.events) < 3 and time.monotonic() < deadline:  # it closes just after the last byte
        time.sleep(0.01)
    assert probe.events == ["session opened", "session used after the first write", "session closed"]


def test_a_handler_that_writes_nothing_gives_an_empty_body(base_url: str) -> None:
    reply = httpx.post(f"{base_url}/silent", timeout=10)
    assert reply.status_code == 200 and reply.text == ""


def test_fastapi_sees_the_handler_parameters(probe: Probe) -> None:
    operation = make_app(probe).openapi()["paths"]["/ask/{thread_id}"]["post"]
    assert [p["name"] for p in operation["parameters"]] == ["thread_id"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Ask"
    }
