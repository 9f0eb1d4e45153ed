"""A minimal Card schema for constrained decoding when a request carries no catalog schema.

Hand-written (not imported from genui.ui: models sit below ui) and deliberately small: the 135M embedded
model decodes faster and better with few choices and tight bounds.
"""

from __future__ import annotations

from typing import Any


def _node(name: str, props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "component": {"const": name},
            "props": {
                "type": "object",
                "properties": props,
                "required": required,
                "additionalProperties": False,
            },
        },
        "required": ["component", "props"],
        "additionalProperties": False,
    }


_TEXT = {"type": "string", "maxLength": 160}
_MARKDOWN = {"type": "string", "maxLength": 600}

MINIMAL_CARD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "component": {"const": "Card"},
        "props": {
            "type": "object",
            "properties": {
                "children": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 5,
                    "items": {
                        "anyOf": [
                            _node("Header", {"title": _TEXT, "subtitle": _TEXT}, ["title"]),
                            _node("TextContent", {"textMarkdown": _MARKDOWN}, ["textMarkdown"]),
                            _node(
                                "CalloutV2",
                                {
                                    "variant": {"enum": ["neutral", "info", "success", "warning", "danger"]},
                                    "title": _TEXT,
                                    "description": _TEXT,
                                },
                                ["variant", "title", "description"],
                            ),
                            _node(
                                "FollowUpBlock",
                                {
                                    "followUpText": {
                                        "type": "array",
                                        "items": _TEXT,
                                        "minItems": 1,
                                        "maxItems": 3,
                                    }
                                },
                                ["followUpText"],
                            ),
                        ]
                    },
                }
            },
            "required": ["children"],
            "additionalProperties": False,
        },
    },
    "required": ["component", "props"],
    "additionalProperties": False,
}
