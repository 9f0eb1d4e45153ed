"""The OpenUI Lang tree builder: the model's raw program text in, the repaired tree's growth out, step by
step to a TreeWriter (the OpenUI Lang side of streaming-repair.md; openui-lang.md §4).

Statements are cut from the deltas by `StatementSplitter` (prose, fences and comments dropped), parsed one at
a time and cleaned as `openui.repair` cleans them (unsafe URLs out, HTML out of text, long strings cut). The
output tree is grown in reading order from the entry (`root`): the next item of the innermost open container
is shown once its statement and everything it refers to are complete (a component is materialized against
the library with the repair rules: wrong-case names mapped, excess args dropped, defaults filled, bad optional
values pruned, an invalid component dropped). A container (Card, Tabs, TabItem, Form, Steps, SectionBlock,
List...) whose own arguments are complete opens as soon as its first child is shown and gains children as they
complete; a reference that never comes is dropped at the end. A statement already shown keeps its first
definition (a later duplicate is ignored; a re-declared `root` may add children). With no `root`, the
first statement calling the library root is the entry, else, at the end, a root over the top-level components.
Nothing usable: a TextContent with the model's prose. Cost: each statement is parsed, cleaned and checked
once.
"""

from __future__ import annotations

import re
from typing import Any

from .openui.ast import NULL, Arr, Call, Expr, Ref, Statement, references, walk
from .openui.library import Component, Library, Param
from .openui.materialize import Dynamic, Issue, Materializer, Node, ProgramTooLarge, component_statement
from .openui.parser import ProgramTooDeep, parse
from .openui.repair import Cleaner, Notes, RepairBudget, RepairHooks, map_component_name
from .openui.stream import StatementSplitter
from .sanitize import sanitize_markdown
from .v2_library import root_blocks
from .writer import ROOT, Path, TreeWriter

# The growing list of each container of the C1 v2 chat library (a library's root grows by its first list of
# components); containers of other libraries are shown whole.
GROWTH_SLOTS = {
    "Tabs": "children",
    "TabItem": "children",
    "Accordion": "children",
    "AccordionItem": "children",
    "SectionBlock": "items",
    "SectionBlockItem": "content",
    "Form": "fields",
    "Steps": "children",
    "List": "items",
}
_EMPTY_ANSWER = "The model returned an empty answer."
_UNUSABLE_ANSWER = "The model's answer could not be shown."
_STATEMENT_LINE = re.compile(r"^\s*\$?[A-Za-z_][A-Za-z0-9_]*\s*=(?!=)")
_FENCE_LINE = re.compile(r"^\s*(```|~~~)")
_DEAD = object()


class _StreamHooks(RepairHooks):
    """Repair hooks whose depth and node budget count the whole answer, not one materialization."""

    def __init__(self, budget: RepairBudget, notes: Notes) -> None:
        super().__init__(budget, notes)
        self.base_depth = 0
        self.base_nodes = 0

    def node_budget(self, depth: int, count: int) -> bool:
        return super().node_budget(depth + self.base_depth, count + self.base_nodes)


class _StreamedText:
    """A TextContent shown while its statement is written: where its text is read from, what was sent."""

    __slots__ = ("frame", "name", "offset", "sent", "stopped")

    def __init__(self, name: str, frame: _Frame, offset: int) -> None:
        self.name = name
        self.frame = frame
        self.offset = offset  # where the undecoded text starts in the pending statement
        self.sent = ""
        self.stopped = False  # a character the sanitizer may change came: the rest waits for the statement


# `name = TextContent("` at the start of a pending statement; a run of string text that is plain (JSON
# escapes aside): none of the characters that start markdown or HTML the sanitizer changes (as
# builder._PLAIN_TEXT), so what is shown of it is what the whole text, sanitized, starts with.
_HEAD_SIZE = 80  # enough of a statement to tell whether it starts `name = TextContent("`
_TEXT_STEP = 16  # a streamed text is read again once this many characters came (not at every tiny delta)
_TEXT_HEAD = re.compile(r'\s*([a-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*TextContent\([ \t]*"')
_PLAIN_RUN = re.compile('[^"\\\\<\\[\\]`~\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]+')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "/": "/"}  # (all plain once decoded)


