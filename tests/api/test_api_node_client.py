"""The official `openai` npm package streams from genui (slow: runs npm and node)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from fakes.upstream import ScriptedUpstream
from genui.ui.c1 import parse_c1
from support import FAKE_MODEL, LiveServer

NODE_DIR = Path(__file__).resolve().parent.parent / "node"


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_openai_npm_client_streams_a_valid_c1_response(
    server: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    assert shutil.which("node") and shutil.which("npm"), "node and npm are needed (Debian packages)"
    if not (NODE_DIR / "node_modules" / "openai").exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=NODE_DIR, check=True, timeout=500
        )
    out = subprocess.run(
        ["node", "stream.mjs", server.embed_url, server.key, FAKE_MODEL],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert len(result["ids"]) == 1
    assert result["finish"] == "stop"
    assert result["usage"]["total_tokens"] > 0
    for text in (result["text"], result["helperText"]):
        content = parse_c1(text).content
        assert isinstance(content, dict) and content["component"]["component"] == "Card"
