"""The embedded default, measured on its prompts (tests/embedded_prompts.py): per prompt, whether the answer
is valid, of the asked kind, placeholder-free and carries every value the prompt gives, and its times.

    PYTHONPATH=src python bench/embedded.py [--pipeline compose|direct] [--threads N] [--only WORD]

Runs turns in-process as the server does (`ComposeRunner`, the real SmolLM2-135M through the router) and
times the C1 text: "first" is when the first component under the root Card is out (often the Header, taken
from the request's own words), "content" when the first other component is, "total" when the answer ended.
`--pipeline direct` measures the model writing the UI itself under the catalog grammar (the old default), as
a baseline for the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path[:0] = [str(TESTS), str(TESTS / "ui")]

from grounding import display_numbers, display_strings  # noqa: E402
from v2_view import STREAMING_CODES, program_of, reading  # noqa: E402

from embedded_prompts import KIND_COMPONENTS, PROMPTS, Prompt, valid_tree  # noqa: E402
from genui.config import EMBEDDED_MODEL  # noqa: E402
from genui.models.config import ModelConfig, ProviderConfig  # noqa: E402
from genui.models.providers import build_provider  # noqa: E402
from genui.models.registry import ModelRegistry  # noqa: E402
from genui.models.router import Router  # noqa: E402
from genui.service.compose import ComposeRunner  # noqa: E402
from genui.service.turn import TextOut, TurnRequest  # noqa: E402
from genui.ui.c1 import parse_c1  # noqa: E402
from genui.ui.convert import v2_tree_to_v1  # noqa: E402
from genui.ui.quality import check  # noqa: E402
from genui.ui.v2_writer import CONTENT_OPEN_V2  # noqa: E402


@dataclass
class Result:
    prompt: Prompt
    valid: bool
    kind: bool
    clean: bool
    missing: list[str]
    first: float | None
    content: float | None
    total: float
    components: list[str]
    texts: list[str]  # the TextContent texts (shown for answers of the wrong kind)


def children_of(text: str) -> list[dict[str, Any]] | None:
    """The Card's children a client shows for an answer or a prefix of one, as v1 nodes: a v2 answer (what
    the embedded default's pinned version answers) is read as lang-core reads it, then converted."""
    if CONTENT_OPEN_V2 in text:
        result = reading(program_of(text))
        if not isinstance(result.root, dict) or any(e.code not in STREAMING_CODES for e in result.errors):
            return None
        card: Any = v2_tree_to_v1(result.root)
        return list(card["props"].get("children") or [])
    envelope = parse_c1(text, partial=True).content
    if not isinstance(envelope, dict) or envelope.get("error") is not None:
        return None
    card = envelope.get("component")
    if not isinstance(card, dict) or card.get("component") != "Card":
        return None
    children = card["props"].get("children")
    return children if isinstance(children, list) else None


def components(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["component"]] if isinstance(node.get("component"), str) else []
        return own + [c for v in node.values() for c in components(v)]
    if isinstance(node, list):
        return [c for v in node for c in components(v)]
    return []


def missing_values(tree: dict[str, Any], values: tuple[str, ...]) -> list[str]:
    """The given values the UI does not show as written (a number may show as a chart value)."""
    shown = "\n".join(display_strings(tree)).lower()
    numbers = set(display_numbers(tree))
    out = []
    for value in values:
        if value.lower() in shown:
            continue
        try:
            if float(value.replace(",", "")) in numbers:
                continue
        except ValueError:
            pass
        out.append(value)
    return out


def judge(prompt: Prompt, text: str, times: tuple[float | None, float | None, float]) -> Result:
    children = children_of(text)
    tree = {"component": "Card", "props": {"children": children or []}}
    try:  # the tests' check of a whole answer, in either format
        valid_tree(text)
        valid = True
    except AssertionError:
        valid = False
    names = components(children or [])
    return Result(
        prompt=prompt,
        valid=valid,
        kind=bool(KIND_COMPONENTS[prompt.kind] & set(names)),
        clean=valid and not check(tree),
        missing=missing_values(tree, prompt.values),
        first=times[0],
        content=times[1],
        total=times[2],
        components=[c["component"] for c in children or []],
        texts=[c["props"]["textMarkdown"] for c in children or [] if c["component"] == "TextContent"],
    )


