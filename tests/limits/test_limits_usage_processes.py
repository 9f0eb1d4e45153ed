"""A real recording process killed with SIGKILL loses no call (its journal is replayed); SIGTERM loses none
either, and leaves no journal behind."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
import uuid
from pathlib import Path

import pytest

from genui.limits.usage import UsageRecorder
from genui.store import Database, UsageRepository

CHILD = """
import asyncio, signal, sys
from pathlib import Path
from genui.limits.usage import UsageRecorder
from genui.store import Database, UsageRepository

async def main(url: str, journal: str, org: str) -> None:
    db = Database(url)
    recorder = UsageRecorder(UsageRepository(db).record_many, journal_dir=Path(journal))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    n = 0
    while not stop.is_set():
        recorder.record(org, None, "m", 1, 2)
        n += 1
        sys.stdout.write(f"{n}\\n")
        sys.stdout.flush()
        await asyncio.sleep(0)
    await recorder.aclose()
    await db.dispose()
    print(f"closed {n}", flush=True)

asyncio.run(main(*sys.argv[1:]))
"""


async def _run_child(database_url: str, journal: Path, org: str, sig: signal.Signals) -> list[str]:
    """Start a recording process, let it record and flush for a while, signal it; returns its output lines."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, database_url, str(journal), org, stdout=asyncio.subprocess.PIPE
    )
    assert child.stdout is not None
    lines: list[str] = []
    started = time.monotonic()
    # Past two flushes (at 1 s each) and well into the third interval: stored, journaled and in-memory calls.
    while time.monotonic() - started < 2.5 or len(lines) < 1000:
        line = await asyncio.wait_for(child.stdout.readline(), 30)
        assert line, "the recording process ended early"
        lines.append(line.decode().strip())
    child.send_signal(sig)
    rest, _ = await asyncio.wait_for(child.communicate(), 60)
    lines += rest.decode().splitlines()
    return lines


@pytest.mark.slow
async def test_sigkill_loses_no_call(database_url: str, database: Database, tmp_path: Path) -> None:
    org = f"org_{uuid.uuid4().hex}"
    journal = tmp_path / "journal"
    lines = await _run_child(database_url, journal, org, signal.SIGKILL)
    acknowledged = int(lines[-1])
    usage = UsageRepository(database)
    before = (await usage.totals(org)).requests
    assert 0 < before < acknowledged  # some calls were stored, the rest died with the process
    replayed = await UsageRecorder(usage.record_many, journal_dir=journal).recover()
    totals = await usage.totals(org)
    # Every acknowledged call is counted once; one more may have been journaled just before the kill.
    assert acknowledged <= totals.requests <= acknowledged + 1
    assert totals.requests == before + replayed
    assert totals.output_tokens == 2 * totals.requests
    assert list(journal.glob("usage-*")) == []


@pytest.mark.slow
async def test_sigterm_stores_every_call_and_leaves_no_journal(
    database_url: str, database: Database, tmp_path: Path
) -> None:
    org = f"org_{uuid.uuid4().hex}"
    journal = tmp_path / "journal"
    lines = await _run_child(database_url, journal, org, signal.SIGTERM)
    assert lines[-1].startswith("closed ")
    recorded = int(lines[-1].split()[1])
    totals = await UsageRepository(database).totals(org)
    assert totals.requests == recorded
    assert list(journal.glob("usage-*")) == []
