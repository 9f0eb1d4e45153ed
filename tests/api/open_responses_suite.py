"""A Python stand-in for the Open Responses compliance suite: its 17 scenarios (see the shared doc
open-responses-compliance.md), with `openresponses-types` validating every body and every event, SSE and
WebSocket, plus what the spec requires and the suite does not check: an SSE `event:` name equal to the data's
`type`, the closing `data: [DONE]`, sequence numbers 0, 1, 2... in each stream and each WebSocket turn, every
error body in the OpenAI shape, and every WebSocket message a text frame holding one JSON event.

A scenario needs only a `Target` (base URL, key, model), so the same scenarios run against any server and
model (test_api_open_responses_compliance.py points them at genui on the scripted upstream; a slow test may
point them at the embedded model). No tests here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import openresponses_types as ort
from test_api_responses_support import EVENT_MODELS, check_resource, read_sse
from websockets.sync.client import ClientConnection, connect

TERMINAL = ("response.completed", "response.failed", "response.incomplete")
WEATHER_TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "Get the current weather for a location",
    "parameters": {
        "type": "object",
        "properties": {
            "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"}
        },
        "required": ["location"],
    },
}
# a red heart icon on a white background (the suite's image)
HEART_PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAIAAAD8GO2jAAABmklEQVR42tyWAaTyUBzFew/eG4AHz+MBSAH"
    "KBiJRGFKwIgQQJKLUIioBIhCAiCAAEizAQIAECaASqFFJq84nudjnaqvuPnxzgP9xfrq5938csPn7PwHTKSoViCIEAYEAMhmoKsU2mUC"
    "WEQqB5xEMIp/HaGQG2G6RSuH9HQ7H34rFrtPbdz4jl6PbwmEsl3QA1mt4vcRKk8dz9eg6IpF7tt9fzGY0gCgafFRFo5Blc5vLhf3eCOj"
    "1yNhM5GRMVK0aATxPZoz09YXjkQDmczJgquGQAPp9WwCNBgG027YACgUC6HRsAZRKBDAY2AJoNv/ZnwzA6WScznG3p4UAymXGAEkyXrT"
    "FAh8fLAGqagQAyGaZpYsi7bHTNPz8MEj//LxuFPo+UBS8vb0KaLXubrRa7aX0RMLCykwmn0z3+XA4WACcTpCkh9MFAZpmuVXo+mO/w+/"
    "HZvNgbblcUCxaSo/Hyck80Yu6XXDcvfVZr79cvMZjuN2U9O9vKAqjZrfbIZ0mV4TUi9Xqz6jddNy//7+e3n8Fhf/Llo2kxi8AQyGRoDk"
    "mAhAAAAAASUVORK5CYII="
)


@dataclass(frozen=True)
class Target:
    base_url: str  # what the suite's `-u` takes, e.g. http://127.0.0.1:PORT/v1
    key: str
    model: str
    timeout: float = 60.0  # seconds for one answer (a small local model on a busy machine needs more)

    @property
    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.key}"}

    @property
    def ws_url(self) -> str:
        return "ws" + self.base_url.removeprefix("http") + "/responses"


def message(role: str, content: Any, **extra: Any) -> dict[str, Any]:
    return {"type": "message", "role": role, "content": content, **extra}


def user(text: str) -> dict[str, Any]:
    return message("user", text)


def check_error_body(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"} and error["message"], error
    return error


def post(target: Target, path: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(target.base_url + path, json=body, headers=target.headers, timeout=target.timeout)


def create(target: Target, body: dict[str, Any]) -> dict[str, Any]:
    """POST /responses: a 200 whose body is a valid ResponseResource."""
    response = post(target, "/responses", {"model": target.model, **body})
    assert response.status_code == 200, response.text
    resource: dict[str, Any] = response.json()
    check_resource(resource)
    return resource


def completed_with_output(resource: dict[str, Any]) -> None:
    assert resource["output"], "the response has no output items"
    assert resource["status"] == "completed", (resource["status"], resource["error"])


def stream(target: Target, body: dict[str, Any]) -> list[dict[str, Any]]:
    """POST /responses with stream: true: the events, each validated (read_sse: event name, [DONE], order)."""
    payload = {"model": target.model, "stream": True, **body}
    with httpx.stream(
        "POST", target.base_url + "/responses", json=payload, headers=target.headers, timeout=target.timeout
    ) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        return read_sse(response)


# --- WebSocket


@dataclass
class Turn:
    """The messages of one WebSocket turn: streaming events ending in a terminal one, or an error envelope."""

    request: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def envelope(self) -> dict[str, Any] | None:
        last = self.events[-1]
        return last if last["type"] == "error" and "status" in last else None

    @property
    def final(self) -> dict[str, Any] | None:
        last = self.events[-1]
        return last["response"] if last["type"] in TERMINAL else None

    @property
    def error_code(self) -> str | None:
        if self.envelope is not None:
            return str(self.envelope["error"]["code"])
        error = (self.final or {}).get("error")
        return str(error["code"]) if error else None

    @property
    def failed(self) -> bool:
        return self.envelope is not None or (self.final or {}).get("status") == "failed"


def read_turn(ws: ClientConnection, turn: Turn, timeout: float = 60.0) -> Turn:
    while True:
        raw = ws.recv(timeout=timeout)
        assert isinstance(raw, str), "a WebSocket event is a text frame"
        assert raw != "[DONE]", "[DONE] before a terminal WebSocket event"
        event = json.loads(raw)
        turn.events.append(event)
        if event["type"] == "error" and "status" in event:
            ort.WebSocketErrorEvent.model_validate(event)
            assert set(event["error"]) >= {"code", "message"}
            assert len(turn.events) == 1, "an error envelope ends a turn that never started"
            return turn
        EVENT_MODELS[event["type"]].model_validate(event)
        if "response" in event:
            check_resource(event["response"])
        if event["type"] in TERMINAL:
            numbers = [e["sequence_number"] for e in turn.events]
            assert numbers == list(range(len(numbers))), numbers
            assert turn.events[0]["type"] == "response.created"
            return turn


Step = dict[str, Any] | Callable[[list[Turn]], dict[str, Any]]


def ws_session(target: Target, steps: list[Step], *, validate_requests: bool = True) -> list[Turn]:
    """One connection: each step's `response.create` sent after the previous turn ended."""
    turns: list[Turn] = []
    with connect(target.ws_url, additional_headers=target.headers, open_timeout=10) as ws:
        for step in steps:
            body = step(turns) if callable(step) else step
            if validate_requests:
                ort.WebSocketResponseCreateEvent.model_validate(body)
            ws.send(json.dumps(body))
            turns.append(read_turn(ws, Turn(body), target.timeout))
    return turns