async def one(runner: ComposeRunner, prompt: Prompt) -> Result:
    started = time.perf_counter()
    first: float | None = None
    content: float | None = None
    text = ""
    turn = await runner.start(
        TurnRequest(model=EMBEDDED_MODEL, messages=[{"role": "user", "content": prompt.text}])
    )
    async for event in turn.events():
        if isinstance(event, TextOut):
            text += event.text
            if content is not None:
                continue
            shown = [c.get("component") for c in children_of(text) or []]
            now = time.perf_counter() - started
            if first is None and shown:
                first = now
            if content is None and any(name != "Header" for name in shown):
                content = now
    total = time.perf_counter() - started
    return judge(prompt, text, (first, content, total))


def _s(value: float | None) -> str:
    return "   -" if value is None else f"{value:4.1f}"


def print_table(results: list[Result]) -> None:
    print(
        f"\n{'#':>2} {'group':<22} {'prompt':<46} {'kind':<7} ok  valid kind clean values first content total"
    )
    for i, r in enumerate(results, 1):
        values = "all" if not r.missing else "miss " + ",".join(r.missing)[:20]
        print(
            f"{i:>2} {r.prompt.group:<22} {r.prompt.text.splitlines()[0][:46]:<46} {r.prompt.kind:<7} "
            f"{'ok' if r.valid and r.kind and r.clean and not r.missing else '--'}  "
            f"{'yes' if r.valid else 'NO':<5} {'yes' if r.kind else 'NO':<4} {'yes' if r.clean else 'NO':<5} "
            f"{values:<6} {_s(r.first)}  {_s(r.content)}    {_s(r.total)}  {' '.join(r.components)}"
        )
    for r in results:
        if not r.kind:
            print(f"   wrong kind: {r.prompt.text!r} -> {' | '.join(r.texts)[:160]!r}")
    n = len(results)
    kinds, valid, clean = (sum(getattr(r, a) for r in results) for a in ("kind", "valid", "clean"))
    totals = [r.total for r in results]
    firsts = [r.first for r in results if r.first is not None]
    contents = [r.content for r in results if r.content is not None]
    print(
        f"\n{n} prompts: valid {valid}/{n}, right kind {kinds}/{n} ({100 * kinds / n:.0f}%), "
        f"placeholder-free {clean}/{n}, every given value {sum(not r.missing for r in results)}/{n}"
    )
    print(
        f"median first component {statistics.median(firsts):.2f}s, median first content component "
        f"{statistics.median(contents):.2f}s, median total {statistics.median(totals):.2f}s, "
        f"max total {max(totals):.2f}s"
    )
    model = [r for r in results if r.prompt.group == "open question"]
    if model:
        print(
            f"prompts the model writes for ({len(model)}): median total "
            f"{statistics.median(r.total for r in model):.2f}s, max {max(r.total for r in model):.2f}s"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pipeline", choices=["compose", "direct"], default="compose")
    parser.add_argument(
        "--threads", type=int, default=None, help="llama.cpp threads (default: the provider's)"
    )
    parser.add_argument("--only", default="", help="only prompts containing this text")
    args = parser.parse_args()
    provider = ProviderConfig(kind="embedded", n_threads=args.threads)
    model = ModelConfig(
        name=EMBEDDED_MODEL,
        provider="embedded",
        upstream_model="smollm2-135m-instruct",
        context_tokens=4096,
        pipeline=args.pipeline,
    )
    registry = ModelRegistry([model], {"embedded"})
    router = Router(registry, {"embedded": build_provider("embedded", provider)}, {"embedded": provider})
    load_started = time.perf_counter()
    await router.providers["embedded"].warmup()  # type: ignore[attr-defined]
    print(
        f"model load {time.perf_counter() - load_started:.2f}s; pipeline {args.pipeline}; "
        f"cpus {os.cpu_count()}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    runner = ComposeRunner(registry, router)
    results = []
    for prompt in PROMPTS:
        if args.only.lower() in prompt.text.lower():
            results.append(await one(runner, prompt))
            r = results[-1]
            print(
                f"  {r.total:5.2f}s {' '.join(r.components):<40} {prompt.text.splitlines()[0][:60]}",
                flush=True,
            )
    print_table(results)
    print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    await router.aclose()


if __name__ == "__main__":
    asyncio.run(main())
