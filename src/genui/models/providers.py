"""Build providers from settings: one instance per key of `settings.providers`, chosen by `kind`."""

from __future__ import annotations

from genui.config import Settings
from genui.models.base import Provider
from genui.models.config import ProviderConfig
from genui.models.embedded import EmbeddedProvider
from genui.models.openai_compat import OpenAICompatProvider


def build_provider(name: str, config: ProviderConfig) -> Provider:
    if config.kind == "embedded":
        return EmbeddedProvider(config, name)
    if config.kind == "anthropic":
        # imported only when configured: the anthropic SDK adds about 40 MB to every worker
        from genui.models.anthropic_provider import AnthropicProvider

        return AnthropicProvider(config, name)
    return OpenAICompatProvider(config, name)


def build_providers(settings: Settings) -> dict[str, Provider]:
    return {name: build_provider(name, config) for name, config in settings.providers.items()}
