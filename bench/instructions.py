#!/usr/bin/env python3
"""Instructions per streamed answer and per in-process chat completion (callgrind), for this tree and a
baseline tree in the same run: steadier than a clock on a shared VM (a stream's count repeats within about
2%, a completion's within about 3%, where wall time moves by 30%).

    .venv/bin/python bench/instructions.py [--baseline ../old-checkout/src] [--what stream,gateway]

Needs valgrind. Each figure is (a run with N calls - a run with none) / N, so start-up and imports cancel out.
The answers are bench/stream_repair.py's (written once to a file, so both trees read the same text), streamed
in 40-byte deltas with the default child cap and without it; the completion is the app called in-process as
bench/hot_path.py calls it, against the shared fake upstream answering bench/ui_answer_2k.json, repair
included. The baseline tree runs with this tree's interpreter and installed packages.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from harness import chat_completion, fake_upstream

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
MODEL = "c1/bench/fake-upstream/v-20251230"  # v1, the fake upstream's format (as bench/gateway.sh)
STREAMS = {
    "100 KB, capped": (100_000, None),
    "100 KB, uncapped": (100_000, 1_000_000),
    "10 KB": (10_000, None),
}


# ---- workers (run under valgrind, with the measured tree on PYTHONPATH) ------


def stream_worker(answer: Path, max_children: int | None, calls: int) -> None:
    from genui.ui import Catalog
    from genui.ui.repair import StreamRepairer

    catalog = Catalog.default()
    text = answer.read_text()
    deltas = [text[i : i + 40] for i in range(0, len(text), 40)]
    for _ in range(calls + 1):  # one warm-up run either way
        repairer = StreamRepairer(catalog, max_children=max_children)
        for delta in deltas:
            repairer.feed(delta)
        repairer.finish()


def gateway_worker(key: str, calls: int) -> None:
    from genui.api.app import create_app
    from genui.config import Settings

    async def run() -> None:
        app: Any = create_app(Settings())
        inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        await inbox.put({"type": "lifespan.startup"})
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        life = asyncio.create_task(app(scope, inbox.get, outbox.put))
        assert (await outbox.get())["type"] == "lifespan.startup.complete"
        call = chat_completion(key, MODEL)

        for _ in range(30 + calls):  # the first 30 warm the caches either way
            await call(app)
        await inbox.put({"type": "lifespan.shutdown"})
        await outbox.get()
        await life

    asyncio.run(run())


# ---- the parent ------


def collected(src: Path, args: list[str], env: dict[str, str]) -> int:
    """Instructions callgrind counted for one worker run."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__]
    done = subprocess.run(
        [*command, *args],
        # a fixed hash seed: the same dict and set layouts every run (a completion's count then repeats within
        # about 3%: 1.91 to 1.96 M in four runs of one tree)
        env={**os.environ, **env, "PYTHONPATH": str(src), "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    assert found is not None, done.stderr[-2000:]
    return int(found.group(1))


def per_call(src: Path, args: list[str], calls: int, env: dict[str, str] | None = None) -> float:
    extra = env or {}
    none = collected(src, [*args, "--calls", "0"], extra)
    return (collected(src, [*args, "--calls", str(calls)], extra) - none) / calls


def gateway_key(src: Path, work: Path, upstream_port: int) -> tuple[dict[str, str], str]:
    config = work / "genui.toml"
    config.write_text(
        f'data_dir = "{work / "data"}"\nlog_level = "warning"\n'
        f'[providers.bench]\nkind = "openai"\nbase_url = "http://127.0.0.1:{upstream_port}/v1"\n'
        'api_key = "sk-bench"\nconstrain = "none"\nmax_retries = 0\n'
        f'[[models]]\nname = "{MODEL}"\nprovider = "bench"\nupstream_model = "fake-model"\n'
    )
    created = subprocess.run(
        [sys.executable, "-m", "genui.cli", "keys", "create", "--name", "bench", "--config", str(config)],
        env={**os.environ, "PYTHONPATH": str(src)},
        capture_output=True,
        text=True,
        check=True,
        cwd=work,
    )
    return {"GENUI_CONFIG": str(config)}, created.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", type=Path, help="the src/ directory of another checkout")
    parser.add_argument("--what", default="stream,gateway")
    parser.add_argument("--worker", choices=["stream", "gateway"], help=argparse.SUPPRESS)
    parser.add_argument("--answer", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--max-children", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    parser.add_argument("--calls", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "stream":
        stream_worker(args.answer, args.max_children, args.calls)
        return
    if args.worker == "gateway":
        gateway_worker(args.key, args.calls)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed")
    trees = {"this tree": SRC, **({"baseline": args.baseline.resolve()} if args.baseline else {})}
    what = set(args.what.split(","))
    rows: list[tuple[str, dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if "stream" in what:
            sys.path.insert(0, str(HERE))
            from stream_repair import build_answer

            for label, (size, max_children) in STREAMS.items():
                answer = work / f"answer-{size}.txt"
                answer.write_text(build_answer(size))
                cap = [] if max_children is None else ["--max-children", str(max_children)]
                worker = ["--worker", "stream", "--answer", str(answer), *cap]
                counts = {name: per_call(src, worker, 2) for name, src in trees.items()}
                rows.append((f"stream, {label}, 40-byte deltas", counts))
        if "gateway" in what:
            with fake_upstream(HERE / "ui_answer_2k.json") as port:
                counts = {}
                for name, src in trees.items():
                    home = work / name.replace(" ", "-")
                    home.mkdir()
                    env, key = gateway_key(src, home, port)
                    counts[name] = per_call(src, ["--worker", "gateway", "--key", key], 200, env)
                rows.append(("chat completion in-process, 2 KB UI repaired", counts))
    names = list(trees)
    print(
        "| workload | "
        + " | ".join(f"instructions, {n}" for n in names)
        + (" | ratio |" if args.baseline else " |")
    )
    print("|---" * (len(names) + 1 + bool(args.baseline)) + "|")
    for label, counts in rows:
        cells = " | ".join(f"{counts[n] / 1e6:.2f} M" for n in names)
        ratio = f" | {counts['this tree'] / counts['baseline']:.2f} |" if args.baseline else " |"
        print(f"| {label} | {cells}{ratio}")


if __name__ == "__main__":
    main()
