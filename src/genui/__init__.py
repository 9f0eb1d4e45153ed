"""genui: an open, self-hostable Generative UI API server, wire-compatible with the Thesys C1 API."""

__version__ = "0.1.0"
