"""Settings: flags > environment (`GENUI_*`, nested with `__`) > TOML file (`GENUI_CONFIG`) > defaults."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from genui.models.config import ModelConfig, ProviderConfig

EMBEDDED_VERSION = "v-20261121"
EMBEDDED_MODEL = f"c1/embedded/smollm2-135m/{EMBEDDED_VERSION}"
LATEST_ALIAS = "c1-embed-latest"


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

    # Local no-auth mode for the playground; refused on a non-loopback bind.
    no_auth: bool = False
    max_body_bytes: int = Field(default=2_000_000, ge=1024)

    # Rate limits per organization; 0 disables a limit. `redis://host:port` shares them across instances.
    rate_limit_storage: str = "memory://"
    requests_per_minute: int = Field(default=0, ge=0)
    input_tokens_per_minute: int = Field(default=0, ge=0)
    output_tokens_per_minute: int = Field(default=0, ge=0)

    providers: dict[str, ProviderConfig] = Field(
        default_factory=lambda: {"embedded": ProviderConfig(kind="embedded")}
    )
    models: list[ModelConfig] = Field(
        default_factory=lambda: [
            ModelConfig(name=EMBEDDED_MODEL, provider="embedded", upstream_model="smollm2-135m-instruct")
        ]
    )
    # Target of the `c1-embed-latest` alias; default: the first configured model.
    default_model: str | None = None

    # ---- repair (/v1/autofix, /v1/embed/sanitize, `genui fix`; docs/repair.md) ----
    # A configured model name for at most two attempts at what deterministic repair leaves; None: no model,
    # nothing leaves the machine.
    repair_model: str | None = None

    @field_validator("data_dir")
    @classmethod
    def _expand(cls, v: Path) -> Path:
        return v.expanduser()

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
