"""The independent OpenUI Lang judge: lang-core 0.2.18 + @openuidev/thesys 0.2.1 run by node (test time only).

`Judge` installs the pinned packages with `npm ci` when node_modules is missing, bundles judge.mjs with
esbuild into node_modules/.genui-judge/ and keeps ONE node process answering JSON lines. Use it as a
context manager or through the `judge` session fixture (conftest.py). Run as a script to regenerate the
library JSON files genui ships:  python tests/node/openui/judge.py --export src/genui/ui/openui
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BUNDLE = HERE / "node_modules" / ".genui-judge" / "judge.bundle.mjs"
SOURCES = ("judge.mjs", "wide-library.mjs", "package-lock.json")
BANNER = "import {createRequire} from 'module'; const require = createRequire(import.meta.url);"
# The telemetry lang-core would otherwise send from node (and from its postinstall).
QUIET_ENV = {"OPENUI_TELEMETRY_DISABLED": "1", "DO_NOT_TRACK": "1"}
EXPORTS = {
    "chat": "c1_chat_library.json",
    "report": "report_library.json",
    "presentation": "presentation_library.json",
}
PACKAGE = "@openuidev/thesys@0.2.1"
EXPORT_NAMES = {"chat": "chatLibrary", "report": "reportLibrary", "presentation": "presentationLibrary"}


def _env() -> dict[str, str]:
    return {**os.environ, **QUIET_ENV}


def ensure_bundle() -> Path:
    """npm ci (if needed) and esbuild the judge (if its sources changed); returns the bundle path."""
    assert shutil.which("node") and shutil.which("npm"), "node and npm are needed (Debian packages)"
    if not (HERE / "node_modules" / "@openuidev" / "lang-core").exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--silent"],
            cwd=HERE,
            check=True,
            timeout=600,
            env=_env(),
        )
    newest = max((HERE / name).stat().st_mtime for name in SOURCES)
    if not BUNDLE.exists() or BUNDLE.stat().st_mtime < newest:
        BUNDLE.parent.mkdir(parents=True, exist_ok=True)
        esbuild = HERE / "node_modules" / ".bin" / "esbuild"
        subprocess.run(
            [
                str(esbuild), "judge.mjs", "--bundle", "--platform=node", "--format=esm",
                "--loader:.css=empty", f"--banner:js={BANNER}", f"--outfile={BUNDLE}", "--log-level=warning",
            ],
            cwd=HERE, check=True, timeout=300, env=_env(),
        )  # fmt: skip
    return BUNDLE


class JudgeError(RuntimeError):
    pass


class Judge:
    """One long-lived node process; `ask(op=..., ...)` sends a request and returns its answer."""

    def __init__(self) -> None:
        bundle = ensure_bundle()
        self._lock = threading.Lock()
        self._proc = subprocess.Popen(
            ["node", str(bundle)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            env=_env(),
            cwd=HERE,
        )

    def ask(self, **request: Any) -> dict[str, Any]:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        with self._lock:
            self._proc.stdin.write(json.dumps(request) + "\n")
            self._proc.stdin.flush()
            line = self._proc.stdout.readline()
        if not line:
            raise JudgeError("the judge process exited")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise JudgeError(answer["error"])
        return answer

    def validate(
        self, program: str, library: str | dict[str, Any] = "chat", **options: Any
    ) -> dict[str, Any]:
        return self.ask(op="validate", program=program, library=library, **options)

    def close(self) -> None:
        if self._proc.poll() is None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()

    def __enter__(self) -> Judge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def exported_library(judge: Judge, name: str) -> dict[str, Any]:
    """What genui ships for one @openuidev/thesys library: the CLI spec shape plus its origin."""
    answer = judge.ask(op="schema", library=name)
    document: dict[str, Any] = {
        "package": PACKAGE,
        "export": EXPORT_NAMES[name],
        "root": answer["root"],
    }
    if answer["componentGroups"] is not None:
        document["componentGroups"] = answer["componentGroups"]
    document["components"] = answer["components"]
    document["schema"] = answer["schema"]
    return document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--export", type=Path, required=True, help="folder to write the library JSON files to"
    )
    args = parser.parse_args()
    with Judge() as judge:
        for name, filename in EXPORTS.items():
            text = json.dumps(exported_library(judge, name), indent=1, ensure_ascii=False) + "\n"
            (args.export / filename).write_text(text, encoding="utf-8")
            print(f"wrote {args.export / filename}")


if __name__ == "__main__":
    main()
