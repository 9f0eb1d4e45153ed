"""The rate limiter: requests larger than the whole input budget are refused up front, and a failing storage
gives a typed 503 (or local limits, if asked) instead of an error of the storage client.

Outages are made with a TCP relay to the shared Redis that the test cuts and restores, or a port with nothing
listening; the shared Redis itself is never stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid
from collections.abc import AsyncIterator

import pytest

from genui.errors import ApiError
from genui.limits import ratelimit
from genui.limits.ratelimit import RateLimiter, RateLimitUnavailable

REDIS = ("127.0.0.1", 6379)


def _org() -> str:
    return f"org_{uuid.uuid4().hex}"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Relay:
    """A TCP relay to Redis on a fixed local port, which can be cut (connections dropped, port closed)."""

    def __init__(self) -> None:
        self.port = _closed_port()
        self.server: asyncio.Server | None = None
        self.streams: set[asyncio.StreamWriter] = set()

    async def open(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port, reuse_address=True)

    async def cut(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in self.streams:
            writer.close()
        await self.server.wait_closed()
        self.streams.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*REDIS)
        self.streams |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


@pytest.fixture
async def relay() -> AsyncIterator[Relay]:
    relay = Relay()
    await relay.open()
    yield relay
    if relay.server is not None and relay.server.is_serving():
        await relay.cut()


async def test_a_request_larger_than_the_whole_input_budget_is_refused_up_front() -> None:
    limiter = RateLimiter(requests_per_minute=10, input_tokens_per_minute=1000)
    org = _org()
    with pytest.raises(ApiError) as refused:
        await limiter.acquire(org, 475_000)
    error = refused.value
    assert (error.status, error.code, error.type) == (429, "rate_limit_exceeded", "rate_limit_error")
    assert "475000" in error.message and "1000" in error.message
    assert error.headers["x-should-retry"] == "false"
    assert "retry-after" not in error.headers
    # Nothing was charged: the whole budget is still there for a request that fits it exactly.
    headers = await limiter.acquire(org, 1000)
    assert headers["x-ratelimit-remaining-input-tokens"] == "0"
    assert headers["x-ratelimit-remaining-requests"] == "9"
    with pytest.raises(ApiError) as spent:
        await limiter.acquire(org, 1)
    assert spent.value.status == 429 and "retry-after" in spent.value.headers


async def test_nothing_listening_gives_a_typed_503_and_an_unhealthy_limiter() -> None:
    limiter = RateLimiter(f"redis://127.0.0.1:{_closed_port()}", requests_per_minute=5)
    try:
        with pytest.raises(RateLimitUnavailable) as unavailable:
            await limiter.acquire(_org(), 10)
        error = unavailable.value
        assert isinstance(error, ApiError)
        assert (error.status, error.code) == (503, "rate_limit_unavailable")
        assert error.headers == {"retry-after": str(ratelimit.STORAGE_RETRY_SECONDS)}
        assert error.body()["error"]["type"] == "server_error"
        assert await limiter.healthy() is False
        await limiter.settle(_org(), 10)  # the answer is out: settling never raises
    finally:
        await limiter.aclose()


async def test_limits_off_need_no_storage() -> None:
    limiter = RateLimiter(f"redis://127.0.0.1:{_closed_port()}")
    assert await limiter.acquire(_org(), 10**9) == {}
    await limiter.aclose()


async def test_local_fallback_counts_in_process_during_an_outage_and_returns_to_redis(
    relay: Relay, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratelimit, "STORAGE_RETRY_SECONDS", 0.3)
    shared = f"redis://127.0.0.1:{relay.port}"
    limiter = RateLimiter(shared, requests_per_minute=3, fallback_to_local=True)
    other = RateLimiter(shared, requests_per_minute=3)
    org = _org()
    try:
        assert await limiter.healthy() is True
        await limiter.acquire(org, 1)  # counted in Redis: the other process sees it
        assert (await other.acquire(org, 1))["x-ratelimit-remaining-requests"] == "1"
        await relay.cut()
        assert await limiter.healthy() is False
        with pytest.raises(RateLimitUnavailable):
            await other.acquire(org, 1)
        # The fallback has its own, empty window, and still enforces the limit.
        for remaining in ("2", "1", "0"):
            assert (await limiter.acquire(org, 1))["x-ratelimit-remaining-requests"] == remaining
        with pytest.raises(ApiError) as limited:
            await limiter.acquire(org, 1)
        assert limited.value.status == 429
        await relay.open()
        await asyncio.sleep(0.4)
        assert await limiter.healthy() is True
        # Back on Redis, where two of the three requests of this minute were counted.
        assert (await limiter.acquire(org, 1))["x-ratelimit-remaining-requests"] == "0"
    finally:
        await limiter.aclose()
        await other.aclose()


async def test_settle_charges_output_tokens_through_the_fallback_during_an_outage(relay: Relay) -> None:
    limiter = RateLimiter(
        f"redis://127.0.0.1:{relay.port}", output_tokens_per_minute=100, fallback_to_local=True
    )
    org = _org()
    try:
        await relay.cut()
        await limiter.settle(org, 150)
        with pytest.raises(ApiError) as limited:
            await limiter.acquire(org, 1)
        assert limited.value.status == 429 and "output-tokens" in limited.value.message
    finally:
        await limiter.aclose()
