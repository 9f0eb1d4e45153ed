"""POST /v1/artifact/chat/completions through the real `openai` SDK: the request shapes of the official
examples verbatim (c1-artifact, c1-chat-artifact, the C1 skill, the OpenUI Gateway docs), offline (embedded
default: the composer, no model call) and with a model (the scripted upstream), both types and formats,
stream and not, edits, and the refusals."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import openai
import pytest
from openai import OpenAI

from artifact_view import check_v1_stream, check_v2_stream
from fakes.upstream import ScriptedUpstream, Step
from genui.config import EMBEDDED_MODEL
from genui.models.config import ModelConfig, ProviderConfig
from genui.ui.artifacts import find_base, program_title
from genui.ui.c1 import parse_c1
from support import LiveServer

DATA = """Create a presentation about Q4 sales results:

## Revenue by quarter

| Quarter | Revenue |
|---|---|
| Q1 | 3.1 |
| Q2 | 3.4 |
| Q3 | 3.9 |

## Highlights

- Berlin office opened
- Acme signed
"""


@pytest.fixture
def offline(make_server: Callable[..., LiveServer]) -> LiveServer:
    return make_server(
        providers={"embedded": ProviderConfig(kind="embedded")},
        models=[
            ModelConfig(name=EMBEDDED_MODEL, provider="embedded", upstream_model="smollm2-135m-instruct")
        ],
    )


def artifact_client(server: LiveServer) -> OpenAI:
    """`new OpenAI({baseURL: "https://api.thesys.dev/v1/artifact"})` with genui's URL and key."""
    return OpenAI(base_url=server.url + "/v1/artifact", api_key=server.key, max_retries=0, timeout=30)


def thesys(**keys: Any) -> dict[str, str]:
    return {"thesys": json.dumps(keys)}


def streamed(stream: Any) -> list[str]:
    return [
        chunk.choices[0].delta.content for chunk in stream if chunk.choices and chunk.choices[0].delta.content
    ]


# ---- the examples, offline


def test_c1_artifact_example_generation_then_edit(offline: LiveServer) -> None:
    # thesysdev/examples c1-artifact: runTools with tools: [] and the edit as the assistant + user turns
    client = artifact_client(offline)
    chunks = streamed(
        client.chat.completions.create(
            model="c1/artifact/v-20251030",
            stream=True,
            messages=[{"role": "user", "content": DATA}],
            tools=[],
            metadata={"thesys": json.dumps({"id": "art-1", "c1_artifact_type": "slides"})},
        )
    )
    envelope = check_v1_stream(chunks)
    assert envelope["component"]["component"] == "Presentation"
    artifact_content = "".join(chunks)
    edit = streamed(
        client.chat.completions.create(
            model="c1/artifact/v-20251030",
            stream=True,
            messages=[
                {"role": "assistant", "content": artifact_content},
                {"role": "user", "content": "Remove slide 2"},
            ],
            tools=[],
            metadata={"thesys": json.dumps({"id": "art-1", "c1_artifact_type": "slides"})},
        )
    )
    edited = check_v1_stream(edit)["component"]
    assert "".join(edit).startswith('<artifact type="slides" id="art-1" version="2">')
    before = [s["id"] for s in envelope["component"]["props"]["slides"]]
    assert [s["id"] for s in edited["props"]["slides"]] == [i for i in before if i != "s2"]


def test_c1_chat_artifact_example_edit_from_the_stored_message(offline: LiveServer) -> None:
    # c1-chat-artifact: the stored assistant message holds the artifact and the model's closing text
    client = artifact_client(offline)
    created = client.chat.completions.create(
        model="c1/artifact/v-20251030",
        messages=[{"role": "user", "content": DATA}],
        metadata={"thesys": json.dumps({"c1_artifact_type": "report", "id": "Xy7_abc123"})},
        stream=True,
    )
    message_content = "".join(streamed(created)) + "Report created with artifact_id: Xy7_abc123, version: m1"
    assert 'type="report"' in message_content
    edited = client.chat.completions.create(
        model="c1/artifact/v-20251030",
        messages=[
            {"role": "assistant", "content": message_content},
            {"role": "user", "content": "Rename the title to Sales review"},
        ],
        metadata={"thesys": json.dumps({"c1_artifact_type": "report", "id": "Xy7_abc123"})},
        stream=True,
    )
    root = check_v1_stream(streamed(edited))["component"]
    assert root["props"]["metadata"]["title"]["text"] == "Sales review"


