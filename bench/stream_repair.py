"""Cost of the streaming repairer: answers of ~10 KB, 100 KB and 1 MB streamed in 4- and 40-byte deltas.

Prints total ms (best of N runs; wall clock and process CPU time, which is steadier on a busy machine) per
size and delta, and the 1 MB / 100 KB ratio (linear = about 10).
Targets (2-core machine): under 50 ms for 100 KB in 4-byte deltas; ratio at most 12.

    /work/venv/bin/python bench/stream_repair.py [--runs 5] [--uncapped]

Row "default" uses the catalog's caps (at most 50 Card children: the rest is parsed and dropped); row
"uncapped" lifts the child cap so every child is repaired and serialized (output then exceeds the client's
100-children cap, so it is for measuring only).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from typing import Any

from genui.ui import Catalog
from genui.ui.repair import StreamRepairer

WORDS = [
    "revenue", "growth", "quarter", "margin", "customer", "churn", "pipeline", "forecast", "region",
    "product", "launch", "team", "hiring", "cost", "**strong**", "_notable_", "`metric`", "analysis",
    "trend", "result", "data", "model", "latency", "throughput", "release", "plan",
]  # fmt: skip


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _child(rng: random.Random, i: int) -> dict[str, Any]:
    kind = i % 8
    if kind == 0:
        return {"component": "Header", "props": {"title": _sentence(rng, 5), "subtitle": _sentence(rng, 8)}}
    if kind in (1, 4):
        text = "\n\n".join(" ".join(_sentence(rng, 12) for _ in range(4)) for _ in range(3))
        return {"component": "TextContent", "props": {"textMarkdown": text}}
    if kind == 2:
        rows = [
            {"children": [f"Item {r}", f"{rng.randint(1, 999)},000", _sentence(rng, 2)]} for r in range(8)
        ]
        header = [{"children": "Name", "type": "string"}, {"children": "Amount", "type": "number"},
                  {"children": "Note", "type": "string"}]  # fmt: skip
        return {"component": "Table", "props": {"tableHeader": {"rows": header}, "tableBody": {"rows": rows}}}
    if kind == 3:
        series = [
            {"category": c, "values": [rng.randint(10, 300) for _ in range(4)]} for c in ("Revenue", "Cost")
        ]
        return {"component": "BarChartV2", "props": {"variant": "grouped", "xAxisLabel": "Quarter",
                "chartData": {"data": {"labels": ["Q1", "Q2", "Q3", "Q4"], "series": series}}}}  # fmt: skip
    if kind == 5:
        items = [{"title": _sentence(rng, 3), "subtitle": _sentence(rng, 6)} for _ in range(5)]
        return {"component": "List", "props": {"variant": "number", "items": items}}
    if kind == 6:
        return {
            "component": "CalloutV2",
            "props": {"variant": "info", "title": _sentence(rng, 3), "description": _sentence(rng, 15)},
        }
    return {"component": "FollowUpBlock", "props": {"followUpText": [_sentence(rng, 5) for _ in range(3)]}}


def build_answer(size: int, seed: int = 7) -> str:
    """A model answer of about `size` characters: prose, a fenced envelope with varied children."""
    rng = random.Random(seed)
    children: list[dict[str, Any]] = []
    total = 0
    while total < size:
        child = _child(rng, len(children))
        total += len(json.dumps(child)) + 2
        children.append(child)
    envelope = {"component": {"component": "Card", "props": {"children": children}}, "error": None}
    return "Here is the answer:\n```json\n" + json.dumps(envelope) + "\n```\n"


def stream_once(
    catalog: Catalog, answer: str, step: int, max_children: int | None
) -> tuple[float, float, int]:
    """(wall ms, CPU ms, output chars) of streaming one answer."""
    deltas = [answer[i : i + step] for i in range(0, len(answer), step)]
    start, cpu_start = time.perf_counter(), time.process_time()
    repairer = StreamRepairer(catalog, max_children=max_children)
    out = 0
    for delta in deltas:
        out += len(repairer.feed(delta))
    out += len(repairer.finish())
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu_start) * 1000, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    catalog = Catalog.default()
    sizes = {"10KB": 10_000, "100KB": 100_000, "1MB": 1_000_000}
    answers = {name: build_answer(size) for name, size in sizes.items()}
    print(f"{'caps':<9} {'size':<6} {'delta':>5} {'wall_ms':>9} {'cpu_ms':>9} {'out_KB':>8}")
    for caps, max_children in (("default", None), ("uncapped", 1_000_000)):
        best: dict[tuple[str, int], tuple[float, float]] = {}
        for name, answer in answers.items():
            for step in (4, 40):
                runs = args.runs if len(answer) <= 100_000 else max(2, args.runs // 2)
                results = [stream_once(catalog, answer, step, max_children) for _ in range(runs)]
                wall = min(r[0] for r in results)
                cpu = min(r[1] for r in results)
                best[(name, step)] = (wall, cpu)
                print(f"{caps:<9} {name:<6} {step:>5} {wall:>9.1f} {cpu:>9.1f} {results[0][2] / 1000:>8.1f}")
        for step in (4, 40):
            wall_ratio = best[("1MB", step)][0] / best[("100KB", step)][0]
            cpu_ratio = best[("1MB", step)][1] / best[("100KB", step)][1]
            print(f"{caps:<9} ratio 1MB/100KB delta={step}: wall {wall_ratio:.2f} cpu {cpu_ratio:.2f}")


if __name__ == "__main__":
    main()
