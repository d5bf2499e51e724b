"""A plugin's periodic task (testkit_policy's hourly count) runs once per period, however many
workers of however many processes sweep: the period is claimed in the database."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from convene_testkit.policy.models import PublishedCount
from litestar.testing import TestClient
from sqlalchemy import update

from core.app import create_app
from core.context import Ctx
from core.db.base import utcnow
from core.periodic import PeriodicRun, run_due
from core.tasks import TaskRunner
from helpers import make_settings, new_event, run_periodic_task, sign_up, wait_for
from testkit import NO_HOLD, in_transaction, instance, rows

COUNT = "testkit_policy.count_published"


def counts(client: TestClient) -> list[int]:
    return [row.published for row in rows(client, PublishedCount)]


def period_elapsed(client: TestClient) -> None:
    async def write(ctx: Ctx) -> None:
        await ctx.session.execute(update(PeriodicRun).where(PeriodicRun.name == COUNT).values(next_run_at=utcnow()))

    in_transaction(client, write)


def sweep(client: TestClient) -> None:
    """What the instance's worker does every 10 seconds, now."""
    tasks = client.app.state.tasks
    tasks.run_coroutine(tasks.sweep())


def test_the_hourly_count_runs_once_per_period_across_instances(data_dir):
    with instance(data_dir, "testkit_policy") as first, instance(data_dir, "testkit_policy") as second:
        wait_for(lambda: counts(first) == [0])  # the sweep each worker runs as it starts: one counted
        alice = sign_up(first, "alice@example.org", "alice")
        new_event(first, alice, title="Book club")
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(sweep, [first, second, first, second]))
        assert counts(first) == [0], "the period has not elapsed"

        period_elapsed(first)
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(sweep, [first, second, first, second]))
        assert counts(first) == [0, 1], "one of them ran it, once"
        run_periodic_task(second.app, COUNT)
        assert counts(second) == [0, 1, 1]


@pytest.mark.postgres_only
def test_workers_racing_for_a_period_on_postgresql_run_it_once(data_dir):
    """Four workers, each with its own event loop and connections, claim at the same instant."""
    settings = make_settings(data_dir, plugins={"enabled": ["testkit_policy"], "testkit_policy": NO_HOLD})
    with TestClient(create_app(settings, run_worker=False), base_url="http://testserver.local") as client:
        count = [task for task in client.app.state.tasks.periodic if task.name == COUNT]
        workers = [TaskRunner(client.app.state.runtime, {}, periodic=count) for _ in range(4)]
        start = threading.Barrier(len(workers))

        async def claim_and_run(worker: TaskRunner) -> list[str]:
            return await run_due(worker.sessionmaker, worker.periodic, lambda task: worker.in_transaction(task.run))

        def race(worker: TaskRunner) -> list[str]:
            start.wait()
            return worker.run_coroutine(claim_and_run(worker))

        try:
            for round_ in range(1, 6):
                if round_ > 1:
                    period_elapsed(client)
                with ThreadPoolExecutor(len(workers)) as pool:
                    ran = list(pool.map(race, workers))
                assert sorted(ran) == [[], [], [], [COUNT]], f"round {round_}"
                assert len(counts(client)) == round_
        finally:
            for worker in workers:
                worker.stop()
