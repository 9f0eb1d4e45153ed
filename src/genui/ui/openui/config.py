"""A `]]>openui:config` system turn (openui-lang.md §1.4) read into what a request needs: the library, the
prompt options, the custom actions. Every problem is a ConfigError naming the key it is about.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .envelope import CONFIG_MARKER, parse_openui_config
from .library import Library, LibraryError, load_library

_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)\Z")
_ACTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
OLDEST_LIBRARY_VERSION = (0, 1, 0)
PROMPT_OPTIONS = ("preamble", "additionalRules", "examples")
KNOWN_KEYS = frozenset(
    {
        "libraryVersion",
        "chatLibrary",
        "systemPromptOptions",
        "customActions",
        "customComponents",
        "openrouterProvider",
    }
)


class ConfigError(ValueError):
    """A config turn that cannot be used; `key` is the config key at fault (None: the turn itself)."""

    def __init__(self, key: str | None, message: str) -> None:
        super().__init__(f"{key}: {message}" if key else message)
        self.key = key


@dataclass(frozen=True)
class OpenUIConfig:
    library: Library | None  # a custom chatLibrary; None: the built-in chat library
    library_version: str | None
    prompt_options: Mapping[str, Any] = field(default_factory=dict)  # preamble, additionalRules, examples
    custom_actions: tuple[str, ...] = ()
    prose: str = ""  # the free text after the config line


def is_config_turn(text: str) -> bool:
    return text.startswith(CONFIG_MARKER)


def _strings(value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"systemPromptOptions.{key}", "must be an array of strings")
    return tuple(value)


def read_config(text: str) -> OpenUIConfig:
    """Read a config turn; ConfigError for malformed JSON, a bad library version, a library lang-core
    would refuse, prompt options without a library, malformed custom actions."""
    try:
        config, prose = parse_openui_config(text)
    except ValueError as exc:
        raise ConfigError(None, str(exc)) from None
    version = config.get("libraryVersion")
    library_doc = config.get("chatLibrary")
    if version is not None and library_doc is not None:
        raise ConfigError("libraryVersion", "give either libraryVersion or chatLibrary, not both")
    if version is not None:
        match = _VERSION.match(version) if isinstance(version, str) else None
        if match is None:
            raise ConfigError("libraryVersion", f'must be a version number such as "0.1.0", not {version!r}')
        if tuple(int(g) for g in match.groups()) < OLDEST_LIBRARY_VERSION:
            raise ConfigError(
                "libraryVersion", f"{version} is older than the oldest supported library (0.1.0)"
            )
    library: Library | None = None
    if library_doc is not None:
        if not isinstance(library_doc, Mapping):
            raise ConfigError("chatLibrary", "must be a library object {root, schema: {$defs}, ...}")
        try:
            library = load_library({k: v for k, v in library_doc.items() if k != "components"})
        except LibraryError as exc:
            raise ConfigError("chatLibrary", str(exc)) from None
        root = library.root_component
        if root is None:
            raise ConfigError("chatLibrary", "root must name the library's root component")
        if not any(p.type == "array" and p.refs for p in root.params):
            raise ConfigError("chatLibrary", f"the root {root.name} must take a list of components")
    options_doc = config.get("systemPromptOptions")
    options: dict[str, Any] = {}
    if options_doc is not None:
        if library is None:
            raise ConfigError("systemPromptOptions", "needs a chatLibrary")
        if not isinstance(options_doc, Mapping):
            raise ConfigError("systemPromptOptions", "must be an object")
        if "preamble" in options_doc:
            if not isinstance(options_doc["preamble"], str):
                raise ConfigError("systemPromptOptions.preamble", "must be a string")
            options["preamble"] = options_doc["preamble"]
        for key in ("additionalRules", "examples"):
            if key in options_doc:
                options[key] = list(_strings(options_doc[key], key))
    actions_doc = config.get("customActions")
    actions: tuple[str, ...] = ()
    if actions_doc is not None:
        if not isinstance(actions_doc, Mapping):
            raise ConfigError(
                "customActions", "must be an object of action name -> JSON Schema of its params"
            )
        for name, schema in actions_doc.items():
            if not _ACTION_NAME.match(name):
                raise ConfigError("customActions", f"{name[:40]!r} is not an action name")
            if not isinstance(schema, Mapping):
                raise ConfigError(f"customActions.{name}", "must be a JSON Schema object")
        actions = tuple(actions_doc)
    if library is not None and actions:
        library = library.with_actions(actions)
    return OpenUIConfig(library, version, options, actions, prose)
