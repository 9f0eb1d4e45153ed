#!/usr/bin/env python3
"""CPU per call of the store's per-request additions, each against its baseline in the same run.

- usage: `UsageRecorder.record` without a journal (in-memory sums) vs with one (one unbuffered write each);
- JSON documents: the NUL-safe serializer (`store.nul.dumps_json`, orjson) vs SQLAlchemy's default
  `json.dumps`, and the deserializers, on a stored response resource with a 2 KB answer;
- text columns: `nul.encode` + `nul.decode` of an id (what `tables.Str` adds per bound or read value).

  .venv/bin/python bench/store_overheads.py [--calls 200000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from genui.limits.usage import UsageRecorder, UsageRow
from genui.store import nul

RESOURCE: dict[str, Any] = {
    "id": "resp_" + "0" * 32,
    "object": "response",
    "created_at": 1_790_000_000,
    "status": "completed",
    "model": "c1/openai/gpt-5-mini/v-20261121",
    "metadata": {"topic": "demo"},
    "output": [
        {
            "type": "message",
            "id": "msg_" + "1" * 32,
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": "&lt;content&gt;" + "x" * 2000, "annotations": []}],
        }
    ],
    "tools": [],
    "usage": {"input_tokens": 1200, "output_tokens": 500, "total_tokens": 1700},
}


async def _discard(rows: list[UsageRow], *, batch_id: str | None = None, forget: Sequence[str] = ()) -> None:
    return None


def cpu_per_call(fn: Callable[[], Any], calls: int) -> float:
    """Microseconds of this process's CPU per call, after a warm-up."""
    for _ in range(max(100, calls // 10)):
        fn()
    start = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - start) / calls * 1e6


async def usage(calls: int) -> tuple[float, float]:
    memory = UsageRecorder(_discard, interval=3600)
    with tempfile.TemporaryDirectory() as tmp:
        journaled = UsageRecorder(_discard, interval=3600, journal_dir=Path(tmp))
        base = cpu_per_call(lambda: memory.record("org_1", "key_1", "c1/x/y/v-20261121", 1200, 500), calls)
        journal = cpu_per_call(
            lambda: journaled.record("org_1", "key_1", "c1/x/y/v-20261121", 1200, 500), calls
        )
        await memory.aclose()
        await journaled.aclose()
    return base, journal


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200_000)
    calls = parser.parse_args().calls
    base, journal = asyncio.run(usage(calls))
    print(f"usage record, in memory   {base:7.2f} us")
    print(f"usage record, journaled   {journal:7.2f} us   (+{journal - base:.2f} us)")
    text = json.dumps(RESOURCE)
    dumps = cpu_per_call(lambda: json.dumps(RESOURCE), calls // 10)
    safe_dumps = cpu_per_call(lambda: nul.dumps_json(RESOURCE), calls // 10)
    loads = cpu_per_call(lambda: json.loads(text), calls // 10)
    safe_loads = cpu_per_call(lambda: nul.loads_json(text), calls // 10)
    print(f"resource JSON write: json.dumps {dumps:6.2f} us, nul.dumps_json {safe_dumps:6.2f} us")
    print(f"resource JSON read:  json.loads {loads:6.2f} us, nul.loads_json {safe_loads:6.2f} us")
    ident = "resp_" + "0" * 32
    column = cpu_per_call(lambda: nul.decode(nul.encode(ident)), calls)
    print(f"text column value:   encode+decode {column:6.2f} us")


if __name__ == "__main__":
    main()
