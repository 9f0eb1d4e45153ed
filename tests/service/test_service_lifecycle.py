"""The drain: runs watched by `Drain` end with `ServerShuttingDown` when it stops, wherever they are."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator
from contextlib import aclosing

import pytest

from genui.service.lifecycle import Drain, ServerShuttingDown


class Source:
    """Events on demand: `put` releases the next one; records whether it was closed."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[int] = asyncio.Queue()
        self.closed = False

    async def events(self) -> AsyncGenerator[int, None]:
        try:
            while True:
                yield await self.queue.get()
        finally:
            self.closed = True


async def test_events_pass_through_and_the_source_is_closed() -> None:
    drain, source = Drain(), Source()
    for n in (1, 2, 3):
        source.queue.put_nowait(n)
    seen = []
    async with aclosing(drain.guard(source.events())) as events:
        async for event in events:
            seen.append(event)
            if event == 3:
                break
    assert seen == [1, 2, 3] and source.closed and drain.running == 0


async def test_a_run_waiting_on_the_model_is_stopped_at_once() -> None:
    drain, source = Drain(), Source()
    source.queue.put_nowait(1)
    seen: list[int] = []

    async def consume() -> None:
        async for event in drain.guard(source.events()):
            seen.append(event)

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.05)  # waiting on the second event
    assert drain.running == 1
    drain.stop()
    with pytest.raises(ServerShuttingDown) as caught:
        await asyncio.wait_for(task, 1)
    assert caught.value.status == 503 and caught.value.code == "server_shutting_down"
    assert seen == [1] and source.closed and drain.running == 0
    assert not task.cancelled()


async def test_a_busy_run_is_stopped_at_its_next_event() -> None:
    drain, source = Drain(), Source()
    for n in (1, 2):
        source.queue.put_nowait(n)
    seen = []
    with pytest.raises(ServerShuttingDown):
        async for event in drain.guard(source.events()):
            seen.append(event)
            drain.stop()  # while this run handles an event: it is not interrupted mid-way
            await asyncio.sleep(0.01)
    assert seen == [1] and source.closed


async def test_a_run_started_after_the_stop_is_refused_and_its_source_closed() -> None:
    drain, source = Drain(), Source()
    drain.stop()
    with pytest.raises(ServerShuttingDown):
        await anext(drain.guard(source.events()))
    never = asyncio.sleep(10)
    with pytest.raises(ServerShuttingDown):
        await drain.wait(never)


async def test_someone_elses_cancellation_stays_a_cancellation() -> None:
    drain, source = Drain(), Source()

    async def consume() -> None:
        async for _ in drain.guard(source.events()):
            pass

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.02)
    task.cancel()  # a client gone: not the drain's
    with pytest.raises(asyncio.CancelledError):
        await task
    assert source.closed and drain.running == 0


async def test_wait_is_stopped_too_and_begin_stops_shortly_before_the_grace_ends() -> None:
    drain = Drain()
    started = time.monotonic()
    drain.begin(0.4)  # margin: a quarter of the grace at most
    with pytest.raises(ServerShuttingDown):
        await drain.wait(asyncio.sleep(5))
    took = time.monotonic() - started
    assert 0.25 <= took < 0.4, took
    assert drain.stopping


async def test_begin_from_another_thread() -> None:
    drain = Drain()
    await asyncio.to_thread(drain.begin_threadsafe, 0.0)
    with pytest.raises(ServerShuttingDown):
        await drain.wait(asyncio.sleep(5))
