"""Share of the broken-generation corpus (tests/fixtures/broken/) repaired without a model, per error code.

Runs every broken generation through the repair service with no repair model (deterministic repair only)
and prints a Markdown table: per code, the generations that had it and how many of those came out valid
(`fixed`), how many would go to a repair model if one were configured (a required value with no default was
missing, so content was dropped, or the result failed), and the error items with that code fixed or left.

    PYTHONPATH=src /work/main/.venv/bin/python bench/repair_corpus.py
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from genui.service.repair import RepairOutcome, RepairRequest, RepairService
from genui.service.repair_formats import GAP_CODES
from genui.ui import openui
from repair_corpus import CASES, TEN_CODES, WIDE_ROOT, WIDE_SCHEMA


async def outcomes() -> list[tuple[str, RepairOutcome]]:
    service = RepairService()  # no repair model: nothing leaves the process
    wide = openui.load_library(WIDE_SCHEMA, root=WIDE_ROOT)
    results = []
    for case in CASES:
        if case.status == "already_valid":
            continue
        library = wide if case.library == "wide" else None
        results.append((case.format, await service.run(RepairRequest(case.text, library=library))))
    return results


def main() -> None:
    results = asyncio.run(outcomes())
    had: Counter[str] = Counter()
    valid: Counter[str] = Counter()
    gaps: Counter[str] = Counter()
    items_fixed: Counter[str] = Counter()
    items_left: Counter[str] = Counter()
    for _, outcome in results:
        codes = {issue.code for issue in (*outcome.fixed, *outcome.unfixed)}
        for code in codes:
            had[code] += 1
            valid[code] += outcome.status == "fixed"
            gaps[code] += outcome.status == "fix_failed" or any(i.code in GAP_CODES for i in outcome.fixed)
        items_fixed.update(issue.code for issue in outcome.fixed)
        items_left.update(issue.code for issue in outcome.unfixed)
    total = len(results)
    repaired = sum(outcome.status == "fixed" for _, outcome in results)
    print(f"broken generations: {total} ({sum(f == 'v1' for f, _ in results)} v1), no repair model\n")
    columns = ("code", "generations with it", "fixed without a model", "share", "would ask a model")
    print("| " + " | ".join((*columns, "items fixed", "items left")) + " |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    extra = sorted(set(had) - set(TEN_CODES))
    for code in (*TEN_CODES, *extra):
        if had[code]:
            share = f"{100 * valid[code] / had[code]:.0f}%"
            row = (code, had[code], valid[code], share, gaps[code], items_fixed[code], items_left[code])
            print("| " + " | ".join(str(cell) for cell in row) + " |")
    asked = sum(o.status == "fix_failed" or any(i.code in GAP_CODES for i in o.fixed) for _, o in results)
    print(f"| **all** | {total} | {repaired} | {100 * repaired / total:.0f}% | {asked} | | |")


if __name__ == "__main__":
    main()