def test_skill_example_non_stream_edit_and_diff_option(offline: LiveServer) -> None:
    client = artifact_client(offline)
    generated = client.chat.completions.create(
        model="c1/artifact/v-20251230",
        messages=[{"role": "user", "content": DATA}],
        metadata={"thesys": json.dumps({"c1_artifact_type": "slides", "id": "unique-artifact-id"})},
        stream=True,
    )
    existing = "".join(streamed(generated))
    updated = client.chat.completions.create(
        model="c1/artifact/v-20251230",
        messages=[
            {"role": "assistant", "content": existing},
            {"role": "user", "content": "Add a slide about costs: rent 1200, food 400"},
        ],
        metadata={"thesys": json.dumps({"c1_artifact_type": "slides", "id": "unique-artifact-id"})},
    )
    content = updated.choices[0].message.content
    assert content is not None and updated.choices[0].finish_reason == "stop" and updated.usage is not None
    assert "1200" in content and 'version="2"' in content
    diff = (
        client.chat.completions.create(
            model="c1/artifact/v-20251230",
            messages=[
                {"role": "assistant", "content": existing},
                {"role": "user", "content": "remove slide 1"},
            ],
            metadata=thesys(c1_artifact_type="slides", id="unique-artifact-id", artifact_edit_format="diff"),
        )
        .choices[0]
        .message.content
    )
    assert diff is not None
    part = parse_c1(diff).parts[0]
    assert part.kind == "artifact_diff" and part.data == [{"op": "remove", "id": "s1"}]


@pytest.mark.parametrize("kind", ["slides", "report"])
def test_gateway_example_v2_generation_stream_and_patch_edit(offline: LiveServer, kind: str) -> None:
    client = artifact_client(offline)
    artifact = client.chat.completions.create(
        model="openai/gpt-5",
        messages=[{"role": "user", "content": DATA}],
        metadata={"thesys": json.dumps({"id": "art_1", "c1_artifact_type": kind})},
    )
    program = artifact.choices[0].message.content
    assert program and program.startswith("root = SlideShow(" if kind == "slides" else "root = ReportView(")
    assert artifact.model == "openai/gpt-5"
    stream = client.chat.completions.create(
        model="openai/gpt-5",
        messages=[{"role": "user", "content": DATA}],
        metadata={"thesys": json.dumps({"id": "art_report_1", "c1_artifact_type": kind})},
        stream=True,
    )
    assert check_v2_stream(streamed(stream), kind) == program
    edited = client.chat.completions.create(
        model="openai/gpt-5",
        messages=[
            {"role": "assistant", "content": program},
            {"role": "user", "content": "Rename the title to European revenue."},
        ],
        metadata={"thesys": json.dumps({"id": "art_1", "c1_artifact_type": kind, "is_edit": True})},
        stream=True,
    )
    merged = check_v2_stream(streamed(edited), kind, patch_of=program)
    assert program_title(merged) == "European revenue"


def test_format_follows_the_model_date(offline: LiveServer) -> None:
    client = artifact_client(offline)
    formats = {}
    for model in ("c1/artifact/v-20260130", "c1/artifact/v-20260331", "c1/artifact/v-dev",
                  "c1/openai/gpt-5.5/v-20260331", "c1/anthropic/claude-sonnet-4/v-20251230"):  # fmt: skip
        content = (
            client.chat.completions.create(
                model=model,
                messages=[{"role": "user", "content": DATA}],
                metadata=thesys(id="a", c1_artifact_type="slides"),
            )
            .choices[0]
            .message.content
        )
        assert content is not None
        formats[model] = "v1" if content.startswith("<artifact") else "v2"
    assert list(formats.values()) == ["v1", "v2", "v2", "v2", "v1"]


# ---- refusals


