"""Usage accounting: rows of summed model calls per organization, key and model; totals per organization."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select

from genui.store.db import Database
from genui.store.tables import UsageBatch, UsageRecord, utcnow


@dataclass(frozen=True, slots=True)
class UsageTotals:
    requests: int
    input_tokens: int
    output_tokens: int


class UsageRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self, org_id: str, key_id: str | None, model: str, input_tokens: int, output_tokens: int
    ) -> None:
        await self.record_many([(org_id, key_id, model, 1, input_tokens, output_tokens)])

    async def record_many(
        self,
        rows: list[tuple[str, str | None, str, int, int, int]],
        *,
        batch_id: str | None = None,
        forget: Sequence[str] = (),
    ) -> None:
        """Several (org_id, key_id, model, requests, input_tokens, output_tokens) rows in one transaction.

        With `batch_id`, exactly once: the id is stored with the rows, and rows whose batch id is already
        stored are skipped (two writers racing on one id: the loser's transaction fails on the primary key,
        and its retry skips). `forget` drops the ids of batches that can no longer be replayed.
        """
        now = utcnow()
        values = [
            {
                "org_id": o,
                "key_id": k,
                "model": m,
                "requests": n,
                "input_tokens": i,
                "output_tokens": out,
                "created_at": now,
            }
            for o, k, m, n, i, out in rows
        ]
        async with self.db.transaction() as session:
            if forget:
                await session.execute(delete(UsageBatch).where(UsageBatch.id.in_(list(forget))))
            if batch_id is not None:
                if await session.get(UsageBatch, batch_id) is not None:
                    return
                await session.execute(insert(UsageBatch), [{"id": batch_id, "created_at": now}])
            # One executemany (Core insert): the write lock is held for milliseconds, not an ORM flush.
            if values:
                await session.execute(insert(UsageRecord), values)

    async def totals(self, org_id: str, since: datetime | None = None) -> UsageTotals:
        query = select(
            func.coalesce(func.sum(UsageRecord.requests), 0),
            func.coalesce(func.sum(UsageRecord.input_tokens), 0),
            func.coalesce(func.sum(UsageRecord.output_tokens), 0),
        ).where(UsageRecord.org_id == org_id)
        if since is not None:
            query = query.where(UsageRecord.created_at >= since)
        async with self.db.sessionmaker() as session:
            row = (await session.execute(query)).one()
        return UsageTotals(requests=int(row[0]), input_tokens=int(row[1]), output_tokens=int(row[2]))
