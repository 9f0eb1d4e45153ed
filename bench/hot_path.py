#!/usr/bin/env python3
"""CPU per request of each part of the gateway's hot path, each against its baseline in the same run.

Starts the shared fake upstream (../shared/bench/fake_upstream.py) answering the 2 KB UI of
bench/ui_answer_2k.json, then measures with `time.process_time()` in this process (the upstream's CPU is not
counted):

- upstream client: the official `openai` SDK (raw response, its aiohttp transport) vs genui's provider;
- framework: a whole chat completion through the FastAPI app alone vs through genui's app (fast lane);
- repair: the whole-answer repair of the 2 KB UI.

  .venv/bin/python bench/hot_path.py [--calls 2000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx2
import openai
import orjson
import uvloop
from harness import chat_completion, fake_upstream
from openai._constants import RAW_RESPONSE_HEADER

from genui.api.app import create_app
from genui.api.middleware import RequestContext
from genui.config import Settings
from genui.models.base import ModelRequest
from genui.models.config import ProviderConfig
from genui.models.openai_compat import OpenAICompatProvider
from genui.service.turn import catalog_for
from genui.store import Database, KeyRepository
from genui.ui import StreamRepairer

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("SHARED", HERE.parent.parent / "shared" / "bench"))
UI_ANSWER = HERE / "ui_answer_2k.json"
MODEL = "c1/bench/fake-upstream/v-20251230"  # pinned before v-20260331: v1, the fake upstream's format
MESSAGES = [{"role": "system", "content": "x" * 5000}, {"role": "user", "content": "Show me a card."}]


async def cpu_per_call(fn: Callable[[], Awaitable[Any]], calls: int) -> float:
    """Microseconds of this process's CPU per call, after a warm-up."""
    for _ in range(max(50, calls // 10)):
        await fn()
    started = time.process_time()
    for _ in range(calls):
        await fn()
    return 1e6 * (time.process_time() - started) / calls


async def upstream_clients(base_url: str, calls: int) -> list[tuple[str, float, float]]:
    sdk = openai.AsyncOpenAI(
        api_key="k", base_url=base_url, max_retries=0, http_client=openai.DefaultAioHttpClient()
    )
    provider = OpenAICompatProvider(ProviderConfig(kind="openai", base_url=base_url, api_key="k"), "bench")
    body = {"model": "fake-model", "messages": MESSAGES}

    async def sdk_whole() -> None:
        response = await sdk.post("/chat/completions", cast_to=httpx2.Response, body=body)
        orjson.loads(response.content)

    async def sdk_stream() -> None:
        response = await sdk.post(
            "/chat/completions",
            cast_to=httpx2.Response,
            body={**body, "stream": True},
            options={"headers": {RAW_RESPONSE_HEADER: "stream"}},
        )
        async for line in response.aiter_lines():
            if line.startswith("data: {"):
                orjson.loads(line[6:])
        await response.aclose()

    async def genui_call(stream: bool) -> None:
        async for _ in provider.stream("fake-model", ModelRequest(messages=MESSAGES, stream=stream)):
            pass

    rows = []
    for label, baseline, ours in (
        ("upstream call, whole answer", sdk_whole, lambda: genui_call(False)),
        ("upstream call, 50-chunk stream", sdk_stream, lambda: genui_call(True)),
    ):
        rows.append((label, await cpu_per_call(baseline, calls), await cpu_per_call(ours, calls)))
    await sdk.close()
    await provider.aclose()
    return rows


async def framework(base_url: str, calls: int) -> tuple[str, float, float]:
    work = Path(tempfile.mkdtemp())
    config = work / "genui.toml"
    config.write_text(
        f'data_dir = "{work}"\nlog_level = "warning"\n'
        f'[providers.bench]\nkind = "openai"\nbase_url = "{base_url}"\nconstrain = "none"\nmax_retries = 0\n'
        f'[[models]]\nname = "{MODEL}"\nprovider = "bench"\nupstream_model = "fake-model"\n'
    )
    os.environ["GENUI_CONFIG"] = str(config)
    settings = Settings()
    db = Database(settings.resolved_database_url)
    await db.migrate()
    key = (await KeyRepository(db).create("bench"))[1]
    await db.dispose()
    call = chat_completion(key, MODEL)

    # The same app either way; the baseline only lacks the fast lane (the middleware stays, as in production).
    lane = create_app(settings)
    api = lane.app.app  # type: ignore[attr-defined]
    through_fastapi = RequestContext(api, max_body_bytes=settings.max_body_bytes)
    only_fastapi = fast_lane = 0.0
    async with api.router.lifespan_context(api):
        for _ in range(2):  # alternate, so that drift on a busy machine hits both alike
            only_fastapi += await cpu_per_call(lambda: call(through_fastapi), calls) / 2
            fast_lane += await cpu_per_call(lambda: call(lane), calls) / 2
    return ("whole chat completion, in-process", only_fastapi, fast_lane)


def repair(calls: int) -> float:
    catalog = catalog_for(None)
    text = UI_ANSWER.read_text()
    for _ in range(200):
        StreamRepairer(catalog).complete(text)
    started = time.process_time()
    for _ in range(calls):
        StreamRepairer(catalog).complete(text)
    return 1e6 * (time.process_time() - started) / calls


async def main(calls: int) -> None:
    with fake_upstream(UI_ANSWER) as port:
        base_url = f"http://127.0.0.1:{port}/v1"
        rows = await upstream_clients(base_url, calls)
        print("| part | baseline | CPU µs/call, baseline | CPU µs/call, genui | ratio |")
        print("|---|---|---|---|---|")
        for label, baseline, ours in rows:
            print(f"| {label} | openai SDK | {baseline:.0f} | {ours:.0f} | {baseline / ours:.1f}x |")
        label, baseline, ours = await framework(base_url, calls)
        print(f"| {label} | FastAPI route | {baseline:.0f} | {ours:.0f} | {baseline / ours:.2f}x |")
        print(f"| repair of the 2 KB UI (`complete`) | - | - | {repair(calls):.0f} | - |")


if __name__ == "__main__":
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--calls", type=int, default=2000)
    uvloop.run(main(parser.parse_args().calls))
