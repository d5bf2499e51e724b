"""The durable outbox and the worker: nothing is lost when a message, a worker or the instance dies."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta

from litestar.testing import TestClient
from sqlalchemy import update

from core import outbox
from core.app import create_app
from core.db.base import utcnow
from core.outbox import MAX_ATTEMPTS, OutboxRow, PermanentFailure, backoff
from core.runtime import Runtime
from core.tasks import TaskRunner
from helpers import PG_URL, SECRET, make_settings, outbox_rows, wait_for


def sign_up_only(client: TestClient, email: str) -> None:
    r = client.post("/api/v1/accounts", json={"email": email, "password": "long enough", "username": email.split("@")[0]})
    assert r.status_code == 201


def states(client: TestClient) -> list[str]:
    return [row.state for row in outbox_rows(client)]


def test_work_left_by_a_stopped_instance_runs_after_restart(settings):
    with TestClient(create_app(settings, run_worker=False), base_url="http://testserver.local") as client:
        sign_up_only(client, "a@example.org")
        sign_up_only(client, "b@example.org")
        assert states(client) == ["pending", "pending"], "no worker: the rows wait in the database"
    with TestClient(create_app(settings), base_url="http://testserver.local") as client:
        wait_for(lambda: states(client) == ["done", "done"])


def test_a_row_claimed_by_a_killed_worker_is_taken_again(settings):
    with TestClient(create_app(settings, run_worker=False), base_url="http://testserver.local") as client:
        sign_up_only(client, "a@example.org")

        async def killed_mid_run() -> None:
            async with client.app.state.sessionmaker() as session:
                # what a worker leaves behind when it dies after claiming: running, claim expired
                await session.execute(update(OutboxRow).values(state="running", attempts=1,
                                                               claimed_until=utcnow() - timedelta(seconds=1)))
                await session.commit()

        with client.portal() as portal:
            portal.call(killed_mid_run)
        assert states(client) == ["running"]
    with TestClient(create_app(settings), base_url="http://testserver.local") as client:
        wait_for(lambda: states(client) == ["done"])
        assert outbox_rows(client)[0].attempts == 2


def test_failures_back_off_and_permanent_failures_stop(settings):
    calls: list[str] = []

    async def flaky(ctx, payload):
        calls.append(payload["mode"])
        if payload["mode"] == "permanent":
            raise PermanentFailure("peer answered 410")
        raise ConnectionError("peer unreachable")

    runner = TaskRunner(Runtime.start(settings), {"flaky": flaky})

    async def scenario():
        from core.outbox import enqueue

        async with runner.sessionmaker() as session:
            temporary = await enqueue(session, "flaky", {"mode": "temporary"})
            permanent = await enqueue(session, "flaky", {"mode": "permanent"})
            unknown = await enqueue(session, "nobody_handles_this", {})
            await session.commit()
        results = [await runner.process_row(row.id) for row in (temporary, permanent, unknown)]
        again = await runner.process_row(temporary.id)  # not due yet: nothing happens
        async with runner.sessionmaker() as session:
            rows = [await session.get(OutboxRow, r.id) for r in (temporary, permanent, unknown)]
        return results, again, rows

    try:
        results, again, rows = runner.run_coroutine(scenario())
    finally:
        runner.stop()
    assert results == ["pending", "dead", "dead"]
    assert again is None and calls == ["temporary", "permanent"]
    temporary, permanent, unknown = rows
    assert "peer unreachable" in temporary.last_error and temporary.attempts == 1
    wait = temporary.next_attempt_at - utcnow()
    assert timedelta(seconds=20) < wait <= timedelta(seconds=30)
    assert "410" in permanent.last_error and "no handler" in unknown.last_error
    total = sum((backoff(n) for n in range(1, MAX_ATTEMPTS)), timedelta())
    assert timedelta(days=1.5) < total < timedelta(days=3), "retries last about two days"


def test_production_mode_redis_broker_and_separate_worker_process(data_dir, tmp_path):
    """`convene worker` in its own process takes jobs from Redis; the web process only sends them."""
    redis_url = os.environ.get("CONVENE_TEST_REDIS_URL")
    assert redis_url, "set CONVENE_TEST_REDIS_URL (scripts/test.sh starts a Redis server)"
    database_url = PG_URL or f"sqlite+aiosqlite:///{data_dir / 'convene.sqlite3'}"
    config = tmp_path / "worker.toml"
    config.write_text(f'secret_key = "{SECRET}"\ndata_dir = "{data_dir}"\ndatabase_url = "{database_url}"\n'
                      f'broker_url = "{redis_url}"\npublic_url = "http://testserver.local"\n')
    settings = make_settings(data_dir, broker_url=redis_url, database_url=database_url)
    web = create_app(settings)
    worker = subprocess.Popen([sys.executable, "-c", "from core.cli import main; main()", "--config", str(config), "worker",
                               "--threads", "2"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        with TestClient(web, base_url="http://testserver.local") as client:
            sign_up_only(client, "a@example.org")
            wait_for(lambda: states(client) == ["done"], timeout=30)
    finally:
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=30)[0]
    assert "worker running" in output
    assert "no notification channel enabled; message for a@example.org" in output


def test_work_queued_by_a_job_runs_at_once_not_at_the_next_sweep(settings):
    """A job's follow-up (an Accept answering a Follow, say) is sent when the job commits."""
    ran: list[str] = []

    async def first(ctx, payload):
        from core.outbox import enqueue

        ran.append("first")
        await enqueue(ctx.session, "second", {})

    async def second(ctx, payload):
        ran.append("second")

    runner = TaskRunner(Runtime.start(settings), {"first": first, "second": second})
    runner.start_worker()

    async def queue_first():
        from core.outbox import enqueue

        async with runner.sessionmaker() as session:
            row = await enqueue(session, "first", {})
            await session.commit()
        runner.kick([row.id])

    try:
        runner.run_coroutine(queue_first())
        wait_for(lambda: ran == ["first", "second"], timeout=5)  # the sweeper would take 10 s or more
    finally:
        runner.stop()


