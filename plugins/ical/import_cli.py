"""``convene import ics FILE --identity NAME [--publish]``: an operator imports a calendar file.

The same import as an upload (importing.py, the same source, so a file imported here
and uploaded later updates rather than duplicates), acting as the identity, in one
transaction: drafts unless ``--publish``. A progress bar while events are made, then
a summary and every error with its line; the exit code is 1 when nothing could be read.
"""

from __future__ import annotations

import asyncio
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select

from core.context import Ctx
from core.identities.models import Identity
from core.scripting import run_in_transaction
from core.settings import ConfigError, load_settings
from core.viewer import Viewer
from plugins.ical.import_models import UPLOAD_SOURCE
from plugins.ical.importing import PLUGIN_NAME, ImportReport, import_calendar
from plugins.ical.parse_errors import CalendarRefused, Problem


class _Bar:
    """A click progress bar opened once the number of events is known."""

    def __init__(self, stack: ExitStack) -> None:
        self.stack = stack
        self.bar: Any = None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            bar = click.progressbar(length=total, label="Importing events", file=sys.stderr)
            self.bar = self.stack.enter_context(bar)
        self.bar.update(done - self.shown)
        self.shown = done


def summary(report: ImportReport) -> str:
    return (f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
            f"cancelled {report.cancelled}, skipped {report.skipped}, errors {len(report.problems)}")


@click.group("import")
def import_group() -> None:
    """Import events from other software."""


@import_group.command("ics")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--identity", "username", required=True, help="The local identity that organises the events.")
@click.option("--publish", is_flag=True, help="Publish the events (else they are drafts).")
@click.pass_context
def import_ics(ctx: click.Context, file: Path, username: str, publish: bool) -> None:
    """Import an .ics FILE as the events of an identity."""
    try:
        settings = load_settings(ctx.find_root().obj.get("config"))
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    stack = ExitStack()
    bar = _Bar(stack)

    async def work(context: Ctx) -> ImportReport:
        query = select(Identity).where(Identity.username == username.lower(), Identity.domain == "",
                                       Identity.account_id.is_not(None))
        identity = await context.session.scalar(query)
        if identity is None:
            raise click.ClickException(f"no local identity named {username!r}")
        limit = context.config(PLUGIN_NAME).import_max_bytes
        with file.open("rb") as stream:
            data = stream.read(limit + 1)  # a file over the limit is refused without reading it all
        return await import_calendar(context.as_viewer(Viewer.acting_as(identity)), identity, data,
                                     UPLOAD_SOURCE, publish, bar)

    try:
        report = asyncio.run(run_in_transaction(settings, work))
    except CalendarRefused as exc:
        raise click.ClickException(Problem(exc.line, exc.message).text()) from None
    finally:
        stack.close()
    click.echo(summary(report))
    for problem in report.problems:
        click.echo(problem.text(), err=True)
    if not report.read_anything and report.problems:
        ctx.exit(1)

