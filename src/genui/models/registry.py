"""Public model names -> provider + upstream model + pinned catalog version, all from the settings.

Names: `c1/<provider>/<model>/v-<YYYYMMDD>` (stable), `c1-exp/<provider>/<model>/v-<YYYYMMDD>` (experimental),
and the alias `c1-embed-latest` (-> `settings.default_model`, else the first configured model).

How names map to config: each `ModelConfig` in `settings.models` declares one public `name` and the key of a
`ProviderConfig` in `settings.providers` (`ModelConfig.provider`) plus the model id that provider's upstream
knows (`upstream_model`). The `<provider>` segment in the public name is only a label for clients (e.g.
`c1/openai/gpt-5/...` may be served by a provider keyed `openrouter`). A request for a configured name with
another `v-<date>` resolves to the same upstream with that date's catalog pinned. The version pins the catalog
and prompt: `catalog_version` is "YYYY-MM-DD" (the service picks the latest catalog not newer than it; models
never import genui.ui). Names outside this scheme may be configured too; they pin no catalog version (None).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from genui.config import LATEST_ALIAS, ModelConfig, Settings
from genui.errors import ApiError

_NAME = re.compile(r"^(?P<kind>c1|c1-exp)/(?P<path>.+)/v-(?P<date>\d{8})$")


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    name: str  # the public name (for the alias: the target's name)
    configured_name: str  # the configured model behind it: bounded, where `name` may carry any pinned date
    provider_name: str  # key in settings.providers
    upstream_model: str
    catalog_version: str | None  # "YYYY-MM-DD" from `v-YYYYMMDD`; None = latest
    experimental: bool
    context_tokens: int  # the model's context window (bounds the stored history sent upstream)
    fallbacks: tuple[str, ...] = ()
    description: str | None = None
    pipeline: str = "auto"  # ModelConfig.pipeline: "auto", "compose" or "direct"
    content_format: str = "auto"  # ModelConfig.content_format
    upstream_format: str = "auto"  # ModelConfig.upstream_format


def parse_version(name: str) -> tuple[str, bool, str] | None:
    """(name without version, experimental, "YYYY-MM-DD") for a well-formed versioned name, else None."""
    match = _NAME.match(name)
    if match is None:
        return None
    raw = match.group("date")
    try:
        date = dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        return None
    return f"{match.group('kind')}/{match.group('path')}", match.group("kind") == "c1-exp", date.isoformat()


def _not_found(name: str) -> ApiError:
    return ApiError(
        400,
        f"The model `{name}` does not exist or you do not have access to it.",
        param="model",
        code="model_not_found",
    )


class ModelRegistry:
    def __init__(
        self, models: list[ModelConfig], providers: set[str], default_model: str | None = None
    ) -> None:
        if not models:
            raise ValueError("no models configured")
        self._models: dict[str, ModelConfig] = {}
        self._by_stem: dict[str, ModelConfig] = {}
        # ResolvedModel is frozen and the configuration fixed: one resolution per name is enough.
        self._cache: dict[str, ResolvedModel] = {}
        for model in models:
            if model.name == LATEST_ALIAS:
                raise ValueError(f"`{LATEST_ALIAS}` is a reserved alias, not a model name")
            if model.name in self._models:
                raise ValueError(f"model `{model.name}` is configured twice")
            if model.provider not in providers:
                raise ValueError(f"model `{model.name}` uses unknown provider `{model.provider}`")
            self._models[model.name] = model
            parsed = parse_version(model.name)
            if parsed is not None:
                self._by_stem.setdefault(parsed[0], model)
        for model in models:
            for fallback in model.fallbacks:
                if fallback not in self._models and fallback != LATEST_ALIAS:
                    raise ValueError(f"model `{model.name}` falls back to unknown model `{fallback}`")
        if default_model is not None and default_model not in self._models:
            raise ValueError(f"default_model `{default_model}` is not a configured model")
        self._default = default_model or models[0].name

    @classmethod
    def from_settings(cls, settings: Settings) -> ModelRegistry:
        return cls(settings.models, set(settings.providers), settings.default_model)

    @property
    def default_name(self) -> str:
        return self._default

    def resolve(self, name: str) -> ResolvedModel:
        """The model behind a public name; ApiError(400, code="model_not_found") when unknown."""
        hit = self._cache.get(name) if isinstance(name, str) else None
        if hit is None:
            hit = self._resolve(name)
            if len(self._cache) >= 1024:  # names are client input: keep the memo bounded
                self._cache.clear()
            self._cache[name] = hit
        return hit

    def _resolve(self, name: str) -> ResolvedModel:
        if not isinstance(name, str) or not name:
            raise _not_found(str(name))
        if name == LATEST_ALIAS:
            return self._resolved(self._models[self._default])
        model = self._models.get(name)
        if model is not None:
            return self._resolved(model)
        parsed = parse_version(name)
        if parsed is not None and parsed[0] in self._by_stem:
            return self._resolved(self._by_stem[parsed[0]], name=name, catalog_version=parsed[2])
        raise _not_found(name)

    def list(self) -> list[ResolvedModel]:
        """Every configured model, then the `c1-embed-latest` alias (named as such) for /v1/models."""
        out = [self._resolved(m) for m in self._models.values()]
        alias = self._resolved(self._models[self._default], name=LATEST_ALIAS)
        return [*out, alias]

    def _resolved(
        self, model: ModelConfig, *, name: str | None = None, catalog_version: str | None = None
    ) -> ResolvedModel:
        parsed = parse_version(model.name)
        return ResolvedModel(
            name=name or model.name,
            configured_name=model.name,
            provider_name=model.provider,
            upstream_model=model.upstream_model,
            catalog_version=catalog_version or (parsed[2] if parsed else None),
            experimental=parsed[1] if parsed else False,
            fallbacks=tuple(model.fallbacks),
            description=model.description,
            context_tokens=model.context_tokens,
            pipeline=model.pipeline,
            content_format=model.content_format,
            upstream_format=model.upstream_format,
        )