def ws_create(target: Target, **body: Any) -> dict[str, Any]:
    return {"type": "response.create", "model": target.model, **body}


def ws_completed(turn: Turn) -> dict[str, Any]:
    assert turn.final is not None, turn.events[-1]
    assert turn.final["status"] == "completed", turn.final["error"]
    assert turn.final["output"]
    return turn.final


# --- the 17 scenarios


def basic_response(target: Target) -> None:
    completed_with_output(create(target, {"input": [user("Say hello in exactly 3 words.")]}))


def assistant_phase(target: Target) -> None:
    body = {
        "input": [
            message("assistant", "I should answer with the saved number.", phase="commentary"),
            message("assistant", "The number is four.", phase="final_answer"),
            user("Repeat only the number."),
        ]
    }
    completed_with_output(create(target, body))


def response_output_phase_schema(target: Target) -> None:
    """The suite's local fixture (no request): the schema takes assistant output with phase labels."""
    text = {"type": "output_text", "annotations": [], "logprobs": []}
    fixture = {
        "id": "resp_phase_schema",
        "object": "response",
        "created_at": 1764967971,
        "completed_at": 1764967972,
        "status": "completed",
        "incomplete_details": None,
        "model": target.model,
        "previous_response_id": None,
        "instructions": None,
        "output": [
            {
                "id": f"msg_phase_{phase}",
                "type": "message",
                "status": "completed",
                "role": "assistant",
                "phase": phase,
                "content": [{**text, "text": f"The {phase} text."}],
            }
            for phase in ("commentary", "final_answer")
        ],
        "error": None,
        "tools": [],
        "tool_choice": "auto",
        "truncation": "disabled",
        "parallel_tool_calls": True,
        "text": {"format": {"type": "text"}},
        "top_p": 1,
        "presence_penalty": 0,
        "frequency_penalty": 0,
        "top_logprobs": 0,
        "temperature": 1,
        "reasoning": {"effort": None, "summary": None},
        "usage": {
            "input_tokens": 1,
            "output_tokens": 2,
            "total_tokens": 3,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens_details": {"reasoning_tokens": 0},
        },
        "max_output_tokens": None,
        "max_tool_calls": None,
        "store": True,
        "background": False,
        "service_tier": "default",
        "metadata": {},
        "safety_identifier": None,
        "prompt_cache_key": None,
    }
    resource = check_resource(fixture)
    assert [item.model_dump(mode="json")["phase"] for item in resource.output] == [
        "commentary",
        "final_answer",
    ]


