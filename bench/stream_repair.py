"""Cost of the streaming repairer: answers of ~10 KB, 100 KB and 1 MB streamed in 4- and 40-byte deltas.

Prints total ms (best of N runs; wall clock and process CPU time, which is steadier on a busy machine) per
size and delta, and the 1 MB / 100 KB ratio (linear = about 10), for each path: `v1`, the model's C1 JSON to
C1 v1 content (today's path); `v2`, the model's OpenUI Lang to C1 v2 content (the same trees written as
programs); `v1>v2` and `v2>v1`, converted through the tree.
Targets (2-core machine): under 50 ms for 100 KB in 4-byte deltas; ratio at most 12.

    /work/venv/bin/python bench/stream_repair.py [--runs 5] [--paths v1,v2,v1>v2,v2>v1]

Row "default" uses the catalog's caps (at most 50 Card children: the rest of a JSON answer is scanned past,
not parsed); row "uncapped" lifts the child cap so every child is repaired and serialized (output then exceeds
the client's 100-children cap, so it is for measuring only).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from typing import Any

from genui.ui import Catalog, openui
from genui.ui.convert import v1_tree_to_v2
from genui.ui.formats import AnswerFormat, ModelFormat
from genui.ui.openui.tree import materialize_tree
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


def as_program(answer: str) -> str:
    """The same answer as a model writing OpenUI Lang would: the tree converted, written as a program."""
    body = answer[answer.index("{") : answer.rindex("}") + 1]
    tree, _ = materialize_tree(v1_tree_to_v2(json.loads(body)["component"]), openui.chat_library())
    return "Here is the answer:\n```openui-lang\n" + openui.write(tree) + "```\n"


PATHS: dict[str, tuple[ModelFormat, AnswerFormat]] = {
    "v1": ("v1", "v1"), "v2": ("v2", "v2"), "v1>v2": ("v1", "v2"), "v2>v1": ("v2", "v1"),
}  # fmt: skip


def stream_once(
    catalog: Catalog, answer: str, step: int, max_children: int | None, path: str = "v1"
) -> tuple[float, float, int]:
    """(wall ms, CPU ms, output chars) of streaming one answer."""
    model, answer_format = PATHS[path]
    deltas = [answer[i : i + step] for i in range(0, len(answer), step)]
    start, cpu_start = time.perf_counter(), time.process_time()
    repairer = StreamRepairer(catalog, max_children=max_children, model=model, answer=answer_format)
    out = 0
    for delta in deltas:
        out += len(repairer.feed(delta))
    out += len(repairer.finish())
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu_start) * 1000, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--paths", default=",".join(PATHS), help="comma-separated: " + ", ".join(PATHS))
    args = parser.parse_args()
    catalog = Catalog.default()
    sizes = {"10KB": 10_000, "100KB": 100_000, "1MB": 1_000_000}
    json_answers = {name: build_answer(size) for name, size in sizes.items()}
    programs = {name: as_program(answer) for name, answer in json_answers.items()}
    print(
        f"{'path':<6} {'caps':<9} {'size':<6} {'in_KB':>6} {'delta':>5} {'wall_ms':>9} {'cpu_ms':>9} "
        f"{'out_KB':>8}"
    )
    for path in args.paths.split(","):
        answers = json_answers if PATHS[path][0] == "v1" else programs
        for caps, max_children in (("default", None), ("uncapped", 1_000_000)):
            best: dict[tuple[str, int], tuple[float, float]] = {}
            for name, answer in answers.items():
                for step in (4, 40):
                    runs = args.runs if len(answer) <= 100_000 else max(2, args.runs // 2)
                    results = [stream_once(catalog, answer, step, max_children, path) for _ in range(runs)]
                    wall = min(r[0] for r in results)
                    cpu = min(r[1] for r in results)
                    best[(name, step)] = (wall, cpu)
                    print(f"{path:<6} {caps:<9} {name:<6} {len(answer) / 1000:>6.0f} {step:>5} {wall:>9.1f} "
                          f"{cpu:>9.1f} {results[0][2] / 1000:>8.1f}")  # fmt: skip
            for step in (4, 40):
                wall_ratio = best[("1MB", step)][0] / best[("100KB", step)][0]
                cpu_ratio = best[("1MB", step)][1] / best[("100KB", step)][1]
                print(
                    f"{path:<6} {caps:<9} ratio 1MB/100KB delta={step}: "
                    f"wall {wall_ratio:.2f} cpu {cpu_ratio:.2f}"
                )


if __name__ == "__main__":
    main()
