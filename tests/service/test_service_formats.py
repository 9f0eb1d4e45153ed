"""Which format a turn answers in and asks its model for (service/turn.py, docs/openui.md "Formats")."""

from __future__ import annotations

import json
from typing import Any

import pytest

from genui.errors import ApiError
from genui.models.registry import ResolvedModel
from genui.service.turn import model_messages, openui_config, turn_formats
from genui.ui import Catalog
from genui.ui.c1 import escape


def model(version: str | None, **settings: Any) -> ResolvedModel:
    return ResolvedModel(
        name="c1/x/m/v-" + (version or "").replace("-", ""), configured_name="c1/x/m", provider_name="p",
        upstream_model="m",
        catalog_version=version, experimental=False, context_tokens=8000, **settings,
    )  # fmt: skip


USER = [{"role": "user", "content": "hi"}]
EMPTY_CARD = {"component": {"component": "Card", "props": {"children": []}}, "error": None}
V1_ANSWER = '<content thesys="true">' + escape(json.dumps(EMPTY_CARD)) + "</content>"


@pytest.mark.parametrize(
    ("version", "answer"),
    [("2026-03-31", "v2"), ("2026-11-21", "v2"), ("2026-03-30", "v1"), ("2025-12-30", "v1"), (None, "v1")],
)
def test_the_model_version_picks_the_format(version: str | None, answer: str) -> None:
    formats = turn_formats(model(version), USER, None, "openai")
    assert (formats.answer, formats.model) == (answer, answer)


def test_settings_history_and_the_embedded_model() -> None:
    v2 = model("2026-11-21")
    history = [*USER, {"role": "assistant", "content": V1_ANSWER}, {"role": "user", "content": "more"}]
    assert turn_formats(v2, history, None, "openai").answer == "v1"  # a thread begun in v1 stays v1
    v2_history = [*USER, {"role": "assistant", "content": '<content thesys="true" version="2">x</content>'}]
    assert turn_formats(v2, v2_history, None, "openai").answer == "v2"
    assert turn_formats(model("2026-11-21", content_format="v1"), USER, None, "openai").answer == "v1"
    forced = turn_formats(model("2025-01-01", content_format="v2"), history, None, "openai")
    assert (forced.answer, forced.model) == ("v2", "v2")  # the setting wins over the thread
    assert turn_formats(model("2026-11-21", upstream_format="v1"), USER, None, "openai").model == "v1"
    embedded = turn_formats(v2, USER, None, "embedded")
    assert (embedded.answer, embedded.model) == ("v2", "v1")  # its grammar is JSON unless set otherwise
    assert turn_formats(model("2026-11-21", upstream_format="v2"), USER, None, "embedded").model == "v2"


def test_an_openui_config_turn_is_a_bare_answer_and_is_not_sent_on() -> None:
    config = ']]>openui:config\n{"libraryVersion": "0.1.0"}\nBe brief.'
    messages = [{"role": "system", "content": config}, *USER]
    formats = turn_formats(model("2025-01-01"), messages, None, "openai")
    assert (formats.answer, formats.model) == ("openui", "v2") and formats.options.extra == "Be brief."
    sent = model_messages(Catalog.default(), messages, "PROMPT")
    assert sent == [{"role": "system", "content": "PROMPT"}, *USER]
    parts = [{"role": "developer", "content": [{"type": "text", "text": config}]}, *USER]
    assert openui_config(parts) is not None
    with pytest.raises(ApiError) as bad:
        openui_config([*USER, {"role": "system", "content": ']]>openui:config\n{"chatLibrary": 3}'}])
    assert (
        bad.value.status == 400
        and bad.value.param == "messages[1].content"
        and "chatLibrary" in bad.value.message
    )
