"""HTTP Prometheus metrics (served at /metrics with the service's, `genui.service.metrics`; per process — with
several workers, scrape each or use one)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter("genui_http_requests_total", "HTTP requests", ["route", "status"])
LATENCY = Histogram(
    "genui_http_request_seconds",
    "Time to the response headers",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
