"""The compose pipeline on a scripted upstream (the real OpenAI-compatible provider and router, in-process):
what it asks the model for, and what it shows of what the model wrote, when and how."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from embedded_prompts import WEATHER_TOOL, valid_tree
from fakes.upstream import ScriptedUpstream, Step
from genui.models.config import ModelConfig, ProviderConfig
from genui.models.events import Finish, ToolCallDelta, Usage
from genui.models.registry import ModelRegistry
from genui.models.router import Router
from genui.service import compose as compose_module
from genui.service.compose import ComposeRunner, ComposeTurn, uses_compose
from genui.service.turn import TextOut, Turn, TurnEvent, TurnRequest
from genui.ui.compose.answer import OFFLINE_FALLBACK
from support import FAKE_MODEL, upstream_settings

WEATHER = WEATHER_TOOL


@pytest.fixture
async def runner(tmp_path: Path, scripted_upstream: ScriptedUpstream) -> AsyncIterator[ComposeRunner]:
    settings = upstream_settings(
        tmp_path,
        scripted_upstream,
        models=[
            ModelConfig(name=FAKE_MODEL, provider="fake", upstream_model="fake-model", pipeline="compose")
        ],
    )
    registry = ModelRegistry.from_settings(settings)
    router = Router.from_settings(settings, registry)
    yield ComposeRunner(registry, router)
    await router.aclose()


async def run(
    runner: ComposeRunner, messages: list[dict[str, Any]] | str, **options: Any
) -> tuple[list[TurnEvent], list[float]]:
    """The turn's events and when each came (seconds from the start)."""
    if isinstance(messages, str):
        messages = [{"role": "user", "content": messages}]
    started = time.monotonic()
    turn = await runner.start(TurnRequest(model=FAKE_MODEL, messages=messages, **options))
    assert isinstance(turn, ComposeTurn)
    events: list[TurnEvent] = []
    times: list[float] = []
    async for event in turn.events():
        events.append(event)
        times.append(time.monotonic() - started)
    return events, times


def shown(events: list[TurnEvent]) -> list[dict[str, Any]]:
    tree = valid_tree("".join(e.text for e in events if isinstance(e, TextOut)))
    children: list[dict[str, Any]] = tree["props"]["children"]
    return children


def names(children: list[dict[str, Any]]) -> list[str]:
    return [c["component"] for c in children]


async def test_a_request_with_its_data_is_answered_without_the_model(
    runner: ComposeRunner, scripted_upstream: ScriptedUpstream
) -> None:
    events, _ = await run(runner, "Show as a pie chart: rent 1200, food 400, transport 150")
    assert scripted_upstream.requests == []
    (pie,) = shown(events)
    assert pie["props"]["chartData"]["data"] == [
        {"category": "rent", "value": 1200},
        {"category": "food", "value": 400},
        {"category": "transport", "value": 150},
    ]
    assert isinstance(events[-2], Usage) and events[-1] == Finish("stop")


async def test_an_open_question_gets_plain_markdown_committed_block_by_block(
    runner: ComposeRunner, scripted_upstream: ScriptedUpstream
) -> None:
    markdown = (
        "Here are the rivers:\n\n1. Nile\n2. Amazon\n3. Yangtze\n\nAll three are long.\n"
        "They cross many countries and feed the farms along their banks on the way to the sea.\n"
    )
    scripted_upstream.push(
        Step(chunks=[markdown[i : i + 6] for i in range(0, len(markdown), 6)], chunk_delay=0.1)
    )
    events, times = await run(runner, "Three longest rivers")
    (request,) = scripted_upstream.requests
    assert "response_format" not in request and "tools" not in request  # free text, no UI grammar
    assert (
        request["messages"][-1]["content"]
        == "Write a numbered list: Three longest rivers. One short line per item."
    )
    assert "component" not in json.dumps(request["messages"])
    children = shown(events)
    assert names(children) == ["Header", "List", "TextContent"]
    assert children[0]["props"]["title"] == "Three longest rivers"
    assert [i["title"] for i in children[1]["props"]["items"]] == ["Nile", "Amazon", "Yangtze"]
    outs = [t for e, t in zip(events, times, strict=True) if isinstance(e, TextOut)]
    assert outs[0] < 0.3  # the Header before the model's first chunk
    list_at = next(
        t for e, t in zip(events, times, strict=True) if isinstance(e, TextOut) and "Yangtze" in e.text
    )
    assert list_at < times[-1] - 0.3  # the list while the model was still writing


