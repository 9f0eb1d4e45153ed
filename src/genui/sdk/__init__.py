"""Helpers for app backends that relay C1 Responses to a browser: a drop-in for `thesys_genui_sdk`.

`from thesys_genui_sdk.fast_api import with_c1_response` becomes `from genui.sdk.fast_api import ...`, and
`thesys_genui_sdk.context` becomes `genui.sdk.context`; nothing else changes. See docs/sdk.md.
Imports only `genui.ui` of genui, and FastAPI/Starlette (which every user of `with_c1_response` has).
"""

from .c1_response import AssistantMessage, C1Response
from .context import get_assistant_message, write_content, write_custom_markdown, write_think_item
from .fast_api import with_c1_response

__all__ = [
    "AssistantMessage",
    "C1Response",
    "get_assistant_message",
    "with_c1_response",
    "write_content",
    "write_custom_markdown",
    "write_think_item",
]
