"""Deterministic UI from text: the offline visualizer (`visualize`) and the request reader (`understand`,
`compose`). Framework-free like the rest of `genui.ui`; every tree is a v1 Card valid for the default
catalog."""

from .forms import STRUCTURAL_WORDS, FormField
from .intent import Ask, compose, understand
from .visualize import visualize

__all__ = ["STRUCTURAL_WORDS", "Ask", "FormField", "compose", "understand", "visualize"]
