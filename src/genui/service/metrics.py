"""Prometheus counters of what turns produce (the HTTP ones are `genui.api.metrics`)."""

from __future__ import annotations

from prometheus_client import Counter

TOKENS = Counter("genui_tokens_total", "Model tokens, per public model name", ["model", "direction"])
# Per model only: repair messages quote model output, which must not become label values.
REPAIRS = Counter("genui_repairs_total", "Repairs the stream repairer applied to model output", ["model"])
