"""The `genui` CLI in-process (typer's runner): ask, render, models, keys."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pytest
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


def test_ask_shows_the_data_and_model_text_as_written(
    tmp_path: Path, scripted_upstream: ScriptedUpstream
) -> None:
    # the model's text is untrusted: "[/x]" in it is text, not Rich markup (it used to end the command)
    ui = {
        "component": "Card",
        "props": {
            "children": [
                {"component": "TextContent", "props": {"textMarkdown": "see [/link] and [bold]x"}},
                {
                    "component": "Table",
                    "props": {
                        "tableHeader": {
                            "rows": [{"children": "Name"}, {"children": "Age", "type": "number"}]
                        },
                        "tableBody": {"rows": [{"children": ["Ann", "30"]}, {"children": ["Bob", "25"]}]},
                    },
                },
                {
                    "component": "PieChartV2",
                    "props": {"chartData": {"data": [{"category": "[/x]", "value": 65}]}},
                },
            ]
        },
    }
    scripted_upstream.push(Step(text=json.dumps(ui)))
    result = runner.invoke(app, ["ask", "x", "--config", str(config_file(tmp_path, scripted_upstream))])
    assert result.exit_code == 0, result.output
    lines = [line.strip(" │├└─") for line in result.output.splitlines()]
    assert "TextContent see [/link] and [bold]x" in lines
    assert {"Name", "Age", "Ann, 30", "Bob, 25", "[/x]: 65"} <= {line.removeprefix("- ") for line in lines}


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


def test_render_takes_a_theme_and_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text(write_content({"component": UI, "error": None}))
    dark = runner.invoke(app, ["render", str(answer), "--theme", "dark"])
    assert dark.exit_code == 0 and 'data-theme="dark"' in dark.output
    assert (
        runner.invoke(app, ["render", str(answer), "--theme", "neon"]).exit_code == 2
    )  # was light, silently
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x8c\xff")
    for path in (tmp_path / "missing.txt", binary):
        result = runner.invoke(app, ["render", str(path)])
        assert result.exit_code == 2 and result.output.startswith("error:"), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)


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


def test_revoking_a_name_two_keys_share_asks_for_an_id(
    tmp_path: Path, scripted_upstream: ScriptedUpstream
) -> None:
    config = str(config_file(tmp_path, scripted_upstream))
    for _ in range(2):
        assert runner.invoke(app, ["keys", "create", "--name", "laptop", "--config", config]).exit_code == 0
    refused = runner.invoke(app, ["keys", "revoke", "laptop", "--config", config])
    assert refused.exit_code == 1 and "2 active keys are named 'laptop'" in " ".join(refused.output.split())
    ids = re.findall(r"key_[0-9a-f]+", refused.output)
    assert len(set(ids)) == 2
    revoked = runner.invoke(app, ["keys", "revoke", ids[0], "--config", config])
    assert revoked.exit_code == 0 and f"Revoked {ids[0]}." in revoked.output
    last = runner.invoke(app, ["keys", "revoke", "laptop", "--config", config])
    assert last.exit_code == 0 and f"Revoked laptop ({ids[1]})." in " ".join(last.output.split())


def test_names_are_printed_as_written(tmp_path: Path, scripted_upstream: ScriptedUpstream) -> None:
    # a name is text, not Rich markup: "[/x]" used to end `keys create` after the key was stored, before its
    # secret was printed
    config = str(config_file(tmp_path, scripted_upstream))
    created = runner.invoke(app, ["keys", "create", "--name", "[/x]", "--org", "[b]o", "--config", config])
    assert created.exit_code == 0, created.output
    assert created.stdout.strip().splitlines()[-1].startswith("sk-genui-")
    assert "Created key [/x]" in created.output and "org [b]o" in created.output
    listed = runner.invoke(app, ["keys", "list", "--config", config])
    assert listed.exit_code == 0 and "[/x]" in listed.output and "[b]o" in listed.output
    missing = runner.invoke(app, ["keys", "revoke", "[/y]", "--config", config])
    assert missing.exit_code == 1 and "No active key '[/y]'" in missing.output
    assert runner.invoke(app, ["keys", "revoke", "[/x]", "--config", config]).exit_code == 0
    unknown = runner.invoke(app, ["ask", "x", "--model", "[/x]", "--config", config])
    assert unknown.exit_code == 1 and "[/x]" in unknown.output and "MarkupError" not in unknown.output


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ("data_dir = \n", "Invalid value (at line 1"),
        ('workers = "many"\n', "workers: Input should be a valid integer"),
        ('[[models]]\nname = "x"\nprovider = "p"\n', "models.0.upstream_model: Field required"),
        ('[[models]]\nname = "x"\nprovider = "nope"\nupstream_model = "m"\n', "unknown provider `nope`"),
    ],
)
@pytest.mark.parametrize("command", [["models"], ["serve", "--port", "1"], ["keys", "list"]])
def test_an_invalid_configuration_is_one_line_per_problem(
    tmp_path: Path, toml: str, problem: str, command: list[str]
) -> None:
    config = tmp_path / "genui.toml"
    config.write_text(
        f'data_dir = "{tmp_path / "data"}"\n' + toml if not toml.startswith("data_dir") else toml
    )
    result = runner.invoke(app, [*command, "--config", str(config)])
    assert result.exit_code == 2, result.output
    output = " ".join(result.output.split())  # Rich wraps long lines
    assert output.startswith("error: ") and problem in output and str(config) in output
    assert "Traceback" not in result.output and not (tmp_path / "data").exists()


def test_each_command_has_a_one_line_summary() -> None:
    # the command list shows a docstring's first paragraph with its line breaks: a summary wrapped by hand
    # reads as a sentence cut in the middle
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    for name, command in group.commands.items():
        summary = inspect.cleandoc(command.help or "").split("\n\n")[0]
        assert summary.endswith(".") and "\n" not in summary, (name, summary)
