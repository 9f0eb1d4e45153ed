"""POST /v1/autofix and /v1/embed/sanitize over HTTP: the broken-generation corpus, shapes, hostile input,
keys and rate limits, the optional repair model (scripted upstream), and the real `openai` SDK."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient
from openai import OpenAI

from fakes.upstream import ScriptedUpstream, Step
from genui.api.app import create_app
from genui.config import Settings
from genui.ui import Catalog, openui
from genui.ui.c1 import parse_c1
from repair_corpus import CASES, TEN_CODES, WIDE_ROOT, WIDE_SCHEMA, Case, autofix_body, codes, sanitize_body
from support import FAKE_MODEL, LiveServer, create_key, upstream_settings

SANITIZE_STATUS = {"already_valid": "already_valid", "fixed": "repaired", "fix_failed": "repair_failed"}
V1_VALIDATOR = jsonschema.Draft202012Validator(Catalog.default().validation_schema())
WIDE = openui.load_library(WIDE_SCHEMA, root=WIDE_ROOT)
GAP = 'root = Card([h, t])\nh = Header()\nt = TextContent("Q3 revenue is up 12%.")\n'
GAP_FIXED_BY_MODEL = (
    'root = Card([h, t])\nh = Header("Q3 revenue")\nt = TextContent("Q3 revenue is up 12%.")\n'
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("repair"), no_auth=True, log_level="warning")
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as test_client:
        yield test_client


def assert_valid_output(case: Case, program: str) -> None:
    """A fixed output is valid for the library that was sent, and renders something."""
    if case.format == "v2":
        body = parse_c1(program).content_text if program.startswith("<content") else program
        assert body is not None
        result = openui.validate(body, WIDE if case.library == "wide" else None)
        assert result.valid and result.root is not None, [e.to_dict() for e in result.errors]
        return
    if program.startswith("<content"):
        content = parse_c1(program).content
        assert content is not None and content["error"] is None
        card = content["component"]
    else:
        value = json.loads(program)
        card = value["component"] if isinstance(value.get("component"), dict) else value
    V1_VALIDATOR.validate(card)
    assert card["props"]["children"], "a fix renders something"


def test_the_corpus_covers_every_code_several_times() -> None:
    broken = [case for case in CASES if case.status != "already_valid"]
    assert len(broken) >= 60 and len(CASES) - len(broken) >= 10
    for code in TEN_CODES:
        assert sum(code in case.codes for case in broken) >= 3, code
    assert {case.format for case in broken} == {"v1", "v2"}
    assert sum(case.library == "wide" for case in broken) >= 15


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_corpus_through_sanitize(client: TestClient, case: Case) -> None:
    response = client.post("/v1/embed/sanitize", json=sanitize_body(case))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["object"] == "openui.sanitize" and answer["id"].startswith("san_")
    assert answer["status"] == SANITIZE_STATUS[case.status]
    assert (codes(answer["fixed-errors"]), codes(answer["unfixed-errors"])) == (case.fixed, case.unfixed)
    assert answer["format"] == case.format
    assert answer["usage"] == {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    if case.status == "already_valid":
        assert answer["program"] == case.text  # byte for byte
    elif case.status == "fixed":
        assert_valid_output(case, answer["program"])
        again = client.post("/v1/embed/sanitize", json=sanitize_body(case) | {"output": answer["program"]})
        assert again.json()["status"] == "already_valid"  # a fix is stable
    else:
        assert answer["program"] is None and answer["unfixed-errors"]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_corpus_through_autofix(client: TestClient, case: Case) -> None:
    response = client.post("/v1/autofix", json=autofix_body(case))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["id"].startswith("fix_") and answer["object"] == "chat.completion"
    assert answer["model"] == "openui/autofix" and isinstance(answer["created"], int)
    choice = answer["choices"][0]
    assert choice["finish_reason"] == "stop" and choice["message"]["role"] == "assistant"
    summary = answer["fix_summary"]
    assert summary["status"] == case.status
    assert (codes(summary["fixed_errors"]), codes(summary["unfixed_errors"])) == (case.fixed, case.unfixed)
    content = choice["message"]["content"]
    if case.status == "already_valid":
        assert content == case.text
    elif case.status == "fixed":
        assert_valid_output(case, content)
    else:
        assert content is None


def test_error_items_carry_what_is_known(client: TestClient) -> None:
    answer = client.post(
        "/v1/embed/sanitize", json={"output": 'root = Card([h, ghost])\nh = Header("A", "b", "c")\n'}
    ).json()
    assert answer["status"] == "repaired"
    assert answer["fixed-errors"] == [
        {
            "code": "excess-args",
            "message": "Header takes 2 argument(s), got 3 (the extra ones are dropped)",
            "component": "Header",
            "path": "",
            "statementId": "h",
        },
        {"code": "unresolved", "message": '"ghost" is referenced but never defined', "statementId": "ghost"},
    ]
    assert answer["unfixed-errors"] == []


def test_v1_keeps_the_form_it_came_in(client: TestClient) -> None:
    c1 = (
        "<thinkitem><thinkitemtitle>Plan</thinkitemtitle><thinkitemcontent>x</thinkitemcontent></thinkitem>"
        '<content thesys="true">{&quot;component&quot;:{&quot;component&quot;:&quot;Card&quot;,&quot;props'
        "&quot;:{&quot;children&quot;:[{&quot;component&quot;:&quot;Header&quot;,&quot;props&quot;:{&quot;"
        "title&quot;:&quot;A&quot;,&quot;bogus&quot;:1}}]}},&quot;error&quot;:null}</content>"
    )
    answer = client.post("/v1/embed/sanitize", json={"output": c1}).json()
    assert answer["status"] == "repaired" and answer["format"] == "v1"
    program = answer["program"]
    assert program.startswith("<thinkitem><thinkitemtitle>Plan</thinkitemtitle>")
    content = parse_c1(program).content
    assert content == {
        "component": {
            "component": "Card",
            "props": {"children": [{"component": "Header", "props": {"title": "A"}}]},
        },
        "error": None,
    }
    card_only = client.post("/v1/embed/sanitize", json={"output": json.dumps(content["component"]) + "   "})
    assert card_only.json()["status"] == "already_valid"  # whitespace around one JSON value is fine


def test_format_can_be_given(client: TestClient) -> None:
    text = '{"component":"Card","props":{"children":[]}}'
    as_v1 = client.post("/v1/embed/sanitize", json={"output": text}).json()
    assert as_v1["format"] == "v1" and as_v1["status"] == "already_valid"
    as_v2 = client.post("/v1/embed/sanitize", json={"output": text, "format": "v2"}).json()
    assert as_v2["format"] == "v2" and as_v2["status"] == "repair_failed"


def test_custom_actions_are_kept(client: TestClient) -> None:
    actions = {"book_table": {"description": "Reserve", "properties": {"size": {"type": "number"}}}}
    step = 'root = Card([bg])\nbg = ButtonGroup([b])\nb = Button("Book", @book_table(4))\n'
    kept = client.post("/v1/embed/sanitize", json={"output": step, "config": {"customActions": actions}})
    assert kept.json()["status"] == "already_valid"
    dropped = client.post("/v1/embed/sanitize", json={"output": step}).json()
    assert dropped["status"] == "repaired" and "@book_table" not in dropped["program"]
    v1 = json.dumps(
        {
            "component": "Card",
            "props": {
                "children": [
                    {
                        "component": "ButtonGroup",
                        "props": {
                            "children": [
                                {
                                    "component": "Button",
                                    "props": {
                                        "children": "Book",
                                        "name": "book",
                                        "action": {"type": "book_table", "props": {"size": 4}},
                                    },
                                }
                            ]
                        },
                    }
                ]
            },
        }
    )
    kept_v1 = client.post("/v1/embed/sanitize", json={"output": v1, "config": {"customActions": actions}})
    assert kept_v1.json()["status"] == "already_valid"
    assert client.post("/v1/embed/sanitize", json={"output": v1}).json()["status"] == "repaired"


def test_library_version_and_library_are_exclusive(client: TestClient) -> None:
    text = 'root = Card([h])\nh = Header("A")\n'
    ok = client.post("/v1/embed/sanitize", json={"output": text, "config": {"openUIlibraryVersion": "0.1.0"}})
    assert ok.json()["status"] == "already_valid"
    both = {"openUIlibraryVersion": "0.1.0", "library": WIDE_SCHEMA}
    error = client.post("/v1/embed/sanitize", json={"output": text, "config": both}).json()["error"]
    assert error["param"] == "config.library" and "mutually exclusive" in error["message"]
    bad = client.post("/v1/embed/sanitize", json={"output": text, "config": {"openUIlibraryVersion": "9"}})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "config.openUIlibraryVersion"


def _deep(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {"type": "string"}
    for _ in range(levels):
        value = {"type": "object", "properties": {"x": value}}
    return value


def _components(count: int) -> dict[str, Any]:
    return {"$defs": {f"C{i}": {"properties": {"text": {"type": "string"}}} for i in range(count)}}


ASSISTANT = [{"role": "assistant", "content": 'root = Card([h])\nh = Header("A")\n'}]
VERSION = "config.openUIlibraryVersion"
ACTIONS = "config.customActions"


def _with_library(library: Any) -> dict[str, Any]:
    return {"messages": ASSISTANT, "library": library}


def _with_action(properties: Any) -> dict[str, Any]:
    return {"output": "x", "config": {"customActions": {"go": {"properties": properties}}}}


HOSTILE: list[tuple[str, Any, str | None]] = [
    ("/v1/autofix", b"{not json", None),
    ("/v1/embed/sanitize", b"[1, 2]", None),
    ("/v1/embed/sanitize", b'{"output": "x\\u0000"', None),  # cut off: not JSON
    ("/v1/embed/sanitize", {"output": 5}, "output"),
    ("/v1/embed/sanitize", {"output": None}, "output"),
    ("/v1/embed/sanitize", {}, "output"),
    ("/v1/embed/sanitize", {"output": ""}, "output"),
    ("/v1/embed/sanitize", {"output": " \n\t "}, "output"),
    ("/v1/embed/sanitize", {"output": "x" * 100_001}, "output"),
    ("/v1/embed/sanitize", {"output": "x", "config": "chat"}, "config"),
    ("/v1/embed/sanitize", {"output": "x", "config": {"library": "chat"}}, "config.library"),
    ("/v1/embed/sanitize", {"output": "x", "config": {"library": [1]}}, "config.library"),
    ("/v1/embed/sanitize", {"output": "x", "config": {"library": {}}}, "config.library"),
    ("/v1/embed/sanitize", {"output": "x", "config": {"openUIlibraryVersion": 1}}, VERSION),
    ("/v1/embed/sanitize", {"output": "x", "config": {"openUIlibraryVersion": "x"}}, VERSION),
    ("/v1/embed/sanitize", {"output": "x", "config": {"customActions": [1]}}, "config.customActions"),
    ("/v1/embed/sanitize", {"output": "x", "config": {"customActions": {"a b": {}}}}, "config.customActions"),
    ("/v1/embed/sanitize", {"output": "x", "config": {"customActions": {"go": 3}}}, "config.customActions"),
    ("/v1/embed/sanitize", _with_action({"x": {"enum": 5}}), ACTIONS),
    ("/v1/embed/sanitize", _with_action({"x": {"$ref": "#/$defs/No"}}), ACTIONS),
    ("/v1/embed/sanitize", _with_action({"x": {"type": "string", "pattern": "("}}), ACTIONS),
    ("/v1/embed/sanitize", {"output": "x", "format": "v3"}, "format"),
    ("/v1/embed/sanitize", {"output": "x", "format": "v2\x00"}, "format"),
    ("/v1/embed/sanitize", {"output": "x", "config": {"customActions": {"go\x00": {}}}}, ACTIONS),
    ("/v1/embed/sanitize", {"output": "\x00\x00 \x00"}, "output"),
    ("/v1/autofix", {"messages": [{"role": "assistant\x00", "content": "x"}]}, "messages[0].role"),
    ("/v1/autofix", {"messages": "hi"}, "messages"),
    ("/v1/autofix", {"messages": []}, "messages"),
    ("/v1/autofix", {"messages": [{"role": "robot", "content": "x"}]}, "messages[0].role"),
    ("/v1/autofix", {"messages": [{"role": "assistant", "content": 5}]}, "messages[0].content"),
    ("/v1/autofix", {"messages": [{"role": "user", "content": "x"}]}, "messages"),
    ("/v1/autofix", {"messages": [{"role": "assistant", "content": None}]}, "messages"),
    ("/v1/autofix", {"messages": [{"role": "assistant", "content": [{"type": "image_url"}]}]}, "messages"),
    ("/v1/autofix", {"messages": [{"role": "assistant", "content": "x" * 100_001}]}, "messages"),
    ("/v1/autofix", {"messages": ASSISTANT, "stream": True}, "stream"),
    ("/v1/autofix", {"messages": ASSISTANT, "stream": [1]}, "stream"),
    ("/v1/autofix", {"messages": ASSISTANT, "model": 5}, "model"),
    ("/v1/autofix", {"messages": ASSISTANT, "format": 2}, "format"),
    ("/v1/autofix", {"messages": ASSISTANT, "library": "chat"}, "library"),
    ("/v1/autofix", _with_library({"$defs": {"A": {"properties": {"x": {"$ref": "#/$defs/B"}}}}}), "library"),
    ("/v1/autofix", _with_library({"$defs": {"A": {"required": ["x"]}}}), "library"),
    ("/v1/autofix", _with_library({"root": "Nope", "schema": _components(2)}), "library"),
    ("/v1/autofix", _with_library(_components(501)), "library"),
    ("/v1/autofix", _with_library({"$defs": {"A": {"properties": {"x": _deep(70)}}}}), "library"),
    ("/v1/autofix", _with_library({"$defs": {"A": {"description": "d" * 1_100_000}}}), "library"),
]  # fmt: skip


@pytest.mark.parametrize(
    "path, body, param", HOSTILE, ids=[f"{i}-{p}" for i, (_, _, p) in enumerate(HOSTILE)]
)
def test_hostile_input_is_a_400_naming_the_param(
    client: TestClient, path: str, body: Any, param: str | None
) -> None:
    if isinstance(body, bytes):
        response = client.post(path, content=body, headers={"content-type": "application/json"})
    else:
        response = client.post(path, json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["message"]
    # pydantic names the union member that failed last: `messages[0].content.str` names the param too
    assert error["param"] == param or (param is not None and error["param"].startswith(param + "."))


def test_a_dangling_ref_names_where_it_is(client: TestClient) -> None:
    library = {"$defs": {"A": {"properties": {"x": {"$ref": "#/$defs/B"}}}}}
    error = client.post("/v1/autofix", json={"messages": ASSISTANT, "library": library}).json()["error"]
    assert "$defs/A/properties/x" in error["message"] and "#/$defs/B" in error["message"]


HOSTILE_PROGRAMS = [
    'root = Card([h])\nh = Header("A\x00B")\n\x00\x00 = \x00\n',
    "root = Card(" + "[" * 5000 + "]" * 5000 + ")\n",
    "root = Card([a])\n" + "".join(f"a{i} = [a{i + 1}, a{i + 1}]\n" for i in range(60)),
    '{"component":' * 3000,
    '<content thesys="true" version="2">' + "&amp;" * 1000,
    "é\ud7ff\ufffe\U0010ffff" * 100,
    "x = " + "-" * 90_000,
]


@pytest.mark.parametrize("program", HOSTILE_PROGRAMS, ids=range(len(HOSTILE_PROGRAMS)))
@pytest.mark.parametrize("fmt", [None, "v1", "v2"])
def test_hostile_programs_are_answered_never_a_500(client: TestClient, program: str, fmt: str | None) -> None:
    body: dict[str, Any] = {"output": program} | ({"format": fmt} if fmt else {})
    response = client.post("/v1/embed/sanitize", json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["status"] in ("repaired", "repair_failed", "already_valid")
    if answer["status"] == "repaired":
        assert "\x00" not in answer["program"]


def test_nul_characters_in_a_generation_are_removed(client: TestClient) -> None:
    text = 'root = Card([h, t])\nh = Header("Q\x003")\nt = TextContent("a\x00b")\n'
    answer = client.post("/v1/embed/sanitize", json={"output": text}).json()
    assert answer["status"] == "repaired" and codes(answer["fixed-errors"]) == ["unsafe-text"]
    assert answer["program"] == 'root = Card([h, t])\nh = Header("Q3")\nt = TextContent("ab")\n'


def test_a_library_with_nul_characters_never_fails_the_server(client: TestClient) -> None:
    library = {"$defs": {"Pa\x00ge": {"properties": {"t\x00": {"type": "string"}}, "required": ["t\x00"]}}}
    response = client.post(
        "/v1/embed/sanitize", json={"output": 'root = Pa\x00ge("x")\n', "config": {"library": library}}
    )
    assert response.status_code in (200, 400)


def test_keys_and_rate_limits_apply(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, requests_per_minute=2, log_level="warning")
    key = create_key(settings)
    body = {"output": 'root = Card([h])\nh = Header("A")\n'}
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as test_client:
        missing = test_client.post("/v1/embed/sanitize", json=body)
        assert missing.status_code == 403 and missing.json()["error"]["code"] == "missing_api_key"
        headers = {"authorization": f"Bearer {key}"}
        first = test_client.post("/v1/embed/sanitize", json=body, headers=headers)
        assert first.status_code == 200 and first.headers["x-ratelimit-remaining-requests"] == "1"
        auto = {"messages": ASSISTANT}
        assert test_client.post("/v1/autofix/chat/completions", json=auto, headers=headers).status_code == 200
        refused = test_client.post("/v1/autofix", json=auto, headers=headers)
        assert refused.status_code == 429 and "retry-after" in refused.headers


# ---- the optional repair model (the scripted upstream stands in for it) ------


def model_client(tmp_path: Path, upstream: ScriptedUpstream, **overrides: Any) -> TestClient:
    settings = upstream_settings(tmp_path, upstream, no_auth=True, **overrides)
    return TestClient(create_app(settings), base_url="http://127.0.0.1")


def ask(
    test_client: TestClient, program: str, context: str = "Show Q3 revenue with a header"
) -> dict[str, Any]:
    messages = [
        {"role": "system", "content": "You are a finance assistant."},
        {"role": "user", "content": context},
        {"role": "tool", "content": "tool output that must not reach the repair model", "tool_call_id": "t"},
        {"role": "assistant", "content": program},
    ]
    response = test_client.post("/v1/autofix", json={"messages": messages})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_without_a_repair_model_nothing_leaves_the_machine(
    tmp_path: Path, scripted_upstream: ScriptedUpstream
) -> None:
    with model_client(tmp_path, scripted_upstream) as test_client:
        answer = ask(test_client, GAP)
    assert answer["fix_summary"]["status"] == "fixed"
    assert (
        answer["choices"][0]["message"]["content"]
        == 'root = Card([t])\nt = TextContent("Q3 revenue is up 12%.")\n'
    )
    assert scripted_upstream.requests == []


def test_a_configured_model_fills_a_semantic_gap(tmp_path: Path, scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(text=GAP_FIXED_BY_MODEL, usage=(321, 45)))
    with model_client(tmp_path, scripted_upstream, repair_model=FAKE_MODEL) as test_client:
        answer = ask(test_client, GAP)
    assert answer["fix_summary"]["status"] == "fixed"
    assert answer["choices"][0]["message"]["content"] == GAP_FIXED_BY_MODEL
    assert codes(answer["fix_summary"]["fixed_errors"]) == ["missing-required"]
    assert answer["usage"] == {"prompt_tokens": 321, "completion_tokens": 45, "total_tokens": 366}
    assert len(scripted_upstream.requests) == 1
    sent = scripted_upstream.requests[0]["messages"]
    system, user = sent[0]["content"], sent[1]["content"]
    assert "Header(title" in system and "TextContent(" in system  # the library's signatures
    assert GAP in user and 'missing required argument "title"' in user  # the program and its errors
    assert "Show Q3 revenue with a header" in user and "finance assistant" in user  # the context
    assert "must not reach" not in user  # tool turns are dropped


@pytest.mark.parametrize(
    "program",
    [
        'root = Card([h])\nh = Header("A", "b", "c")\n',  # excess args: fixed without a model
        'root = Card([h, ghost])\nh = Header("A")\n',  # unresolved: removed
        'root = Card([h])\nh = Header("Fine")\n',  # already valid
        '{"component":"Card","props":{"children":[{"component":"Header","props":{"title":"A","x":1}}]}}',
    ],
)
def test_a_configured_model_is_not_called_without_a_gap(
    tmp_path: Path, scripted_upstream: ScriptedUpstream, program: str
) -> None:
    with model_client(tmp_path, scripted_upstream, repair_model=FAKE_MODEL) as test_client:
        answer = ask(test_client, program)
    assert answer["fix_summary"]["status"] in ("fixed", "already_valid")
    assert answer["usage"]["total_tokens"] == 0
    assert scripted_upstream.requests == []


def test_at_most_two_attempts_then_the_deterministic_repair_stands(
    tmp_path: Path, scripted_upstream: ScriptedUpstream
) -> None:
    scripted_upstream.push(Step(text="root = Card([h])\nh = Header()\n", usage=(10, 5)))
    scripted_upstream.push(Step(text="I cannot help with that.", usage=(20, 6)))
    scripted_upstream.push(Step(text=GAP_FIXED_BY_MODEL))  # never asked for
    with model_client(tmp_path, scripted_upstream, repair_model=FAKE_MODEL) as test_client:
        answer = ask(test_client, GAP)
    assert len(scripted_upstream.requests) == 2
    assert answer["fix_summary"]["status"] == "fixed"
    assert (
        answer["choices"][0]["message"]["content"]
        == 'root = Card([t])\nt = TextContent("Q3 revenue is up 12%.")\n'
    )
    assert answer["usage"] == {"prompt_tokens": 30, "completion_tokens": 11, "total_tokens": 41}
    second = scripted_upstream.requests[1]["messages"]
    assert second[-2] == {"role": "assistant", "content": "root = Card([h])\nh = Header()\n"}
    assert "still has these problems" in second[-1]["content"]


def test_a_model_makes_a_failed_repair_succeed(tmp_path: Path, scripted_upstream: ScriptedUpstream) -> None:
    broken = 'root = Card([f])\nf = Form("contact")\n'
    fixed = (
        'root = Card([f])\nf = Form("contact", bg)\nbg = ButtonGroup([b])\n'
        'b = Button("Send", {type: "continue_conversation"})\n'
    )
    scripted_upstream.push(Step(text="```openui-lang\n" + fixed + "```"))
    with model_client(tmp_path, scripted_upstream, repair_model=FAKE_MODEL) as test_client:
        answer = ask(test_client, broken, "A contact form")
    assert answer["fix_summary"]["status"] == "fixed" and answer["fix_summary"]["unfixed_errors"] == []
    assert answer["choices"][0]["message"]["content"] == fixed
    assert codes(answer["fix_summary"]["fixed_errors"]) == ["missing-required", "missing-root"]


def test_a_v1_gap_goes_to_the_model_too(tmp_path: Path, scripted_upstream: ScriptedUpstream) -> None:
    broken = '{"component":"Card","props":{"children":[{"component":"Header","props":{}}]}}'
    fixed = '{"component":"Card","props":{"children":[{"component":"Header","props":{"title":"Q3"}}]}}'
    scripted_upstream.push(Step(text=fixed))
    with model_client(tmp_path, scripted_upstream, repair_model=FAKE_MODEL) as test_client:
        answer = ask(test_client, broken)
    assert answer["fix_summary"]["status"] == "fixed" and answer["fix_summary"]["format"] == "v1"
    assert answer["choices"][0]["message"]["content"] == fixed
    assert len(scripted_upstream.requests) == 1


def test_an_unreachable_model(tmp_path: Path, scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.default = Step(status=503)
    with model_client(tmp_path, scripted_upstream, repair_model=FAKE_MODEL) as test_client:
        stands = ask(test_client, GAP)  # a valid deterministic repair is still the answer
        assert stands["fix_summary"]["status"] == "fixed" and stands["usage"]["total_tokens"] == 0
        failed = test_client.post(
            "/v1/autofix",
            json={"messages": [{"role": "assistant", "content": 'root = Card([f])\nf = Form("x")\n'}]},
        )
    assert failed.status_code in (502, 503) and failed.json()["error"]["message"]


def test_a_misconfigured_repair_model_stops_the_start_up(
    tmp_path: Path, scripted_upstream: ScriptedUpstream
) -> None:
    with (
        pytest.raises(ValueError, match="repair_model setting is not usable"),
        model_client(tmp_path, scripted_upstream, repair_model="c1/nope/x/v-20260101"),
    ):
        pass


# ---- the real openai SDK ------


def test_the_openai_sdk_calls_autofix_like_a_chat_completion(server: LiveServer) -> None:
    client = OpenAI(base_url=server.url + "/v1/autofix", api_key=server.key, max_retries=0, timeout=20)
    broken = 'root = Page("Ops", [p, ghost])\np = Paragraph("All good", "extra")\n'
    completion = client.chat.completions.create(
        model="openui/autofix",
        messages=[{"role": "user", "content": "Status page"}, {"role": "assistant", "content": broken}],
        extra_body={"library": {"root": WIDE_ROOT, "schema": WIDE_SCHEMA}},
    )
    assert completion.id.startswith("fix_") and completion.model == "openui/autofix"
    assert completion.choices[0].message.content == 'root = Page("Ops", [p])\np = Paragraph("All good")\n'
    assert completion.usage is not None and completion.usage.total_tokens == 0
    summary = (completion.model_extra or {})["fix_summary"]
    assert summary["status"] == "fixed" and codes(summary["fixed_errors"]) == ["excess-args", "unresolved"]
    assert completion.to_dict()["fix_summary"] == summary  # type: ignore[comparison-overlap]
    valid = client.chat.completions.create(
        model="anything", messages=[{"role": "assistant", "content": 'root = Card([h])\nh = Header("A")\n'}]
    )
    assert valid.to_dict()["fix_summary"]["status"] == "already_valid"  # type: ignore[typeddict-item]
