"""Usage accounting off the hot path: calls are summed in memory per organization, key and model, and the sums
written once a second (one row per sum, one transaction per flush)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

# org_id, key_id, model, requests, input_tokens, output_tokens
UsageRow = tuple[str, str | None, str, int, int, int]
UsageKey = tuple[str, str | None, str]
log = logging.getLogger("genui.usage")
# Sums kept for a retry while the database refuses writes; past this many they are dropped.
MAX_PENDING = 100_000


class UsageRecorder:
    """Sums calls and hands the sums to `sink` every `interval` seconds, or sooner past `batch` calls.

    Summing first keeps the database write per flush as small as the set of active keys, whatever the load."""

    def __init__(
        self, sink: Callable[[list[UsageRow]], Awaitable[None]], *, interval: float = 1.0, batch: int = 10_000
    ) -> None:
        self.sink = sink
        self.interval = interval
        self.batch = batch
        self.pending: dict[UsageKey, list[int]] = {}
        self.calls = 0
        self._wake = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None

    def record(
        self, org_id: str, key_id: str | None, model: str, input_tokens: int, output_tokens: int
    ) -> None:
        self._add((org_id, key_id, model), 1, input_tokens, output_tokens)
        if self._task is None and not self._closing:
            self._task = asyncio.get_running_loop().create_task(self._run())
        if self.calls >= self.batch:
            self._wake.set()

    def _add(self, key: UsageKey, requests: int, input_tokens: int, output_tokens: int) -> None:
        self.calls += requests
        total = self.pending.get(key)
        if total is None:
            self.pending[key] = [requests, input_tokens, output_tokens]
        else:
            total[0] += requests
            total[1] += input_tokens
            total[2] += output_tokens

    async def flush(self) -> None:
        pending, self.pending, self.calls = self.pending, {}, 0
        if not pending:
            return
        rows = [(*key, n, i, o) for key, (n, i, o) in pending.items()]
        try:
            await self.sink(rows)
        except Exception:  # accounting must never break serving: keep the sums for the next flush
            if len(rows) + len(self.pending) <= MAX_PENDING:
                for org_id, key_id, model, n, i, o in rows:
                    self._add((org_id, key_id, model), n, i, o)
                log.warning("could not store %d usage rows; will retry", len(rows), exc_info=True)
            else:
                log.exception("dropped %d usage rows", len(rows), extra={"rows": rows[:50]})

    async def _run(self) -> None:
        while not self._closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self._wake.clear()
            await self.flush()

    async def aclose(self) -> None:
        """Stop the loop between flushes (never in the middle of one), then write what is left."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
        await self.flush()
