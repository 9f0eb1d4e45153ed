"""The rate-limit storage (Redis) unreachable: model calls get a clear 503 with `retry-after` (or, with
`rate_limit_fallback_local = true`, are counted in memory), and /readyz says so. The storage is a port with
nothing listening, or a small TCP proxy to the real Redis that the test closes (the shared Redis itself is
never stopped)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Iterator

import httpx
import pytest

from support import FAKE_MODEL, LiveServer, free_port

ASK = {"model": FAKE_MODEL, "messages": [{"role": "user", "content": "hi"}]}
REDIS = ("127.0.0.1", 6379)


def ask(server: LiveServer) -> httpx.Response:
    return httpx.post(
        server.embed_url + "/chat/completions", json=ASK, headers={"authorization": f"Bearer {server.key}"}
    )


def test_an_unreachable_storage_is_a_503_and_not_ready(make_server: Callable[..., LiveServer]) -> None:
    server = make_server(rate_limit_storage=f"redis://127.0.0.1:{free_port()}", requests_per_minute=100)
    answer = ask(server)
    assert answer.status_code == 503, answer.text
    assert (
        answer.json()["error"]["code"] == "rate_limit_unavailable" and int(answer.headers["retry-after"]) > 0
    )
    ready = httpx.get(server.url + "/readyz")
    assert ready.status_code == 503 and ready.json()["rate_limit_storage"] == "unreachable"
    assert httpx.get(server.url + "/healthz").status_code == 200  # alive, only not ready


def test_local_fallback_keeps_serving_with_limits_in_memory(make_server: Callable[..., LiveServer]) -> None:
    server = make_server(
        rate_limit_storage=f"redis://127.0.0.1:{free_port()}",
        rate_limit_fallback_local=True,
        requests_per_minute=2,
    )
    assert [ask(server).status_code for _ in range(3)] == [200, 200, 429]  # the limit holds, locally
    ready = httpx.get(server.url + "/readyz")
    assert ready.status_code == 200 and ready.json()["rate_limit_storage"] == "counting locally"


class RedisProxy:
    """A TCP proxy to the real Redis on a port of its own, which can be closed like an outage."""

    def __init__(self) -> None:
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.server: asyncio.Server | None = None
        self.streams: list[asyncio.StreamWriter] = []
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(5)

    async def _start(self) -> None:
        self.server = await asyncio.start_server(self._pipe, "127.0.0.1", self.port)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(*REDIS)
        self.streams += [writer, upstream_writer]

        async def copy(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(copy(reader, upstream_writer), copy(upstream_reader, writer))

    def close(self) -> None:
        async def stop() -> None:
            if self.server is not None:
                self.server.close()
            for stream in self.streams:
                stream.close()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(5)

    def shutdown(self) -> None:
        self.close()
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture
def redis_proxy() -> Iterator[RedisProxy]:
    proxy = RedisProxy()
    yield proxy
    proxy.shutdown()


def test_an_outage_while_serving(make_server: Callable[..., LiveServer], redis_proxy: RedisProxy) -> None:
    server = make_server(rate_limit_storage=f"redis://127.0.0.1:{redis_proxy.port}", requests_per_minute=1000)
    assert ask(server).status_code == 200
    assert httpx.get(server.url + "/readyz").json()["rate_limit_storage"] == "ok"
    redis_proxy.close()
    answer = ask(server)
    assert answer.status_code == 503 and answer.json()["error"]["code"] == "rate_limit_unavailable"
    assert httpx.get(server.url + "/readyz").status_code == 503
