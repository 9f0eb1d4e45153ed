"""Prometheus counters of model calls (the HTTP ones are in `genui.api.metrics`, the turn ones in
`genui.service.metrics`)."""

from __future__ import annotations

from prometheus_client import Counter

# One per failed attempt (a retried attempt counts too); `code` is UpstreamError.code (e.g. upstream_timeout).
UPSTREAM_ERRORS = Counter(
    "genui_upstream_errors_total",
    "Failed model call attempts, per provider and error code",
    ["provider", "code"],
)
