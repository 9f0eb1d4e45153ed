"""Which C1 format an answer is written in, and which one the model wrote (openui-lang.md §1.1).

Three answer formats: `v1` (C1 content version 1, the JSON tree), `v2` (C1 content version 2, OpenUI Lang
inside `<content thesys="true" version="2">`) and `openui` (a bare OpenUI Lang program, for a request that
carries a `]]>openui:config` system turn, as OpenUI's gateway streams it). A model writes `v1` (JSON) or `v2`
(OpenUI Lang); `detect_format` tells which from the first lines it wrote, whatever it was asked for.
"""

from __future__ import annotations

import re
from typing import Literal

ModelFormat = Literal["v1", "v2"]
AnswerFormat = Literal["v1", "v2", "openui"]
MODEL_FORMATS: tuple[ModelFormat, ...] = ("v1", "v2")
ANSWER_FORMATS: tuple[AnswerFormat, ...] = ("v1", "v2", "openui")
FIRST_V2_VERSION = "2026-03-31"  # C1 model versions from v-20260331 on answer in OpenUI Lang

# A line that can only be OpenUI Lang: `name = Component(` or `root = ...`.
_STATEMENT = re.compile(
    r"^[ \t]*(?:root[ \t]*=(?!=)|[a-z_$][A-Za-z0-9_]*[ \t]*=[ \t]*[A-Z][A-Za-z0-9_]*[ \t]*\()", re.M
)
# The start of a JSON answer: an object, or a list of objects.
_JSON_START = re.compile(r"\{|\[\s*\{")
UNDECIDED_LIMIT = 20_000  # prose longer than this without a sign of either: the asked format
_LONGEST_HEAD = 200  # a statement's `name = Component(` head is shorter: a longer line without one is prose


def model_format_of(answer: AnswerFormat) -> ModelFormat:
    """What a model is asked to write by default for an answer format (the same language)."""
    return "v1" if answer == "v1" else "v2"


def format_for_version(pinned_version: str | None) -> AnswerFormat:
    """C1's rule: a model pinned to v-20260331 or later answers in v2, earlier ones in v1. A model name that
    pins no version (outside the `c1/.../v-YYYYMMDD` scheme) answers in v1, what every genui client reads."""
    return "v2" if pinned_version is not None and pinned_version >= FIRST_V2_VERSION else "v1"


def detect_format(text: str, start: int = 0) -> ModelFormat | None:
    """The format a model's text is written in, once its start tells: OpenUI Lang when a statement line
    (`root = ...`, `x = Header(`) comes before any JSON object, JSON when an object comes first; None while
    only prose was seen. `start` (a line start) skips text already seen to hold neither."""
    json_start = _JSON_START.search(text, start)
    # a statement head holds no `{` or `[`: one that starts before the JSON ends before it too
    if _STATEMENT.search(text, start, len(text) if json_start is None else json_start.start()):
        return "v2"
    return None if json_start is None else "v1"


class FormatDetector:
    """`detect_format` for text that arrives in pieces, each piece read about once: text already seen holds
    no JSON start, and a line whose start is no statement head yet and is longer than any head is prose."""

    def __init__(self) -> None:
        self.text = ""
        self._line = 0  # start of the current line
        self._settled = False  # the current line is known not to start a statement
        self._checked = 0  # text before this holds no JSON start and no newline after `_line`

    def feed(self, delta: str) -> ModelFormat | None:
        text = self.text
        self.text = ""
        text += delta  # in place: the buffer has no other reference
        self.text = text
        found = _JSON_START.search(text, max(0, self._checked - 8))  # `[` + blanks may end the last piece
        statement = None
        search = max(self._line, self._checked)
        while True:
            if not self._settled:
                statement = _STATEMENT.match(text, self._line)
                if statement is not None:
                    break
            end = text.find("\n", search)
            if end < 0:
                self._settled = self._settled or len(text) - self._line > _LONGEST_HEAD
                break
            self._line = search = end + 1
            self._settled = False
        self._checked = len(text)
        if statement is not None and (found is None or statement.start() < found.start()):
            return "v2"
        return "v1" if found is not None else None
