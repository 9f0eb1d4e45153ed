"""Usage accounting off the hot path: calls are summed in memory per organization, key and model, and the sums
written once a second (one row per sum, one transaction per flush), each flush exactly once.

With a journal directory, every call is also appended to a local segment file before `record` returns (one
unbuffered `write`, no fsync): a process killed outright (SIGKILL, OOM) loses nothing, because the next
recorder on the same directory replays the segments their dead writers left. Without one, a kill loses the
calls of the current interval (at most `interval` seconds of usage, or `batch` calls) and any batch the
database was refusing. `aclose` (SIGTERM, a normal stop) writes everything either way.

Exactly once: every batch has an id, written in the same transaction as its rows; a batch whose id is already
there is skipped, so a retry after an ambiguous failure, or the replay of a segment whose deletion was lost,
never counts twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import time
import uuid
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import orjson

# org_id, key_id, model, requests, input_tokens, output_tokens
UsageRow = tuple[str, str | None, str, int, int, int]
UsageKey = tuple[str, str | None, str]
log = logging.getLogger("genui.usage")
SEGMENT_GLOB = "usage-*.jsonl"
# How often a running recorder looks for segments of dead writers (it also does on its first flush).
RECOVER_SECONDS = 60.0


class UsageSink(Protocol):
    """Writes summed rows in one transaction; skips the write if `batch_id` is already stored, and forgets
    the ids in `forget` (batches whose segments are gone, so they can never be replayed)."""

    def __call__(
        self, rows: list[UsageRow], *, batch_id: str | None = None, forget: Sequence[str] = ()
    ) -> Awaitable[None]: ...


@dataclass
class Batch:
    """Sums of the calls since the last rotation, and the journal segment holding them (if journaling)."""

    id: str
    sums: dict[UsageKey, list[int]] = field(default_factory=dict)
    calls: int = 0
    fd: int | None = None
    path: Path | None = None
    # Set when a journal write failed (disk full...): the rest of this batch is kept in memory only.
    journal_failed: bool = False

    def add(self, key: UsageKey, requests: int, input_tokens: int, output_tokens: int) -> None:
        self.calls += requests
        total = self.sums.get(key)
        if total is None:
            self.sums[key] = [requests, input_tokens, output_tokens]
        else:
            total[0] += requests
            total[1] += input_tokens
            total[2] += output_tokens

    def rows(self) -> list[UsageRow]:
        return [(*key, n, i, o) for key, (n, i, o) in self.sums.items()]

    def discard(self) -> None:
        """The batch is stored: remove its segment (then release the lock, so no one replays it)."""
        if self.path is not None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _new_batch_id() -> str:
    return f"ub_{uuid.uuid4().hex}"


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def read_segment(fd: int, batch_id: str) -> Batch:
    """The sums of a segment's lines; a line that does not parse (a torn write after a machine crash) is
    skipped."""
    batch = Batch(batch_id)
    with os.fdopen(os.dup(fd), "rb") as lines:
        for line in lines:
            try:
                org_id, key_id, model, input_tokens, output_tokens = orjson.loads(line)
                batch.add((org_id, key_id, model), 1, int(input_tokens), int(output_tokens))
            except (orjson.JSONDecodeError, TypeError, ValueError):
                log.warning("skipped a damaged usage journal line in %s", batch_id)
    return batch


class UsageRecorder:
    """Sums calls and hands the sums to `sink` every `interval` seconds, or sooner past `batch` calls.

    Summing first keeps the database write per flush as small as the set of active keys, whatever the load.
    `journal_dir` (created 0700) makes the calls survive a killed process; see the module docstring."""

    def __init__(
        self,
        sink: UsageSink,
        *,
        interval: float = 1.0,
        batch: int = 10_000,
        journal_dir: Path | None = None,
    ) -> None:
        self.sink = sink
        self.interval = interval
        self.batch = batch
        self.journal_dir = journal_dir
        if journal_dir is not None:
            journal_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.current = Batch(_new_batch_id())
        # A batch the sink refused: retried alone (same id, same rows) before anything newer is written.
        self.unwritten: Batch | None = None
        # Ids of stored batches whose segments are gone: the next write forgets them.
        self.forget: list[str] = []
        self._wake = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self._recovered_at = float("-inf")

    @property
    def pending(self) -> int:
        """Calls recorded and not yet stored."""
        return self.current.calls + (self.unwritten.calls if self.unwritten else 0)

    def record(
        self, org_id: str, key_id: str | None, model: str, input_tokens: int, output_tokens: int
    ) -> None:
        if self.journal_dir is not None:
            self._journal(orjson.dumps([org_id, key_id, model, input_tokens, output_tokens]) + b"\n")
        self.current.add((org_id, key_id, model), 1, input_tokens, output_tokens)
        if self._task is None and not self._closing:
            self._task = asyncio.get_running_loop().create_task(self._run())
        if self.current.calls >= self.batch:
            self._wake.set()

    def _journal(self, line: bytes) -> None:
        batch = self.current
        if batch.journal_failed:
            return
        try:
            if batch.fd is None:
                assert self.journal_dir is not None
                batch.path = self.journal_dir / f"usage-{batch.id}.jsonl"
                batch.fd = os.open(batch.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
                _try_lock(batch.fd)  # a fresh file: no one else holds it
            # One unbuffered write: in the kernel once it returns, whatever happens to this process.
            os.write(batch.fd, line)
        except OSError:
            batch.journal_failed = True
            log.warning("usage journal write failed; this batch is kept in memory only", exc_info=True)

    async def flush(self) -> None:
        """Store the unwritten batch, else rotate and store the current one; a failure keeps it for later."""
        if self.unwritten is None and self.current.calls:
            self.unwritten, self.current = self.current, Batch(_new_batch_id())
        batch = self.unwritten
        if batch is None:
            return
        try:
            await self.sink(batch.rows(), batch_id=batch.id, forget=list(self.forget))
        except Exception:  # accounting must never break serving: the same batch is retried next flush
            log.warning("could not store %d usage calls; will retry", batch.calls, exc_info=True)
            return
        self.forget.clear()
        self.unwritten = None
        batch.discard()
        if batch.path is not None:
            self.forget.append(batch.id)

    async def recover(self) -> int:
        """Store the segments left by dead writers in the journal directory; returns how many calls.

        A writer holds an exclusive lock on its open segments, and the kernel drops it when the writer dies,
        so a segment that can be locked is an orphan. A replay that fails leaves the segment for the next try.
        """
        if self.journal_dir is None:
            return 0
        self._recovered_at = time.monotonic()
        calls = 0
        for path in sorted(self.journal_dir.glob(SEGMENT_GLOB)):
            try:
                fd = os.open(path, os.O_RDONLY)
            except FileNotFoundError:
                continue
            try:
                # Locked: a live writer. No links left: another recoverer stored it meanwhile.
                if not _try_lock(fd) or os.fstat(fd).st_nlink == 0:
                    continue
                batch = read_segment(fd, path.name.removeprefix("usage-").removesuffix(".jsonl"))
                if batch.calls:
                    await self.sink(batch.rows(), batch_id=batch.id)
                path.unlink()
                self.forget.append(batch.id)
                calls += batch.calls
                log.warning("replayed %d usage calls from %s", batch.calls, path.name)
            except Exception:
                log.warning("could not replay usage journal %s; will retry", path.name, exc_info=True)
            finally:
                os.close(fd)
        return calls

    async def _run(self) -> None:
        while not self._closing:
            if time.monotonic() - self._recovered_at >= RECOVER_SECONDS:
                await self.recover()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self._wake.clear()
            await self.flush()

    async def aclose(self) -> None:
        """Stop the loop between flushes (never in the middle of one), then write what is left. What the
        database still refuses stays in the journal segment for the next recorder."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
        await self.flush()
        await self.flush()  # the first may only have retried an older batch
        for batch in (self.unwritten, self.current):
            if batch is not None and batch.fd is not None:
                os.close(batch.fd)  # releases the lock: the segment is now an orphan to replay
                batch.fd = None
