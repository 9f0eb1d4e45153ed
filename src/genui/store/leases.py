"""Per-process leases: a process is alive while its `workers` row beats; in-flight responses name their owner.

`LeaseKeeper` registers this process, beats every `heartbeat_seconds`, and on each beat (and at start)
finishes the orphans of dead processes (`ResponseRepository.finish_orphans`). On `stop` it finishes its own
in-flight responses `incomplete` and removes its lease. A process that dies without `stop` (kill -9, a crash,
a host gone) leaves its lease to expire: `ttl_seconds` after its last beat the others finish what it owned.

Timestamps come from each process's clock: hosts sharing a database need clocks in sync well within the TTL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from datetime import timedelta

from sqlalchemy import delete, update

from genui.store.db import Database, execute_dml
from genui.store.ids import new_id
from genui.store.responses import ResponseRepository
from genui.store.tables import Worker, utcnow

log = logging.getLogger("genui.store")
HEARTBEAT_SECONDS = 10.0
TTL_SECONDS = 30.0


class LeaseKeeper:
    """One per process. Give `worker_id` to the `ResponseRepository` that starts responses
    (`ResponseRepository(db, owner_id=keeper.worker_id)`), then `await start()`; `await stop()` at the end."""

    def __init__(
        self,
        db: Database,
        *,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        ttl_seconds: float = TTL_SECONDS,
    ) -> None:
        if ttl_seconds <= heartbeat_seconds:
            raise ValueError("the lease TTL must be longer than the heartbeat interval")
        self.db = db
        self.heartbeat_seconds = heartbeat_seconds
        self.ttl_seconds = ttl_seconds
        self.worker_id = new_id("wrk")
        self.responses = ResponseRepository(db, owner_id=self.worker_id)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Register this process and finish the orphans already there (e.g. of the process this one
        replaces), then keep beating in the background."""
        await self.beat()
        await self.sweep()
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def beat(self) -> None:
        """Renew the lease; re-register if it was removed (this process paused past the TTL)."""
        now = utcnow()
        async with self.db.transaction() as session:
            result = await execute_dml(
                session, update(Worker).where(Worker.id == self.worker_id).values(heartbeat_at=now)
            )
            if not result.rowcount:
                session.add(
                    Worker(
                        id=self.worker_id,
                        host=socket.gethostname()[:255],
                        pid=os.getpid(),
                        started_at=now,
                        heartbeat_at=now,
                    )
                )

    async def sweep(self) -> int:
        """Finish the orphans of dead processes, then drop their expired leases; returns how many finished."""
        finished = await self.responses.finish_orphans(self.ttl_seconds)
        cutoff = utcnow() - timedelta(seconds=self.ttl_seconds)
        async with self.db.transaction() as session:
            await session.execute(
                delete(Worker).where(Worker.heartbeat_at < cutoff, Worker.id != self.worker_id)
            )
        return finished

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            # A database hiccup must not end the loop: the next beat retries.
            try:
                await self.beat()
                await self.sweep()
            except Exception:
                log.warning("lease heartbeat failed", exc_info=True)

    async def stop(self) -> int:
        """Stop beating, finish this process's in-flight responses `incomplete`, remove the lease; returns how
        many responses it finished. Call after the server stopped serving (its streams are over or cut)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        finished = await self.responses.finish_owned(self.worker_id)
        async with self.db.transaction() as session:
            await session.execute(delete(Worker).where(Worker.id == self.worker_id))
        return finished
