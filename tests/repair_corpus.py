"""The broken-generation corpus of tests/fixtures/broken/ (used by the API tests, the judge and the bench).

Each case is NAME.txt (the generation, byte for byte) and NAME.expect.json: `library` ("chat" or "wide": the
36-component library of tests/node/openui/wide-library.mjs, whose toJSONSchema() output is wide-library.json),
`format` (v1/v2), `status` (already_valid / fixed / fix_failed) and the sorted codes of `fixed` and `unfixed`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genui.ui.openui import CODES

CORPUS = Path(__file__).resolve().parent / "fixtures" / "broken"
WIDE_SCHEMA: dict[str, Any] = json.loads((CORPUS / "wide-library.json").read_text(encoding="utf-8"))
WIDE_ROOT = "Page"
TEN_CODES = CODES  # the autofix contract's codes


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    library: str
    format: str
    status: str
    fixed: list[str]
    unfixed: list[str]

    @property
    def codes(self) -> set[str]:
        """Every code the case is about (fixed or not)."""
        return {*self.fixed, *self.unfixed}


def _load() -> list[Case]:
    cases = []
    for expect_file in sorted(CORPUS.glob("*.expect.json")):
        name = expect_file.name.removesuffix(".expect.json")
        expect = json.loads(expect_file.read_text(encoding="utf-8"))
        text = (CORPUS / f"{name}.txt").read_bytes().decode("utf-8")
        cases.append(
            Case(
                name,
                text,
                expect["library"],
                expect["format"],
                expect["status"],
                expect["fixed"],
                expect["unfixed"],
            )
        )
    return cases


CASES = _load()


def codes(items: list[dict[str, Any]]) -> list[str]:
    """Sorted unique codes of autofix error items."""
    return sorted({item["code"] for item in items})


def sanitize_body(case: Case, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """A /v1/embed/sanitize body; the wide library as toJSONSchema() output (its root is inferred)."""
    body: dict[str, Any] = {"output": case.text}
    if case.library == "wide":
        body["config"] = {"library": schema or WIDE_SCHEMA}
    return body


def autofix_body(case: Case, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """A /v1/autofix body; the wide library as the CLI spec (`root` + `schema`)."""
    body: dict[str, Any] = {
        "model": "openui/autofix",
        "messages": [
            {"role": "user", "content": "Show me the report."},
            {"role": "assistant", "content": case.text},
        ],
    }
    if case.library == "wide":
        body["library"] = {"root": WIDE_ROOT, "schema": schema or WIDE_SCHEMA}
    return body
