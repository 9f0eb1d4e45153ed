"""StreamRepairer: the model's raw text deltas in, C1 Response text deltas out (streaming-repair.md).

A tree builder reads the model's text and grows a repaired tree: TreeBuilder (builder.py) for JSON (C1 v1),
LangBuilder (lang_builder.py) for OpenUI Lang; a writer writes each step in the answer's format: V1Writer
(v1_writer.py) for C1 content version 1, V2Writer (v2_writer.py) for version 2 or a bare OpenUI Lang
program. When the model's format is not the answer's, a ConvertingWriter converts each step between the two
component libraries. The model's format is detected from its first lines (it may not write what it was asked
to). Every delta returned ends where a client shows a valid tree or nothing, and the UI only grows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .builder import RepairCatalog, TreeBuilder
from .convert import V1ToV2, V2ToV1
from .convert_writer import ConvertingWriter, V1Check, V2Check
from .formats import UNDECIDED_LIMIT, AnswerFormat, FormatDetector, ModelFormat, detect_format
from .lang_builder import LangBuilder
from .openui.library import Library
from .v1_writer import V1Writer
from .v2_writer import V2Writer
from .writer import ROOT, TreeWriter


def _custom_components(catalog: object) -> tuple[str, ...]:
    custom = getattr(catalog, "custom_components", None)
    return tuple(custom) if isinstance(custom, dict) else ()


def _library_of(catalog: object) -> Library:
    from .v2_library import library_for

    return library_for(getattr(catalog, "thesys", None))


def answer_writer(
    catalog: RepairCatalog,
    answer: AnswerFormat,
    *,
    library: Library | None = None,
    max_output_chars: int = 4_000_000,
) -> V1Writer | V2Writer:
    """The writer of an answer format: C1 v1 JSON, C1 v2 content, or a bare OpenUI Lang program."""
    if answer == "v1":
        return V1Writer(max_output_chars)
    lib = library if library is not None else _library_of(catalog)
    return V2Writer(lib, envelope="c1" if answer == "v2" else "bare", max_chars=max_output_chars)


def converting(writer: V1Writer | V2Writer, model: ModelFormat, catalog: RepairCatalog) -> TreeWriter:
    """What a builder of `model`'s format writes to: `writer` itself, or a ConvertingWriter in front of it
    when the answer is in the other library."""
    custom = _custom_components(catalog)
    if isinstance(writer, V2Writer):
        return writer if model == "v2" else ConvertingWriter(writer, V1ToV2(custom), V2Check(writer.library))
    return writer if model == "v1" else ConvertingWriter(writer, V2ToV1(custom), V1Check(catalog))


def tree_writer(
    catalog: RepairCatalog, answer: AnswerFormat, *, library: Library | None = None
) -> TreeWriter:
    """A TreeWriter that takes the growth of a C1 v1 tree (validated nodes of the catalog, e.g. a pipeline
    composing a UI step by step) and writes it as `answer`: v1 as is, v2 / openui converted through the tree
    and checked in the v2 library. Its `parts` are the answer's text, every prefix renderable."""
    return converting(answer_writer(catalog, answer, library=library), "v1", catalog)


def write_tree(
    tree: dict[str, Any], answer: AnswerFormat, catalog: RepairCatalog, *, library: Library | None = None
) -> str:
    """A complete, validated C1 v1 Card tree as the text of an `answer`-format answer (C1 v1 content, C1 v2
    content, or a bare OpenUI Lang program)."""
    writer = tree_writer(catalog, answer, library=library)
    props: dict[str, Any] = tree["props"] if isinstance(tree.get("props"), dict) else {}
    children: list[Any] = props["children"] if isinstance(props.get("children"), list) else []
    writer.hold()
    for child in children:
        writer.append_child(ROOT, child)
    writer.release()
    writer.finish({k: v for k, v in props.items() if k != "children"})
    return "".join(writer.parts)


