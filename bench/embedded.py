"""Embedded model speed: time to the first rendered component and total time, for 5 UI prompts.

    /work/venv/bin/python bench/embedded.py [--runs 1]

Calls the embedded provider directly with the real catalog schemas and system prompt (as the service does) and
feeds the deltas to `genui.ui.StreamRepairer`: the first moment its C1 output holds a component besides the
root Card is the "first rendered component".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from typing import Any

from genui.models.base import ModelRequest, TextDelta, Usage
from genui.models.config import ProviderConfig
from genui.models.embedded import EmbeddedProvider
from genui.ui import Catalog, StreamRepairer

PROMPTS = [
    "Plan a weekend trip to Paris",
    "Explain photosynthesis to a ten year old",
    "Compare Python and Rust for backend services",
    "Show quarterly revenue for a small bakery",
    "Give me a 3-day beginner workout plan",
]


class FirstComponent:
    """Detects the first rendered child component in a stream of model text."""

    def __init__(self) -> None:
        catalog = Catalog.default()
        self.schema: dict[str, Any] = catalog.json_schema()
        self.small_schema: dict[str, Any] = catalog.embedded_schema()
        self.system = catalog.system_prompt()
        self.repairer = StreamRepairer(catalog)

    def feed(self, delta: str) -> bool:
        self.repairer.feed(delta)
        return self.repairer.text.count("&quot;component&quot;") >= 2


async def one(provider: EmbeddedProvider, prompt: str) -> dict[str, Any]:
    probe = FirstComponent()
    request = ModelRequest(
        messages=[{"role": "system", "content": probe.system}, {"role": "user", "content": prompt}],
        json_schema=probe.schema,
        small_json_schema=probe.small_schema,
    )
    started = time.perf_counter()
    first_component: float | None = None
    text, tokens = "", 0
    async for event in provider.stream("smollm2-135m-instruct", request):
        if isinstance(event, TextDelta):
            text += event.text
            if first_component is None and probe.feed(event.text):
                first_component = time.perf_counter() - started
        elif isinstance(event, Usage):
            tokens = event.output_tokens
    total = time.perf_counter() - started
    try:
        json.loads(text)
        valid = True
    except ValueError:
        valid = False
    return {
        "prompt": prompt,
        "first_component_s": first_component,
        "total_s": total,
        "tokens": tokens,
        "valid_json": valid,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    provider = EmbeddedProvider(ProviderConfig(kind="embedded"))
    load_started = time.perf_counter()
    await provider.warmup()
    print(f"model load: {time.perf_counter() - load_started:.2f}s (threads={os.cpu_count()})")
    results = []
    for _ in range(args.runs):
        for prompt in PROMPTS:
            result = await one(provider, prompt)
            results.append(result)
            first = result["first_component_s"]
            print(
                f"{prompt[:44]:<44} first component {first if first is None else round(first, 2)!s:>5}s  "
                f"total {result['total_s']:5.2f}s  {result['tokens']:4d} tokens  valid={result['valid_json']}"
            )
    firsts = [r["first_component_s"] for r in results if r["first_component_s"] is not None]
    totals = [r["total_s"] for r in results]
    print(
        f"median first component {statistics.median(firsts):.2f}s, "
        f"median total {statistics.median(totals):.2f}s, "
        f"max total {max(totals):.2f}s, valid {sum(r['valid_json'] for r in results)}/{len(results)}"
    )
    await provider.aclose()


if __name__ == "__main__":
    asyncio.run(main())
