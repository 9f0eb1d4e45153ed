"""The usage recorder: batched writes, retried on failure, flushed on close, each batch stored exactly once,
and a journal that lets a killed process's calls be replayed."""

from __future__ import annotations

import asyncio
import os
import stat
import uuid
from collections.abc import Sequence
from pathlib import Path

import pytest

from genui.limits.usage import UsageRecorder, UsageRow
from genui.store import Database, KeyRepository, UsageRepository


class Sink:
    def __init__(self, failures: int = 0) -> None:
        self.batches: list[list[UsageRow]] = []
        self.ids: list[str | None] = []
        self.failures = failures

    async def __call__(
        self, rows: list[UsageRow], *, batch_id: str | None = None, forget: Sequence[str] = ()
    ) -> None:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("database is locked")
        self.batches.append(rows)
        self.ids.append(batch_id)


def _segments(directory: Path) -> list[Path]:
    return sorted(directory.glob("usage-*.jsonl"))


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
    assert sink.batches == [] and recorder.pending == 1
    recorder.record("org", None, "m", 2, 2)
    await recorder.aclose()
    # The failed batch is retried as it was (same id, same sums), then the later call: nothing lost, nothing
    # counted twice, and a retry after an ambiguous failure can be recognized by its id.
    assert sink.batches == [[("org", None, "m", 1, 1, 1)], [("org", None, "m", 1, 2, 2)]]
    assert len(set(sink.ids)) == 2 and None not in sink.ids
    assert recorder.pending == 0


async def test_close_flushes_what_is_pending() -> None:
    sink = Sink()
    recorder = UsageRecorder(sink, interval=60)
    recorder.record("org", None, "m", 3, 4)
    await recorder.aclose()
    assert sink.batches == [[("org", None, "m", 1, 3, 4)]]


async def test_rows_reach_the_real_database(database: Database) -> None:
    org = await KeyRepository(database).ensure_org(f"acme-{uuid.uuid4().hex[:8]}")
    usage = UsageRepository(database)
    recorder = UsageRecorder(usage.record_many, interval=0.05)
    for _ in range(3):
        recorder.record(org, None, "c1/x/y/v-20261121", 10, 5)
    await recorder.aclose()
    totals = await usage.totals(org)
    assert (totals.requests, totals.input_tokens, totals.output_tokens) == (3, 30, 15)


async def test_a_batch_id_is_stored_once_even_when_written_again(database: Database) -> None:
    usage, org = UsageRepository(database), f"org_{uuid.uuid4().hex}"
    await usage.record_many([(org, None, "m", 2, 20, 10)], batch_id="ub_once")
    await usage.record_many([(org, None, "m", 2, 20, 10)], batch_id="ub_once")
    totals = await usage.totals(org)
    assert (totals.requests, totals.input_tokens, totals.output_tokens) == (2, 20, 10)
    # Forgotten ids (their segments are gone) no longer block anything.
    await usage.record_many([], forget=["ub_once"])
    await usage.record_many([(org, None, "m", 1, 1, 1)], batch_id="ub_once")
    assert (await usage.totals(org)).requests == 3


async def test_racing_writers_of_one_batch_store_it_once(database_url: str, database: Database) -> None:
    other = Database(database_url)
    try:
        usage, org = UsageRepository(database), f"org_{uuid.uuid4().hex}"
        rows: list[UsageRow] = [(org, None, "m", 1, 1, 1)]
        results = await asyncio.gather(
            usage.record_many(rows, batch_id=f"ub_{org}"),
            UsageRepository(other).record_many(rows, batch_id=f"ub_{org}"),
            return_exceptions=True,
        )
        # At most one fails (on the batch id's primary key); its retry is then skipped.
        for result in results:
            if isinstance(result, Exception):
                await usage.record_many(rows, batch_id=f"ub_{org}")
        assert (await usage.totals(org)).requests == 1
    finally:
        await other.dispose()


