"""HTTP Prometheus metrics, and the exposition served at /metrics (with `genui.service.metrics` and
`genui.models.metrics`).

Under `genui serve` every worker process writes its metrics to files in a directory of that server start
(`PROMETHEUS_MULTIPROC_DIR`, set by `genui.server`), and /metrics, whichever worker answers, sums them all:
the numbers cover the whole server, including workers that have exited since. Elsewhere (an app served in
a test, or under another ASGI server) the metrics are this process's.
"""

from __future__ import annotations

import os
from functools import lru_cache

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

REQUESTS = Counter("genui_http_requests_total", "HTTP requests", ["route", "method", "status"])
LATENCY = Histogram(
    "genui_http_request_seconds",
    "Time to the response headers",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)

# What a client may put in the method label; any other method is counted as "OTHER" (a label per made-up
# method would grow the metrics without bound).
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})


# The labelled children, looked up once: `labels()` costs three times the `inc()` it precedes.
@lru_cache(maxsize=1024)
def request_counter(route: str, method: str, status: int) -> Counter:
    return REQUESTS.labels(route, method if method in METHODS else "OTHER", str(status))


@lru_cache(maxsize=256)
def latency_histogram(route: str) -> Histogram:
    return LATENCY.labels(route)


def exposition() -> bytes:
    """The Prometheus text format: all workers' metrics summed in multiprocess mode, else this process's."""
    if not os.environ.get(MULTIPROC_ENV):
        return generate_latest()
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return generate_latest(registry)
