"""Real `genui serve` processes on loopback: the CLI, and rate limits shared through the real Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
from openai import OpenAI

from fakes.upstream import ScriptedUpstream
from support import FAKE_MODEL, free_port

REDIS_URL = "redis://127.0.0.1:6379"


def write_config(path: Path, upstream: ScriptedUpstream, data_dir: Path, extra: str = "") -> Path:
    path.write_text(
        f"""
data_dir = "{data_dir}"
log_level = "warning"
{extra}

[providers.fake]
kind = "openai"
base_url = "{upstream.base_url}"
api_key = "sk-upstream"
constrain = "none"

[[models]]
name = "{FAKE_MODEL}"
provider = "fake"
upstream_model = "fake-model"
"""
    )
    return path


def genui(*args: str, config: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "genui.cli", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


class Serve:
    def __init__(self, config: Path, port: int, *flags: str, env: dict[str, str] | None = None) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "genui.cli",
                "serve",
                "--port",
                str(port),
                "--config",
                str(config),
                *flags,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"genui serve did not start: {self.proc.stderr.read() if self.proc.stderr else ''}"
                )
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture
def config(tmp_path: Path, scripted_upstream: ScriptedUpstream) -> Path:
    return write_config(tmp_path / "genui.toml", scripted_upstream, tmp_path / "data")


@pytest.fixture
def servers() -> Iterator[list[Serve]]:
    started: list[Serve] = []
    yield started
    for s in started:
        s.stop()


@pytest.mark.slow
def test_keys_cli_and_a_served_process(config: Path, servers: list[Serve]) -> None:
    created = genui("keys", "create", "--name", "cli-key", "--org", "acme", config=config)
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("sk-")
    listed = genui("keys", "list", config=config)
    assert "cli-key" in listed.stdout and key not in listed.stdout
    server = Serve(config, free_port())
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
    tmp_path: Path, scripted_upstream: ScriptedUpstream, servers: list[Serve]
) -> None:
    config = write_config(
        tmp_path / "shared.toml",
        scripted_upstream,
        tmp_path / "shared",
        extra=f'rate_limit_storage = "{REDIS_URL}"\nrequests_per_minute = 5',
    )
    created = genui("keys", "create", "--name", "shared", config=config)
    key = created.stdout.strip().splitlines()[-1]
    servers.extend([Serve(config, free_port()), Serve(config, free_port())])
    ok = limited = 0
    for i in range(10):
        client = OpenAI(base_url=servers[i % 2].url + "/v1/embed", api_key=key, max_retries=0)
        try:
            client.chat.completions.create(model=FAKE_MODEL, messages=[{"role": "user", "content": "hi"}])
            ok += 1
        except openai.RateLimitError:
            limited += 1
    assert (ok, limited) == (5, 5)