async def test_the_journal_holds_each_call_until_its_batch_is_stored(tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    sink = Sink()
    recorder = UsageRecorder(sink, interval=60, journal_dir=journal)
    assert _segments(journal) == []  # nothing recorded, no file
    recorder.record("org", "key", "m", 1, 2)
    recorder.record("org", "key", "m", 3, 4)
    (segment,) = _segments(journal)
    assert segment.read_bytes().count(b"\n") == 2
    assert stat.S_IMODE(segment.stat().st_mode) == 0o600
    assert stat.S_IMODE(journal.stat().st_mode) == 0o700
    await recorder.flush()
    assert _segments(journal) == []
    assert sink.batches == [[("org", "key", "m", 2, 4, 6)]]
    await recorder.aclose()


async def test_segments_of_dead_writers_are_replayed_once_and_live_ones_left(tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    live_sink = Sink()
    live = UsageRecorder(live_sink, interval=60, journal_dir=journal)
    live.record("org", None, "live", 1, 1)
    # A writer killed mid-interval left this segment (unlocked: the kernel dropped its lock).
    (journal / "usage-ub_dead.jsonl").write_bytes(
        b'["org", "key", "m", 5, 6]\n["org", "key", "m", 1, 1]\n["org", null, "m", 2, 2]\n'
    )
    replayer_sink = Sink()
    replayer = UsageRecorder(replayer_sink, interval=60, journal_dir=journal)
    assert await replayer.recover() == 3
    assert replayer_sink.batches == [[("org", "key", "m", 2, 6, 7), ("org", None, "m", 1, 2, 2)]]
    assert replayer_sink.ids == ["ub_dead"]
    assert [p.name for p in _segments(journal)] == [f"usage-{live.current.id}.jsonl"]
    assert await replayer.recover() == 0
    await live.aclose()
    assert live_sink.batches == [[("org", None, "live", 1, 1, 1)]]
    assert _segments(journal) == []


async def test_a_replayed_segment_already_stored_is_not_counted_again(
    tmp_path: Path, database: Database
) -> None:
    usage, org = UsageRepository(database), f"org_{uuid.uuid4().hex}"
    # The writer stored this batch, then died before deleting its segment.
    await usage.record_many([(org, None, "m", 1, 7, 8)], batch_id=f"ub_{org}")
    journal = tmp_path / "journal"
    journal.mkdir()
    (journal / f"usage-ub_{org}.jsonl").write_text(f'["{org}", null, "m", 7, 8]\n')
    recorder = UsageRecorder(usage.record_many, interval=60, journal_dir=journal)
    assert await recorder.recover() == 1
    await recorder.aclose()
    totals = await usage.totals(org)
    assert (totals.requests, totals.input_tokens, totals.output_tokens) == (1, 7, 8)
    assert _segments(journal) == []


async def test_what_the_database_refuses_at_close_stays_in_the_journal(tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    recorder = UsageRecorder(Sink(failures=100), interval=60, journal_dir=journal)
    recorder.record("org", None, "m", 4, 4)
    await recorder.aclose()
    assert len(_segments(journal)) == 1
    sink = Sink()
    assert await UsageRecorder(sink, interval=60, journal_dir=journal).recover() == 1
    assert sink.batches == [[("org", None, "m", 1, 4, 4)]]


async def test_a_journal_that_cannot_be_written_degrades_to_memory(tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    sink = Sink()
    recorder = UsageRecorder(sink, interval=60, journal_dir=journal)
    os.rmdir(journal)  # e.g. removed, or a full disk: the write fails
    recorder.record("org", None, "m", 1, 1)
    recorder.record("org", None, "m", 1, 1)
    await recorder.aclose()
    assert sink.batches == [[("org", None, "m", 2, 2, 2)]]


@pytest.mark.parametrize("bad", [b"not json\n", b'["org", null]\n', b'["org", null, "m", 1, "x"]\n'])
async def test_damaged_journal_lines_are_skipped(tmp_path: Path, bad: bytes) -> None:
    journal = tmp_path / "journal"
    journal.mkdir()
    (journal / "usage-ub_torn.jsonl").write_bytes(b'["org", null, "m", 1, 1]\n' + bad)
    sink = Sink()
    assert await UsageRecorder(sink, interval=60, journal_dir=journal).recover() == 1
    assert sink.batches == [[("org", None, "m", 1, 1, 1)]]