@pytest.mark.parametrize(
    ("body", "param", "words"),
    [
        ({"metadata": {}}, "metadata.thesys.id", "metadata.thesys"),
        ({"metadata": thesys(id="x")}, "metadata.thesys.c1_artifact_type", "c1_artifact_type"),
        ({"metadata": thesys(c1_artifact_type="slides")}, "metadata.thesys.id", "id"),
        ({"metadata": thesys(id="x", c1_artifact_type="c1app")}, "metadata.thesys.c1_artifact_type", "unsupported"),  # noqa: E501
        ({"metadata": thesys(id="x", c1_artifact_type="deck")}, "metadata.thesys", "c1_artifact_type"),
        ({"metadata": thesys(id="x" * 201, c1_artifact_type="slides")}, "metadata.thesys", "id"),
        ({"metadata": thesys(id="x", c1_artifact_type="slides", is_edit=True)}, "messages", "is_edit"),
        ({"tools": [{"type": "function", "function": {"name": "f"}}]}, "tools", "tool"),
        ({"model": "gpt-4o"}, "model", "gpt-4o"),
        ({"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}]}, "messages", "last"),  # noqa: E501
    ],
)  # fmt: skip
def test_refusals_are_400s_naming_the_parameter(
    offline: LiveServer, body: dict[str, Any], param: str, words: str
) -> None:
    request = {
        "model": "c1/artifact/v-20251030",
        "messages": [{"role": "user", "content": "Make slides"}],
        "metadata": thesys(id="a", c1_artifact_type="slides"),
        **body,
    }
    answer = httpx.post(
        offline.url + "/v1/artifact/chat/completions",
        json=request,
        headers={"Authorization": f"Bearer {offline.key}"},
    )
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["param"] == param and words in error["message"] and error["type"] == "invalid_request_error"


def test_offline_edit_the_rules_cannot_settle_is_an_honest_400(offline: LiveServer) -> None:
    client = artifact_client(offline)
    program = (
        client.chat.completions.create(
            model="openai/gpt-5",
            messages=[{"role": "user", "content": DATA}],
            metadata=thesys(id="a", c1_artifact_type="slides"),
        )
        .choices[0]
        .message.content
    )
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(
            model="openai/gpt-5",
            messages=[
                {"role": "assistant", "content": program},
                {"role": "user", "content": "Make slide 2 about Europe."},
            ],
            metadata=thesys(id="a", c1_artifact_type="slides", is_edit=True),
        )
    assert caught.value.code == "edit_not_supported_offline" and "remove slide" in caught.value.message


def test_bad_key_and_models_listing(offline: LiveServer) -> None:
    bad = OpenAI(base_url=offline.url + "/v1/artifact", api_key="sk-wrong", max_retries=0)
    with pytest.raises(openai.PermissionDeniedError):
        bad.chat.completions.create(model="c1/artifact/v-20251030", messages=[{"role": "user", "content": "x"}],  # noqa: E501
                                    metadata=thesys(id="a", c1_artifact_type="slides"))  # fmt: skip
    ids = [m.id for m in OpenAI(base_url=offline.url + "/v1", api_key=offline.key).models.list()]
    assert ids.count("c1/artifact/v-20251230") == 1 and len(ids) == len(set(ids))
    assert [m.id for m in artifact_client(offline).models.list()] == ["c1/artifact/v-20251230"]
    embed = [m.id for m in OpenAI(base_url=offline.url + "/v1/embed", api_key=offline.key).models.list()]
    assert "c1/artifact/v-20251230" not in embed  # not an embed model
    one = OpenAI(base_url=offline.url + "/v1", api_key=offline.key).models.retrieve("c1/artifact/v-20260130")
    assert one.id == "c1/artifact/v-20260130"


# ---- with a model (the scripted upstream)


V1_LINES = "\n".join(
    json.dumps(line)
    for line in [
        {"title": "Q4 sales", "subtitle": "Board"},
        {"template": "Title", "props": {"title": "Q4 sales"}},
        {
            "template": "KeyFigures",
            "props": {"title": "Numbers", "figures": [{"value": "3.9", "label": "Q3 revenue"}]},
        },
    ]
)
V2_PROGRAM = (
    'root = ReportView("Q4 sales", "Board", [p1, p2])\n'
    'p1 = Page("p1", ContentPage([InlineHeader("Revenue"), TextContent("Q3 was **3.9**.")]))\n'
    'p2 = Page("p2", ContentPage([KeyMetrics("column", [{title: "3.9", text: "Q3"}, {title: "3.4", text: "Q2"}])]))\n'  # noqa: E501
)


def test_with_a_model_the_artifact_prompt_is_sent_and_its_answer_streamed(
    server: LiveServer, scripted_upstream: ScriptedUpstream
) -> None:
    client = artifact_client(server)
    scripted_upstream.push(Step(text=V1_LINES))
    chunks = streamed(
        client.chat.completions.create(
            model="c1/artifact/v-20251030",
            stream=True,
            messages=[
                {"role": "system", "content": "Audience: the board."},
                {"role": "user", "content": DATA},
            ],
            metadata=thesys(id="m1", c1_artifact_type="slides"),
        )
    )
    root = check_v1_stream(chunks)["component"]
    assert [s["template"] for s in root["props"]["slides"]] == ["Title", "KeyFigures"]
    sent = scripted_upstream.requests[-1]["messages"]
    assert sent[0]["role"] == "system" and "JSON Lines" in sent[0]["content"]
    assert sent[1] == {"role": "system", "content": "Audience: the board."} and sent[-1]["role"] == "user"
    scripted_upstream.push(Step(text=V2_PROGRAM))
    program = (
        client.chat.completions.create(
            model="c1/openai/gpt-5.5/v-20260331",
            messages=[{"role": "user", "content": DATA}],
            metadata=thesys(id="m2", c1_artifact_type="report"),
        )
        .choices[0]
        .message.content
    )
    assert program is not None and program_title(program) == "Q4 sales"
    assert "ReportView(" in scripted_upstream.requests[-1]["messages"][0]["content"]
    check_v2_stream([program], "report")
    base = find_base(program, "report", "m2")
    assert base is not None
    scripted_upstream.push(Step(text='p2 = Page("p2", ContentPage([TextContent("Q2 was 3.4.")]))\n'))
    patch = (
        client.chat.completions.create(
            model="openai/gpt-5",
            messages=[
                {"role": "assistant", "content": program},
                {"role": "user", "content": "Make page 2 prose"},
            ],
            metadata=thesys(id="m2", c1_artifact_type="report", is_edit=True),
        )
        .choices[0]
        .message.content
    )
    assert patch == 'p2 = Page("p2", ContentPage([TextContent("Q2 was 3.4.")]))\n'
    assert "patch mode" in scripted_upstream.requests[-1]["messages"][0]["content"]
