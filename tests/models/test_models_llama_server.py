"""The OpenAI-compatible provider against a real llama.cpp server (llama-cpp-python's) on loopback (slow)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from genui.models.base import ModelRequest
from genui.models.config import ProviderConfig
from genui.models.embedded import default_model_path
from genui.models.events import Finish, TextDelta, ToolCallDelta, Usage
from genui.models.openai_compat import OpenAICompatProvider
from genui.ui import Catalog

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama_server") / "server.log"
    log = log_path.open("wb")  # a file, not a pipe: the server logs a lot and would block on a full pipe
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(default_model_path()),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "2048",
        "--model_alias",
        "smollm2",
    ]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited: {log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base_url}/models", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("llama_cpp.server did not start")
            time.sleep(0.3)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def provider_for(base_url: str, constrain: Any = "grammar") -> OpenAICompatProvider:
    return OpenAICompatProvider(
        ProviderConfig(
            kind="openai",
            base_url=base_url,
            api_key="none",
            constrain=constrain,
            timeout=120,
            idle_timeout=60,
        ),
        name="llamacpp",
    )


def card_request(prompt: str) -> ModelRequest:
    return ModelRequest(
        messages=[
            {"role": "system", "content": "Answer with a JSON UI card."},
            {"role": "user", "content": prompt},
        ],
        json_schema=Catalog.default().embedded_schema(),  # small: a 135M model decodes it quickly
        max_tokens=400,
        temperature=0.3,
    )


async def test_streaming_with_grammar_gives_a_valid_card(llama_server: str) -> None:
    provider = provider_for(llama_server)
    events = [e async for e in provider.stream("smollm2", card_request("Tell me about the moon"))]
    await provider.aclose()
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    node = json.loads(text)
    assert node["component"] == "Card" and node["props"]["children"]
    assert len([e for e in events if isinstance(e, TextDelta)]) > 3  # streamed, not one blob
    # llama-cpp-python's server ignores stream_options.include_usage: no Usage event, and nothing invented.
    assert all(e.output_tokens > 0 for e in events if isinstance(e, Usage))
    assert isinstance(events[-1], Finish) and events[-1].reason == "stop"


async def test_non_streaming_call_with_the_same_params(llama_server: str) -> None:
    provider = provider_for(llama_server)
    request = card_request("Tell me about the sun")
    request.stream = False
    events = [e async for e in provider.stream("smollm2", request)]
    await provider.aclose()
    texts = [e.text for e in events if isinstance(e, TextDelta)]
    assert len(texts) == 1  # one whole answer
    node = json.loads(texts[0])
    assert node["component"] == "Card"
    usage = [e for e in events if isinstance(e, Usage)]
    assert len(usage) == 1 and usage[0].output_tokens > 5
    assert events[-1] == Finish("stop")


async def test_prompt_only_streaming_and_max_tokens_length_finish(llama_server: str) -> None:
    provider = provider_for(llama_server, constrain="none")
    request = ModelRequest(
        messages=[{"role": "user", "content": "Count from one to fifty in words."}], max_tokens=8
    )
    events = [e async for e in provider.stream("smollm2", request)]
    await provider.aclose()
    assert any(isinstance(e, TextDelta) for e in events)
    assert not any(isinstance(e, ToolCallDelta) for e in events)
    assert events[-1] == Finish("length")
