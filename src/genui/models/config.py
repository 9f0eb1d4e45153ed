"""Provider and model configuration, as the models layer names it; defined in `genui.config` (the floor of the
package imports nothing of genui, so the settings' parts live there)."""

from genui.config import Constrain, ModelConfig, ProviderConfig, ProviderKind

__all__ = ["Constrain", "ModelConfig", "ProviderConfig", "ProviderKind"]
