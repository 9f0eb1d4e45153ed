"""The real open client for the v2 browser tests, and the v2 streams it is fed.

The page (openui_client/) is `@openuidev/react-lang`'s `Renderer` with the `@openuidev/thesys` chat library
(both MIT), bundled at test time with esbuild from the packages the node judge pins
(tests/node/openui/package-lock.json: lang-core 0.2.18, react-lang 0.2.15, thesys 0.2.1, react 19.3.1) and
served on localhost. Nothing of it ships with genui.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from genui.ui import openui
from genui.ui.c1 import escape, parse_c1, write_content_v2

SOURCE = Path(__file__).resolve().parent / "openui_client"
JUDGE = Path(__file__).resolve().parents[1] / "node" / "openui"
BUILD = JUDGE / "node_modules" / ".genui-client"  # next to the packages, so esbuild resolves them
OUT = BUILD / "out"
ESBUILD = JUDGE / "node_modules" / ".bin" / "esbuild"
V2_OPEN = '<content thesys="true" version="2">'
ESBUILD_FLAGS = [
    "--bundle", "--format=esm", "--jsx=automatic", "--minify", '--define:process.env.NODE_ENV="production"',
    "--loader:.woff=file", "--loader:.woff2=file", "--loader:.ttf=file", "--log-level=warning",
]  # fmt: skip


def build() -> Path:
    """npm ci of the judge's lockfile (when missing), then the page bundle (when its sources changed)."""
    sys.path.insert(0, str(JUDGE))
    from judge import QUIET_ENV, ensure_bundle

    ensure_bundle()  # installs the pinned packages
    bundle = OUT / "client.js"
    newest = max(path.stat().st_mtime for path in SOURCE.iterdir())
    if not bundle.exists() or bundle.stat().st_mtime < newest:
        OUT.mkdir(parents=True, exist_ok=True)
        shutil.copy(SOURCE / "client.jsx", BUILD / "client.jsx")
        subprocess.run(
            [
                str(JUDGE / "node_modules" / ".bin" / "esbuild"),
                "client.jsx",
                *ESBUILD_FLAGS,
                f"--outdir={OUT}",
            ],
            cwd=BUILD,
            check=True,
            timeout=600,
            env={**os.environ, **QUIET_ENV},
        )
        shutil.copy(SOURCE / "index.html", OUT / "index.html")
    return OUT


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """The page's URL on a localhost port of its own."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        thread.join(10)


def program_of(c1_prefix: str) -> str:
    """What a C1 client hands its OpenUI renderer for a streamed prefix: the `version="2"` content body,
    entities decoded, tags stripped (a cut entity or closing tag dropped)."""
    for part in parse_c1(c1_prefix, partial=True).parts:
        if part.kind == "content" and part.attrs.get("version") == "2":
            return part.body
    return ""


@dataclass(frozen=True)
class V2Stream:
    name: str
    prefixes: list[str]  # the accumulated C1 text after each streamed delta
    expected: tuple[str, ...]  # texts the final render shows (empty: not known in advance)


def _cut_inside_text(line: str) -> int | None:
    """Where a statement may be cut early: inside the free text of a TextContent or Header, at a space with
    balanced markdown before it (`**bo` would show stray asterisks that later vanish)."""
    match = re.match(r'[a-z]\w* = (?:TextContent|Header)\("([^"\\]{12,})', line)
    if match is None:
        return None
    text = match.group(1)
    for cut in range(len(text) // 2, 0, -1):
        head = text[:cut]
        if text[cut] == " " and head.count("*") % 2 == 0 and head.count("`") % 2 == 0:
            return match.start(1) + cut
    return None


def stream_chunks(program: str) -> list[str]:
    """The program in the pieces a safe streamer emits (openui-lang.md §4): complete statements, `root` first,
    a TextContent or Header opened early only inside its free text."""
    chunks: list[str] = []
    for line in program.splitlines(keepends=True):
        cut = _cut_inside_text(line)
        chunks.extend([line[:cut], line[cut:]] if cut else [line])
    return chunks


def written_stream(program: str, expected: tuple[str, ...]) -> V2Stream:
    """A v2 answer genui writes (`openui.write` of the program's tree) as C1 text, delta by delta."""
    tree = openui.validate(program).root
    assert tree is not None
    written = openui.write(tree)
    prefixes, text = [], V2_OPEN
    for chunk in stream_chunks(written):
        text += escape(chunk)  # entity escaping works character by character
        prefixes.append(text)
    prefixes.append(text + "</content>")
    assert prefixes[-1] == write_content_v2(written)
    return V2Stream("written", prefixes, expected)
