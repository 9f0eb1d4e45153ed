"""Incremental statement splitting for streamed OpenUI Lang (the reader half of a streaming repairer).

`StatementSplitter.feed(delta)` returns the statements completed by `delta`: a statement ends at a newline
at bracket depth 0 outside strings, unless a ternary is open or the next line starts with `?`. Code fences
are handled as they arrive (the tag line skipped, prose after a closed fence dropped); before any fence, a
line at depth 0 that does not start with `name =` is prose and dropped without reading its quotes (an
apostrophe in "Here's your UI" cannot swallow the program). `//` and `#` comments are skipped. State is
kept between calls and only the pending statement is buffered: total cost is linear in the stream.
"""

from __future__ import annotations

import re

_BORING = re.compile(r"[^\"'()\[\]{}\n?:/#`]+")
_IN_DOUBLE = re.compile(r'[^"\\]+')
_IN_SINGLE = re.compile(r"[^'\\]+")
_STATEMENT_START = re.compile(r"[ \t\r]*\$?[A-Za-z_][A-Za-z0-9_]*[ \t\r]*=(?!=)")
# A line start that may still grow into `name =` (so we wait for more text before calling it prose).
_MAYBE_STATEMENT = re.compile(r"[ \t\r]*(?:\$(?:[A-Za-z_][A-Za-z0-9_]*)?|[A-Za-z_][A-Za-z0-9_]*)?[ \t\r]*\Z")
_WHITESPACE = " \t\r\n"


