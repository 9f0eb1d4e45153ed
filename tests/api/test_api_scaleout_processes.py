"""The scale-out recipe of docs/deploy.md, for real: three `genui serve` processes on one PostgreSQL and one
Redis behind nginx running deploy/nginx.conf, all on loopback. One process is killed (SIGKILL) under load."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from fakes.upstream import ScriptedUpstream, Step
from genui.config import Settings
from genui.store import Database, KeyRepository, ResponseRepository
from genui.store.tables import Response
from store.dbfixtures import create_pg_database, drop_pg_database
from support import FAKE_MODEL, create_key, free_port, write_config

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/11"  # a database number of its own; the org ids are fresh anyway
BUDGET = 60  # requests per minute per organization, shared by the three processes through Redis
LEASE_TTL = 3.0
PARAGRAPHS = [
    {"component": "TextContent", "props": {"textMarkdown": f"Paragraph {n} of the answer."}}
    for n in range(12)
]
UI = json.dumps({"component": "Card", "props": {"children": PARAGRAPHS}})
# Streams take about 2.5 s (50 chunks of 8 characters, 50 ms apart); whole answers come at once.
STREAMING = Step(chunks=[UI[i : i + 8] for i in range(0, len(UI), 8)], chunk_delay=0.05)


@dataclass
class Genui:
    port: int
    proc: subprocess.Popen[bytes]

    def alive(self) -> bool:
        return self.proc.poll() is None


@dataclass
class Topology:
    url: str  # nginx
    settings: Settings
    servers: list[Genui] = field(default_factory=list)


def _nginx_conf(ports: list[int], listen: int) -> str:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    for n, port in enumerate(ports, 1):
        conf = conf.replace(f"genui{n}:8000", f"127.0.0.1:{port}")
    conf = conf.replace("listen 8080;", f"listen 127.0.0.1:{listen};")
    # For the test only: which process served each answer.
    return conf.replace(
        "proxy_pass http://genui;", "proxy_pass http://genui;\n add_header X-Served-By $upstream_addr always;"
    )


def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert proc.poll() is None, "a process exited at start"
        time.sleep(0.1)
    raise AssertionError(f"{url} did not become ready")


@pytest.fixture
def topology(tmp_path: Path, scripted_upstream: ScriptedUpstream) -> Iterator[Topology]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    database_url = create_pg_database()
    extra = "\n".join(
        [
            f'database_url = "{database_url}"',
            f'rate_limit_storage = "{REDIS_URL}"',
            f"requests_per_minute = {BUDGET}",
            "lease_heartbeat_seconds = 0.5",
            f"lease_ttl_seconds = {LEASE_TTL}",
            "checkpoint_seconds = 0.2",
            "shutdown_grace_seconds = 2",
        ]
    )
    config = write_config(tmp_path / "genui.toml", scripted_upstream, tmp_path / "data0", extra=extra)
    settings = Settings(**tomllib.loads(config.read_text()))
    ports = [free_port() for _ in range(3)]
    listen = free_port()
    procs: list[Genui] = []
    (tmp_path / "nginx" / "logs").mkdir(parents=True)
    (tmp_path / "nginx" / "nginx.conf").write_text(_nginx_conf(ports, listen))
    edge: subprocess.Popen[bytes] | None = None
    try:
        for n, port in enumerate(ports, 1):
            log = (tmp_path / f"genui{n}.log").open("wb")
            env = {"GENUI_CONFIG": str(config), "GENUI_DATA_DIR": str(tmp_path / f"data{n}")}
            proc = subprocess.Popen(
                [sys.executable, "-m", "genui.cli", "serve", "--port", str(port)],
                stdout=log,
                stderr=log,
                env={**os.environ, **env},
            )
            procs.append(Genui(port, proc))
        for server in procs:
            _wait_ready(f"http://127.0.0.1:{server.port}", server.proc)
        prefix = tmp_path / "nginx"
        edge = subprocess.Popen(
            [nginx, "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf"), "-g",
             f"daemon off; user root; pid {prefix}/nginx.pid; error_log {prefix}/error.log;"],
        )  # fmt: skip
        _wait_ready(f"http://127.0.0.1:{listen}", procs[0].proc)
        yield Topology(f"http://127.0.0.1:{listen}", settings, procs)
    finally:
        if edge is not None:
            edge.terminate()
            edge.wait(10)
        for server in procs:
            if server.alive():
                server.proc.terminate()
        for server in procs:
            try:
                server.proc.wait(15)
            except subprocess.TimeoutExpired:
                server.proc.kill()
        drop_pg_database(database_url)


@dataclass
class Outcome:
    kind: str  # complete | refused | error | cut | hung
    status: int | None
    started: float
    served_by: str = ""


async def _one(client: httpx.AsyncClient, key: str, n: int) -> Outcome:
    """One request of the load: a streamed chat, a streamed (stored) response, or a whole chat answer."""
    started = time.monotonic()
    auth = {"authorization": f"Bearer {key}"}
    kind = n % 3
    try:
        if kind == 2:
            r = await client.post(
                "/v1/embed/chat/completions",
                json={"model": FAKE_MODEL, "messages": [{"role": "user", "content": f"hi {n}"}]},
                headers=auth,
            )
            return _judge_whole(r, started)
        path, body = (
            ("/v1/embed/chat/completions", {"messages": [{"role": "user", "content": f"hi {n}"}]})
            if kind == 0
            else ("/v1/embed/responses", {"input": f"hi {n}"})
        )
        async with client.stream(
            "POST", path, json={"model": FAKE_MODEL, "stream": True, **body}, headers=auth
        ) as r:
            if r.status_code != 200:
                await r.aread()
                return _judge_whole(r, started)
            data = [line[6:] async for line in r.aiter_lines() if line.startswith("data: ")]
        terminal = '"finish_reason":"stop"' if kind == 0 else '"type":"response.completed"'
        ok = data[-1:] == ["[DONE]"] and terminal in data[-2]
        return Outcome("complete" if ok else "error", 200, started, r.headers.get("x-served-by", ""))
    except httpx.TimeoutException:
        return Outcome("hung", None, started)
    except (httpx.RemoteProtocolError, httpx.ReadError):
        return Outcome("cut", 200, started)  # a stream whose process died: the connection is closed at once


def _judge_whole(r: httpx.Response, started: float) -> Outcome:
    if r.status_code == 200:
        return Outcome("complete", 200, started, r.headers.get("x-served-by", ""))
    error = r.json()["error"]  # every refusal and failure is an OpenAI-format error, nginx's included
    assert error["code"], error
    return Outcome("refused" if r.status_code == 429 else "error", r.status_code, started)


async def _load(url: str, key: str, stop: threading.Event, results: list[Outcome]) -> None:
    """Eight clients in a loop until `stop`, at most 50 requests (within the budget); every request bounded by
    a 20 s timeout."""
    counter = iter(range(50))
    async with httpx.AsyncClient(base_url=url, timeout=20, limits=httpx.Limits(max_connections=8)) as client:

        async def worker() -> None:
            for n in counter:
                if stop.is_set():
                    return
                results.append(await _one(client, key, n))
                await asyncio.sleep(0.5)

        await asyncio.gather(*(worker() for _ in range(8)))


async def _burst(url: str, key: str, requests: int = 100) -> list[Outcome]:
    """Whole answers from 20 clients at once, more than the budget."""
    async with httpx.AsyncClient(base_url=url, timeout=20, limits=httpx.Limits(max_connections=20)) as client:
        gate = asyncio.Semaphore(20)

        async def one(n: int) -> Outcome:
            async with gate:
                return await _one(client, key, 3 * n + 2)

        return await asyncio.gather(*(one(n) for n in range(requests)))


async def _in_progress(settings: Settings) -> int:
    db = Database(settings.resolved_database_url)
    try:
        async with db.sessionmaker() as session:
            count = await session.scalar(select(func.count()).where(Response.status == "in_progress"))
            return int(count or 0)
    finally:
        await db.dispose()


async def _stored(settings: Settings, response_id: str, org: str) -> dict[str, Any] | None:
    db = Database(settings.resolved_database_url)
    try:
        return await ResponseRepository(db).get(response_id, org)
    finally:
        await db.dispose()


@pytest.mark.slow
def test_three_processes_behind_nginx_survive_a_sigkill_under_load(
    topology: Topology, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.default = STREAMING
    load_key = create_key(topology.settings, "load", org="load")
    chain_key = create_key(topology.settings, "chain", org="chain")
    chain = httpx.Client(base_url=topology.url, headers={"authorization": f"Bearer {chain_key}"}, timeout=20)

    def respond(**body: Any) -> dict[str, Any]:
        r = chain.post("/v1/embed/responses", json={"model": FAKE_MODEL, **body})
        assert r.status_code == 200, r.text
        answer: dict[str, Any] = r.json()
        assert answer["status"] == "completed" and answer["output"]
        return answer

    first = respond(input="one")
    second = respond(input="two", previous_response_id=first["id"])

    results: list[Outcome] = []
    stop = threading.Event()
    load = threading.Thread(target=lambda: asyncio.run(_load(topology.url, load_key, stop, results)))
    load.start()
    # The global rate limit holds: never more admitted than the budget, across the three processes.
    burst = asyncio.run(_burst(topology.url, create_key(topology.settings, "burst", org="burst")))
    admitted = [o for o in burst if o.status == 200]
    assert len(admitted) == BUDGET and all(o.kind == "refused" for o in burst if o.status != 200)
    assert len({o.served_by for o in admitted}) == 3  # each process admitted part of the one budget
    # A stored, streamed third turn of the chain: its process is the one killed, half-way through.
    victim_stream: dict[str, Any] = {"deltas": 0, "error": None}
    with chain.stream(
        "POST",
        "/v1/embed/responses",
        json={"model": FAKE_MODEL, "input": "three", "stream": True, "previous_response_id": second["id"]},
    ) as r:
        assert r.status_code == 200
        victim_port = int(r.headers["x-served-by"].rsplit(":", 1)[1])
        victim = next(s for s in topology.servers if s.port == victim_port)
        lines = r.iter_lines()
        try:
            for line in lines:
                if line.startswith("data: {"):
                    event = json.loads(line[6:])
                    if event["type"] == "response.created":
                        third_id = event["response"]["id"]
                    victim_stream["deltas"] += event["type"] == "response.output_text.delta"
                    if victim_stream["deltas"] == 12:  # about a second in: checkpoints were written
                        killed_at = time.monotonic()
                        victim.proc.send_signal(signal.SIGKILL)
            raise AssertionError("the stream of the killed process ended normally")
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            victim_stream["error"] = exc
    cut_after = time.monotonic() - killed_at
    assert cut_after < 5, f"the client of the killed process waited {cut_after:.1f}s"
    assert victim.proc.wait(5) == -signal.SIGKILL
    # The load goes on against the two others: 4 s, and on a busy machine until a request begun after the kill
    # completed (at most 30 s more).
    time.sleep(4)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(
        o.started > killed_at and o.kind == "complete" for o in list(results)
    ):
        time.sleep(0.2)
    stop.set()
    load.join(60)
    assert not load.is_alive()

    # Clients got complete answers or clean errors; no connection hung.
    kinds = Counter(outcome.kind for outcome in results)
    assert kinds["hung"] == 0, kinds
    assert set(kinds) <= {"complete", "refused", "error", "cut"}, kinds
    after = [o for o in results if o.started > killed_at and o.kind == "complete"]
    assert after, f"nothing completed after the kill: {kinds}"
    assert all(o.served_by != f"127.0.0.1:{victim_port}" for o in after)

    # Stored chains continue on the others: from the last completed turn at once ...
    fourth = respond(input="four", previous_response_id=second["id"])
    assert fourth["previous_response_id"] == second["id"]
    # ... and, once the lease of the dead process expired, the interrupted turn is finished by a live process.
    deadline = time.monotonic() + LEASE_TTL * 2 + 10
    while asyncio.run(_in_progress(topology.settings)) and time.monotonic() < deadline:
        time.sleep(0.25)
    assert asyncio.run(_in_progress(topology.settings)) == 0  # nothing stays in_progress, anywhere
    org = asyncio.run(_org_of(topology.settings, chain_key))
    third = asyncio.run(_stored(topology.settings, third_id, org))
    assert third is not None and third["status"] == "incomplete", third
    assert third["incomplete_details"] == {"reason": "interrupted"}
    assert third["output"] and third["output"][0]["content"][0]["text"]  # the checkpointed text
    fifth = respond(input="five", previous_response_id=third_id)
    assert fifth["previous_response_id"] == third_id


async def _org_of(settings: Settings, key: str) -> str:
    db = Database(settings.resolved_database_url)
    try:
        record = await KeyRepository(db).verify(key)
        assert record is not None
        return record.org_id
    finally:
        await db.dispose()
