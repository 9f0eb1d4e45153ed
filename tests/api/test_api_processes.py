"""Real `genui serve` processes on loopback: the CLI, and rate limits shared through the real Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from openai import OpenAI

from fakes.upstream import ScriptedUpstream
from support import FAKE_MODEL, ServeProcess, write_config

REDIS_URL = "redis://127.0.0.1:6379"


def genui(*args: str, config: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "genui.cli", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def config(tmp_path: Path, scripted_upstream: ScriptedUpstream) -> Path:
    return write_config(tmp_path / "genui.toml", scripted_upstream, tmp_path / "data")


@pytest.fixture
def servers() -> Iterator[list[ServeProcess]]:
    started: list[ServeProcess] = []
    yield started
    for s in started:
        s.stop()


@pytest.mark.slow
def test_keys_cli_and_a_served_process(config: Path, servers: list[ServeProcess]) -> None:
    created = genui("keys", "create", "--name", "cli-key", "--org", "acme", config=config)
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("sk-")
    listed = genui("keys", "list", config=config)
    assert "cli-key" in listed.stdout and key not in listed.stdout
    server = ServeProcess("--config", str(config)).wait_ready()
    servers.append(server)
    client = OpenAI(base_url=server.url + "/v1/embed", api_key=key, max_retries=0)
    text = (
        client.chat.completions.create(model=FAKE_MODEL, messages=[{"role": "user", "content": "hi"}])
        .choices[0]
        .message.content
    )
    assert text and text.startswith('<content thesys="true">')
    assert genui("keys", "revoke", "cli-key", config=config).returncode == 0
    time.sleep(10.5)  # the server's key cache holds a verification for 10 s
    with pytest.raises(openai.PermissionDeniedError):
        client.chat.completions.create(model=FAKE_MODEL, messages=[{"role": "user", "content": "hi"}])


@pytest.mark.slow
def test_no_auth_refuses_a_public_bind(config: Path) -> None:
    result = genui("serve", "--host", "0.0.0.0", "--no-auth", config=config)
    assert result.returncode == 2
    assert "loopback" in result.stderr


@pytest.mark.slow
def test_two_processes_share_the_rate_limit_through_redis(
    tmp_path: Path, scripted_upstream: ScriptedUpstream, servers: list[ServeProcess]
) -> None:
    config = write_config(
        tmp_path / "shared.toml",
        scripted_upstream,
        tmp_path / "shared",
        extra=f'rate_limit_storage = "{REDIS_URL}"\nrequests_per_minute = 5',
    )
    created = genui("keys", "create", "--name", "shared", config=config)
    key = created.stdout.strip().splitlines()[-1]
    for _ in range(2):
        servers.append(ServeProcess("--config", str(config)).wait_ready())
    ok = limited = 0
    for i in range(10):
        client = OpenAI(base_url=servers[i % 2].url + "/v1/embed", api_key=key, max_retries=0)
        try:
            client.chat.completions.create(model=FAKE_MODEL, messages=[{"role": "user", "content": "hi"}])
            ok += 1
        except openai.RateLimitError:
            limited += 1
    assert (ok, limited) == (5, 5)
