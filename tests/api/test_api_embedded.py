"""The real embedded model (SmolLM2-135M in llama.cpp) answers UI prompts through the gateway (slow)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from openai import OpenAI

from genui.config import EMBEDDED_MODEL
from genui.models.config import ModelConfig, ProviderConfig
from genui.ui import openui
from genui.ui.c1 import parse_c1
from support import LiveServer

# The embedded default is pinned to v-20261121: it answers C1 v2 (JSON written under its grammar, converted);
# the same model pinned before v-20260331 answers C1 v1.
V1_PINNED = EMBEDDED_MODEL.rsplit("/v-", 1)[0] + "/v-20251230"

PROMPTS = [
    "Plan a weekend trip to Paris",
    "Show quarterly revenue for a small bakery",
    "A signup form for a newsletter",
    "Compare Python and Rust for backend services",
    "Give me a 3-day beginner workout plan",
]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_embedded_model_answers_five_ui_prompts_through_the_gateway(
    make_server: Callable[..., LiveServer],
) -> None:
    server = make_server(
        providers={"embedded": ProviderConfig(kind="embedded")},
        models=[
            ModelConfig(name=EMBEDDED_MODEL, provider="embedded", upstream_model="smollm2-135m-instruct")
        ],
    )
    client = OpenAI(base_url=server.embed_url, api_key=server.key, max_retries=0, timeout=60)
    client.chat.completions.create(  # load the model once (mmap, grammar build) before timing answers
        model="c1-embed-latest", messages=[{"role": "user", "content": "hello"}], max_tokens=8
    )
    for prompt in PROMPTS:
        for model in ("c1-embed-latest", V1_PINNED):
            started = time.monotonic()
            stream = client.chat.completions.create(
                model=model, stream=True, messages=[{"role": "user", "content": prompt}]
            )
            text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
            elapsed = time.monotonic() - started
            if model == V1_PINNED:
                content = parse_c1(text).content
                assert isinstance(content, dict) and content["error"] is None, text
                children = content["component"]["props"]["children"]
                assert content["component"]["component"] == "Card" and children, text
            else:
                [part] = [p for p in parse_c1(text).parts if p.kind == "content"]
                assert part.attrs.get("version") == "2", text
                result = openui.validate(part.body)
                assert result.valid and result.root is not None and result.root["props"]["children"], text
            assert elapsed < 10, f"{prompt!r} took {elapsed:.1f}s"
