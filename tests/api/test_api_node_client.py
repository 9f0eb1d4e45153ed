"""The official `openai` npm package streams from genui (slow: runs npm and node)."""

from __future__ import annotations

import json

import pytest

from fakes.upstream import ScriptedUpstream
from genui.ui.c1 import parse_c1
from support import FAKE_MODEL, LiveServer, run_node


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_openai_npm_client_streams_a_valid_c1_response(
    server: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    out = run_node("stream.mjs", server.embed_url, server.key, FAKE_MODEL)
    result = json.loads(out.strip().splitlines()[-1])
    assert len(result["ids"]) == 1
    assert result["finish"] == "stop"
    assert result["usage"]["total_tokens"] > 0
    for text in (result["text"], result["helperText"]):
        content = parse_c1(text).content
        assert isinstance(content, dict) and content["component"]["component"] == "Card"