def streaming_response(target: Target) -> None:
    events = stream(target, {"input": [user("Count from 1 to 5.")]})
    assert events and events[-1]["type"] == "response.completed"
    completed_with_output(events[-1]["response"])


def system_prompt(target: Target) -> None:
    body = {
        "input": [
            message("system", "You are a pirate. Always respond in pirate speak."),
            user("Say hello."),
        ]
    }
    completed_with_output(create(target, body))


def tool_calling(target: Target) -> None:
    body = {"input": [user("What's the weather like in San Francisco?")], "tools": [WEATHER_TOOL]}
    resource = create(target, body)
    assert any(item["type"] == "function_call" for item in resource["output"]), resource["output"]


def image_input(target: Target) -> None:
    content = [
        {"type": "input_text", "text": "What do you see in this image? Answer in one sentence."},
        {"type": "input_image", "image_url": HEART_PNG},
    ]
    completed_with_output(create(target, {"input": [message("user", content)]}))


def multi_turn(target: Target) -> None:
    body = {
        "input": [
            user("My name is Alice."),
            message("assistant", "Hello Alice! Nice to meet you. How can I help you today?"),
            user("What is my name?"),
        ]
    }
    completed_with_output(create(target, body))


COMPACT_INPUT = [
    user("We agreed to launch on Tuesday and notify support first."),
    message("assistant", "Understood. The launch is Tuesday, with support notified beforehand."),
]


def compact(target: Target, body: dict[str, Any]) -> dict[str, Any]:
    response = post(target, "/responses/compact", body)
    assert response.status_code == 200, response.text
    resource: dict[str, Any] = response.json()
    ort.CompactResource.model_validate(resource)
    assert resource["object"] == "response.compaction"
    assert resource["output"] and any(item["type"] == "compaction" for item in resource["output"])
    return resource


def compact_response(target: Target) -> None:
    compact(
        target,
        {"model": target.model, "prompt_cache_key": "openresponses-compact-test", "input": COMPACT_INPUT},
    )


def compact_missing_model(target: Target) -> None:
    response = post(target, "/responses/compact", {"input": [user("Compact this conversation.")]})
    assert response.status_code in (400, 422), response.text
    assert check_error_body(response)["param"] == "model"


def websocket_response(target: Target) -> None:
    [turn] = ws_session(target, [ws_create(target, input=[user("Count from 1 to 3.")])])
    ws_completed(turn)


def websocket_sequential_responses(target: Target) -> None:
    turns = ws_session(
        target,
        [
            ws_create(target, store=False, input="Reply with exactly: first"),
            ws_create(target, store=False, input="Reply with exactly: second"),
        ],
    )
    first, second = (ws_completed(turn) for turn in turns)
    assert first["id"] != second["id"] and first["created_at"] <= second["created_at"]


def continue_first(target: Target, input: Any) -> Step:
    """A step continuing the session's first response with only new input."""

    def step(turns: list[Turn]) -> dict[str, Any]:
        assert turns[0].final is not None, "the first turn did not return a response"
        return ws_create(target, store=False, previous_response_id=turns[0].final["id"], input=input)

    return step


