"""/v1/visualize/chat/completions through the real `openai` SDK (base_url `HOST/v1/visualize`): tools refused,
the material of any role shown without a model call on the embedded default (every value from the input),
and a configured model asked to re-express only the material."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import openai
import pytest
from openai import OpenAI

from embedded_prompts import valid_tree
from fakes.upstream import ScriptedUpstream, Step
from genui.config import EMBEDDED_MODEL
from genui.models.config import ModelConfig, ProviderConfig
from genui.service.visualize import MATERIAL_LEAD, VISUALIZE_PROMPT
from genui.ui.c1 import write_content, write_thinkitem
from support import FAKE_MODEL, LiveServer
from ui.grounding import display_numbers, display_strings, ungrounded

MATERIAL = """# Quarterly results

Revenue grew in every quarter of 2025.

| Quarter | Revenue | Cost |
|---|---|---|
| Q1 | 120 | 80 |
| Q2 | 150 | 95 |
| Q3 | 170 | 101 |

Highlights:

- New store opened in Lyon
- 3 products launched
- Churn down to 2.1%

Note: figures are in thousands of euros.
"""


@pytest.fixture
def offline(make_server: Callable[..., LiveServer]) -> LiveServer:
    """The embedded default as configured out of the box (its model is never loaded by visualize)."""
    return make_server(
        providers={"embedded": ProviderConfig(kind="embedded")},
        models=[
            ModelConfig(name=EMBEDDED_MODEL, provider="embedded", upstream_model="smollm2-135m-instruct")
        ],
    )


def client(server: LiveServer, key: str | None = None) -> OpenAI:
    return OpenAI(base_url=server.url + "/v1/visualize", api_key=key or server.key, max_retries=0, timeout=20)


def names(tree: dict[str, Any]) -> list[str]:
    return [c["component"] for c in tree["props"]["children"]]


def post(server: LiveServer, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(
        server.url + "/v1/visualize/chat/completions",
        json=body,
        headers={"authorization": f"Bearer {server.key}"},
        timeout=20,
    )


@pytest.mark.parametrize(
    "extra",
    [
        {"tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]},
        {"functions": [{"name": "f"}]},
        {"function_call": "auto"},
        {"tool_choice": "auto"},
        {"tool_choice": "required"},
        {"tool_choice": {"type": "function", "function": {"name": "f"}}},
    ],
)
def test_tools_are_refused_naming_tools(offline: LiveServer, extra: dict[str, Any]) -> None:
    body = {"model": EMBEDDED_MODEL, "messages": [{"role": "user", "content": "Hello"}], **extra}
    response = post(offline, body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["param"] == "tools"


def test_empty_tools_and_tool_choice_none_are_accepted(offline: LiveServer) -> None:
    body = {"model": EMBEDDED_MODEL, "messages": [{"role": "user", "content": MATERIAL}]}
    for extra in ({"tools": []}, {"tool_choice": "none"}):
        response = post(offline, {**body, **extra})
        assert response.status_code == 200, response.text
        assert names(valid_tree(response.json()["choices"][0]["message"]["content"]))


def test_no_key_is_refused(offline: LiveServer) -> None:
    with pytest.raises(openai.PermissionDeniedError):
        client(offline, key="sk-wrong").chat.completions.create(
            model=EMBEDDED_MODEL, messages=[{"role": "user", "content": "x"}]
        )


@pytest.mark.parametrize(
    "messages",
    [
        [{"role": "system", "content": "Use a clean style."}, {"role": "user", "content": MATERIAL}],
        [
            {"role": "user", "content": "How did the quarters go?"},
            {"role": "assistant", "content": MATERIAL},
        ],
        [
            {"role": "user", "content": "How did the quarters go?"},
            {
                "role": "assistant",
                "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "report", "arguments": "{}"}}
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": MATERIAL},
        ],
    ],
    ids=["user", "assistant", "tool"],
)
def test_the_material_of_any_role_becomes_ui_showing_only_what_it_says(
    offline: LiveServer, messages: list[dict[str, Any]]
) -> None:
    completion = client(offline).chat.completions.create(model=EMBEDDED_MODEL, messages=messages)  # type: ignore[arg-type]
    tree = valid_tree(completion.choices[0].message.content)
    assert names(tree) == ["Header", "TextContent", "LineChartV2", "TextContent", "List", "CalloutV2"]
    source = "\n".join(m.get("content") or "" for m in messages)
    assert ungrounded(tree, source) == []
    shown = set(display_strings(tree))
    assert {"Quarterly results", "New store opened in Lyon", "Churn down to 2.1%"} <= shown
    assert {120.0, 150.0, 170.0, 80.0, 95.0, 101.0} <= set(display_numbers(tree))
    assert completion.usage is not None and completion.usage.prompt_tokens > 0
    assert completion.choices[0].finish_reason == "stop"


@pytest.mark.parametrize(
    ("material", "values"),
    [
        (
            'Here is the response from the search: {"city": "Oslo", "population": 709037, "area_km2": 454}',
            ["Oslo", "709037", "454"],
        ),
        ("name,score\nAna,91\nBen,78\nCy,85", ["Ana", "91", "Ben", "78", "Cy", "85"]),
        (
            "1. Preheat the oven to 180C\n2. Mix 200 g flour and 100 g sugar\n3. Bake for 25 minutes",
            ["Preheat the oven to 180C", "Mix 200 g flour and 100 g sugar", "Bake for 25 minutes"],
        ),
    ],
    ids=["json", "csv", "list"],
)
def test_data_material_is_shown_with_its_values(
    offline: LiveServer, material: str, values: list[str]
) -> None:
    completion = client(offline).chat.completions.create(
        model=EMBEDDED_MODEL, messages=[{"role": "user", "content": material}]
    )
    tree = valid_tree(completion.choices[0].message.content)
    assert ungrounded(tree, material) == []
    shown = set(display_strings(tree)) | {f"{n:g}" for n in display_numbers(tree)}
    assert [v for v in values if v not in shown] == []


def test_a_c1_answer_as_material_is_shown_without_its_wrappers(offline: LiveServer) -> None:
    earlier = {
        "component": "Card",
        "props": {
            "children": [
                {"component": "Header", "props": {"title": "Team"}},
                {
                    "component": "List",
                    "props": {"variant": "icon", "items": [{"title": "Ana", "subtitle": "design"}]},
                },
            ]
        },
    }
    c1 = write_thinkitem("Thinking", "Looking it up") + write_content(earlier)
    completion = client(offline).chat.completions.create(
        model=EMBEDDED_MODEL, messages=[{"role": "assistant", "content": c1}]
    )
    tree = valid_tree(completion.choices[0].message.content)
    assert names(tree) == ["Header", "List"]
    assert tree["props"]["children"][1]["props"]["items"] == [{"title": "Ana", "subtitle": "design"}]
    assert "Thinking" not in json.dumps(tree)


def test_streaming_is_the_chat_completions_sse(offline: LiveServer) -> None:
    stream = client(offline).chat.completions.create(
        model=EMBEDDED_MODEL,
        messages=[{"role": "user", "content": MATERIAL}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert names(valid_tree(text))[0] == "Header"
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens > 0
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"


def test_a_configured_model_is_asked_to_re_express_only_the_material(
    server: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    ui = {
        "component": "Card",
        "props": {"children": [{"component": "Header", "props": {"title": "Results"}}]},
    }
    scripted_upstream.push(Step(text=json.dumps(ui)))
    messages = [
        {"role": "system", "content": "Brand: Acme."},
        {"role": "user", "content": "How did the quarters go?"},
        {"role": "assistant", "content": MATERIAL},
    ]
    completion = client(server).chat.completions.create(model=FAKE_MODEL, messages=messages)  # type: ignore[arg-type]
    assert names(valid_tree(completion.choices[0].message.content)) == ["Header"]
    (request,) = scripted_upstream.requests
    sent = request["messages"]
    assert any(m["role"] == "system" and m["content"] == VISUALIZE_PROMPT for m in sent)
    assert {"role": "system", "content": "Brand: Acme."} in sent
    assert sent[-1] == {"role": "user", "content": MATERIAL_LEAD + MATERIAL}
    assert {"role": "user", "content": "How did the quarters go?"} in sent
    assert "tools" not in request


def test_the_sdk_lists_the_models_under_the_visualize_base_url(offline: LiveServer) -> None:
    ids = [m.id for m in client(offline).models.list()]
    assert ids == ["c1-embed-latest", EMBEDDED_MODEL]
    assert client(offline).models.retrieve(EMBEDDED_MODEL).id == EMBEDDED_MODEL
