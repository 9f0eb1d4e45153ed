"""The `genui` command: serve, keys, models, ask, render."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
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
    values = {k: v for k, v in overrides.items() if v is not None}
    if config is None:
        return Settings(**values)
    previous = os.environ.get("GENUI_CONFIG")
    os.environ["GENUI_CONFIG"] = str(config)  # the one way pydantic-settings is told which file to read
    try:
        return Settings(**values)
    finally:
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

    settings = _settings(config, host=host, port=port, workers=workers, no_auth=no_auth)
    try:
        check_no_auth(settings)
    except SystemExit as exc:
        err_console.print(f"[red]{exc}[/red]")
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
        log_config=None,
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
        f"Created key [bold]{record.name}[/bold] ({record.id}) for org [bold]{record.org_name}[/bold]."
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
        table.add_row(
            r.id, r.name, r.org_name, r.prefix, str(r.created_at)[:19], str(r.revoked_at or "")[:19]
        )
    console.print(table)


@keys_app.command("revoke")
def keys_revoke(
    key: Annotated[str, typer.Argument(help="Key id or name.")], config: ConfigOption = None
) -> None:
    """Revoke a key by id or name (takes effect on running servers within 10 seconds)."""
    settings = _settings(config)
    done = asyncio.run(_with_keys(settings, lambda repo: repo.revoke(key)))
    if not done:
        err_console.print(f"[red]No active key {key!r}.[/red]")
        raise typer.Exit(1)
    err_console.print(f"Revoked {key}.")


@app.command("models")
def list_models(config: ConfigOption = None) -> None:
    """List the configured models and where each one goes."""
    from genui.models.registry import ModelRegistry

    settings = _settings(config)
    registry = ModelRegistry.from_settings(settings)
    table = Table("model", "provider", "upstream model", "catalog")
    default = registry.resolve(LATEST_ALIAS)
    table.add_row(LATEST_ALIAS, default.provider_name, f"-> {default.name}", default.catalog_version or "")
    for m in registry.list():
        if m.name != LATEST_ALIAS:  # listed once, above, with its target
            table.add_row(m.name, m.provider_name, m.upstream_model, m.catalog_version or "")
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
        err_console.print(f"[red]error:[/red] {message}")
        raise typer.Exit(1) from None
    if raw:
        print(text)
        return
    console.print(c1_tree(text))


async def _ask(settings: Settings, prompt: str, model: str) -> str:
    from genui.models.registry import ModelRegistry
    from genui.models.router import Router
    from genui.service.turn import TextOut, TurnRequest, TurnRunner

    registry = ModelRegistry.from_settings(settings)
    router = Router.from_settings(settings, registry)
    try:
        turn = await TurnRunner(registry, router).start(
            TurnRequest(model=model, messages=[{"role": "user", "content": prompt}])
        )
        parts = [event.text async for event in turn.events() if isinstance(event, TextOut)]
        return "".join(parts)
    finally:
        await router.aclose()


def c1_tree(text: str) -> Tree:
    """A readable terminal tree of a C1 Response's component tree."""
    from genui.ui.c1 import parse_c1

    message = parse_c1(text)
    tree = Tree("[bold]C1 Response[/bold]")
    content = message.content
    if not isinstance(content, dict):
        tree.add("[dim](no UI content)[/dim]")
        return tree
    _add_node(tree, content.get("component"))
    return tree


_LABEL_PROPS = (
    "title",
    "heading",
    "textMarkdown",
    "children",
    "label",
    "name",
    "description",
    "followUpText",
)


def _add_node(parent: Tree, node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _add_node(parent, item)
        return
    if not isinstance(node, dict):
        return
    if "component" in node and isinstance(node.get("props"), dict):
        props: dict[str, Any] = node["props"]
        summary = ""
        for key in _LABEL_PROPS:
            value = props.get(key)
            if isinstance(value, str):
                summary = value if len(value) <= 70 else value[:67] + "..."
                break
            if key == "followUpText" and isinstance(value, list):
                summary = " | ".join(str(v) for v in value)
                break
        branch = parent.add(f"[cyan]{node['component']}[/cyan] {summary}".rstrip())
        for value in props.values():
            if isinstance(value, dict | list):
                _add_node(branch, value)
        return
    label = next(
        (node[k] for k in ("title", "text", "label", "category", "value") if isinstance(node.get(k), str)),
        None,
    )
    target = parent.add(f"[dim]-[/dim] {label}") if label else parent
    for value in node.values():
        if isinstance(value, dict | list):
            _add_node(target, value)


@app.command()
def render(
    file: Annotated[Path, typer.Argument(help="A file holding a C1 Response ('-' for stdin).")],
    theme: Annotated[str, typer.Option(help="light or dark")] = "light",
) -> None:
    """Render a C1 Response to a standalone HTML page on stdout."""
    from genui.web import render_page

    text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    sys.stdout.write(render_page(text, title=file.name, theme=theme))


if __name__ == "__main__":
    app()