class StreamRepairer:
    """Model text deltas in, answer text deltas out; every prefix of the output renders (or is empty).

    `answer`: the format written (v1, v2, or a bare `openui` program); `model`: the format the model was asked
    for (the one it actually writes is detected); `library`: the v2 library (default: the chat library shaped
    by the catalog's `metadata.thesys`)."""

    def __init__(
        self,
        catalog: RepairCatalog,
        *,
        answer: AnswerFormat = "v1",
        model: ModelFormat = "v1",
        library: Library | None = None,
        max_children: int | None = None,
        max_output_chars: int = 4_000_000,
        max_node_chars: int = 1_000_000,
        max_text_chars: int | None = None,
        max_depth: int = 48,
        max_fallback_chars: int = 20_000,
    ) -> None:
        self.catalog = catalog
        self.answer: AnswerFormat = answer
        self.asked: ModelFormat = model
        self.model: ModelFormat | None = None  # what the model writes, once detected
        self._options: dict[str, Any] = {
            "max_children": max_children,
            "max_node_chars": max_node_chars,
            "max_text_chars": max_text_chars,
            "max_depth": max_depth,
            "max_fallback_chars": max_fallback_chars,
        }
        self._max_output = max_output_chars
        self.repairs: list[str] = []  # what was repaired (for logs and metrics)
        # the answer writer exists from the start (think items go before content); the builder once the
        # model's format is known
        self._writer = answer_writer(catalog, answer, library=library, max_output_chars=max_output_chars)
        self._parts = self._writer.parts
        self._builder: TreeBuilder | LangBuilder | None = None
        self._feed: Callable[[str], None] | None = None  # the builder's feed, once there is one
        self._detector = FormatDetector()  # holds the text before the model's format showed
        self._finished = False
        # raw model text, kept (capped) for the no-usable-output fallback
        self._raw: list[str] = []
        self._raw_room = max_fallback_chars
        self._text = ""
        self._text_parts = 0  # how many parts `_text` joins

    @property
    def text(self) -> str:
        """Everything emitted so far."""
        if self._text_parts != len(self._parts):
            self._text = "".join(self._parts)
            self._text_parts = len(self._parts)
        return self._text

    def _start(self, model: ModelFormat) -> TreeBuilder | LangBuilder:
        """The builder for what the model writes, writing (converted when needed) to the answer's writer."""
        self.model = model
        if model != self.asked:
            self.repairs.append(f"the model wrote {model}, not the {self.asked} it was asked for")
        target = converting(self._writer, model, self.catalog)
        builder: TreeBuilder | LangBuilder
        if model == "v1":
            builder = TreeBuilder(self.catalog, target, **self._options)
        else:
            library = (
                self._writer.library if isinstance(self._writer, V2Writer) else _library_of(self.catalog)
            )
            limits = getattr(self.catalog, "limits", None)
            children = self._options["max_children"] or int(getattr(limits, "max_children", 50))
            builder = LangBuilder(library, target, max_children=children)
        builder.repairs[:0] = self.repairs  # notes made before it existed
        self.repairs = builder.repairs
        self._feed = builder.feed
        self._builder = builder
        return builder

    def _builder_for(self, delta: str) -> tuple[TreeBuilder | LangBuilder | None, str]:
        """The builder once the model's format shows, with the text it has not read yet."""
        if self._builder is not None:
            return self._builder, delta
        found = self._detector.feed(delta)
        text = self._detector.text
        if found is None and len(text) <= UNDECIDED_LIMIT:
            return None, ""
        self._detector = FormatDetector()
        return self._start(found or self.asked), text

    def think(self, title: str, content: str, ephemeral: bool = True) -> str:
        """A <thinkitem> to send now; only before content starts (afterwards it is dropped and noted)."""
        if self._finished or not self._writer.think(title, content, ephemeral):
            self.repairs.append("think item after content started: dropped")
            return ""
        return self._parts[-1]

    def feed(self, delta: str) -> str:
        """Answer text to send now for the next model delta (maybe "")."""
        if self._finished or not delta:
            return ""
        if self._raw_room > 0:
            self._raw.append(delta)
            self._raw_room -= len(delta)
        feed = self._feed
        if feed is None:
            builder, delta = self._builder_for(delta)
            if builder is None:
                return ""
            feed = builder.feed
        parts = self._parts
        mark = len(parts)
        feed(delta)
        end = len(parts)
        if end == mark:
            return ""
        return parts[mark] if end == mark + 1 else "".join(parts[mark:])

    def complete(self, text: str) -> str:
        """The whole answer at once: the same tree as `feed(text) + finish()` (for a plain strict-JSON Card
        about 4x faster, see TreeBuilder.complete)."""
        if self._finished:
            return ""
        if self._raw_room > 0:
            self._raw.append(text)
            self._raw_room -= len(text)
        mark = len(self._parts)
        if self._builder is None and not self._detector.text:
            self._start(detect_format(text) or self.asked).complete(text)
        else:
            builder, rest = self._builder_for(text)
            if builder is None:
                builder, rest = self._start(self.asked), self._detector.text
                self._detector = FormatDetector()
            builder.feed(rest)
        self.finish()
        return "".join(self._parts[mark:])

    def finish(self) -> str:
        """The rest of the response; afterwards `text` is a complete, valid answer."""
        if self._finished:
            return ""
        self._finished = True
        mark = len(self._parts)
        builder = self._builder
        if builder is None:
            pending = self._detector.text
            self._detector = FormatDetector()
            builder = self._start(detect_format(pending) or self.asked)
            if pending:
                builder.feed(pending)
        builder.finish("".join(self._raw))
        return "".join(self._parts[mark:])
