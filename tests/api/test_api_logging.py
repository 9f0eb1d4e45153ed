"""One JSON line per request on `genui.access` (request id, organization, key, model, status, tokens,
latency, repairs, error code), a 500 as one line with its traceback inside, and `genui serve` writing them to
stdout."""

from __future__ import annotations

import json
import logging
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from fakes.upstream import ScriptedUpstream, Step
from genui.service.conversations import ConversationService
from support import FAKE_MODEL, LiveServer, ServeProcess

ASK = {"model": FAKE_MODEL, "messages": [{"role": "user", "content": "Show revenue"}]}
# Repaired on the way: an unknown component is dropped, a bad enum value fixed.
HOSTILE_UI = json.dumps(
    {
        "component": "Card",
        "props": {
            "children": [
                {"component": "Blink", "props": {}},
                {"component": "Header", "props": {"title": "Hi"}},
            ]
        },
    }
)
FIELDS = {
    "request_id",
    "org",
    "key_id",
    "model",
    "method",
    "path",
    "status",
    "input_tokens",
    "output_tokens",
    "ms",
    "repairs",
    "error",
}


def _access(caplog: pytest.LogCaptureFixture, *request_ids: str) -> list[dict[str, Any]]:
    """The access lines, once those of `request_ids` are in (the server logs just after it answered)."""
    deadline = time.monotonic() + 5
    while True:
        lines = [
            {field: getattr(r, field, None) for field in FIELDS}
            for r in caplog.records
            if r.name == "genui.access"
        ]
        if {line["request_id"] for line in lines} >= set(request_ids) or time.monotonic() > deadline:
            return lines
        time.sleep(0.02)


def test_one_access_line_per_request_with_what_happened(
    server: LiveServer, scripted_upstream: ScriptedUpstream, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="genui.access")
    scripted_upstream.push(Step(text=HOSTILE_UI, usage=(21, 13)))
    auth = {"authorization": f"Bearer {server.key}"}
    ok = httpx.post(
        server.embed_url + "/chat/completions", json=ASK, headers={**auth, "x-request-id": "req_ok"}
    )
    bad = httpx.post(server.embed_url + "/chat/completions", json={**ASK, "n": 3}, headers=auth)
    assert ok.status_code == 200 and bad.status_code == 400
    lines = {line["request_id"]: line for line in _access(caplog, "req_ok", bad.headers["x-request-id"])}
    line = lines["req_ok"]
    assert line["status"] == 200 and line["method"] == "POST" and line["path"] == "/v1/embed/chat/completions"
    assert line["model"] == FAKE_MODEL and line["org"] and line["key_id"]
    assert (line["input_tokens"], line["output_tokens"]) == (21, 13)
    assert line["repairs"] >= 1 and line["ms"] > 0 and line["error"] is None
    refused = lines[bad.headers["x-request-id"]]
    assert refused["status"] == 400 and refused["error"] == "invalid_value" and refused["org"] == line["org"]


def test_a_500_is_one_line_with_its_traceback(
    server: LiveServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(ConversationService, "get", broken)
    caplog.set_level(logging.INFO)
    answer = httpx.get(
        server.url + "/v1/conversations/conv_x", headers={"authorization": f"Bearer {server.key}"}
    )
    assert answer.status_code == 500
    request_id = answer.headers["x-request-id"]
    [error] = [r for r in caplog.records if r.name == "genui.api" and r.levelno == logging.ERROR]
    assert getattr(error, "request_id", None) == request_id and error.exc_info is not None
    [access] = [line for line in _access(caplog, request_id) if line["request_id"] == request_id]
    assert access["status"] == 500 and access["error"] == "internal_error"


@pytest.mark.slow
def test_genui_serve_writes_json_lines_to_stdout(tmp_path: Path, scripted_upstream: ScriptedUpstream) -> None:
    from test_api_processes import genui, write_config

    config = write_config(tmp_path / "genui.toml", scripted_upstream, tmp_path / "data", extra="")
    config.write_text(config.read_text().replace('log_level = "warning"', 'log_level = "info"'))
    key = genui("keys", "create", "--name", "logs", config=config).stdout.strip().splitlines()[-1]
    process = ServeProcess("--config", str(config), stdout=subprocess.PIPE).wait_ready()
    try:
        for n in range(3):
            answer = httpx.post(
                process.url + "/v1/embed/chat/completions",
                json=ASK,
                headers={"authorization": f"Bearer {key}", "x-request-id": f"req_{n}"},
            )
            assert answer.status_code == 200
        assert httpx.get(process.url + "/v1/embed/models").status_code == 403
    finally:
        process.stop()
    assert process.proc.stdout is not None
    lines = [json.loads(line) for line in process.proc.stdout.read().splitlines() if line.strip()]
    access = [line for line in lines if line["logger"] == "genui.access"]
    by_id = {line["request_id"]: line for line in access}
    for n in range(3):
        line = by_id[f"req_{n}"]
        assert line["status"] == 200 and line["model"] == FAKE_MODEL and line["output_tokens"] > 0
        assert set(line) >= FIELDS
    assert any(line["status"] == 403 and line["error"] == "missing_api_key" for line in access)
    assert all(line["request_id"].startswith("req_") for line in access)