class StatementSplitter:
    """Push parser: `feed(delta)` -> completed statements; `finish()` -> the last one, however cut."""

    def __init__(self) -> None:
        self._buf = ""  # from the start of the pending statement (or line) on
        self._pos = 0  # where scanning resumes in _buf
        self._start = 0  # start of the pending statement in _buf
        self._in_statement = False
        self._depth = 0
        self._ternary = 0
        self._quote = ""
        self._fence = False  # inside a ``` block
        self._fenced = False  # a fence has closed: text outside fences is prose from now on
        self._skip_line = False  # the rest of this line is ignored (prose, comment, fence tag)
        self._at_line_end = False  # a statement's newline waits for the next line (a `?` would continue it)

    @property
    def pending(self) -> str:
        """The text of the statement still being written (empty between statements)."""
        return self._buf[self._start :].strip() if self._in_statement else ""

    def pending_tail(self, offset: int, size: int | None = None) -> str:
        """The pending text from `offset` characters after where the pending statement (or line) starts
        (`size` characters at most), without copying the rest: a statement read while it is written."""
        start = self._start + offset
        return self._buf[start : None if size is None else start + size]

    def feed(self, delta: str) -> list[str]:
        buf = self._buf
        self._buf = ""
        buf += delta  # in place: the buffer has no other reference
        self._buf = buf
        if not self._at_line_end and "\n" not in delta and "`" not in delta:
            return []  # a statement ends only at a newline (or a fence): scanned when one comes
        out: list[str] = []
        self._scan(out, final=False)
        if self._start > 4096 and self._start > len(self._buf) // 2:
            self._drop_consumed()
        return out

    def finish(self) -> list[str]:
        """End of stream: the pending statement (auto-closing is the parser's job), if any."""
        out: list[str] = []
        self._scan(out, final=True)
        tail = self.pending
        if tail:
            out.append(tail)
        self._in_statement = False
        self._buf = ""
        self._pos = self._start = 0
        return out

    def _drop_consumed(self) -> None:
        self._buf = self._buf[self._start :]
        self._pos -= self._start
        self._start = 0

    def _emit(self, out: list[str], end: int) -> None:
        text = self._buf[self._start : end].strip()
        if text:
            out.append(text)
        self._in_statement = False
        self._depth = self._ternary = 0
        self._start = end

    def _scan(self, out: list[str], *, final: bool) -> None:
        buf = self._buf
        n = len(buf)
        i = self._pos
        self._at_line_end = False
        while i < n:
            if self._skip_line:
                newline = buf.find("\n", i)
                fence = buf.find("```", i, newline if newline >= 0 else n) if not self._fence else -1
                if fence >= 0:  # a fence opening inside prose
                    self._skip_line = False
                    i = fence
                    continue
                if newline < 0:
                    i = max(i, n - 2)  # keep a possible partial fence marker
                    break
                self._skip_line = False
                if self._in_statement:
                    i = newline  # a comment's newline still ends its statement
                    continue
                i = newline + 1
                self._start = i
                continue
            if self._quote:
                run = (_IN_DOUBLE if self._quote == '"' else _IN_SINGLE).match(buf, i)
                if run is not None:
                    i = run.end()
                    continue
                if buf[i] == "\\":
                    if i + 1 >= n and not final:
                        break
                    i += 2
                    continue
                self._quote = ""  # the closing quote
                i += 1
                continue
            if not self._in_statement:
                if self._fenced and not self._fence:
                    fence = buf.find("```", i)
                    if fence < 0:
                        i = max(i, n - 2)
                        self._start = i
                        break
                    i = fence
                if buf.startswith("```", i) or (
                    buf.startswith("`", i) and not final and "```".startswith(buf[i:])
                ):
                    if not buf.startswith("```", i):
                        break  # one or two backticks at the end: wait
                    self._toggle_fence()
                    i += 3
                    self._start = i
                    continue
                line_end = buf.find("\n", i)
                head = buf[i:] if line_end < 0 else buf[i:line_end]
                if head.strip(_WHITESPACE) == "" and line_end >= 0:
                    i = line_end + 1
                    self._start = i
                    continue
                if _STATEMENT_START.match(head):
                    self._in_statement = True
                    self._start = i
                elif line_end < 0 and not final and _MAYBE_STATEMENT.match(head):
                    break  # too short to tell yet
                else:
                    self._skip_line = True
                    continue
            run = _BORING.match(buf, i)
            if run is not None:
                i = run.end()
                continue
            c = buf[i]
            if c == '"' or c == "'":
                self._quote = c
            elif c in "([{":
                self._depth += 1
            elif c in ")]}":
                self._depth = max(0, self._depth - 1)
            elif c == "?" and self._depth == 0:
                self._ternary += 1
            elif c == ":" and self._depth == 0 and self._ternary > 0:
                self._ternary -= 1
            elif c == "/" or c == "#":
                if c == "/" and i + 1 >= n and not final:
                    break
                if c == "#" or buf[i + 1] == "/":
                    self._skip_line = True  # a comment: its newline still ends the statement
                    comment_end = buf.find("\n", i)
                    if comment_end < 0:
                        i = n
                        break
                    self._skip_line = False
                    i = comment_end
                    continue
            elif c == "`":
                if i + 2 >= n and not final and "```".startswith(buf[i:]):
                    break
                if buf.startswith("```", i):
                    self._emit(out, i)
                    self._toggle_fence()
                    i += 3
                    self._start = i
                    continue
            elif c == "\n" and self._depth == 0 and self._ternary == 0:
                j = i + 1
                while j < n and buf[j] in _WHITESPACE:
                    j += 1
                if j >= n and not final:
                    self._at_line_end = True
                    break  # the next line may continue a ternary: wait for it
                if j < n and buf[j] == "?":
                    i = j
                    continue
                self._emit(out, i)
                i += 1
                self._start = i
                continue
            i += 1
        self._pos = i

    def _toggle_fence(self) -> None:
        if self._fence:
            self._fence = False
            self._fenced = True
        else:
            self._fence = True
            self._skip_line = True  # the language tag


def split_statements(text: str) -> list[str]:
    """All statements of a complete text, as the splitter yields them."""
    splitter = StatementSplitter()
    return splitter.feed(text) + splitter.finish()