def _plain_prefix(raw: str, room: int) -> tuple[str, int, bool]:
    """(decoded plain text at the start of `raw`, the raw characters it took, whether the plain text ended:
    a character that is not plain, or the string's end, or `room` reached)."""
    out: list[str] = []
    i = 0
    size = 0
    while i < len(raw) and size < room:
        run = _PLAIN_RUN.match(raw, i)
        if run is not None:
            text = run.group()[: room - size]
            out.append(text)
            size += len(text)
            i += len(text)
            continue
        if raw[i] != "\\":
            return "".join(out), i, True  # a closing quote, or a character the sanitizer may change
        if i + 1 >= len(raw):
            break  # an escape cut in half: wait
        decoded = _ESCAPES.get(raw[i + 1])
        if decoded is None:
            return "".join(out), i, True  # \u escapes and the rest wait for the whole statement
        out.append(decoded)
        size += 1
        i += 2
    return "".join(out), i, size >= room


class _Table:
    """What a Materializer reads of a program: the statements by name."""

    incomplete = False

    def __init__(self, table: dict[str, Statement]) -> None:
        self.table = table


class _Frame:
    """A container of the output tree being grown: its planned items and how far it got."""

    __slots__ = ("count", "depth", "items", "name", "next", "opened", "path", "shell", "slot", "waiting")

    def __init__(
        self, name: str | None, slot: Param, items: tuple[Expr, ...], depth: int, shell: dict[str, Any]
    ) -> None:
        self.name = name  # the statement it was read from (None: inline)
        self.slot = slot
        self.items = items  # the planned list (its expressions)
        self.next = 0  # index of the next planned item
        self.depth = depth  # component depth (the root is 1)
        self.shell = shell  # the container, its list empty (materialized)
        self.opened = False  # written (a pending one opens with its first child)
        self.path: Path = ROOT
        self.count = 0  # children written
        self.waiting: str | None = None  # the statement name it waits for


def growth_slot(library: Library, component: Component) -> Param | None:
    """The list a container of `library` grows while streaming, if it has one."""
    if component.name == library.root:
        name: str | None = next((p.name for p in component.params if p.type == "array" and p.refs), None)
    else:
        name = GROWTH_SLOTS.get(component.name)
    param = component.param(name) if name else None
    return param if param is not None and param.type == "array" and param.refs else None


