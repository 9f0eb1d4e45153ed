"""The `genui` command: serve, keys, models, ask, render."""

from __future__ import annotations

import asyncio
import os
import sys
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape as markup_escape
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from genui.config import LATEST_ALIAS, Settings, check_no_auth

app = typer.Typer(
    help="genui: an open Generative UI API server, wire-compatible with the Thesys C1 API.",
    no_args_is_help=True,
    add_completion=False,
)
keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
console = Console()
err_console = Console(stderr=True)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="TOML config file (also GENUI_CONFIG).", exists=True)
]


def _settings(config: Path | None, **overrides: Any) -> Settings:
    """The settings, or a one-line error per problem (exit status 2) when the configuration is invalid."""
    from pydantic import ValidationError

    from genui.models.registry import ModelRegistry

    values = {k: v for k, v in overrides.items() if v is not None}
    previous = os.environ.get("GENUI_CONFIG")
    if config is not None:
        os.environ["GENUI_CONFIG"] = str(config)  # the one way pydantic-settings is told which file to read
    file = os.environ.get("GENUI_CONFIG")
    try:
        settings = Settings(**values)
        ModelRegistry.from_settings(settings)  # models that name no provider, twice-configured names, ...
        return settings
    except (ValidationError, tomllib.TOMLDecodeError, ValueError) as exc:
        if isinstance(exc, tomllib.TOMLDecodeError):
            problems = [f"{file}: {exc}"]
        elif isinstance(exc, ValidationError):
            problems = [
                f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in exc.errors()
            ]
        else:
            problems = [str(exc)]
        for problem in problems:
            err_console.print(f"[red]error:[/red] {markup_escape(problem)}")
        sources = ", ".join(["flags", "GENUI_* variables", *([file] if file else [])])
        err_console.print(f"(settings read from {markup_escape(sources)})", style="dim")
        raise typer.Exit(2) from None
    finally:
        if config is not None:
            if previous is None:
                del os.environ["GENUI_CONFIG"]
            else:
                os.environ["GENUI_CONFIG"] = previous


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (GENUI_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (GENUI_PORT).")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (GENUI_WORKERS).")] = None,
    no_auth: Annotated[
        bool | None, typer.Option("--no-auth", help="Local playground mode without API keys (loopback only).")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Serve the API, the playground and the docs."""
    from genui import server
    from genui.api.logs import logging_config

    settings = _settings(config, host=host, port=port, workers=workers, no_auth=no_auth)
    try:
        check_no_auth(settings)
    except SystemExit as exc:
        err_console.print(f"[red]{markup_escape(str(exc))}[/red]")
        raise typer.Exit(2) from None
    # Worker processes build their own settings from the environment: hand the flags down that way.
    if config is not None:
        os.environ["GENUI_CONFIG"] = str(config)
    os.environ.update(
        {
            "GENUI_HOST": settings.host,
            "GENUI_PORT": str(settings.port),
            "GENUI_WORKERS": str(settings.workers),
            "GENUI_NO_AUTH": "true" if settings.no_auth else "false",
        }
    )
    err_console.print(
        f"genui serving on http://{settings.host}:{settings.port} "
        f"({settings.workers} worker{'s' if settings.workers > 1 else ''}); playground at /, docs at /docs"
    )
    server.run(
        settings.host,
        settings.port,
        settings.workers,
        log_config=logging_config(settings.log_level),  # JSON lines on stdout, in every worker
        access_log=False,
        proxy_headers=False,
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
    )


async def _with_keys(settings: Settings, action: Any) -> Any:
    from genui.store import Database, KeyRepository

    db = Database(settings.resolved_database_url)
    try:
        await db.migrate()
        return await action(KeyRepository(db))
    finally:
        await db.dispose()


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option("--name", help="A name for the key.")],
    org: Annotated[
        str, typer.Option("--org", help="Organization (rate limits and data are per org).")
    ] = "default",
    config: ConfigOption = None,
) -> None:
    """Create a key and print it once (only its hash is stored)."""
    settings = _settings(config)
    record, raw = asyncio.run(_with_keys(settings, lambda repo: repo.create(name, org=org)))
    err_console.print(
        f"Created key [bold]{markup_escape(record.name)}[/bold] ({record.id}) for org "
        f"[bold]{markup_escape(record.org_name)}[/bold]."
    )
    err_console.print("Store it now: it is not shown again.")
    print(raw)


@keys_app.command("list")
def keys_list(config: ConfigOption = None) -> None:
    """List keys (never their secrets)."""
    settings = _settings(config)
    records = asyncio.run(_with_keys(settings, lambda repo: repo.list()))
    table = Table("id", "name", "org", "prefix", "created", "revoked")
    for r in records:
        cells = (r.id, r.name, r.org_name, r.prefix, str(r.created_at)[:19], str(r.revoked_at or "")[:19])
        table.add_row(*(Text(cell) for cell in cells))
    console.print(table)


@keys_app.command("revoke")
def keys_revoke(
    key: Annotated[str, typer.Argument(help="Key id or name.")], config: ConfigOption = None
) -> None:
    """Revoke a key by id or name (takes effect on running servers within 10 seconds)."""
    from genui.store.keys import AmbiguousKeyName

    settings = _settings(config)
    try:
        revoked = asyncio.run(_with_keys(settings, lambda repo: repo.revoke(key)))
    except AmbiguousKeyName as exc:
        err_console.print(f"[red]{markup_escape(str(exc))}.[/red]")
        raise typer.Exit(1) from None
    if revoked is None:
        err_console.print(f"[red]No active key {markup_escape(repr(key))}.[/red]")
        raise typer.Exit(1)
    err_console.print(f"Revoked {markup_escape(key)}" + (f" ({revoked})." if revoked != key else "."))


@app.command("models")
def list_models(config: ConfigOption = None) -> None:
    """List the configured models and where each one goes."""
    from genui.models.registry import ModelRegistry

    settings = _settings(config)
    registry = ModelRegistry.from_settings(settings)
    table = Table("model", "provider", "upstream model", "catalog")
    default = registry.resolve(LATEST_ALIAS)
    rows = [(LATEST_ALIAS, default.provider_name, f"-> {default.name}", default.catalog_version or "")]
    rows += [  # the alias is listed once, above, with its target
        (m.name, m.provider_name, m.upstream_model, m.catalog_version or "")
        for m in registry.list()
        if m.name != LATEST_ALIAS
    ]
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    console.print(table)


@app.command()
def ask(
    prompt: Annotated[str, typer.Argument(help="What to ask.")],
    model: Annotated[str, typer.Option("--model", "-m", help="Model name.")] = LATEST_ALIAS,
    raw: Annotated[bool, typer.Option("--raw", help="Print the C1 Response itself.")] = False,
    config: ConfigOption = None,
) -> None:
    """Ask once, in-process, and print the generated UI as a tree."""
    settings = _settings(config)
    try:
        text = asyncio.run(_ask(settings, prompt, model))
    except Exception as exc:  # the CLI shows the message, not a trace
        message = getattr(exc, "message", None) or str(exc)
        err_console.print(f"[red]error:[/red] {markup_escape(message)}")
        raise typer.Exit(1) from None
    if raw:
        print(text)
        return
    console.print(c1_tree(text))


async def _ask(settings: Settings, prompt: str, model: str) -> str:
    from genui.models.registry import ModelRegistry
    from genui.models.router import Router
    from genui.service.compose import ComposeRunner
    from genui.service.turn import TextOut, TurnRequest

    registry = ModelRegistry.from_settings(settings)
    router = Router.from_settings(settings, registry)
    try:
        turn = await ComposeRunner(registry, router).start(
            TurnRequest(model=model, messages=[{"role": "user", "content": prompt}])
        )
        parts = [event.text async for event in turn.events() if isinstance(event, TextOut)]
        return "".join(parts)
    finally:
        await router.aclose()


def c1_tree(text: str) -> Tree:
    """A readable terminal tree of a C1 Response's component tree."""
    from genui.ui import openui
    from genui.ui.c1 import parse_c1

    message = parse_c1(text)
    tree = Tree("[bold]C1 Response[/bold]")
    content = message.content
    if isinstance(content, dict):
        _add_node(tree, content.get("component"))
        return tree
    v2 = next((p for p in message.parts if p.kind == "content" and p.attrs.get("version") == "2"), None)
    root = openui.validate(v2.body).root if v2 is not None else None
    if root is None:
        tree.add("[dim](no UI content)[/dim]")
        return tree
    _add_node(tree, root)  # C1 v2: the OpenUI Lang program's tree
    return tree


_LABEL_PROPS = (
    "title",
    "heading",
    "textMarkdown",
    "text",
    "triggerText",
    "children",
    "label",
    "name",
    "description",
    "followUpText",
)


# What names an item of a component's data (a table cell, a chart's series or slice), and what it holds.
_ITEM_LABELS = ("title", "text", "label", "category", "name", "children")
_ITEM_VALUES = ("value", "values", "amount")


def _clip(text: str) -> str:
    return text if len(text) <= 70 else text[:67] + "..."


def _row(value: Any) -> str | None:
    """A list of plain values (a table row, a chart's labels or values) as one line; else None."""
    if not isinstance(value, list) or not value or any(isinstance(v, dict | list) for v in value):
        return None
    return ", ".join("" if v is None else str(v) for v in value)


def _add_node(parent: Tree, node: Any) -> None:
    # model text is untrusted: every piece of it is escaped, or a "[/x]" in it would be read as Rich markup
    if isinstance(node, list):
        row = _row(node)
        if row is not None:
            parent.add(f"[dim]{markup_escape(_clip(row))}[/dim]")
            return
        for item in node:
            _add_node(parent, item)
        return
    if not isinstance(node, dict):
        return
    if "component" in node and isinstance(node.get("props"), dict):
        props: dict[str, Any] = node["props"]
        summary, shown = "", None
        for key in _LABEL_PROPS:
            value = props.get(key)
            if isinstance(value, str):
                summary, shown = _clip(value), key
                break
            if key == "followUpText" and isinstance(value, list):
                summary, shown = " | ".join(str(v) for v in value), key
                break
        branch = parent.add(
            f"[cyan]{markup_escape(str(node['component']))}[/cyan] {markup_escape(summary)}".rstrip()
        )
        for key, value in props.items():
            if isinstance(value, dict | list) and key != shown:
                _add_node(branch, value)
        return
    label = next((node[k] for k in _ITEM_LABELS if isinstance(node.get(k), str)), None)
    held = next((k for k in _ITEM_VALUES if k in node), None)
    data = node.get(held) if held is not None else None
    detail = _row(data) if isinstance(data, list | dict) else data
    line = ": ".join(str(part) for part in (label, detail) if part is not None and part != "")
    target = parent.add(f"[dim]-[/dim] {markup_escape(_clip(line))}") if line else parent
    for key, value in node.items():
        if isinstance(value, dict | list) and not (key == held and detail is not None):
            _add_node(target, value)


@app.command()
def fix(
    file: Annotated[str, typer.Argument(help="The generation to repair: a file, or '-' for stdin.")],
    library: Annotated[
        Path | None,
        typer.Option(
            "--library",
            help="Library JSON: toJSONSchema() output or the CLI spec (default: the C1 chat library).",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    format: Annotated[
        str | None, typer.Option("--format", help="v2 (OpenUI Lang) or v1 (C1 JSON); default: detected.")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Repair a generated UI in-process (docs/repair.md).

    The program goes to stdout, the summary to stderr. Exit status: 0 valid, 1 not valid, 2 bad input."""
    import json

    from genui.errors import ApiError
    from genui.service.repair import RepairRequest, repair_in_process
    from genui.service.repair_input import is_blank, resolve_library

    try:
        if format not in (None, "v1", "v2"):
            raise ValueError(f"--format must be v1 or v2, not {format!r}")
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        document = json.loads(library.read_text(encoding="utf-8")) if library is not None else None
        if is_blank(text):
            raise ValueError(f"{file} holds no generation to repair")
        chosen = resolve_library(document, param="--library")
    except (OSError, ValueError, ApiError) as exc:  # unreadable files, bad JSON, a malformed library
        err_console.print(f"[red]error:[/red] {markup_escape(str(getattr(exc, 'message', None) or exc))}")
        raise typer.Exit(2) from None
    request = RepairRequest(text, format="v1" if format == "v1" else "v2" if format else None, library=chosen)
    outcome = asyncio.run(repair_in_process(_settings(config), request))
    if outcome.program is not None:
        sys.stdout.write(outcome.program)
    color = {"already_valid": "green", "fixed": "yellow", "fix_failed": "red"}[outcome.status]
    err_console.print(
        f"[{color}]{outcome.status}[/{color}] ({outcome.format}): {len(outcome.fixed)} fixed, "
        f"{len(outcome.unfixed)} left; {outcome.model_attempts} model attempt(s)"
    )
    if outcome.fixed or outcome.unfixed:
        table = Table("", "code", "where", "message")
        for mark, issues in (("[green]fixed[/green]", outcome.fixed), ("[red]left[/red]", outcome.unfixed)):
            for issue in issues:
                where = " ".join(p for p in (issue.component, issue.path, issue.statement_id) if p)
                table.add_row(mark, Text(issue.code), Text(where), Text(issue.message[:160]))
        err_console.print(table)
    raise typer.Exit(0 if outcome.valid else 1)


class Theme(StrEnum):
    light = "light"
    dark = "dark"


@app.command()
def render(
    file: Annotated[
        Path,
        typer.Argument(
            help="A C1 Response (v1 JSON or v2 OpenUI Lang content), a bare OpenUI Lang program or an OpenUI "
            "stored message ('-' for stdin)."
        ),
    ],
    theme: Annotated[Theme, typer.Option(help="The page's colours.")] = Theme.light,
    then: Annotated[
        list[Path] | None, typer.Option(help="Later messages of the thread: artifact edits applied in place.")
    ] = None,
) -> None:
    """Render a C1 Response or an OpenUI Lang program to a standalone HTML page on stdout.

    A report or a slide deck (an artifact) renders as its export file."""
    from genui.web import render_page
    from genui.web.artifacts import artifact_document, is_artifact_text

    try:
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
        later = [path.read_text(encoding="utf-8") for path in then or []]
    except (OSError, UnicodeDecodeError) as exc:  # a missing or unreadable file, or not UTF-8 text
        err_console.print(f"[red]error:[/red] {markup_escape(str(exc))}")
        raise typer.Exit(2) from None
    if then or "<artifact" in text or is_artifact_text(text):
        sys.stdout.write(artifact_document([text, *later], title=file.name, theme=theme.value))
        return
    sys.stdout.write(render_page(text, title=file.name, theme=theme.value))


if __name__ == "__main__":
    app()
