"""Compaction: the sealed item (round trip, every kind of damage refused) and the deterministic pass (where
the verbatim tail begins, what the summary keeps, its bounds)."""

from __future__ import annotations

import base64
import hashlib
import zlib
from typing import Any

import orjson
import pytest

from genui.errors import ApiError
from genui.service import compaction_item
from genui.service.compaction import KEEP_CHARS, compact, split_point, summarize, summary_lines
from genui.service.items import items_to_messages, normalize_input
from genui.ui.c1 import write_content


def items(*raw: dict[str, Any]) -> list[dict[str, Any]]:
    return normalize_input(list(raw))


def msg(role: str, text: str) -> dict[str, Any]:
    return {"type": "message", "role": role, "content": text}


def call(call_id: str, name: str = "get_weather", arguments: str = '{"city": "Oslo"}') -> dict[str, Any]:
    return {"type": "function_call", "call_id": call_id, "name": name, "arguments": arguments}


def output(call_id: str, text: str = '{"temp_c": 4}') -> dict[str, Any]:
    return {"type": "function_call_output", "call_id": call_id, "output": text}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sealed_raw(payload: bytes) -> str:
    """A content sealed like the server does, around any (possibly hostile) compressed payload."""
    return compaction_item.PREFIX + b64(payload) + "." + b64(hashlib.sha256(payload).digest()[:16])


def test_a_sealed_summary_opens_to_the_same_text() -> None:
    text = "user: hello\nassistant: hi – ünïcode ✓"
    item = compaction_item.new_item(text, 2)
    assert item["type"] == "compaction" and item["id"].startswith("cmp_")
    assert compaction_item.opened(item["encrypted_content"], "p") == text
    assert compaction_item.as_message(item) == {
        "role": "user",
        "content": compaction_item.SUMMARY_HEADING + "\n\n" + text,
    }


def _flip(content: str) -> str:
    body, _, digest = content.partition(".")[2].partition(".")
    middle = len(body) // 2
    body = body[:middle] + ("A" if body[middle] != "A" else "B") + body[middle + 1 :]
    return compaction_item.PREFIX + body + "." + digest


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda c: c.replace("gcmp1.", "gcmp9."), "not produced"),
        (lambda c: "opaque-from-another-server", "not produced"),
        (_flip, "checksum"),
        (lambda c: c[:-3], "checksum"),
        (lambda c: c.partition(".")[0] + ".!!!." + "x", "base64url"),
        (lambda c: sealed_raw(b"not zlib at all"), "decompress"),
        (lambda c: sealed_raw(zlib.compress(b"[1, 2]")), "format"),
        (lambda c: sealed_raw(zlib.compress(orjson.dumps({"v": 2, "text": "x"}))), "format"),
        (lambda c: sealed_raw(zlib.compress(b"{not json")), "not JSON"),
        (lambda c: sealed_raw(zlib.compress(b" " * (compaction_item.MAX_OPENED_BYTES + 1))), "too large"),
        (lambda c: sealed_raw(zlib.compress(orjson.dumps({"v": 1, "text": "x"}))[:-4]), "truncated"),
        (lambda c: c + "A" * compaction_item.MAX_SEALED_CHARS, "too long"),
    ],
)
def test_damaged_or_foreign_content_is_a_400_naming_the_field(damage: Any, why: str) -> None:
    content = compaction_item.seal("user: the secret plan", 1)
    with pytest.raises(ApiError) as refused:
        compaction_item.opened(damage(content), "input[0].encrypted_content")
    assert refused.value.status == 400 and refused.value.code == "invalid_encrypted_content"
    assert refused.value.param == "input[0].encrypted_content" and why in refused.value.message


def test_a_compaction_input_item_is_checked_and_restores_a_message() -> None:
    item = compaction_item.new_item("user: remember slate", 2)
    [stored] = normalize_input([item])
    assert stored == item
    messages = items_to_messages([stored, *items(msg("user", "Which word?"))])
    assert messages[0]["role"] == "user" and "user: remember slate" in messages[0]["content"]
    with pytest.raises(ApiError) as refused:
        normalize_input([{"type": "compaction", "encrypted_content": "nope"}])
    assert refused.value.param == "input[0].encrypted_content"


def test_one_turn_is_compacted_whole() -> None:
    window = items(msg("user", "We launch on Tuesday."), msg("assistant", "Understood: Tuesday."))
    assert split_point(window) == 2
    out, summary = compact(window)
    assert [i["type"] for i in out] == ["compaction"]
    assert summary == "user: We launch on Tuesday.\nassistant: Understood: Tuesday."


def test_the_latest_turn_stays_verbatim() -> None:
    window = items(
        msg("user", "Remember slate."),
        msg("assistant", "OK."),
        msg("user", "Compress this."),
        call("c1"),
        output("c1"),
        msg("assistant", "Done."),
    )
    assert split_point(window) == 2
    out, summary = compact(window)
    assert out[1:] == window[2:]
    assert summary == "user: Remember slate.\nassistant: OK."


def test_tool_calls_are_summarized_by_name() -> None:
    window = items(msg("user", "Weather?"), call("c1"), output("c1"), msg("user", "Thanks"))
    assert summary_lines(window[:3]) == [
        "user: Weather?",
        'assistant called get_weather({"city": "Oslo"})',
        'result of get_weather: {"temp_c": 4}',
    ]


def test_a_latest_turn_over_the_budget_is_summarized_too() -> None:
    window = items(msg("user", "short"), msg("assistant", "ok"), msg("user", "x" * (KEEP_CHARS + 1)))
    assert split_point(window) == 3


def test_a_call_waiting_for_its_output_is_never_compacted_away() -> None:
    huge = "y" * (KEEP_CHARS + 1)
    window = items(msg("user", "earlier"), msg("assistant", "ok"), msg("user", huge), call("c1"), call("c2"))
    cut = split_point(window)
    assert cut == 3  # both pending calls stay, so the client can still send their outputs
    assert [i["type"] for i in compact(window)[0]] == ["compaction", "function_call", "function_call"]


def test_assistant_c1_history_is_summarized_as_model_readable_text() -> None:
    card = {
        "component": "Card",
        "props": {"children": [{"component": "TextContent", "props": {"textMarkdown": "Hi"}}]},
    }
    c1 = write_content(card)
    [line] = summary_lines(items(msg("assistant", c1)))
    assert line.startswith("assistant: ") and "<content" not in line and "Hi" in line


def test_earlier_compactions_fold_into_the_new_summary() -> None:
    earlier = compaction_item.new_item("user: the first plan", 4)
    later = items(msg("user", "Then?"), msg("assistant", "Then this."), msg("user", "And now?"))
    out, summary = compact([*normalize_input([earlier]), *later])
    assert summary.splitlines() == ["user: the first plan", "user: Then?", "assistant: Then this."]
    assert out[1:] == later[2:]


def test_the_summary_is_bounded_and_says_what_it_dropped() -> None:
    lines = [f"user: {'z' * 3000} {n}" for n in range(60)]
    summary = summarize(lines)
    assert len(summary) <= compaction_item.MAX_SUMMARY_CHARS
    dropped = int(summary.split(" earlier items omitted]")[0].removeprefix("["))
    assert dropped > 0 and summary.endswith(" 59")
    assert len(summary.splitlines()) == 60 - dropped + 1


def test_one_long_item_is_clipped() -> None:
    [line] = summary_lines(items(msg("user", "w" * 10_000)))
    assert len(line) <= len("user: ") + 4_000 and line.endswith("…")
