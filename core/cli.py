"""The ``convene`` command line for operators."""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from pathlib import Path
from typing import Any

import click

from core.settings import DEFAULT_CONFIG_PATH, ConfigError, Settings, load_settings, new_config_text


def _settings(ctx: click.Context) -> Settings:
    try:
        return load_settings(ctx.obj.get("config"))
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _plugin_commands() -> list[click.Command]:
    """Commands contributed by enabled plugins (skipped quietly when there is no config yet)."""
    try:
        from core.plugins import call_sync, load_plugins

        pm, _ = load_plugins(load_settings())
    except ConfigError:
        return []
    return [cmd for cmds in call_sync(pm, "convene_cli_commands") for cmd in cmds]


class _Commands(click.Group):
    """The core's commands, then the enabled plugins' ones, looked up when a command line names one.

    Not on import: core.image_workers' picture workers are spawned processes, which import the
    ``convene`` script the server was started from (that is how multiprocessing spawns), and
    should start in a fraction of a second without loading every plugin.
    """

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        return found or next((command for command in _plugin_commands() if command.name == cmd_name), None)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *(str(command.name) for command in _plugin_commands())})


@click.group(cls=_Commands)
@click.option("--config", type=click.Path(path_type=Path), default=None,
              help="Config file (default: convene.toml or $CONVENE_CONFIG).")
@click.pass_context
def main(ctx: click.Context, config: Path | None) -> None:
    """Run and manage a Convene instance."""
    ctx.ensure_object(dict)
    ctx.obj["config"] = config
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@main.command()
@click.option("--public-url", default="http://127.0.0.1:8000", show_default=True)
@click.option("--data-dir", default="data", show_default=True)
@click.option("--force", is_flag=True, help="Overwrite an existing config file.")
@click.pass_context
def init(ctx: click.Context, public_url: str, data_dir: str, force: bool) -> None:
    """Write a new config file with a freshly generated secret key (kept if it exists)."""
    path: Path = ctx.obj.get("config") or DEFAULT_CONFIG_PATH
    if path.exists() and not force:
        click.echo(f"{path} already exists; keeping it")
        return
    path.write_text(new_config_text(public_url, data_dir))
    path.chmod(0o600)
    click.echo(f"wrote {path}")


@main.command()
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Bring the database schema up to date."""
    from core.db.migrate import upgrade

    upgrade(_settings(ctx))
    click.echo("database is up to date")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="Web processes (needs a broker_url when > 1).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int) -> None:
    """Serve the instance; in embedded mode the background worker runs inside it."""
    import uvicorn

    settings = _settings(ctx)
    if workers > 1 and settings.embedded_broker:
        raise click.ClickException("several web processes need a shared broker: set broker_url (Redis or RabbitMQ)")
    click.echo(f"Convene serving {settings.public_url} on http://{host}:{port}")
    uvicorn.run("core.asgi:app", host=host, port=port, workers=workers, proxy_headers=True, log_level="info",
                access_log=False)


@main.command()
@click.option("--threads", default=4, show_default=True, type=int)
@click.pass_context
def worker(ctx: click.Context, threads: int) -> None:
    """Run background jobs from the broker (production mode), with the outbox sweeper."""
    from core.app import create_app

    settings = _settings(ctx)
    if settings.embedded_broker:
        raise click.ClickException("no broker_url configured: in embedded mode `convene serve` runs the worker itself")
    app = create_app(settings, run_worker=False)
    tasks = app.state.tasks
    tasks.start_worker(threads)
    tasks.start_sweeper()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    click.echo(f"worker running with {threads} threads; Ctrl-C to stop")
    stop.wait()
    tasks.stop()


def _report(ctx: click.Context, work: Any) -> None:
    """Run an operator command's ``work(ctx)`` in one transaction and print what it says; a refusal
    (a taken address, an unknown account) is a one-line error and exit code 1, not a traceback."""
    from core.errors import DomainError
    from core.scripting import run_in_transaction

    try:
        click.echo(asyncio.run(run_in_transaction(_settings(ctx), work)))
    except DomainError as exc:
        raise click.ClickException(exc.message) from None


@main.group()
def users() -> None:
    """Manage accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", type=click.Choice(["user", "moderator", "administrator"]), default="user", show_default=True)
@click.option("--username", default=None, help="Username of the account's first identity (default: from the email).")
@click.pass_context
def users_create(ctx: click.Context, email: str, password: str, role: str, username: str | None) -> None:
    """Create a confirmed account with its first identity, whatever the registration mode."""
    from core.accounts.service import create_account
    from core.identities.service import create_identity

    async def work(c) -> str:  # noqa: ANN001
        account = await create_account(c, email, password, role=role, confirmed=True)
        name = username or "".join(ch for ch in email.split("@")[0].lower() if ch.isalnum() or ch == "_")[:30]
        identity = await create_identity(c, account, name)
        return f"created {role} {account.email} with identity @{identity.username}"

    _report(ctx, work)


@users.command("confirm")
@click.option("--email", required=True)
@click.pass_context
def users_confirm(ctx: click.Context, email: str) -> None:
    """Confirm an account's address without its link (an instance without the email plugin)."""
    from core.accounts.service import confirm_by_operator

    async def work(c) -> str:  # noqa: ANN001
        account = await confirm_by_operator(c, email)
        return f"confirmed {account.email}"

    _report(ctx, work)


@main.group()
def plugins() -> None:
    """Inspect plugins."""


@plugins.command("list")
@click.pass_context
def plugins_list(ctx: click.Context) -> None:
    """Each installed plugin: version, enabled or not, and the hooks it implements."""
    from core.plugins import available_plugins, implemented_hooks, new_plugin_manager

    settings = _settings(ctx)
    pm = new_plugin_manager()
    for name, plugin in sorted(available_plugins().items()):
        module = plugin.load()
        pm.register(module, name=name)
        hooks = ", ".join(implemented_hooks(pm, module)) or "(none yet)"
        state = "enabled " if name in settings.enabled_plugins else "disabled"
        click.echo(f"{name:24} {plugin.version:10} {state}  hooks: {hooks}")