async def test_what_the_model_wrote_is_cleaned_and_nothing_useful_is_said_so(
    runner: ComposeRunner, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(Step(text="# Header\n\n- Lisst\n- Lisst\n\nCARD_CARD_CARD_CARD\n"))
    events, _ = await run(runner, "Five largest countries by area")
    assert shown(events) == [
        {"component": "Header", "props": {"title": "Five largest countries by area"}},
        {"component": "TextContent", "props": {"textMarkdown": OFFLINE_FALLBACK}},
    ]


async def test_the_model_writes_for_a_bounded_time_and_its_complete_blocks_are_the_answer(
    runner: ComposeRunner, scripted_upstream: ScriptedUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compose_module, "WRITE_SECONDS", 0.6)
    pieces = ["Tides come from the Moon. ", "Its pull lifts the sea. "] + [f"More {i}. " for i in range(40)]
    scripted_upstream.push(Step(chunks=pieces, chunk_delay=0.1))
    events, times = await run(runner, "Why are there tides?")
    assert times[-1] < 2.5
    text = shown(events)[-1]["props"]["textMarkdown"]
    assert text.startswith("Tides come from the Moon. Its pull lifts the sea.") and text.endswith(".")


async def test_a_weather_question_with_a_weather_tool_calls_it_forced(
    runner: ComposeRunner, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(
        Step(tool_calls=[{"id": "call_1", "name": "get_weather", "arguments": '{"location": "Paris"}'}])
    )
    other = {"type": "function", "function": {"name": "send_email", "description": "Send an email"}}
    events, _ = await run(runner, "What's the weather in Paris?", tools=[other, WEATHER])
    (request,) = scripted_upstream.requests
    assert request["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
    assert [t["function"]["name"] for t in request["tools"]] == ["get_weather"]
    calls = [e for e in events if isinstance(e, ToolCallDelta)]
    assert calls[0].name == "get_weather" and "".join(c.arguments for c in calls) == '{"location": "Paris"}'
    assert not any(isinstance(e, TextOut) for e in events) and events[-1] == Finish("tool_calls")


@pytest.mark.parametrize(
    ("prompt", "options"),
    [
        ("Write a poem about the sea", {"tools": [WEATHER]}),  # the tool is not asked for
        ("Chart the weather: Mon 18, Tue 21, Wed 19", {"tools": [WEATHER]}),  # the data is given
        ("What's the weather in Paris?", {"tools": [WEATHER], "tool_choice": "none"}),
    ],
)
async def test_no_tool_call_unless_asked_and_allowed(
    runner: ComposeRunner, scripted_upstream: ScriptedUpstream, prompt: str, options: dict[str, Any]
) -> None:
    scripted_upstream.push(Step(text="The sea is wide and deep."))
    events, _ = await run(runner, prompt, **options)
    assert not any(isinstance(e, ToolCallDelta) for e in events)
    assert all("tools" not in r and "tool_choice" not in r for r in scripted_upstream.requests)
    assert shown(events)


async def test_a_required_tool_choice_calls_the_asked_tool_even_with_data(
    runner: ComposeRunner, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(Step(tool_calls=[{"id": "c", "name": "get_weather", "arguments": "{}"}]))
    events, _ = await run(runner, "Chart: Mon 18, Tue 21", tools=[WEATHER], tool_choice="required")
    assert scripted_upstream.requests[0]["tool_choice"]["function"]["name"] == "get_weather"
    assert events[-1] == Finish("tool_calls")


async def test_a_tool_result_is_shown_as_it_is(
    runner: ComposeRunner, scripted_upstream: ScriptedUpstream
) -> None:
    result = {"location": "Paris", "temperature_c": 18, "conditions": "light rain"}
    messages = [
        {"role": "user", "content": "What's the weather in Paris?"},
        {
            "role": "assistant",
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": json.dumps(result)},
    ]
    events, _ = await run(runner, messages, tools=[WEATHER])
    assert scripted_upstream.requests == []
    text = json.dumps(shown(events))
    assert all(str(v) in text for v in result.values())


async def test_an_earlier_c1_answer_is_data_for_show_that_as(
    runner: ComposeRunner, scripted_upstream: ScriptedUpstream
) -> None:
    first, _ = await run(runner, "Tabulate the scores: Ana 91, Ben 78, Cy 85")
    answer = "".join(e.text for e in first if isinstance(e, TextOut))
    messages = [
        {"role": "user", "content": "Tabulate the scores: Ana 91, Ben 78, Cy 85"},
        {"role": "assistant", "content": answer},
        {"role": "user", "content": "Show that as a bar chart"},
    ]
    events, _ = await run(runner, messages)
    assert scripted_upstream.requests == []
    (chart,) = [c for c in shown(events) if c["component"] == "BarChartV2"]
    assert chart["props"]["chartData"]["data"]["labels"] == ["Ana", "Ben", "Cy"]


def test_the_pipeline_setting_and_its_auto_default() -> None:
    def resolved(kind: str, pipeline: str) -> tuple[Any, Router]:
        model = ModelConfig(name="m", provider="p", upstream_model="u", pipeline=pipeline)  # type: ignore[arg-type]
        registry = ModelRegistry([model], {"p"})
        return registry.resolve("m"), Router(registry, {}, {"p": ProviderConfig(kind=kind)})  # type: ignore[arg-type]

    assert uses_compose(*resolved("embedded", "auto"))
    assert not uses_compose(*resolved("openai", "auto"))
    assert uses_compose(*resolved("openai", "compose"))
    assert not uses_compose(*resolved("embedded", "direct"))


async def test_a_direct_model_gets_a_plain_turn(tmp_path: Path, scripted_upstream: ScriptedUpstream) -> None:
    settings = upstream_settings(tmp_path, scripted_upstream)
    registry = ModelRegistry.from_settings(settings)
    router = Router.from_settings(settings, registry)
    turn = await ComposeRunner(registry, router).start(
        TurnRequest(model=FAKE_MODEL, messages=[{"role": "user", "content": "hi"}])
    )
    assert type(turn) is Turn
    await router.aclose()


async def test_earlier_turns_are_the_models_context(
    runner: ComposeRunner, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(Step(text="Your name is Alice."))
    messages = [
        {"role": "system", "content": "Be nice."},
        {"role": "user", "content": "My name is Alice."},
        {"role": "assistant", "content": "Hello Alice!"},
        {"role": "user", "content": "What is my name?"},
    ]
    events, _ = await run(runner, messages)
    sent = scripted_upstream.requests[0]["messages"]
    assert sent[1:] == [
        {"role": "user", "content": "My name is Alice."},
        {"role": "assistant", "content": "Hello Alice!"},
        {"role": "user", "content": "Answer in two or three short sentences: What is my name?"},
    ]
    assert shown(events)[-1]["props"]["textMarkdown"] == "Your name is Alice."


async def test_nothing_asked_makes_no_model_call(
    runner: ComposeRunner, scripted_upstream: ScriptedUpstream
) -> None:
    events, _ = await run(runner, [{"role": "system", "content": "Be nice."}])
    assert scripted_upstream.requests == []
    assert shown(events) == [{"component": "TextContent", "props": {"textMarkdown": OFFLINE_FALLBACK}}]
