"""Cost of catalog repair and C1 writing for a realistic 2 KB answer (prints numbers; no assertions).

Run: /work/venv/bin/python bench/ui_catalog_bench.py
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from genui.ui import Catalog
from genui.ui import catalog as models
from genui.ui.c1 import parse_c1, to_model_text, write_content

MODELS = {models.component_name(m): m for m in (*models.BLOCK_COMPONENTS, models.Card)}


def per_call_ms(fn: Any, rounds: int = 3000) -> float:
    fn()
    start = time.perf_counter()
    for _ in range(rounds):
        fn()
    return (time.perf_counter() - start) / rounds * 1000


def validate_with_pydantic(value: Any) -> None:
    """What per-node pydantic validation would cost (it only validates, it repairs nothing)."""
    if isinstance(value, dict):
        model = MODELS.get(value.get("component"))  # type: ignore[arg-type]
        if model is not None:
            model.model_validate(value)
        for item in value.values():
            validate_with_pydantic(item)
    elif isinstance(value, list):
        for item in value:
            validate_with_pydantic(item)


def main() -> None:
    tree = json.loads((Path(__file__).parent / "ui_answer_2k.json").read_text())
    catalog = Catalog.default()
    children = tree["props"]["children"]
    wire = write_content(catalog.repair_tree(tree))
    print(f"answer: {len(json.dumps(tree))} bytes, {len(children)} children")
    print(f"repair_tree (whole Card)       {per_call_ms(lambda: catalog.repair_tree(tree)):.4f} ms")
    print(
        f"repair_node x{len(children)} (streaming)    "
        f"{per_call_ms(lambda: [catalog.repair_node(c) for c in children]):.4f} ms"
    )
    pydantic_ms = per_call_ms(lambda: validate_with_pydantic(tree))
    print(f"pydantic model_validate/node   {pydantic_ms:.4f} ms (validation only)")
    print(f"write_content                  {per_call_ms(lambda: write_content(tree)):.4f} ms")
    print(f"parse_c1                       {per_call_ms(lambda: parse_c1(wire)):.4f} ms")
    print(f"to_model_text (assistant)      {per_call_ms(lambda: to_model_text(wire, 'assistant')):.4f} ms")
    start = time.perf_counter()
    Catalog(catalog.version)
    print(f"Catalog construction (uncached) {(time.perf_counter() - start) * 1000:.1f} ms")
    prompt = catalog.system_prompt()
    print(f"system prompt: {len(prompt)} chars (~{len(prompt) // 4} tokens at 4 chars/token)")


if __name__ == "__main__":
    main()
