"""Prometheus counters of what turns produce (the HTTP ones are `genui.api.metrics`)."""

from __future__ import annotations

from functools import lru_cache

from prometheus_client import Counter

TOKENS = Counter("genui_tokens_total", "Model tokens, per configured model", ["model", "direction"])
# Per model only: repair messages quote model output, which must not become label values.
REPAIRS = Counter("genui_repairs_total", "Repairs the stream repairer applied to model output", ["model"])


# The labelled children, looked up once (see genui.api.metrics.request_counter).
@lru_cache(maxsize=1024)
def token_counter(model: str, direction: str) -> Counter:
    return TOKENS.labels(model, direction)


@lru_cache(maxsize=512)
def repair_counter(model: str) -> Counter:
    return REPAIRS.labels(model)