def websocket_continuation(target: Target) -> None:
    first, second = ws_session(
        target,
        [
            ws_create(target, store=False, input="Remember the code word: cobalt. Reply with OK."),
            continue_first(target, "What is the code word? Reply with only the code word."),
        ],
    )
    ws_completed(first)
    assert ws_completed(second)["previous_response_id"] == first.final["id"]  # type: ignore[index]


def websocket_reconnect_store_false_recovery(target: Target) -> None:
    [first] = ws_session(
        target, [ws_create(target, store=False, input="Remember the code word: copper. Reply with OK.")]
    )
    previous_id = ws_completed(first)["id"]
    reconnect, recovery = ws_session(
        target,
        [
            ws_create(
                target,
                store=False,
                previous_response_id=previous_id,
                input="Try to continue after reconnect. Reply with exactly: reconnected",
            ),
            ws_create(
                target,
                store=False,
                input=[
                    user(
                        "The previous store:false chain could not continue after reconnect. "
                        "Start a new response and reply with exactly: recovered"
                    )
                ],
            ),
        ],
    )
    assert reconnect.error_code == "previous_response_not_found", reconnect.events
    ws_completed(recovery)


def websocket_previous_response_not_found(target: Target) -> None:
    [turn] = ws_session(
        target,
        [
            ws_create(
                target,
                store=False,
                previous_response_id="resp_openresponses_missing_1",
                input="This should fail because the previous response is missing.",
            )
        ],
    )
    assert turn.error_code == "previous_response_not_found", turn.events


def websocket_failed_continuation_evicts_cache(target: Target) -> None:
    orphan_output = {
        "type": "function_call_output",
        "call_id": "call_openresponses_missing",
        "output": "No matching tool call exists in the previous response.",
    }
    first, failed, retry = ws_session(
        target,
        [
            ws_create(target, store=False, input="Remember the code word: ember. Reply with OK."),
            continue_first(target, [orphan_output]),
            continue_first(target, "Try to continue after the failed turn. Reply with exactly: stale"),
        ],
    )
    ws_completed(first)
    assert failed.failed, failed.events
    assert retry.error_code == "previous_response_not_found", retry.events


def websocket_compact_new_chain(target: Target) -> None:
    compacted = compact(
        target,
        {
            "model": target.model,
            "input": [
                message(
                    "user", [{"type": "input_text", "text": "Remember the compaction code word: slate."}]
                ),
                message("assistant", [{"type": "output_text", "text": "OK."}]),
                message(
                    "user",
                    [{"type": "input_text", "text": "Compress this conversation for later continuation."}],
                ),
            ],
        },
    )
    request = ws_create(
        target,
        store=False,
        input=[*compacted["output"], user("Continue from here. Reply with exactly: compacted")],
        tools=[],
    )
    # the compacted window goes back as it came: the suite does not preflight it either
    [turn] = ws_session(target, [request], validate_requests=False)
    ws_completed(turn)


SCENARIOS: dict[str, Callable[[Target], None]] = {
    "basic-response": basic_response,
    "assistant-phase": assistant_phase,
    "response-output-phase-schema": response_output_phase_schema,
    "streaming-response": streaming_response,
    "websocket-response": websocket_response,
    "websocket-sequential-responses": websocket_sequential_responses,
    "websocket-continuation": websocket_continuation,
    "websocket-reconnect-store-false-recovery": websocket_reconnect_store_false_recovery,
    "websocket-previous-response-not-found": websocket_previous_response_not_found,
    "websocket-failed-continuation-evicts-cache": websocket_failed_continuation_evicts_cache,
    "websocket-compact-new-chain": websocket_compact_new_chain,
    "system-prompt": system_prompt,
    "tool-calling": tool_calling,
    "image-input": image_input,
    "multi-turn": multi_turn,
    "compact-response": compact_response,
    "compact-missing-model": compact_missing_model,
}
assert len(SCENARIOS) == 17
