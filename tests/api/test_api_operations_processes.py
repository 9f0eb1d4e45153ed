"""Real `genui serve` processes: SIGTERM mid-stream drains with terminal events; /metrics sums all workers."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from fakes.upstream import ScriptedUpstream, Step
from genui.config import Settings
from genui.store import Database, KeyRepository, UsageRepository
from genui.store.tables import Response
from support import FAKE_MODEL, ServeProcess, create_key, write_config

PARAGRAPHS = [
    {"component": "TextContent", "props": {"textMarkdown": f"Paragraph {n} of the answer."}}
    for n in range(12)
]
UI = json.dumps({"component": "Card", "props": {"children": PARAGRAPHS}})
SLOW = [UI[i : i + 8] for i in range(0, len(UI), 8)]


def _stream(
    url: str, key: str, path: str, body: dict[str, Any], out: list[str], started: threading.Event
) -> None:
    """Read an SSE stream to its end into `out` (data payloads); `started` once some content arrived."""
    with httpx.stream(
        "POST",
        url + "/v1/embed" + path,
        json={"model": FAKE_MODEL, "stream": True, **body},
        headers={"authorization": f"Bearer {key}"},
        timeout=30,
    ) as answer:
        for line in answer.iter_lines():
            if line.startswith("data: "):
                out.append(line[6:])
                if len(out) >= 2:
                    started.set()


async def _stored(settings: Settings, key: str) -> tuple[list[tuple[str, Any]], Any]:
    db = Database(settings.resolved_database_url)
    try:
        org = (await KeyRepository(db).verify(key)).org_id  # type: ignore[union-attr]
        async with db.sessionmaker() as session:
            rows = (await session.execute(Response.__table__.select().where(Response.org_id == org))).all()
        return [(row.status, row.resource.get("incomplete_details")) for row in rows], await UsageRepository(
            db
        ).totals(org)
    finally:
        await db.dispose()


@pytest.mark.slow
def test_sigterm_mid_stream_ends_every_stream_with_a_terminal_event_before_the_grace_ends(
    tmp_path: Path, scripted_upstream: ScriptedUpstream
) -> None:
    grace = 3.0
    config = write_config(
        tmp_path / "genui.toml",
        scripted_upstream,
        tmp_path / "data",
        extra=f"shutdown_grace_seconds = {grace}",
    )
    os.environ["GENUI_CONFIG"] = str(config)
    try:
        settings = Settings()
    finally:
        del os.environ["GENUI_CONFIG"]
    key = create_key(settings)
    # Both answers stall half-way: without the drain they would outlive any grace period.
    scripted_upstream.push(
        Step(chunks=SLOW, stall_after=len(SLOW) // 2), Step(chunks=SLOW, stall_after=len(SLOW) // 2)
    )
    server = ServeProcess("--config", str(config)).wait_ready()
    chat: list[str] = []
    responses: list[str] = []
    started = [threading.Event(), threading.Event()]
    readers = [
        threading.Thread(
            target=_stream,
            args=(
                server.url,
                key,
                "/chat/completions",
                {"messages": [{"role": "user", "content": "hi"}]},
                chat,
                started[0],
            ),
        ),
        threading.Thread(
            target=_stream, args=(server.url, key, "/responses", {"input": "hi"}, responses, started[1])
        ),
    ]
    for reader in readers:
        reader.start()
    try:
        assert all(event.wait(20) for event in started), (chat, responses)
        signalled = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        for reader in readers:
            reader.join(grace + 5)
        ended = time.monotonic() - signalled
        # uvicorn re-raises the signal once it has shut down: the process ends by SIGTERM, after its cleanup.
        assert server.proc.wait(grace + 10) in (0, -signal.SIGTERM)
    finally:
        server.stop()
    assert ended < grace, f"the streams ended {ended:.1f}s after SIGTERM, not before the {grace}s grace"
    # Chat: an error frame with the shutdown code, then [DONE].
    assert chat[-1] == "[DONE]"
    assert json.loads(chat[-2])["error"]["code"] == "server_shutting_down"
    # Responses: response.incomplete, the last event before [DONE].
    last = json.loads(responses[-2])
    assert responses[-1] == "[DONE]" and last["type"] == "response.incomplete"
    assert last["response"]["incomplete_details"] == {"reason": "server_shutting_down"}
    stored, usage = asyncio.run(_stored(settings, key))
    assert stored == [("incomplete", {"reason": "server_shutting_down"})]  # nothing left in_progress
    assert usage.requests == 2 and usage.output_tokens > 0  # both cut-short runs metered, nothing lost


def _sample(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


@pytest.mark.slow
def test_metrics_of_two_workers_are_summed_in_a_directory_of_this_start(
    tmp_path: Path, scripted_upstream: ScriptedUpstream
) -> None:
    config = write_config(tmp_path / "genui.toml", scripted_upstream, tmp_path / "data")
    os.environ["GENUI_CONFIG"] = str(config)
    try:
        key = create_key(Settings())
    finally:
        del os.environ["GENUI_CONFIG"]
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    server = ServeProcess(
        "--config", str(config), "--workers", "2", env={"TMPDIR": str(scratch)}
    ).wait_ready()
    try:
        [metrics_dir] = list(scratch.glob("genui-metrics-*"))
        calls = 24
        for _ in range(calls):  # a new connection each: the kernel spreads them over both workers' sockets
            answer = httpx.post(
                server.url + "/v1/embed/chat/completions",
                json={"model": FAKE_MODEL, "messages": [{"role": "user", "content": "hi"}]},
                headers={"authorization": f"Bearer {key}", "connection": "close"},
                timeout=30,
            )
            assert answer.status_code == 200
        route = {"route": "/v1/embed/chat/completions", "method": "POST", "status": "200"}
        # Whichever worker answers /metrics reports all the calls: with per-process metrics every one of these
        # scrapes could agree only if all 24 calls and all 10 scrapes had hit the same worker.
        for _ in range(10):
            text = httpx.get(server.url + "/metrics", headers={"connection": "close"}).text
            assert _sample(text, "genui_http_requests_total", **route) == calls
            assert _sample(text, "genui_tokens_total", model=FAKE_MODEL, direction="output") == 34 * calls
        pids = {path.name.rsplit("_", 1)[1] for path in metrics_dir.glob("*.db")}
        assert len(pids) == 2, pids  # both workers wrote metrics
    finally:
        server.stop()
    assert server.proc.returncode in (0, -signal.SIGTERM)
    assert not metrics_dir.exists()  # removed at the end of this server start
