"""`genui fix` in-process (typer's runner): program on stdout, summary on stderr, exit 0 / 1 / 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from fakes.upstream import ScriptedUpstream, Step
from genui.cli import app
from repair_corpus import WIDE_ROOT, WIDE_SCHEMA
from support import FAKE_MODEL, write_config

runner = CliRunner()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_fixed_program_on_stdout_and_the_summary_on_stderr(tmp_path: Path) -> None:
    file = write(tmp_path, "gen.txt", 'root = Card([h, ghost])\nh = Header("A", "b", "c")\n')
    result = runner.invoke(app, ["fix", str(file)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == 'root = Card([h])\nh = Header("A", "b")\n'
    assert "fixed (v2)" in result.stderr and "excess-args" in result.stderr and "unresolved" in result.stderr


def test_an_already_valid_program_is_printed_byte_for_byte(tmp_path: Path) -> None:
    text = '```openui-lang\nroot = Card([h])\nh = Header("A")\n```'
    result = runner.invoke(app, ["fix", str(write(tmp_path, "ok.txt", text))])
    assert result.exit_code == 0 and result.stdout == text and "already_valid" in result.stderr


def test_stdin_and_a_failed_repair_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["fix", "-"], input='root = Card([f])\nf = Form("contact")\n')
    assert result.exit_code == 1 and result.stdout == ""
    assert "fix_failed" in result.stderr and "missing-root" in result.stderr


def test_another_library_and_the_v1_format(tmp_path: Path) -> None:
    library = write(tmp_path, "lib.json", json.dumps({"root": WIDE_ROOT, "schema": WIDE_SCHEMA}))
    page = write(tmp_path, "page.txt", 'p = Paragraph("a", "b")\nroot = Page("T", [p])\n')
    result = runner.invoke(app, ["fix", str(page), "--library", str(library)])
    assert result.exit_code == 0 and result.stdout == 'root = Page("T", [p])\np = Paragraph("a")\n'
    v1 = write(tmp_path, "v1.json", '{"component":"Card","props":{"children":[{"component":"Headr"}]}}')
    assert runner.invoke(app, ["fix", str(v1), "--format", "v1"]).exit_code == 1
    card = '{"component":"Card","props":{"children":[{"component":"Header","props":{"title":"A","x":1}}]}}'
    fixed = runner.invoke(app, ["fix", str(write(tmp_path, "card.json", card)), "--format", "v1"])
    assert fixed.exit_code == 0 and json.loads(fixed.stdout)["props"]["children"][0]["props"] == {
        "title": "A"
    }


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    program = write(tmp_path, "p.txt", "root = Card([])\n")
    assert runner.invoke(app, ["fix"]).exit_code == 2
    assert runner.invoke(app, ["fix", str(tmp_path / "missing.txt")]).exit_code == 2
    assert runner.invoke(app, ["fix", str(program), "--format", "v3"]).exit_code == 2
    assert runner.invoke(app, ["fix", str(write(tmp_path, "empty.txt", "  \n"))]).exit_code == 2
    bad_json = write(tmp_path, "bad.json", "{nope")
    assert runner.invoke(app, ["fix", str(program), "--library", str(bad_json)]).exit_code == 2
    dangling = write(
        tmp_path, "dangling.json", '{"$defs": {"A": {"properties": {"x": {"$ref": "#/$defs/B"}}}}}'
    )
    result = runner.invoke(app, ["fix", str(program), "--library", str(dangling)])
    assert result.exit_code == 2 and "$defs/A/properties/x" in result.stderr


def test_a_configured_repair_model_is_used(tmp_path: Path, scripted_upstream: ScriptedUpstream) -> None:
    config = write_config(
        tmp_path / "genui.toml", scripted_upstream, tmp_path / "data", f'repair_model = "{FAKE_MODEL}"'
    )
    scripted_upstream.push(Step(text='root = Card([h])\nh = Header("Filled")\n'))
    result = runner.invoke(
        app, ["fix", "-", "--config", str(config)], input="root = Card([h])\nh = Header()\n"
    )
    assert result.exit_code == 0 and result.stdout == 'root = Card([h])\nh = Header("Filled")\n'
    assert "1 model attempt" in result.stderr and len(scripted_upstream.requests) == 1