def test_a_long_job_renews_its_short_lease_and_keeps_its_row(settings, monkeypatch):
    """A claim is a lease of seconds, not minutes; a job running well past it is not taken from its live worker."""
    runs: list[str] = []
    finished = asyncio.Event()

    async def long_job(ctx, payload):
        runs.append("started")
        await finished.wait()

    runner = TaskRunner(Runtime.start(settings), {"long": long_job})

    async def queued() -> int:
        async with runner.sessionmaker() as session:
            row = await outbox.enqueue(session, "long", {})
            await session.commit()
            return row.id

    async def start(row_id: int) -> asyncio.Future[str | None]:
        return asyncio.ensure_future(runner.process_row(row_id))

    async def lease(row_id: int) -> datetime:
        async with runner.sessionmaker() as session:
            return (await session.get_one(OutboxRow, row_id)).claimed_until

    async def taken_elsewhere(row_id: int) -> OutboxRow | None:
        async with runner.sessionmaker() as session:
            return await outbox.claim(session, row_id)

    async def outcome(job: asyncio.Future[str | None]) -> str | None:
        finished.set()
        return await job

    try:
        probe = runner.run_coroutine(taken_elsewhere(runner.run_coroutine(queued())))
        assert timedelta(0) < probe.claimed_until - utcnow() <= timedelta(seconds=30), \
            "a dead worker's row is free again within 30 s, not 5 minutes"

        monkeypatch.setattr(outbox, "LEASE_SECONDS", 1)
        monkeypatch.setattr(outbox, "RENEW_SECONDS", 0.1)
        row_id = runner.run_coroutine(queued())
        job = runner.run_coroutine(start(row_id))
        wait_for(lambda: runs == ["started"])
        first = runner.run_coroutine(lease(row_id))
        wait_for(lambda: utcnow() > first + timedelta(seconds=1), timeout=15)
        assert runner.run_coroutine(lease(row_id)) > utcnow(), "renewed past the lease it started with"
        assert runner.run_coroutine(taken_elsewhere(row_id)) is None
        assert runner.run_coroutine(runner.sweep()) == 0
        assert runner.run_coroutine(outcome(job)) == "done"
        assert runs == ["started"]
    finally:
        runner.stop()
