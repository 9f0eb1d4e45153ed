"""The published contract: every POST documents its JSON body, every operation the error statuses it really
sends (with the error body), and none the 422 FastAPI would document but genui never sends."""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema
import pytest

from support import FAKE_MODEL, LiveServer


@pytest.fixture
def spec(server: LiveServer) -> dict[str, Any]:
    document: dict[str, Any] = httpx.get(server.url + "/openapi.json").json()
    return document


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, ops in spec["paths"].items() for method, op in ops.items()]


def _resolve(spec: dict[str, Any], ref: str) -> dict[str, Any]:
    name = ref.removeprefix("#/components/schemas/")
    schema: dict[str, Any] = spec["components"]["schemas"][name]
    return schema


def test_every_post_has_a_json_request_body(spec: dict[str, Any]) -> None:
    posts = [(path, op) for method, path, op in _operations(spec) if method == "post"]
    assert {path for path, _ in posts} >= {
        "/v1/embed/chat/completions",
        "/v1/embed/responses",
        "/v1/conversations",
        "/v1/render",
    }
    for path, op in posts:
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        assert "properties" in _resolve(spec, schema["$ref"]), path


def test_no_operation_documents_a_422(spec: dict[str, Any]) -> None:
    for method, path, op in _operations(spec):
        assert "422" not in op["responses"], (method, path)
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def test_error_statuses_carry_the_error_body(spec: dict[str, Any]) -> None:
    chat = spec["paths"]["/v1/embed/chat/completions"]["post"]["responses"]
    assert set(chat) >= {"200", "400", "403", "413", "415", "429", "500", "502", "503", "504"}
    for method, path, op in _operations(spec):
        for status, response in op["responses"].items():
            if status.startswith(("4", "5")):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorBody"), (method, path, status)


def test_the_published_request_models_accept_what_the_server_accepts(
    spec: dict[str, Any], server: LiveServer
) -> None:
    """The documented schema is the one the server validates with: a valid body passes it and the server,
    a body the server refuses (400) fails it."""
    defs = spec["components"]["schemas"]
    schema = {**_resolve(spec, "#/components/schemas/ChatRequest"), "components": {"schemas": defs}}
    good = {"model": FAKE_MODEL, "messages": [{"role": "user", "content": "hi"}], "stream": False}
    jsonschema.validate(good, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**good, "stream": "yes"}, schema)
    refused = httpx.post(
        server.embed_url + "/chat/completions",
        json={**good, "stream": "yes"},
        headers={"authorization": f"Bearer {server.key}"},
    )
    assert refused.status_code == 400 and refused.json()["error"]["param"] == "stream"
