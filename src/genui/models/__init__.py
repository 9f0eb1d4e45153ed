"""Model providers (embedded, OpenAI-compatible, Anthropic) behind `base.Provider`; registry; router."""
