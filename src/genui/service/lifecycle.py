"""Draining: ending the runs still going when the server stops, each with a terminal answer.

On SIGTERM the server stops accepting connections and lets running streams go on for the grace period
(`shutdown_grace_seconds`). `Drain.begin(grace)` is told when that starts; a little before the grace ends it
stops every run it watches: a run waiting on the model gets `ServerShuttingDown` (a 503 ApiError) at once, a
run busy sending gets it on its next event. The runs turn it into their terminal event (chat: an error frame
with code `server_shutting_down` then `[DONE]`; Responses: `response.incomplete`) and store the response
`incomplete`, so the server can exit before the grace ends with nothing cut and nothing left `in_progress`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable
from contextlib import aclosing
from typing import TypeVar

from genui.errors import ApiError

T = TypeVar("T")
SHUTTING_DOWN = "server_shutting_down"
# Seconds before the grace ends at which the runs still going are stopped (at most this share of the grace).
STOP_MARGIN_SECONDS = 1.0
STOP_MARGIN_SHARE = 0.25


class ServerShuttingDown(ApiError):
    """The server is stopping and this run could not finish within the grace period: retry elsewhere."""

    def __init__(self) -> None:
        super().__init__(
            503,
            "The server is shutting down and could not finish this answer. Retry the request.",
            type="server_error",
            code=SHUTTING_DOWN,
            headers={"retry-after": "1"},
        )


class _Waiter:
    """One watched run: the task waiting on it while it waits on the model (None between waits)."""

    __slots__ = ("stopped", "task")

    def __init__(self) -> None:
        self.task: asyncio.Task[object] | None = None
        self.stopped = False

    def stop(self) -> None:
        # Only a run waiting on the model is interrupted; one busy sending sees the flag on its next event.
        if self.task is not None and not self.stopped:
            self.stopped = True
            self.task.cancel()

    def caught(self) -> bool:
        """After a CancelledError: True when it was this drain's (now undone), False for anyone else's."""
        task, self.task = self.task, None
        return self.stopped and task is not None and task.uncancel() == 0


class Drain:
    """The runs in flight in this process, and whether they must stop now. One per app, made on its loop."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.stopping = False
        self._waiters: set[_Waiter] = set()
        self._timer: asyncio.TimerHandle | None = None

    @property
    def running(self) -> int:
        return len(self._waiters)

    def begin(self, grace_seconds: float) -> None:
        """Shutdown began with this grace period: stop what still runs shortly before the grace ends."""
        if self._timer is not None or self.stopping:
            return
        margin = min(STOP_MARGIN_SECONDS, grace_seconds * STOP_MARGIN_SHARE)
        self._timer = self.loop.call_later(max(0.0, grace_seconds - margin), self.stop)

    def begin_threadsafe(self, grace_seconds: float) -> None:
        """`begin` from any thread (a signal handler)."""
        self.loop.call_soon_threadsafe(self.begin, grace_seconds)

    def stop(self) -> None:
        """Stop every run now (and refuse any that starts later)."""
        self.stopping = True
        for waiter in list(self._waiters):
            waiter.stop()

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    async def wait(self, awaitable: Awaitable[T]) -> T:
        """Await `awaitable` (e.g. a model's first event) unless the drain stops it first."""
        if self.stopping:
            _discard(awaitable)
            raise ServerShuttingDown()
        waiter = _Waiter()
        self._waiters.add(waiter)
        waiter.task = asyncio.current_task()
        try:
            return await awaitable
        except asyncio.CancelledError:
            if waiter.caught():
                raise ServerShuttingDown() from None
            raise
        finally:
            waiter.task = None
            self._waiters.discard(waiter)

    async def guard(self, events: AsyncGenerator[T, None]) -> AsyncGenerator[T, None]:
        """`events`, unless the drain stops them: then `ServerShuttingDown` is raised to the consumer (and
        `events` closed, which cancels the model call). Consumed by one task, as a response body is."""
        waiter = _Waiter()
        self._waiters.add(waiter)
        try:
            async with aclosing(events):
                while not self.stopping:
                    # Inline rather than `wait()`: no coroutine per event on the streaming path.
                    waiter.task = asyncio.current_task()
                    try:
                        event = await anext(events)
                    except StopAsyncIteration:
                        return
                    except asyncio.CancelledError:
                        if waiter.caught():
                            break
                        raise
                    finally:
                        waiter.task = None
                    yield event
                raise ServerShuttingDown()
        finally:
            self._waiters.discard(waiter)


def _discard(awaitable: Awaitable[object]) -> None:
    close = getattr(awaitable, "close", None)
    if close is not None:
        close()
