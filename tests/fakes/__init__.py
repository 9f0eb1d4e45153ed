"""Shared test fakes: for what a real part can't produce on demand (faults, hostile output, timing)."""

from .upstream import DEFAULT_UI_TEXT, ScriptedUpstream, Step

__all__ = ["DEFAULT_UI_TEXT", "ScriptedUpstream", "Step"]
