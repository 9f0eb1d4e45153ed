"""Router: retries, timeouts and fallbacks over the real OpenAI-compatible provider and scripted upstream."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from fakes import DEFAULT_UI_TEXT, ScriptedUpstream, Step
from genui.models.base import ModelRequest, UpstreamError
from genui.models.config import ModelConfig, ProviderConfig
from genui.models.events import Finish, ModelEvent, TextDelta, Usage
from genui.models.openai_compat import OpenAICompatProvider
from genui.models.registry import ModelRegistry
from genui.models.router import Router, backoff_delay

pytestmark = pytest.mark.timeout(30)

MAIN = "c1/fake/main/v-20261121"
BACKUP = "c1/fake/backup/v-20261121"


def make_router(
    upstream: ScriptedUpstream,
    *,
    max_retries: int = 2,
    timeout: float = 5,
    idle_timeout: float = 1,
    fallbacks: list[str] | None = None,
) -> Router:
    config = ProviderConfig(
        kind="openai",
        base_url=upstream.base_url,
        api_key="k",
        max_retries=max_retries,
        timeout=timeout,
        idle_timeout=idle_timeout,
    )
    models = [
        ModelConfig(name=MAIN, provider="fake", upstream_model="main-model", fallbacks=fallbacks or []),
        ModelConfig(name=BACKUP, provider="fake", upstream_model="backup-model"),
    ]
    registry = ModelRegistry(models, {"fake"})
    return Router(
        registry,
        {"fake": OpenAICompatProvider(config, "fake")},
        {"fake": config},
        backoff_base=0.01,
        backoff_cap=0.05,
    )


async def run(router: Router, name: str = MAIN) -> list[ModelEvent]:
    resolved = router.registry.resolve(name)
    request = ModelRequest(messages=[{"role": "user", "content": "hi"}])
    return [event async for event in router.stream(resolved, request)]


def text_of(events: list[ModelEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


async def test_429_then_success_is_retried(scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(status=429))
    router = make_router(scripted_upstream)
    events = await run(router)
    await router.aclose()
    assert text_of(events) == DEFAULT_UI_TEXT and events[-1] == Finish("stop")
    assert len(scripted_upstream.requests) == 2


async def test_500s_exhaust_retries_into_a_clean_502(scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(status=500), Step(status=500), Step(status=500), Step(status=500))
    router = make_router(scripted_upstream, max_retries=2)
    with pytest.raises(UpstreamError) as info:
        await run(router)
    await router.aclose()
    assert info.value.status == 502 and "500" in info.value.message
    assert len(scripted_upstream.requests) == 3  # 1 + max_retries


async def test_a_400_is_not_retried(scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(status=400, error_message="bad tool schema"))
    router = make_router(scripted_upstream)
    with pytest.raises(UpstreamError) as info:
        await run(router)
    await router.aclose()
    assert info.value.status == 400 and not info.value.retryable and "bad tool schema" in info.value.message
    assert len(scripted_upstream.requests) == 1


async def test_a_refused_request_does_not_fall_back(scripted_upstream: ScriptedUpstream) -> None:
    # another model would be sent the same request: the client learns what is wrong with it instead
    scripted_upstream.push(Step(status=400, error_message="too long", error_code="context_length_exceeded"))
    router = make_router(scripted_upstream, fallbacks=[BACKUP])
    with pytest.raises(UpstreamError) as info:
        await run(router)
    await router.aclose()
    assert info.value.status == 400 and info.value.code == "context_length_exceeded"
    assert [r["model"] for r in scripted_upstream.requests] == ["main-model"]


async def test_a_bad_upstream_key_still_falls_back(scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(status=401), Step(text='{"from": "backup"}'))
    router = make_router(scripted_upstream, fallbacks=[BACKUP])
    events = await run(router)
    await router.aclose()
    assert text_of(events) == '{"from": "backup"}'
    assert [r["model"] for r in scripted_upstream.requests] == ["main-model", "backup-model"]


async def test_reset_before_any_text_is_retried(scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(text=DEFAULT_UI_TEXT, reset_after=0))
    router = make_router(scripted_upstream)
    events = await run(router)
    await router.aclose()
    assert text_of(events) == DEFAULT_UI_TEXT
    assert len(scripted_upstream.requests) == 2


async def test_reset_mid_stream_propagates_without_retry(scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(text="y" * 200, reset_after=4))
    router = make_router(scripted_upstream)
    received: list[ModelEvent] = []
    with pytest.raises(UpstreamError) as info:
        async for event in router.stream(router.registry.resolve(MAIN), ModelRequest(messages=[])):
            received.append(event)
    await router.aclose()
    assert info.value.status == 502
    assert text_of(received) and set(text_of(received)) == {"y"}  # no second answer spliced in
    assert len(scripted_upstream.requests) == 1


async def test_stall_past_idle_timeout_retries_and_succeeds(scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(text=DEFAULT_UI_TEXT, stall_after=0))
    router = make_router(scripted_upstream, idle_timeout=0.5)
    started = time.monotonic()
    events = await run(router)
    await router.aclose()
    assert text_of(events) == DEFAULT_UI_TEXT
    assert len(scripted_upstream.requests) == 2
    assert time.monotonic() - started < 5


async def test_stall_every_time_is_a_504_not_a_hang(scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.default = Step(text="z" * 50, stall_after=0)
    router = make_router(scripted_upstream, max_retries=1, idle_timeout=0.4)
    started = time.monotonic()
    with pytest.raises(UpstreamError) as info:
        await run(router)
    await router.aclose()
    assert info.value.status == 504 and info.value.retryable
    assert len(scripted_upstream.requests) == 2 and time.monotonic() - started < 5


async def test_stall_after_text_is_a_504_without_retry(scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(text="w" * 100, stall_after=3))
    router = make_router(scripted_upstream, idle_timeout=0.4)
    with pytest.raises(UpstreamError) as info:
        await run(router)
    await router.aclose()
    assert info.value.status == 504 and len(scripted_upstream.requests) == 1


async def test_total_timeout_bounds_a_slow_drip(scripted_upstream: ScriptedUpstream) -> None:
    # Each chunk arrives within the idle timeout, but the whole answer would take ~4 s.
    scripted_upstream.push(Step(text="d" * 40, chunk_delay=0.2))
    router = make_router(scripted_upstream, max_retries=0, timeout=1.0, idle_timeout=0.5)
    with pytest.raises(UpstreamError) as info:
        await run(router)
    await router.aclose()
    assert info.value.status == 504 and "total" in info.value.message


async def test_fallback_model_answers_when_the_main_one_fails(scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(status=503), Step(status=503), Step(text='{"from": "backup"}'))
    router = make_router(scripted_upstream, max_retries=1, fallbacks=[BACKUP])
    events = await run(router)
    await router.aclose()
    assert text_of(events) == '{"from": "backup"}'
    assert [r["model"] for r in scripted_upstream.requests] == ["main-model", "main-model", "backup-model"]


async def test_usage_and_finish_come_through(scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(text="{}", usage=(5, 7), finish_reason="length"))
    router = make_router(scripted_upstream)
    events = await run(router)
    await router.aclose()
    assert events[-2:] == [Usage(input_tokens=5, output_tokens=7), Finish("length")]


class _SlowProvider:
    """A provider that records whether its stream was closed (cancellation reaches the provider)."""

    name = "slow"
    supports_json_schema = False

    def __init__(self) -> None:
        self.closed = asyncio.Event()

    async def stream(self, model: str, request: ModelRequest) -> AsyncIterator[ModelEvent]:
        try:
            for i in range(1000):
                yield TextDelta(str(i))
                await asyncio.sleep(0.01)
            yield Finish("stop")
        finally:
            self.closed.set()

    async def aclose(self) -> None:
        return None


async def test_closing_the_router_stream_closes_the_provider_stream() -> None:
    provider = _SlowProvider()
    registry = ModelRegistry([ModelConfig(name=MAIN, provider="slow", upstream_model="m")], {"slow"})
    router = Router(registry, {"slow": provider})
    stream = router.stream(registry.resolve(MAIN), ModelRequest(messages=[]))
    first = await anext(stream)
    assert first == TextDelta("0")
    await stream.aclose()  # type: ignore[attr-defined]
    await asyncio.wait_for(provider.closed.wait(), 1)


async def test_closing_the_router_stream_cancels_the_upstream_request(
    scripted_upstream: ScriptedUpstream,
) -> None:
    scripted_upstream.push(Step(text="s" * 400, chunk_delay=0.05))
    router = make_router(scripted_upstream)
    stream: Any = router.stream(router.registry.resolve(MAIN), ModelRequest(messages=[]))
    await anext(stream)
    started = time.monotonic()
    await stream.aclose()
    await router.aclose()
    assert time.monotonic() - started < 1  # did not drain the remaining ~20 s of chunks


def test_backoff_is_jittered_capped_and_honours_retry_after() -> None:
    delays = [backoff_delay(3, None, base=0.2, cap=1.0) for _ in range(200)]
    assert all(0 <= d <= 1.0 for d in delays) and len(set(delays)) > 100
    assert backoff_delay(0, 0.7, base=0.2, cap=5) >= 0.7
    assert backoff_delay(0, 600, base=0.2, cap=5) == 5


class _PacedProvider:
    """Yields one TextDelta after each delay in `gaps`; it has no timeouts of its own, only the router's."""

    name = "paced"
    supports_json_schema = False

    def __init__(self, gaps: list[float]) -> None:
        self.gaps = gaps

    async def stream(self, model: str, request: ModelRequest) -> AsyncIterator[ModelEvent]:
        for n, gap in enumerate(self.gaps):
            await asyncio.sleep(gap)
            yield TextDelta(str(n))
        yield Finish("stop")

    async def aclose(self) -> None:
        return None


