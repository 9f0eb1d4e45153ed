"""OpenTelemetry traces, on only when an OTLP endpoint is configured (`otlp_endpoint`).

Off (the default), nothing of OpenTelemetry is imported and every helper here is a check of one module global:
the hot path pays nothing. On, `configure` builds an SDK tracer provider exporting over OTLP/HTTP in batches
(the `genui[otel]` extra: opentelemetry-sdk and opentelemetry-exporter-otlp-proto-http); the standard
`OTEL_*` environment variables (service name, sampler, exporter headers) apply.

Spans: one per HTTP request (`api.telemetry.RequestSpans`), its children one per model call attempt
(`models.router`), the repair of the answer (`service.turn`) and one per database statement
(`instrument_engine`).
Spans are started with the current context as parent but never made current themselves: a span opened inside
an async generator must not leak into its consumer's context across a `yield`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter
    from opentelemetry.trace import Span, Tracer
    from sqlalchemy.engine import Engine

Attributes = Mapping[str, str | int | float | bool]
_tracer: Tracer | None = None
_provider: TracerProvider | None = None
_NOTHING = contextlib.nullcontext(None)


def enabled() -> bool:
    return _tracer is not None


def traces_url(endpoint: str) -> str:
    """The OTLP/HTTP traces URL of a collector's base URL (a URL already ending in /v1/traces is kept)."""
    endpoint = endpoint.rstrip("/")
    return endpoint if endpoint.endswith("/v1/traces") else endpoint + "/v1/traces"


def configure(endpoint: str | None = None, *, exporter: SpanExporter | None = None) -> bool:
    """Start tracing to `endpoint` (OTLP/HTTP), or to `exporter` (tests: an in-memory one, exported at once).
    Returns whether tracing is on. Call once per process; `shutdown` flushes and turns it off."""
    global _tracer, _provider
    if _tracer is not None or (endpoint is None and exporter is None):
        return _tracer is not None
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    from genui import __version__

    resource = Resource.create({"service.name": "genui", "service.version": __version__})
    provider = TracerProvider(resource=resource)
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        assert endpoint is not None
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=traces_url(endpoint))))
    _provider = provider
    _tracer = provider.get_tracer("genui", __version__)
    return True


def shutdown() -> None:
    """Export what is buffered and turn tracing off."""
    global _tracer, _provider
    if _provider is not None:
        _provider.shutdown()
    _tracer = _provider = None


def start_span(
    name: str, attributes: Attributes | None = None, *, parent: Any = None, server: bool = False
) -> Span | None:
    """A span child of the current context (or of `parent`, an OpenTelemetry Context); None when off.
    `server`: the span of a request this process serves. End it with `end_span`."""
    if _tracer is None:
        return None
    if server:
        from opentelemetry.trace import SpanKind

        return _tracer.start_span(name, context=parent, attributes=attributes, kind=SpanKind.SERVER)
    return _tracer.start_span(name, context=parent, attributes=attributes)


def end_span(span: Span | None, error: BaseException | None = None) -> None:
    if span is None:
        return
    if error is not None:
        from opentelemetry.trace import Status, StatusCode

        span.record_exception(error)
        span.set_status(Status(StatusCode.ERROR, str(error)[:200]))
    span.end()


@contextlib.contextmanager
def _span(name: str, attributes: Attributes | None) -> Iterator[Span | None]:
    span = start_span(name, attributes)
    try:
        yield span
    except BaseException as exc:
        end_span(span, exc)
        raise
    end_span(span)


def span(name: str, attributes: Attributes | None = None) -> contextlib.AbstractContextManager[Span | None]:
    """`with span(...) as s:` around synchronous work (no `await` or `yield` inside); `s` is None when off."""
    return _NOTHING if _tracer is None else _span(name, attributes)


def instrument_engine(engine: Engine) -> None:
    """A `store` span per statement of this SQLAlchemy engine (pass `AsyncEngine.sync_engine`).

    Engine events rather than opentelemetry-instrumentation-sqlalchemy: that instrumentor is process-global
    (a second engine in one process, as tests have, is silently not traced) and brings wrapt along."""
    if _tracer is None:
        return
    from sqlalchemy import event

    system = engine.dialect.name

    def before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "SQL"
        span = start_span(f"store {verb}", {"db.system": system, "db.statement": statement[:2000]})
        if context is not None:
            context._genui_span = span

    def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        end_span(getattr(context, "_genui_span", None))

    def failed(exception_context: Any) -> None:
        context = exception_context.execution_context
        end_span(getattr(context, "_genui_span", None), exception_context.original_exception)

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    event.listen(engine, "handle_error", failed)
