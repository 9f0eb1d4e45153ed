"""UsageRepository: records add up per organization."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from genui.store import Database, UsageRepository


async def test_record_and_totals_per_org(database: Database) -> None:
    usage = UsageRepository(database)
    org, other = f"org_{uuid.uuid4().hex}", f"org_{uuid.uuid4().hex}"
    await usage.record(org, "key_1", "m", 10, 5)
    await usage.record(org, None, "m", 1, 2)
    await usage.record(other, "key_2", "m", 100, 100)
    totals = await usage.totals(org)
    assert (totals.requests, totals.input_tokens, totals.output_tokens) == (2, 11, 7)
    future = await usage.totals(org, since=datetime.now(UTC) + timedelta(minutes=1))
    assert (future.requests, future.input_tokens, future.output_tokens) == (0, 0, 0)
