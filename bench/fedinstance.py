"""A federating Convene for the federation benchmark: one web process and one worker, apart.

The issue asks what *one web process* accepts and what *one worker* processes, so the
instance runs as in production: a Redis broker, ``convene serve`` without a worker
inside, and ``convene worker`` started and stopped by the benchmark. The database is
a fresh SQLite file (the embedded default) or an empty PostgreSQL database.
``allow_private_addresses`` is on: the peers are loopback servers.

Each process's CPU seconds are read from ``/proc`` before and after a measurement, so
the figures can say what each side cost on a machine whose cores are shared.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from processes import interrupted_at_exit, wait_until
from run import CONVENE, convene, free_port, probe
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.outbox import OutboxRow
from core.settings import load_settings

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Instance:
    """A configured, migrated instance in ``folder``; its processes are started on demand."""

    folder: Path
    env: dict[str, str]
    port: int
    database_url: str

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @contextlib.contextmanager
    def web(self) -> Iterator[subprocess.Popen]:
        """``convene serve`` (no worker inside: the broker is Redis), once /healthz answers."""
        command = [CONVENE, "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        with self._process("serve", command, lambda _: probe(self.base + "/healthz")[0] == 200) as proc:
            yield proc

    @contextlib.contextmanager
    def worker(self, threads: int) -> Iterator[subprocess.Popen]:
        """``convene worker --threads N``, once it says it runs."""
        command = [CONVENE, "worker", "--threads", str(threads)]
        with self._process("worker", command, lambda log: "worker running" in log) as proc:
            yield proc

    @contextlib.contextmanager
    def _process(self, name: str, command: list[str], ready: Callable[[str], bool]) -> Iterator[subprocess.Popen]:
        log_path = self.folder / f"{name}.log"
        with open(log_path, "a") as log:
            proc = subprocess.Popen(command, env=self.env, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT)
        with interrupted_at_exit(proc):
            wait_until(lambda: ready(log_path.read_text()), proc, lambda: f"convene {name}:\n{log_path.read_text()[-3000:]}")
            yield proc


@contextlib.contextmanager
def instance(folder: Path, broker_url: str, database_url: str = "", plugins: dict[str, str] | None = None) \
        -> Iterator[Instance]:
    """Write a config in ``folder`` (``convene init``) and migrate its database.

    ``plugins``: more plugins to enable, each with its ``[plugins.NAME]`` table as TOML lines.
    """
    port = free_port()
    config = str(folder / "convene.toml")
    env = {**os.environ, "CONVENE_CONFIG": config, "CONVENE_BROKER_URL": broker_url,
           "CONVENE_ALLOW_PRIVATE_ADDRESSES": "true"}
    if database_url:
        env["CONVENE_DATABASE_URL"] = database_url
    convene(env, str(folder), "--config", config, "init", "--data-dir", str(folder), "--public-url",
            f"http://127.0.0.1:{port}")
    if plugins:
        env["CONVENE_PLUGINS"] = ",".join([*load_settings(Path(config), env).enabled_plugins, *plugins])
        with open(config, "a") as toml:
            toml.writelines(f"\n[plugins.{name}]\n{table}\n" for name, table in plugins.items())
    convene(env, str(folder), "--config", config, "migrate")
    yield Instance(folder, env, port, load_settings(Path(config), env).database_url)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@dataclass(frozen=True)
class OutboxFigures:
    """What the worker did with a batch of outbox rows, from the rows' own timestamps."""

    rows: int
    done: int
    dead: int
    first_finished: float | None
    last_finished: float | None

    @property
    def per_second(self) -> float | None:
        """Rows finished per second between the first and the last (the worker's start-up left out)."""
        if self.first_finished is None or self.last_finished is None or self.done < 2:
            return None
        return (self.done - 1) / max(self.last_finished - self.first_finished, 1e-6)


async def last_outbox_id(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return await conn.scalar(select(func.coalesce(func.max(OutboxRow.id), 0)))


async def outbox_figures(engine: AsyncEngine, kind: str, after_id: int) -> OutboxFigures:
    """State counts and finishing times of the rows of ``kind`` with an id above ``after_id``."""
    table = OutboxRow.__table__
    query = select(table.c.state, func.count(), func.min(table.c.finished_at), func.max(table.c.finished_at)) \
        .where(table.c.kind == kind, table.c.id > after_id).group_by(table.c.state)
    async with engine.connect() as conn:
        by_state = {state: (count, first, last) for state, count, first, last in await conn.execute(query)}
    done = by_state.get("done", (0, None, None))
    return OutboxFigures(
        rows=sum(count for count, _, _ in by_state.values()), done=done[0], dead=by_state.get("dead", (0,))[0],
        first_finished=done[1].timestamp() if done[1] else None, last_finished=done[2].timestamp() if done[2] else None,
    )