class LangBuilder:
    """OpenUI Lang text in (feed() any number of times, or complete() once; then finish()), the tree's growth
    out to `writer`, in `library` (its root component is the root)."""

    def __init__(
        self,
        library: Library,
        writer: TreeWriter,
        *,
        budget: RepairBudget | None = None,
        max_children: int = 50,
        repairs: list[str] | None = None,
    ) -> None:
        self.library = library
        self._writer = writer
        self._budget = budget or RepairBudget()
        self._max_children = max_children
        self.repairs = repairs if repairs is not None else []
        self._noted: set[str] = set()
        self._notes = Notes()
        self._cleaner = Cleaner(library, self._budget, self._notes)
        self._hooks = _StreamHooks(self._budget, self._notes)
        self._splitter = StatementSplitter()
        self._table: dict[str, Statement] = {}
        self._order: list[str] = []  # value statement names, first definitions first
        self._frozen: set[str] = (
            set()
        )  # read into the output (or checked complete): later definitions ignored
        self._entry: str | None = None
        self._stack: list[_Frame] = []
        self._children = 0  # children of the root written
        self._full = False  # the writer's output budget ran out
        root = library.root_component
        if root is None or growth_slot(library, root) is None:
            raise ValueError("the library's root component must have a list of components")
        self._root_component = root
        self._root_call: Call | None = None
        text = library.components.get("TextContent")
        # the prop a TextContent streams (its first), when the library has one that takes a string first
        self._text_component = (
            text.params[0].name if text and text.params and text.params[0].type == "string" else None
        )
        self._text: _StreamedText | None = None
        self._whole = False  # complete(): the whole answer at once
        self._no_text = False  # the pending statement was read far enough to know it streams no text
        self._unread = 0  # characters come since the pending statement was last read for its text

    # ---- public API ------

    @property
    def started(self) -> bool:
        return self._children > 0

    def feed(self, delta: str) -> None:
        for text in self._splitter.feed(delta):
            self._add(text)
            self._advance(final=False)  # statement by statement, as they would stream: the same tree
            self._no_text = False  # a new pending statement: it may be a text
        if self._text_component is not None and not self._full and self._stack and not self._whole:
            self._unread += len(delta)
            if self._unread >= _TEXT_STEP:
                self._unread = 0
                self._stream_text()

    def complete(self, text: str) -> None:
        """All of the model's text at once (finish() comes next): the root is declared once, exactly."""
        self._writer.hold()
        self._whole = True  # nothing to stream: texts come whole
        try:
            self.feed(text)
            for statement in self._splitter.finish():
                self._add(statement, last=True)
                self._advance(final=False)
        finally:
            self._writer.release()

    def finish(self, raw: str = "") -> None:
        """The model is done: what never completed is dropped, orphans the root accepts are attached (or a
        root is made over them), the text is the fallback when nothing is usable, and the tree closes."""
        for text in self._splitter.finish():
            self._add(text, last=True)
        if self._entry is None:
            self._make_root()
        self._advance(final=True)
        if self._text is not None:  # a streamed text whose statement never came whole
            self._end_text(None)
        self._attach_orphans()
        while len(self._stack) > 1:
            self._close(self._stack[-1])
        if self._children == 0 and not self._full:
            self._fallback(raw)  # never an empty answer
        self._flush_notes()
        self._writer.finish(self._root_props())

    def note(self, message: str) -> None:
        if message not in self._noted:
            self._noted.add(message)
            self.repairs.append(message)

    # ---- statements ------

    def _add(self, text: str, *, last: bool = False) -> None:
        """A complete statement (`last`: the text the stream ended in, maybe cut off)."""
        try:
            program = parse(text, skip_too_deep=True)
        except (ProgramTooDeep, RecursionError):
            self.note("dropped a statement nested too deeply")
            return
        if program.too_deep:
            self.note("dropped a statement nested too deeply")
        for statement in program.statements:
            name = statement.name
            if last and name in self._table and (program.incomplete or not isinstance(statement.expr, Call)):
                self.note(f"kept the earlier definition of {name!r} over a cut-off one")
                continue
            if name in self._frozen:
                if name == self._entry and self._stack:
                    self._redeclare_root(statement)
                else:
                    self.note(f"ignored a second definition of {name!r} (the first is shown)")
                continue
            self._cleaner.statement = name
            cleaned = self._cleaner.clean(statement.expr, None, 0)
            statement = Statement(name, cleaned if cleaned is not None else NULL, statement.kind)
            if name not in self._table and statement.kind == "value":
                self._order.append(name)
            self._table[name] = statement
            if self._entry is None and self._is_entry(statement):
                self._entry = name

    def _is_entry(self, statement: Statement) -> bool:
        if statement.name == "root":
            return True
        first = next((n for n in self._order), None)
        return first == statement.name and self._calls_root(statement.expr)

    def _calls_root(self, expr: Expr) -> bool:
        if not isinstance(expr, Call) or expr.at:
            return False
        name = self._root_component.name
        return expr.name == name or map_component_name(expr.name, self.library) == name

    def _redeclare_root(self, statement: Statement) -> None:
        """The model re-declared its root: children it adds are planned after the ones already planned."""
        root = self._stack[0]
        cleaned = self._cleaner.clean(statement.expr, None, 0)
        items = self._slot_items(cleaned, self._root_component, root.slot) if cleaned is not None else None
        if items is None:
            self.note("ignored a re-declared root that is not a root")
            return
        known = {i.name for i in root.items if isinstance(i, Ref)}
        added = tuple(i for i in items if not (isinstance(i, Ref) and i.name in known))
        if added:
            root.items = root.items + added
            self.note("read a re-declared root")

    # ---- growing the tree ------

    def _advance(self, *, final: bool) -> None:
        if self._entry is None or self._full:
            return
        if not self._stack and not self._open_root():
            return
        while self._stack and not self._full:
            frame = self._stack[-1]
            if frame.next >= len(frame.items):
                if len(self._stack) == 1:
                    return  # the root may still be re-declared
                self._close(frame)
                continue
            if frame.waiting is not None and frame.waiting not in self._table and not final:
                return  # nothing new for it
            frame.waiting = None
            if len(self._stack) == 1 and self._root_full() and self._text is None:
                self.note(f"dropped children beyond {self._max_children}")
                frame.next = len(frame.items)  # the rest is not read (nor checked) at all
                return
            item = frame.items[frame.next]
            missing = self._missing_for(item, frame)
            if isinstance(missing, str) and not final:
                frame.waiting = missing
                return
            frame.next += 1
            if missing is not None:
                self.note("dropped a reference that is never defined (or refers to itself)")
                continue
            self._show(item, frame)

    def _open_root(self) -> bool:
        assert self._entry is not None
        statement = self._table[self._entry]
        self._frozen.add(self._entry)
        slot = growth_slot(self.library, self._root_component)
        assert slot is not None
        expr = statement.expr
        if self._calls_root(expr):
            assert isinstance(expr, Call)
            frame = _Frame(self._entry, slot, self._slot_items(expr, self._root_component, slot) or (), 1, {})
            self._root_call = expr
        else:  # `root = Tabs(...)`: shown as the one child of a root
            self.note(f"the entry is not a {self._root_component.name}: wrapped it in one")
            frame = _Frame(None, slot, (Ref(self._entry),), 1, {})
            self._root_call = None
        frame.opened = True
        self._stack.append(frame)
        return True

    def _slot_items(self, expr: Expr, component: Component, slot: Param) -> tuple[Expr, ...] | None:
        """The planned items of `slot` in a call (an array, or a reference to a statement holding one)."""
        if not isinstance(expr, Call):
            return None
        index = component.params.index(slot)
        arg = expr.args[index] if index < len(expr.args) else Arr(())
        if isinstance(arg, Ref):
            target = self._table.get(arg.name)
            arg = target.expr if target is not None else arg
        return arg.items if isinstance(arg, Arr) else None

    def _resolve(self, expr: Expr) -> tuple[Expr, str | None]:
        """Follow `a = b` chains to what a reference finally names (a call, usually)."""
        name = None
        seen = set()
        while isinstance(expr, Ref) and expr.name in self._table and expr.name not in seen:
            seen.add(expr.name)
            name = expr.name
            expr = self._table[name].expr
        return expr, name

    def _missing(self, expr: Expr, visiting: frozenset[str]) -> str | object | None:
        """The first statement `expr` needs that is not there yet; _DEAD for a cycle; None: complete."""
        for name in references(expr):
            if name in self._frozen and name not in visiting:
                continue
            statement = self._table.get(name)
            if statement is None:
                return name
            if name in visiting:
                return _DEAD
            found = self._missing(statement.expr, visiting | {name})
            if found is not None:
                return found
            self._frozen.add(name)
        return None

    def _ancestors(self) -> frozenset[str]:
        return frozenset(f.name for f in self._stack if f.name is not None)

    def _missing_for(self, item: Expr, frame: _Frame) -> str | object | None:
        """What the next item waits for; a container needs only its own args (its list grows later)."""
        ancestors = self._ancestors()
        if isinstance(item, Ref) and item.name in ancestors:
            return _DEAD
        resolved, name = self._resolve(item)
        if isinstance(item, Ref) and name is None:
            return item.name  # not defined yet
        if name is not None and name in ancestors:
            return _DEAD
        container = self._container_of(resolved)
        if container is not None:
            component, slot = container
            index = component.params.index(slot)
            args = [a for i, a in enumerate(resolved.args) if i != index]  # type: ignore[union-attr]
            for arg in args:
                found = self._missing(arg, ancestors)
                if found is not None:
                    return found
            return None
        return self._missing(resolved, ancestors)

    def _container_of(self, expr: Expr) -> tuple[Component, Param] | None:
        if not isinstance(expr, Call) or expr.at:
            return None
        component = self.library.components.get(expr.name)
        if component is None:
            mapped = map_component_name(expr.name, self.library)
            component = self.library.components.get(mapped) if mapped else None
        if component is None:
            return None
        slot = growth_slot(self.library, component)
        if slot is None or self._slot_items(expr, component, slot) is None:
            return None
        return component, slot

    def _show(self, item: Expr, frame: _Frame) -> None:
        """Show a complete item, or open a container whose list still waits for statements."""
        resolved, name = self._resolve(item)
        container = self._container_of(resolved)
        if container is not None and self._missing(resolved, self._ancestors()) is not None:
            self._push(resolved, name, container, frame)
            return
        value = self._materialize(item, frame.depth)
        node = self._accepted(frame, value)
        if self._text is not None and name == self._text.name:
            self._end_text(node)  # the streamed text's statement came whole
            return
        if node is None:
            if value is not None:
                what = value.get("component") if isinstance(value, dict) else "value that is no component"
                self.note(f"dropped a {what} where it cannot go")
            return
        if name is not None:
            self._frozen.add(name)
        self._write(frame, node)

    def _push(self, call: Expr, name: str | None, container: tuple[Component, Param], frame: _Frame) -> None:
        component, slot = container
        assert isinstance(call, Call)
        index = component.params.index(slot)
        args = list(call.args) + [NULL] * max(0, index + 1 - len(call.args))
        args[index] = Arr(())
        shell = self._materialize(Call(call.name, tuple(args)), frame.depth)
        node = self._accepted(frame, shell)
        if node is None:
            self.note("dropped a container that is not valid")
            return
        if name is not None:
            self._frozen.add(name)
        items = self._slot_items(call, component, slot) or ()
        self._stack.append(_Frame(name, slot, items, frame.depth + 1, node))

    def _accepted(self, frame: _Frame, value: Any) -> Node | None:
        """`value` as a child in `frame`'s list, when the list takes it (a Header becomes an InlineHeader
        where only those go), or None. The root's list also takes the library's free blocks."""
        if not isinstance(value, Node):
            return None
        accepts = root_blocks(self.library) if frame is self._stack[0] else frozenset(frame.slot.refs)
        if not accepts or value.component in accepts:
            return value
        if value.component == "Header" and "InlineHeader" in accepts:
            props = {"heading": value.props.get("title")}
            if value.props.get("subtitle") is not None:
                props["description"] = value.props["subtitle"]
            return (
                Node("InlineHeader", props, value.statement_id) if isinstance(props["heading"], str) else None
            )
        return None

    def _materialize(self, expr: Expr, depth: int) -> Any:
        hooks = self._hooks
        materializer = Materializer(_Table(self._table), self.library, partial=False, hooks=hooks)  # type: ignore[arg-type]
        hooks.materializer = materializer
        hooks.base_depth = depth
        try:
            value = materializer.value(expr)
        except (ProgramTooDeep, ProgramTooLarge, RecursionError):
            self.note("dropped a component nested too deeply or too large")
            return None
        finally:
            hooks.base_nodes += materializer.nodes
        for issue in materializer.errors:
            self._notes.add(issue)
        return _static(value)

    def _write(self, frame: _Frame, node: dict[str, Any]) -> None:
        """Write a child of `frame`, first opening the pending containers on the way down to it."""
        if not self._open_pending():
            return
        if frame is self._stack[0]:
            if self._children >= self._max_children:
                self.note(f"dropped children beyond {self._max_children}")
                return
            self._children += 1
        if not self._writer.append_child(frame.path, node):
            self._full = True
            self.note("dropped children beyond the output size cap")
            return
        frame.count += 1

    def _open_pending(self) -> bool:
        for depth, frame in enumerate(self._stack):
            if frame.opened:
                continue
            parent = self._stack[depth - 1]
            if depth == 1:
                if self._children >= self._max_children:
                    self.note(f"dropped children beyond {self._max_children}")
                    return False
                self._children += 1
            if not self._writer.open_child(parent.path, frame.shell, ("props", frame.slot.name)):
                self._full = True
                self.note("dropped children beyond the output size cap")
                return False
            frame.path = (*parent.path, parent.count)
            parent.count += 1
            frame.opened = True
        return True

    def _close(self, frame: _Frame) -> None:
        self._stack.pop()
        if frame.opened:
            self._writer.close_child({})
        elif not self._full:
            self._write(self._stack[-1], frame.shell)  # nothing in it came: the container as it is

    # ---- a TextContent whose text streams ------

    def _stream_text(self) -> None:
        """Show the text of the statement being written, when it is the next child the tree waits for and a
        TextContent: as far as it is plain text (what the markdown sanitizer keeps as it is), in pieces."""
        streamed = self._text
        if streamed is None:
            if self._no_text:
                return  # the pending statement is known not to be the text the tree waits for
            frame = self._stack[-1]
            item = frame.items[frame.next] if frame.next < len(frame.items) else None
            if not isinstance(item, Ref) or item.name in self._table or item.name in self._frozen:
                return
            start = self._splitter.pending_tail(0, _HEAD_SIZE)
            head = _TEXT_HEAD.match(start)
            if head is None or head.group(1) != item.name or (len(self._stack) == 1 and self._root_full()):
                self._no_text = len(start) >= _HEAD_SIZE or (head is None and "(" in start)
                return
            accepts = root_blocks(self.library) if len(self._stack) == 1 else frozenset(frame.slot.refs)
            if accepts and "TextContent" not in accepts:
                return
            streamed = self._text = _StreamedText(item.name, frame, head.end())
        if streamed.stopped:
            return
        raw = self._splitter.pending_tail(streamed.offset)
        piece, used, stop = _plain_prefix(raw, self._budget.max_string - len(streamed.sent))
        streamed.offset += used
        streamed.stopped = stop
        if not piece:
            return
        if not streamed.sent:
            if not self._open_pending():
                self._text = None
                return
            assert self._text_component is not None
            if not self._writer.open_text(streamed.frame.path, "TextContent", self._text_component, piece):
                self._full, self._text = True, None
                self.note("dropped children beyond the output size cap")
                return
            streamed.frame.count += 1
            if streamed.frame is self._stack[0]:
                self._children += 1
        elif not self._writer.append_text(piece):
            streamed.stopped = True  # over the output budget: the text ends here
        streamed.sent += piece

    def _root_full(self) -> bool:
        return self._children >= self._max_children

    def _end_text(self, node: Node | None) -> None:
        """Close the streamed text with the rest of its statement's text and its other props (or as far as it
        got, when the statement is invalid or never came)."""
        streamed = self._text
        assert streamed is not None and self._text_component is not None
        self._text = None
        if streamed.sent == "":
            if node is not None:
                self._write(streamed.frame, node)
            return
        extra: dict[str, Any] = {}
        if node is not None and node.component == "TextContent":
            text = node.props.get(self._text_component)
            rest = (
                text[len(streamed.sent) :] if isinstance(text, str) and text.startswith(streamed.sent) else ""
            )
            if rest and not self._writer.append_text(rest):
                self.note("text truncated at the output size cap")
            extra = {k: v for k, v in node.props.items() if k != self._text_component}
        self._frozen.add(streamed.name)
        self._writer.close_text(extra)

    # ---- the end ------

    def _make_root(self) -> None:
        """No entry: the first statement calling the root component is it, else a root over the top-level
        components (statements nothing refers to), as `openui.repair` makes one."""
        for name in self._order:
            if component_statement(self._table[name]) and self._calls_root(self._table[name].expr):
                self._entry = name
                self.note(f"no root statement: {name!r} is the root")
                return
        referenced = {ref for st in self._table.values() for ref in references(st.expr)}
        top = tuple(
            Ref(name)
            for name in self._order
            if name not in referenced and component_statement(self._table[name])
        )
        if not top:
            return
        self._table["\x00root"] = Statement("\x00root", Call(self._root_component.name, (Arr(top),)), "value")
        self._entry = "\x00root"
        self.note("no root statement: made one over the top-level components")

    def _attach_orphans(self) -> None:
        """Statements nothing shown refers to, that the root accepts as children, are appended to it."""
        if not self._stack or self._full or self._children >= self._max_children:
            return
        root = self._stack[0]
        referenced = {ref for st in self._table.values() for ref in references(st.expr)}
        orphans = [
            Ref(name)
            for name in self._order
            if name not in referenced and name not in self._frozen and name != self._entry
            and component_statement(self._table[name])
        ]  # fmt: skip
        if orphans:
            self.note("attached statements the root did not list to it")
            root.items = root.items + tuple(orphans)
            self._advance(final=True)

    def _fallback(self, raw: str) -> None:
        """Nothing usable came: a text child holding the model's prose (or the raw text)."""
        text_component = self.library.components.get("TextContent")
        if text_component is None or not text_component.params:
            return
        lines = [
            line
            for line in raw.splitlines()
            if not _STATEMENT_LINE.match(line) and not _FENCE_LINE.match(line)
        ]
        note = _UNUSABLE_ANSWER if raw.strip() else _EMPTY_ANSWER
        text = sanitize_markdown("\n".join(lines).strip() or note)[: self._budget.max_string]
        self.note("no usable component: answered with the model's text")
        if not self._stack:
            slot = growth_slot(self.library, self._root_component)
            assert slot is not None
            frame = _Frame(None, slot, (), 1, {})
            frame.opened = True
            self._stack.append(frame)
        self._write(self._stack[0], Node("TextContent", {text_component.params[0].name: text}))

    def _root_props(self) -> dict[str, Any]:
        """The root's other props (sources), repaired."""
        call = self._root_call
        if call is None or len(call.args) < 2:
            return {}
        slot = growth_slot(self.library, self._root_component)
        assert slot is not None
        index = self._root_component.params.index(slot)
        args = list(call.args)
        args[index] = Arr(())
        root = self._materialize(Call(self._root_component.name, tuple(args)), 0)
        if not isinstance(root, Node):
            return {}
        return {k: v for k, v in root.props.items() if k != slot.name}

    def _flush_notes(self) -> None:
        for issue in self._notes.items.values():
            self.note(_describe(issue))


def _describe(issue: Issue) -> str:
    where = f" in {issue.statement_id!r}" if issue.statement_id else ""
    return f"{issue.code}{where}: {issue.message}"[:200]


def _static(value: Any) -> Any:
    """A materialized value without runtime expressions that name statements (queries, mutations: the
    output program does not carry them); `$state` and builtins stay."""
    if isinstance(value, Dynamic):
        return None if any(isinstance(e, Ref) for e in walk(value.expr)) else value
    if isinstance(value, Node):
        props = {k: v for k, v in ((k, _static(v)) for k, v in value.props.items()) if v is not None}
        return Node(value.component, props, value.statement_id)
    if isinstance(value, list):
        return [item for item in (_static(v) for v in value) if item is not None]
    if isinstance(value, dict):
        return {k: v for k, v in ((k, _static(v)) for k, v in value.items()) if v is not None}
    return value
