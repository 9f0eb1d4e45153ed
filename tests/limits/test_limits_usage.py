"""The usage recorder: batched writes, retried on failure, flushed on close."""

from __future__ import annotations

import asyncio
from pathlib import Path

from genui.limits.usage import UsageRecorder, UsageRow
from genui.store import Database, KeyRepository, UsageRepository


class Sink:
    def __init__(self, failures: int = 0) -> None:
        self.batches: list[list[UsageRow]] = []
        self.failures = failures

    async def __call__(self, rows: list[UsageRow]) -> None:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("database is locked")
        self.batches.append(rows)


async def test_calls_are_summed_per_org_key_and_model_in_one_batch_per_interval() -> None:
    sink = Sink()
    recorder = UsageRecorder(sink, interval=0.05)
    for i in range(10):
        recorder.record("org", "key", "m", i, 2 * i)
    recorder.record("org", None, "m", 1, 1)
    recorder.record("org", "key", "other-model", 7, 8)
    recorder.record("org2", "key2", "m", 3, 4)
    await asyncio.sleep(0.2)
    assert sink.batches == [
        [
            ("org", "key", "m", 10, 45, 90),
            ("org", None, "m", 1, 1, 1),
            ("org", "key", "other-model", 1, 7, 8),
            ("org2", "key2", "m", 1, 3, 4),
        ]
    ]
    await recorder.aclose()


async def test_a_full_batch_is_written_without_waiting_for_the_interval() -> None:
    sink = Sink()
    recorder = UsageRecorder(sink, interval=60, batch=5)
    for i in range(5):
        recorder.record("org", None, "m", i, i)
    await asyncio.sleep(0.05)
    assert sink.batches == [[("org", None, "m", 5, 10, 10)]]
    await recorder.aclose()


async def test_failed_writes_are_retried_not_lost() -> None:
    sink = Sink(failures=2)
    recorder = UsageRecorder(sink, interval=60)
    recorder.record("org", None, "m", 1, 1)
    await recorder.flush()
    await recorder.flush()
    assert sink.batches == [] and recorder.pending
    recorder.record("org", None, "m", 2, 2)
    await recorder.aclose()
    # The failed sum came back and was added to the later call: nothing lost, nothing counted twice.
    assert sink.batches == [[("org", None, "m", 2, 3, 3)]]


async def test_close_flushes_what_is_pending() -> None:
    sink = Sink()
    recorder = UsageRecorder(sink, interval=60)
    recorder.record("org", None, "m", 3, 4)
    await recorder.aclose()
    assert sink.batches == [[("org", None, "m", 1, 3, 4)]]


async def test_rows_reach_the_real_database(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'genui.db'}")
    await db.migrate()
    org = await KeyRepository(db).ensure_org("acme")
    usage = UsageRepository(db)
    recorder = UsageRecorder(usage.record_many, interval=0.05)
    for _ in range(3):
        recorder.record(org, None, "c1/x/y/v-20261121", 10, 5)
    await recorder.aclose()
    totals = await usage.totals(org)
    assert (totals.requests, totals.input_tokens, totals.output_tokens) == (3, 30, 15)
    await db.dispose()
