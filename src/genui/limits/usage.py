"""Usage accounting off the hot path: rows are buffered and written in batches (one transaction a second)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

UsageRow = tuple[str, str | None, str, int, int]  # org_id, key_id, model, input_tokens, output_tokens
log = logging.getLogger("genui.usage")
# Rows kept for a retry while the database refuses writes; past this they are logged and dropped.
MAX_PENDING = 100_000


class UsageRecorder:
    """Collects usage rows and hands them to `sink` every `interval` seconds, or sooner past `batch` rows."""

    def __init__(
        self, sink: Callable[[list[UsageRow]], Awaitable[None]], *, interval: float = 1.0, batch: int = 500
    ) -> None:
        self.sink = sink
        self.interval = interval
        self.batch = batch
        self.pending: list[UsageRow] = []
        self._wake = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None

    def record(
        self, org_id: str, key_id: str | None, model: str, input_tokens: int, output_tokens: int
    ) -> None:
        self.pending.append((org_id, key_id, model, input_tokens, output_tokens))
        if self._task is None and not self._closing:
            self._task = asyncio.get_running_loop().create_task(self._run())
        if len(self.pending) >= self.batch:
            self._wake.set()

    async def flush(self) -> None:
        rows, self.pending = self.pending, []
        if not rows:
            return
        try:
            await self.sink(rows)
        except Exception:  # accounting must never break serving: keep the rows for the next flush
            if len(rows) + len(self.pending) <= MAX_PENDING:
                self.pending[:0] = rows
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
