"""examples/fastapi_chat end to end: the example backend, on a real genui, streams a valid C1 Response."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest

import genui as genui_package
from fakes.upstream import ScriptedUpstream
from genui.ui.c1 import parse_c1
from support import AppServerThread, LiveServer, ServeProcess, free_port, write_config

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "examples" / "fastapi_chat"
HEADER = {"component": "Header", "props": {"title": "Hello"}}  # the scripted upstream's default answer


def load_example(base_url: str, api_key: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """A fresh copy of the example's main.py, configured through its environment variables."""
    monkeypatch.setenv("GENUI_BASE_URL", base_url)
    monkeypatch.setenv("GENUI_API_KEY", api_key)
    monkeypatch.delenv("GENUI_MODEL", raising=False)  # the example's default: c1-embed-latest
    spec = importlib.util.spec_from_file_location(f"fastapi_chat_{uuid.uuid4().hex}", EXAMPLE_DIR / "main.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # pydantic resolves the models' annotations there
    spec.loader.exec_module(module)
    return module


def chat(url: str, thread: str, text: str, turn: int) -> list[str]:
    """POST /chat as the C1 frontend does; the body's pieces as they arrived."""
    body = {
        "prompt": {"role": "user", "content": text, "id": f"u{turn}"},
        "threadId": thread,
        "responseId": f"r{turn}",
    }
    with httpx.stream("POST", f"{url}/chat", json=body, timeout=30) as reply:
        assert reply.status_code == 200
        assert reply.headers["content-type"].startswith("text/event-stream")
        return list(reply.iter_text())


def assert_complete_c1_answer(body: str) -> None:
    message = parse_c1(body)
    assert [p.kind for p in message.parts] == ["thinkitem", "content"]
    assert all(p.complete for p in message.parts)
    assert message.think_items[0].data == {"title": "Thinking", "content": "Asking genui for the answer"}
    assert message.content is not None and message.content["error"] is None
    assert message.content["component"]["component"] == "Card"
    assert HEADER in message.content["component"]["props"]["children"]


@pytest.fixture
def example_url(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with AppServerThread(load_example(server.embed_url, server.key, monkeypatch).app) as url:
        yield url


def test_the_example_streams_genuis_answer_after_its_think_item(example_url: str) -> None:
    pieces = chat(example_url, "th1", "Show me the Q1 sales", turn=1)

    assert len(pieces) > 2  # streamed in pieces, not one buffered body
    assert "<thinkitem" in pieces[0] and "<content" not in pieces[0]
    assert_complete_c1_answer("".join(pieces))


def test_the_example_keeps_the_thread_history(example_url: str, scripted_upstream: ScriptedUpstream) -> None:
    first = "".join(chat(example_url, "th2", "Show me the Q1 sales", turn=1))
    chat(example_url, "th2", "And Q2?", turn=2)

    stored = httpx.get(f"{example_url}/threads/th2/messages", timeout=10).json()
    assert [(m["id"], m["role"]) for m in stored] == [
        ("u1", "user"),
        ("r1", "assistant"),
        ("u2", "user"),
        ("r2", "assistant"),
    ]
    assert stored[0]["content"] == "Show me the Q1 sales"
    assert "<thinkitem" in first and "<thinkitem" not in stored[1]["content"]  # ephemeral: shown, not stored
    assert parse_c1(stored[1]["content"]).content == parse_c1(first).content

    # genui's second upstream call saw the whole thread: system prompt, turn 1 (question and answer), turn 2
    upstream_messages = scripted_upstream.requests[-1]["messages"]
    texts = [str(m.get("content")) for m in upstream_messages]
    assert any("Show me the Q1 sales" in t for t in texts)
    assert any("Hi from the scripted upstream." in t for t in texts[:-1])  # the first answer, as history
    assert "And Q2?" in texts[-1]


def test_a_genui_error_becomes_custom_markdown_and_is_not_stored(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    example = load_example(server.embed_url, "sk-not-a-key", monkeypatch)
    with AppServerThread(example.app) as url:
        message = parse_c1("".join(chat(url, "th3", "Hello", turn=1)))
        assert [p.kind for p in message.parts] == ["thinkitem", "custommarkdown"]
        assert message.parts[1].body.startswith("**genui could not answer:**")
        assert httpx.get(f"{url}/threads/th3/messages", timeout=10).json() == []


@pytest.fixture
def processes() -> Iterator[list[Callable[[], None]]]:
    stops: list[Callable[[], None]] = []
    yield stops
    for stop in reversed(stops):
        stop()


@pytest.mark.slow
def test_the_example_as_a_process_on_a_genui_serve_process(
    tmp_path: Path, scripted_upstream: ScriptedUpstream, processes: list[Callable[[], None]]
) -> None:
    config = write_config(tmp_path / "genui.toml", scripted_upstream, tmp_path / "data")
    genui = ServeProcess("--config", str(config), "--no-auth")
    processes.append(genui.stop)
    genui.wait_ready()

    port = free_port()
    src = str(Path(genui_package.__file__).resolve().parents[1])  # the genui these tests import
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
        "GENUI_BASE_URL": genui.url + "/v1/embed",
        "GENUI_API_KEY": "unused-with-no-auth",
    }
    log = (tmp_path / "example.log").open("w")
    example = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=EXAMPLE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def stop_example() -> None:
        example.terminate()
        example.wait(15)
        log.close()

    processes.append(stop_example)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/threads/none/messages", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        started = example.poll() is None and time.monotonic() < deadline
        assert started, f"the example app did not start: {(tmp_path / 'example.log').read_text()}"
        time.sleep(0.1)

    assert_complete_c1_answer("".join(chat(url, "th", "Show me the Q1 sales", turn=1)))
