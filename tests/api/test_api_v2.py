"""C1 v2 through the real `openai` SDK against a running genui server (scripted upstream writing v1 or v2):
the model version picks the format (v-20260331 and later: `version="2"`), per-model settings override it, a
thread begun in v1 stays v1, an OpenUI `]]>openui:config` turn gets a bare program; stream and non-stream,
Chat Completions and Responses."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import openai
import pytest
from openai import OpenAI

from fakes.upstream import ScriptedUpstream, Step
from genui.models.config import ModelConfig
from genui.ui import openui
from genui.ui.c1 import escape, parse_c1
from support import LiveServer

V2_MODEL = "c1/fake/ui-model/v-20260331"
V1_MODEL = "c1/fake/ui-model/v-20251230"
V1_UI = json.dumps(
    {
        "component": "Card",
        "props": {
            "children": [
                {"component": "Header", "props": {"title": "Revenue"}},
                {"component": "TextContent", "props": {"textMarkdown": "Up **12%** this quarter."}},
            ]
        },
    }
)
V2_UI = 'root = Card([h, t])\nh = Header("Revenue")\nt = TextContent("Up **12%** this quarter.")\n'
TREE_V2 = {
    "component": "Card",
    "props": {
        "children": [
            {"component": "Header", "props": {"title": "Revenue"}},
            {"component": "TextContent", "props": {"text": "Up **12%** this quarter."}},
        ]
    },
}


def server_with(make_server: Callable[..., LiveServer], **model: Any) -> LiveServer:
    return make_server(
        models=[ModelConfig(name=V2_MODEL, provider="fake", upstream_model="fake-model", **model)]
    )


def client(server: LiveServer) -> OpenAI:
    return OpenAI(base_url=server.embed_url, api_key=server.key, max_retries=0, timeout=20)


def v2_tree(text: str) -> Any:
    """The tree of a C1 v2 answer (it must be one: a version 2 content element, a valid program)."""
    [part] = [p for p in parse_c1(text).parts if p.kind == "content"]
    assert part.attrs == {"thesys": "true", "version": "2"} and part.complete
    result = openui.validate(part.body)
    assert result.valid, result.errors
    return result.root


def v1_children(text: str) -> list[str]:
    content = parse_c1(text).content
    assert isinstance(content, dict) and 'version="2"' not in text
    return [c["component"] for c in content["component"]["props"]["children"]]


def chat(server: LiveServer, model: str, stream: bool, messages: list[dict[str, Any]] | None = None) -> str:
    messages = messages or [{"role": "user", "content": "Show revenue"}]
    if not stream:
        content = (
            client(server).chat.completions.create(model=model, messages=messages).choices[0].message.content
        )
        assert content is not None
        return content
    chunks = client(server).chat.completions.create(model=model, messages=messages, stream=True)
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


def respond(server: LiveServer, model: str, stream: bool) -> str:
    if not stream:
        return client(server).responses.create(model=model, input="Show revenue").output_text
    with client(server).responses.stream(model=model, input="Show revenue") as events:
        deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
        final = events.get_final_response().output_text
    assert "".join(deltas) == final
    return final


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("api", ["chat", "responses"])
@pytest.mark.parametrize("upstream", [V2_UI, V1_UI])
@pytest.mark.parametrize("model", [V2_MODEL, V1_MODEL])
def test_the_model_version_picks_the_answer_format(
    make_server: Callable[..., LiveServer],
    scripted_upstream: ScriptedUpstream,
    stream: bool,
    api: str,
    upstream: str,
    model: str,
) -> None:
    """v-20260331 answers C1 v2, v-20251230 C1 v1, whichever the model writes (converted through the tree)."""
    server = server_with(make_server)
    scripted_upstream.push(Step(text=upstream))
    text = chat(server, model, stream) if api == "chat" else respond(server, model, stream)
    prompt = scripted_upstream.requests[-1]["messages"][0]["content"]
    if model == V2_MODEL:
        assert v2_tree(text) == TREE_V2
        assert "OpenUI Lang" in prompt and "root = Card" in prompt
    else:
        assert text.startswith('<content thesys="true">') and v1_children(text) == ["Header", "TextContent"]
        assert '"component"' in prompt  # the v1 (JSON) prompt


def test_per_model_settings_override_the_version(
    make_server: Callable[..., LiveServer], scripted_upstream: ScriptedUpstream
) -> None:
    server = server_with(make_server, content_format="v1")
    scripted_upstream.push(Step(text=V1_UI))
    assert v1_children(chat(server, V2_MODEL, False)) == ["Header", "TextContent"]
    server = server_with(make_server, upstream_format="v1")  # asks for JSON, answers v2
    scripted_upstream.push(Step(text=V1_UI))
    assert v2_tree(chat(server, V2_MODEL, True)) == TREE_V2
    assert '{"component":"Card"' in scripted_upstream.requests[-1]["messages"][0]["content"]


def test_a_thread_begun_in_v1_stays_v1(
    make_server: Callable[..., LiveServer], scripted_upstream: ScriptedUpstream
) -> None:
    server = server_with(make_server)
    earlier = (
        '<content thesys="true">'
        + escape(json.dumps({"component": json.loads(V1_UI), "error": None}))
        + "</content>"
    )
    history = [
        {"role": "user", "content": "Show revenue"},
        {"role": "assistant", "content": earlier},
        {"role": "user", "content": "And costs?"},
    ]
    scripted_upstream.push(Step(text=V1_UI))
    assert v1_children(chat(server, V2_MODEL, True, history)) == ["Header", "TextContent"]
    v2_history = [*history[:1], {"role": "assistant", "content": chat(server, V2_MODEL, False)}, history[2]]
    scripted_upstream.push(Step(text=V2_UI))
    assert v2_tree(chat(server, V2_MODEL, False, v2_history)) == TREE_V2


def test_v2_clicks_and_envelopes_in_history_reach_the_model_as_text(
    make_server: Callable[..., LiveServer], scripted_upstream: ScriptedUpstream
) -> None:
    server = server_with(make_server)
    state = {"trip": {"people": {"value": "3", "componentType": "Input"}}}
    click = (
        f"<content>Plan it</content><context>{escape(json.dumps(['User clicked: Plan it', state]))}</context>"
    )
    state_text = json.dumps([{"trip": {"pace": {"value": "fast", "componentType": "RadioGroup"}}}])
    program = 'root = Card([t])\nt = TextContent("Trip")'
    stored = f"]]>openui:content\n{program}\n]]>openui:context\n{state_text}\n]]>openui:end"
    scripted_upstream.push(Step(text=V2_UI))
    chat(
        server,
        V2_MODEL,
        False,
        [
            {"role": "user", "content": "Plan a trip"},
            {"role": "assistant", "content": stored},
            {"role": "user", "content": click},
        ],
    )
    sent = scripted_upstream.requests[-1]["messages"]
    assert sent[2] == {
        "role": "assistant",
        "content": 'root = Card([t])\nt = TextContent("Trip")\n(The user edited form trip: pace=fast)',
    }
    assert sent[3] == {"role": "user", "content": "The user clicked Plan it on form trip with people=3."}


CONFIG = {
    "chatLibrary": {
        "root": "Page",
        "schema": {
            "$defs": {
                "Page": {
                    "type": "object",
                    "properties": {
                        "blocks": {
                            "type": "array",
                            "items": {"anyOf": [{"$ref": "#/$defs/Title"}, {"$ref": "#/$defs/Note"}]},
                        }
                    },
                    "required": ["blocks"],
                },
                "Title": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]},
                "Note": {
                    "type": "object",
                    "properties": {
                        "body": {"type": "string"},
                        "tone": {"type": "string", "enum": ["calm", "loud"]},
                    },
                    "required": ["body"],
                },
            }
        },
    },
    "systemPromptOptions": {"preamble": "You build pages.", "additionalRules": ["Keep it short."]},
    "customActions": {"book": {"type": "object"}},
}


@pytest.mark.parametrize("stream", [False, True])
def test_an_openui_config_turn_gets_a_bare_program_of_its_library(
    make_server: Callable[..., LiveServer], scripted_upstream: ScriptedUpstream, stream: bool
) -> None:
    server = server_with(make_server)
    config_turn = "]]>openui:config\n" + json.dumps(CONFIG) + "\nThe app sells trips."
    scripted_upstream.push(
        Step(
            text='Here:\nroot = Page([a, b, c])\na = Title("Rome")\nb = Note("Sunny", "LOUD")\n'
            'c = Header("dropped")\n'
        )
    )
    text = chat(
        server,
        V2_MODEL,
        stream,
        [{"role": "system", "content": config_turn}, {"role": "user", "content": "Rome?"}],
    )
    assert "<content" not in text and text.startswith("root = Page(")
    library = openui.load_library(CONFIG["chatLibrary"])
    assert openui.validate(text, library).root == {
        "component": "Page",
        "props": {
            "blocks": [
                {"component": "Title", "props": {"text": "Rome"}},
                {"component": "Note", "props": {"body": "Sunny", "tone": "loud"}},
            ]
        },
    }
    sent = scripted_upstream.requests[-1]["messages"]
    assert [m["role"] for m in sent] == ["system", "user"]  # the config turn itself is not forwarded
    prompt = sent[0]["content"]
    assert (
        prompt.startswith("You build pages.")
        and "The app sells trips." in prompt
        and "Keep it short." in prompt
    )
    assert 'Note(body: string, tone?: "calm" | "loud")' in prompt and "book" in prompt


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ("]]>openui:config\n{not json", "not valid JSON"),
        ("]]>openui:config\n[1, 2]", "must be a JSON object"),
        (']]>openui:config\n{"libraryVersion": "latest"}', "libraryVersion"),
        (']]>openui:config\n{"libraryVersion": "0.0.9"}', "libraryVersion"),
        (
            ']]>openui:config\n{"chatLibrary": {"root": "Nope", "schema": {"$defs": {"A": {}}}}}',
            "chatLibrary",
        ),
        (
            ']]>openui:config\n{"chatLibrary": {"schema": {"$defs": {"A": {"properties": '
            '{"x": {"$ref": "#/$defs/B"}}}}}}}',
            "chatLibrary",
        ),
        (']]>openui:config\n{"systemPromptOptions": {"preamble": "x"}}', "systemPromptOptions"),
        (']]>openui:config\n{"customActions": {"bad name": {}}}', "customActions"),
    ],
)
def test_a_malformed_config_turn_is_a_400_naming_it(
    make_server: Callable[..., LiveServer], scripted_upstream: ScriptedUpstream, config: str, named: str
) -> None:
    server = server_with(make_server)
    with pytest.raises(openai.BadRequestError) as caught:
        chat(
            server, V2_MODEL, True, [{"role": "system", "content": config}, {"role": "user", "content": "x"}]
        )
    error = caught.value.body
    assert isinstance(error, dict)
    assert error["param"] == "messages[0].content" and error["code"] == "invalid_openui_config"
    assert named in error["message"]
    assert scripted_upstream.requests == []  # refused before any model call
