"""OpenUI Lang (the C1 v2 format) in Python: parse, validate, repair, write, merge, stream-split, envelopes.

    from genui.ui import openui

    result = openui.validate(text)                  # against the C1 v2 chat library (root Card)
    result.errors, result.root                      # autofix-shaped issues; the materialized tree
    fixed = openui.repair(text)                     # deterministic repair: fixed.program, fixed.summary()
    openui.write(result.root)                       # a tree of {"component", "props"} nodes -> program text
    openui.load_library(schema_json)                # any library from toJSONSchema() or the CLI spec

Imports nothing of genui but `genui.ui.sanitize`; no Node at install or run time.
"""

from .ast import Program, Statement
from .envelope import Envelope, parse_openui_config, read_envelope, stream_safe_length, write_envelope
from .library import (
    Component,
    Library,
    LibraryError,
    Param,
    chat_library,
    load_library,
    presentation_library,
    report_library,
)
from .materialize import Dynamic, Issue, Node, ProgramTooLarge
from .merge import merge_statements
from .parser import ProgramTooDeep, parse
from .repair import RepairBudget, RepairResult, repair
from .stream import StatementSplitter, split_statements
from .validate import CODES, ValidationResult, validate
from .writer import write

__all__ = [
    "CODES",
    "Component",
    "Dynamic",
    "Envelope",
    "Issue",
    "Library",
    "LibraryError",
    "Node",
    "Param",
    "Program",
    "ProgramTooDeep",
    "ProgramTooLarge",
    "RepairBudget",
    "RepairResult",
    "Statement",
    "StatementSplitter",
    "ValidationResult",
    "chat_library",
    "load_library",
    "merge_statements",
    "parse",
    "parse_openui_config",
    "presentation_library",
    "read_envelope",
    "repair",
    "report_library",
    "split_statements",
    "stream_safe_length",
    "validate",
    "write",
    "write_envelope",
]
