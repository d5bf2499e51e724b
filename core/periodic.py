"""Periodic work for the core and plugins: run once per period across every worker.

A plugin returns ``PeriodicTask``s from ``convene_periodic_tasks``; each worker's upkeep
(the outbox sweeper, every 10 s) offers them here. Whether a period's run is due is
decided in the database, by one conditional UPDATE on the task's ``periodic_runs`` row
(``next_run_at <= now`` moves it a period ahead), so among any number of workers, in
any number of processes and machines, exactly one wins each period; nothing is kept
in process memory. A run that fails is logged and recorded on its row; the next
period runs again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, Text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from core.context import Ctx
from core.db.base import Base, UTCDateTime, rowcount, utcnow
from core.db.insert_new import insert_new

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicTask:
    """``run(ctx)`` every ``every`` (at most once per period, instance-wide). ``name`` is unique:
    prefix it with the plugin's name. The task's session is committed when it returns."""

    name: str
    every: timedelta
    run: Callable[[Ctx], Awaitable[None]]


class PeriodicRun(Base):
    __tablename__ = "periodic_runs"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    next_run_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")


async def claim(session: AsyncSession, task: PeriodicTask) -> bool:
    """Take this period's run of ``task`` for the caller; False when it is not due or another worker took it."""
    now = utcnow()
    await insert_new(session, PeriodicRun.name, {"name": task.name, "next_run_at": now, "last_error": ""})
    result = await session.execute(
        update(PeriodicRun).where(PeriodicRun.name == task.name, PeriodicRun.next_run_at <= now)
        .values(next_run_at=now + task.every, last_started_at=now)
    )
    await session.commit()
    return rowcount(result) == 1


async def _record(session: AsyncSession, task: PeriodicTask, error: str) -> None:
    await session.execute(update(PeriodicRun).where(PeriodicRun.name == task.name)
                          .values(last_finished_at=utcnow(), last_error=error[:2000]))
    await session.commit()


async def run_due(sessionmaker: async_sessionmaker[AsyncSession], tasks: Iterable[PeriodicTask],
                  work: Callable[[PeriodicTask], Awaitable[None]]) -> list[str]:
    """Claim each due task and run it with ``work(task)``; returns the names of the tasks this worker ran."""
    ran = []
    for task in tasks:
        async with sessionmaker() as session:
            if not await claim(session, task):
                continue
        ran.append(task.name)
        error = ""
        try:
            await work(task)
        except Exception as exc:  # noqa: BLE001 - one task's failure must not stop the others
            log.exception("periodic task %s failed", task.name)
            error = repr(exc)
        async with sessionmaker() as session:
            await _record(session, task, error)
    return ran
