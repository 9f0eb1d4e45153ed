"""Traces (OpenTelemetry, to an in-memory exporter) and the Prometheus metrics of a served app."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from fakes.upstream import ScriptedUpstream, Step
from genui import telemetry
from genui.config import Settings
from support import FAKE_MODEL, ServerThread, asgi_client, create_key, upstream_settings


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    spans = InMemorySpanExporter()
    assert telemetry.configure(exporter=spans)
    try:
        yield spans
    finally:
        telemetry.shutdown()


def _children(spans: list[ReadableSpan], parent: ReadableSpan) -> list[ReadableSpan]:
    assert parent.context is not None
    return [s for s in spans if s.parent is not None and s.parent.span_id == parent.context.span_id]


def test_spans_for_request_model_call_repair_and_store_nest(
    exporter: InMemorySpanExporter, tmp_path: Path, scripted_upstream: ScriptedUpstream
) -> None:
    settings = upstream_settings(tmp_path / "data", scripted_upstream)
    key = create_key(settings)
    scripted_upstream.push(Step(status=503), Step())  # one failed attempt, retried
    with ServerThread(settings) as url:
        auth = {"authorization": f"Bearer {key}"}
        incoming = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        chat = httpx.post(
            url + "/v1/embed/chat/completions",
            json={"model": FAKE_MODEL, "messages": [{"role": "user", "content": "hi"}]},
            headers={**auth, "traceparent": incoming},
            timeout=30,
        )
        assert chat.status_code == 200
        response = httpx.post(
            url + "/v1/embed/responses", json={"model": FAKE_MODEL, "input": "hi"}, headers=auth, timeout=30
        )
        assert response.status_code == 200
    spans = list(exporter.get_finished_spans())
    requests = {s.name: s for s in spans if s.kind == SpanKind.SERVER}
    chat_span = requests["POST /v1/embed/chat/completions"]
    assert chat_span.attributes is not None and chat_span.attributes["http.response.status_code"] == 200
    assert chat_span.attributes["genui.request_id"] == chat.headers["x-request-id"]
    # The incoming W3C trace context is continued.
    assert format(chat_span.context.trace_id, "032x") == "0af7651916cd43dd8448eb211c80319c"
    under_chat = _children(spans, chat_span)
    calls = [s for s in under_chat if s.name == "model call"]
    assert len(calls) == 2 and calls[0].status.is_ok is False and calls[1].status.is_ok
    assert [c.attributes["genui.attempt"] for c in calls if c.attributes] == [1, 2]
    assert any(s.name == "repair" for s in under_chat)
    assert any(s.name.startswith("store ") for s in under_chat)  # the key lookup
    responses_span = requests["POST /v1/embed/responses"]
    names = [s.name for s in _children(spans, responses_span)]
    assert {"model call", "repair", "store INSERT", "store UPDATE"} <= set(names), names


def test_tracing_off_imports_no_opentelemetry_sdk(tmp_path: Path) -> None:
    """FastAPI itself imports the OpenTelemetry API; the SDK and the exporter load only when tracing is on."""
    probe = (
        "import sys\n"
        "from genui.api.app import create_app\n"
        "from genui.config import Settings\n"
        f"create_app(Settings(data_dir={str(tmp_path)!r}))\n"
        "loaded = ('opentelemetry.sdk', 'opentelemetry.exporter')\n"
        "print(sorted(m for m in sys.modules if m.startswith(loaded)))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def sample(text: str, name: str, **labels: str) -> float:
    """The value of the `name` series with these labels in a Prometheus text exposition (0 when absent)."""
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_tokens_repairs_and_upstream_errors(
    tmp_path: Path, scripted_upstream: ScriptedUpstream
) -> None:
    settings = upstream_settings(tmp_path / "data", scripted_upstream)
    key = create_key(settings)
    with ServerThread(settings) as url:
        before = httpx.get(url + "/metrics").text
        scripted_upstream.push(
            Step(status=503), Step(text='{"component": "Card", "props": {"children": [1]}}')
        )
        answer = httpx.post(
            url + "/v1/embed/chat/completions",
            json={"model": FAKE_MODEL, "messages": [{"role": "user", "content": "hi"}]},
            headers={"authorization": f"Bearer {key}"},
            timeout=30,
        )
        assert answer.status_code == 200
        after = httpx.get(url + "/metrics").text
    route = {"route": "/v1/embed/chat/completions", "method": "POST", "status": "200"}
    assert (
        sample(after, "genui_http_requests_total", **route)
        - sample(before, "genui_http_requests_total", **route)
        == 1
    )
    tokens = {"model": FAKE_MODEL, "direction": "output"}
    assert (
        sample(after, "genui_tokens_total", **tokens) - sample(before, "genui_tokens_total", **tokens) == 34
    )
    assert sample(after, "genui_repairs_total", model=FAKE_MODEL) > sample(
        before, "genui_repairs_total", model=FAKE_MODEL
    )
    errors = {"provider": "fake", "code": "upstream_error"}
    assert (
        sample(after, "genui_upstream_errors_total", **errors)
        - sample(before, "genui_upstream_errors_total", **errors)
        == 1
    )


async def test_a_made_up_method_is_counted_as_other(tmp_path: Path) -> None:
    """Under a server that passes any method token on (h11 does), a label per method would let clients grow
    the metrics without bound."""
    async with asgi_client(Settings(data_dir=tmp_path / "data")) as http:
        for method in ("BREW", "BREW", "X-RANDOM-1"):
            refused = await http.request(method, "/v1/models")
            assert refused.status_code == 405
        text = (await http.get("/metrics")).text
    lines = [line for line in text.splitlines() if line.startswith("genui_http_requests_total{")]
    assert not any("BREW" in line or "X-RANDOM" in line for line in lines)
    other = [line for line in lines if 'method="OTHER"' in line and 'route="/v1/models"' in line]
    assert other and float(other[0].rsplit(" ", 1)[1]) >= 3


async def test_pinned_names_count_under_the_configured_model(
    tmp_path: Path, scripted_upstream: ScriptedUpstream
) -> None:
    """A pinned name may carry any valid date (and an artifact name any pinned model name): a label per name
    would let clients grow the metrics without bound. The usage rows keep the name the client sent."""
    from sqlalchemy import select

    from genui.store.db import Database
    from genui.store.tables import UsageRecord

    settings = upstream_settings(tmp_path / "data", scripted_upstream, no_auth=True)
    pinned = ["c1/fake/ui-model/v-20251001", "c1/fake/ui-model/v-20250517"]

    async with asgi_client(settings) as http:
        output = {"model": FAKE_MODEL, "direction": "output"}
        before = sample((await http.get("/metrics")).text, "genui_tokens_total", **output)
        for name in pinned:
            scripted_upstream.push(Step(text='{"component": "Card", "props": {"children": [1]}}'))
            answer = await http.post(
                "/v1/embed/chat/completions",
                json={"model": name, "messages": [{"role": "user", "content": "hi"}]},
            )
            assert answer.status_code == 200 and answer.json()["model"] == name
        text = (await http.get("/metrics")).text
    assert sample(text, "genui_tokens_total", **output) - before == 34 * len(pinned)
    assert not any(name in text for name in pinned)
    db = Database(settings.resolved_database_url)
    try:
        async with db.sessionmaker() as session:
            stored = set((await session.execute(select(UsageRecord.model))).scalars())
    finally:
        await db.dispose()
    assert set(pinned) <= stored