def paced_router(gaps: list[float], *, timeout: float = 5, idle_timeout: float = 0.2) -> Router:
    config = ProviderConfig(kind="openai", max_retries=0, timeout=timeout, idle_timeout=idle_timeout)
    registry = ModelRegistry([ModelConfig(name=MAIN, provider="paced", upstream_model="m")], {"paced"})
    return Router(registry, {"paced": _PacedProvider(gaps)}, {"paced": config})


async def test_a_provider_silent_past_the_idle_timeout_is_cut_with_a_504() -> None:
    router = paced_router([0.0, 0.0, 3.0])
    received: list[ModelEvent] = []
    started = time.monotonic()
    with pytest.raises(UpstreamError) as info:
        async for event in router.stream(router.registry.resolve(MAIN), ModelRequest(messages=[])):
            received.append(event)
    assert info.value.status == 504 and "idle timeout" in info.value.message
    assert received == [TextDelta("0"), TextDelta("1")]
    assert time.monotonic() - started < 1.5


async def test_a_drip_within_the_idle_timeout_is_cut_at_the_total_timeout() -> None:
    router = paced_router([0.1] * 40, timeout=0.6, idle_timeout=0.3)
    started = time.monotonic()
    with pytest.raises(UpstreamError) as info:
        await run(router)
    assert info.value.status == 504 and "total timeout" in info.value.message
    assert 0.5 < time.monotonic() - started < 1.5


async def test_time_the_caller_spends_between_events_is_not_idle_time() -> None:
    router = paced_router([0.05] * 4, idle_timeout=0.2)
    received: list[ModelEvent] = []
    async for event in router.stream(router.registry.resolve(MAIN), ModelRequest(messages=[])):
        received.append(event)
        await asyncio.sleep(0.3)  # a slow client: longer than the idle timeout, but not the model's fault
    assert text_of(received) == "0123" and received[-1] == Finish("stop")


async def test_cancelling_the_caller_while_it_waits_is_a_cancellation_not_a_timeout() -> None:
    router = paced_router([10.0], idle_timeout=5)

    async def consume() -> list[ModelEvent]:
        return await run(router)

    task = asyncio.ensure_future(consume())
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
