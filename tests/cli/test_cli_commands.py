"""The `genui` CLI in-process (typer's runner): ask, render, models, keys."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from fakes.upstream import ScriptedUpstream, Step
from genui.cli import app
from genui.ui.c1 import parse_c1, write_content

runner = CliRunner()
UI = {
    "component": "Card",
    "props": {
        "children": [
            {"component": "Header", "props": {"title": "Three days in Rome"}},
            {"component": "List", "props": {"variant": "number", "items": [{"title": "Colosseum"}]}},
        ]
    },
}


def config_file(tmp_path: Path, upstream: ScriptedUpstream) -> Path:
    path = tmp_path / "genui.toml"
    path.write_text(
        f'data_dir = "{tmp_path / "data"}"\n'
        f'[providers.fake]\nkind = "openai"\nbase_url = "{upstream.base_url}"\n'
        'api_key = "k"\nconstrain = "none"\n'
        '[[models]]\nname = "c1/fake/m/v-20251230"\nprovider = "fake"\nupstream_model = "m"\n'
    )
    return path


def test_ask_prints_the_ui_as_a_tree(tmp_path: Path, scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(text=json.dumps(UI)))
    result = runner.invoke(
        app, ["ask", "Plan Rome", "--config", str(config_file(tmp_path, scripted_upstream))]
    )
    assert result.exit_code == 0, result.output
    assert "Header Three days in Rome" in result.output and "Colosseum" in result.output
    assert scripted_upstream.requests[-1]["messages"][-1]["content"] == "Plan Rome"


def test_ask_raw_prints_the_c1_response(tmp_path: Path, scripted_upstream: ScriptedUpstream) -> None:
    scripted_upstream.push(Step(text=json.dumps(UI)))
    config = config_file(tmp_path, scripted_upstream)
    result = runner.invoke(app, ["ask", "Plan Rome", "--raw", "--config", str(config)])
    assert result.exit_code == 0
    content = parse_c1(result.output.strip()).content
    assert isinstance(content, dict) and content["component"]["props"]["children"][0]["component"] == "Header"


def test_ask_prints_a_v2_answer_as_a_tree(tmp_path: Path, scripted_upstream: ScriptedUpstream) -> None:
    program = (
        'root = Card([h, l])\nh = Header("Three days in Rome")\nl = List([i])\ni = ListItem("Colosseum")\n'
    )
    scripted_upstream.push(Step(text=program))
    config = config_file(tmp_path, scripted_upstream)
    result = runner.invoke(
        app, ["ask", "Plan Rome", "--model", "c1/fake/m/v-20260331", "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    assert "Header Three days in Rome" in result.output and "ListItem Colosseum" in result.output


def test_ask_unknown_model_is_a_clear_error(tmp_path: Path, scripted_upstream: ScriptedUpstream) -> None:
    config = config_file(tmp_path, scripted_upstream)
    result = runner.invoke(app, ["ask", "x", "--model", "c1/none/x/v-1", "--config", str(config)])
    assert result.exit_code == 1
    assert "does not exist" in result.output or "model" in result.output.lower()
    assert "Traceback" not in result.output


def test_render_writes_a_standalone_page(tmp_path: Path) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text(write_content({"component": UI, "error": None}))
    result = runner.invoke(app, ["render", str(answer)])
    assert result.exit_code == 0
    assert result.output.lstrip().lower().startswith("<!doctype html>")
    assert "Three days in Rome" in result.output and "Colosseum" in result.output


def test_models_lists_alias_and_configured_models(
    tmp_path: Path, scripted_upstream: ScriptedUpstream
) -> None:
    result = runner.invoke(app, ["models", "--config", str(config_file(tmp_path, scripted_upstream))])
    assert result.exit_code == 0
    assert "c1-embed-latest" in result.output and "c1/fake/m/v-20251230" in result.output
    assert result.output.count("c1-embed-latest") == 1  # the alias row, not once more among the models


def test_keys_create_list_revoke(tmp_path: Path, scripted_upstream: ScriptedUpstream) -> None:
    config = str(config_file(tmp_path, scripted_upstream))
    created = runner.invoke(app, ["keys", "create", "--name", "laptop", "--org", "acme", "--config", config])
    assert created.exit_code == 0
    key = created.stdout.strip().splitlines()[-1]
    listed = runner.invoke(app, ["keys", "list", "--config", config])
    assert "laptop" in listed.output and "acme" in listed.output and key not in listed.output
    assert runner.invoke(app, ["keys", "revoke", "laptop", "--config", config]).exit_code == 0
    assert runner.invoke(app, ["keys", "revoke", "laptop", "--config", config]).exit_code == 1


def test_each_command_has_a_one_line_summary() -> None:
    # the command list shows a docstring's first paragraph with its line breaks: a summary wrapped by hand
    # reads as a sentence cut in the middle
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    for name, command in group.commands.items():
        summary = inspect.cleandoc(command.help or "").split("\n\n")[0]
        assert summary.endswith(".") and "\n" not in summary, (name, summary)
