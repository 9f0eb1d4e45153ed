"""Model registry: public names, versions, the c1-embed-latest alias, unknown models."""

from __future__ import annotations

import subprocess
import sys

import pytest

from genui.config import EMBEDDED_MODEL, Settings
from genui.errors import ApiError
from genui.models.config import ModelConfig, ProviderConfig
from genui.models.providers import build_providers
from genui.models.registry import ModelRegistry, parse_version

GPT = "c1/openai/gpt-5/v-20261121"
EXP = "c1-exp/anthropic/claude-opus-4-5/v-20250915"


def settings(**overrides: object) -> Settings:
    base: dict[str, object] = {
        "providers": {
            "oai": ProviderConfig(kind="openai", api_key="k"),
            "claude": ProviderConfig(kind="anthropic", api_key="k"),
            "embedded": ProviderConfig(kind="embedded"),
        },
        "models": [
            ModelConfig(name=GPT, provider="oai", upstream_model="gpt-5", fallbacks=[EXP]),
            ModelConfig(name=EXP, provider="claude", upstream_model="claude-opus-4-5"),
        ],
    }
    base.update(overrides)
    return Settings(**base)  # type: ignore[arg-type]


def test_resolves_configured_names_with_catalog_version() -> None:
    registry = ModelRegistry.from_settings(settings())
    gpt = registry.resolve(GPT)
    assert (gpt.provider_name, gpt.upstream_model, gpt.catalog_version, gpt.experimental) == (
        "oai",
        "gpt-5",
        "2026-11-21",
        False,
    )
    assert gpt.fallbacks == (EXP,)
    exp = registry.resolve(EXP)
    assert exp.experimental and exp.catalog_version == "2025-09-15" and exp.provider_name == "claude"


def test_alias_goes_to_default_model_or_the_first() -> None:
    assert ModelRegistry.from_settings(settings()).resolve("c1-embed-latest").name == GPT
    registry = ModelRegistry.from_settings(settings(default_model=EXP))
    assert registry.resolve("c1-embed-latest").name == EXP
    assert [m.name for m in registry.list()] == [GPT, EXP, "c1-embed-latest"]
    assert registry.list()[-1].upstream_model == "claude-opus-4-5"


def test_default_settings_serve_the_embedded_model() -> None:
    registry = ModelRegistry.from_settings(Settings())
    resolved = registry.resolve("c1-embed-latest")
    assert resolved.name == EMBEDDED_MODEL and resolved.provider_name == "embedded"
    assert resolved.catalog_version == "2026-11-21"


def test_another_version_of_a_configured_model_pins_that_catalog() -> None:
    resolved = ModelRegistry.from_settings(settings()).resolve("c1/openai/gpt-5/v-20250101")
    assert resolved.upstream_model == "gpt-5" and resolved.catalog_version == "2025-01-01"
    assert resolved.name == "c1/openai/gpt-5/v-20250101"
    # The configured name stays beside the client's: a bounded label where the pinned date is the client's.
    assert resolved.configured_name == GPT
    assert ModelRegistry.from_settings(settings()).resolve("c1-embed-latest").configured_name == GPT


def test_resolutions_are_remembered_per_name_within_a_bound() -> None:
    registry = ModelRegistry.from_settings(settings())
    first = registry.resolve("c1/openai/gpt-5/v-20250101")
    assert registry.resolve("c1/openai/gpt-5/v-20250101") is first
    assert registry.resolve("c1/openai/gpt-5/v-20250102").catalog_version == "2025-01-02"
    for day in range(1, 29):
        for month in range(1, 13):
            for year in range(2020, 2024):
                registry.resolve(f"c1/openai/gpt-5/v-{year}{month:02d}{day:02d}")
    assert len(registry._cache) <= 1024  # 1,344 distinct names asked for
    with pytest.raises(ApiError):
        registry.resolve("c1/openai/gpt-6/v-20261121")
    assert "c1/openai/gpt-6/v-20261121" not in registry._cache


@pytest.mark.parametrize(
    "name",
    [
        "gpt-5",
        "c1/openai/gpt-6/v-20261121",
        "c1/openai/gpt-5/v-20261399",
        "c1/openai/gpt-5",
        "",
        "c2/openai/gpt-5/v-20261121",
    ],
)
def test_unknown_models_are_400_model_not_found(name: str) -> None:
    with pytest.raises(ApiError) as info:
        ModelRegistry.from_settings(settings()).resolve(name)
    assert info.value.status == 400 and info.value.code == "model_not_found" and info.value.param == "model"
    assert info.value.body()["error"]["type"] == "invalid_request_error"


def test_config_errors_are_caught_at_startup() -> None:
    with pytest.raises(ValueError, match="unknown provider"):
        ModelRegistry([ModelConfig(name=GPT, provider="nope", upstream_model="x")], {"oai"})
    with pytest.raises(ValueError, match="unknown model"):
        ModelRegistry(
            [ModelConfig(name=GPT, provider="oai", upstream_model="x", fallbacks=["c1/x/y/v-20260101"])],
            {"oai"},
        )
    with pytest.raises(ValueError, match="default_model"):
        ModelRegistry(
            [ModelConfig(name=GPT, provider="oai", upstream_model="x")], {"oai"}, default_model="zz"
        )


def test_parse_version() -> None:
    assert parse_version("c1/google/gemini-3-pro/v-20260229") is None  # not a date
    assert parse_version("c1/google/gemini-3-pro/v-20240229") == (
        "c1/google/gemini-3-pro",
        False,
        "2024-02-29",
    )


async def test_providers_are_built_per_kind_without_loading_anything() -> None:
    providers = build_providers(settings())
    assert {n: type(p).__name__ for n, p in providers.items()} == {
        "oai": "OpenAICompatProvider",
        "claude": "AnthropicProvider",
        "embedded": "EmbeddedProvider",
    }
    assert providers["oai"].supports_json_schema and not providers["claude"].supports_json_schema
    for provider in providers.values():
        await provider.aclose()


def test_sdks_of_unconfigured_providers_stay_out_of_the_process() -> None:
    # a fresh interpreter: this one has loaded every SDK for the other tests
    code = (
        "import sys\n"
        "from genui.config import Settings\n"
        "from genui.models.config import ProviderConfig\n"
        "from genui.models.providers import build_providers\n"
        "build_providers(Settings(providers={'oai': ProviderConfig(kind='openai', api_key='k')}))\n"
        "sdks = ('anthropic', 'httpx', 'httpx2', 'openai', 'llama_cpp')\n"
        "print(sorted(m for m in sdks if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"
