"""Deterministic UI from text: the offline visualizer (`visualize`) and the request reader (`understand`,
`compose`); for the compose pipeline of small models, the incremental markdown reader (`MarkdownStream`) and
`Answer` (answer.py). Framework-free like the rest of `genui.ui`; every tree is a v1 Card valid for the
default catalog."""

from .answer import Answer, settled, writing_prompt
from .forms import STRUCTURAL_WORDS, FormField, suggested_fields
from .intent import Ask, compose, understand
from .markdown import tree_markdown
from .stream import MarkdownStream
from .visualize import NodeMaker, visualize

__all__ = [
    "STRUCTURAL_WORDS",
    "Answer",
    "Ask",
    "FormField",
    "MarkdownStream",
    "NodeMaker",
    "compose",
    "settled",
    "suggested_fields",
    "tree_markdown",
    "understand",
    "visualize",
    "writing_prompt",
]
