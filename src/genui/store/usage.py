"""Usage accounting: rows of summed model calls per organization, key and model; totals per organization."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select

from genui.store.db import Database
from genui.store.tables import UsageRecord, utcnow


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

    async def record_many(self, rows: list[tuple[str, str | None, str, int, int, int]]) -> None:
        """Several (org_id, key_id, model, requests, input_tokens, output_tokens) rows in one transaction."""
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
            # One executemany (Core insert): the write lock is held for milliseconds, not an ORM flush.
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
