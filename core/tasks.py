"""Background work: the Dramatiq broker, the worker, and the outbox sweeper.

Dramatiq actors are synchronous; our database code is async. Each ``TaskRunner`` owns
one event loop in a thread with its own database engine, and the actor hands every
message to that loop. Embedded mode (no ``broker_url``) runs Dramatiq's in-memory
broker with worker threads inside the web process; production uses Redis or RabbitMQ
and ``convene worker`` processes. Nothing here lives only in memory: the outbox table
is the source of truth and the sweeper re-sends what a lost message forgot.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable
from contextlib import asynccontextmanager, suppress
from datetime import timedelta
from typing import Any

import dramatiq
from dramatiq.brokers.stub import StubBroker

from core import outbox
from core.context import Ctx
from core.db.engine import make_engine, make_sessionmaker
from core.periodic import PeriodicTask, run_due
from core.runtime import Runtime
from core.settings import Settings

log = logging.getLogger(__name__)

# a pending row's message older than this is presumed lost; a backlog drains for minutes without one
SWEEP_GRACE = timedelta(minutes=5)
# often enough that a row whose worker died (its lease lapsed) runs again within seconds of the lapse
SWEEP_SECONDS = outbox.LEASE_SECONDS / 3


def make_broker(settings: Settings) -> dramatiq.Broker:
    url = settings.broker_url
    if not url:
        return StubBroker()
    if url.startswith(("redis://", "rediss://", "unix://")):
        from dramatiq.brokers.redis import RedisBroker

        return RedisBroker(url=url, namespace="convene")
    if url.startswith(("amqp://", "amqps://")):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        return RabbitmqBroker(url=url)
    raise ValueError(f"broker_url: unsupported scheme in {url!r} (use redis:// or amqp://)")


class TaskRunner:
    """Sends outbox rows to the broker and, in a worker, runs them."""

    def __init__(self, runtime: Runtime, handlers: dict[str, outbox.OutboxHandler],
                 periodic: Iterable[PeriodicTask] = (),
                 after_commit: Callable[[dict[str, Any]], Awaitable[None]] | None = None) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self.handlers = handlers
        self.periodic = list(periodic)
        self.after_commit = after_commit
        self.broker = make_broker(runtime.settings)
        self.actor = dramatiq.Actor(self._process, broker=self.broker, actor_name="convene_outbox", queue_name="convene",
                                    priority=0, options={"max_retries": 0})
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: threading.Thread | None = None
        self._worker: dramatiq.Worker | None = None
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    # -- sending ---------------------------------------------------------------
    def kick(self, row_ids: Iterable[int]) -> None:
        """Ask a worker to run these rows now; a failure here is repaired by the sweeper."""
        for row_id in row_ids:
            try:
                self.actor.send(row_id)
            except Exception:  # noqa: BLE001 - the row is durable; the sweeper will resend it
                log.exception("could not send outbox row %s to the broker", row_id)

    # -- running ---------------------------------------------------------------
    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            self._loop_thread = threading.Thread(target=self._loop.run_forever, name="convene-tasks-loop", daemon=True)
            self._loop_thread.start()
            self._engine = make_engine(self.settings)
            self.sessionmaker = make_sessionmaker(self._engine)
        return self._loop

    def run_coroutine(self, coro: Coroutine[Any, Any, Any], timeout: float | None = None) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._ensure_loop()).result(timeout)

    def _process(self, row_id: int) -> None:
        self.run_coroutine(self.process_row(row_id))

    async def process_row(self, row_id: int) -> str | None:
        """Claim and run one outbox row; returns its new state, or None if it was not ours."""
        async with self.sessionmaker() as session:
            row = await outbox.claim(session, row_id)
            if row is None:
                return None
            handler = self.handlers.get(row.kind)
            error: BaseException | None = None
            if handler is None:
                error = outbox.PermanentFailure(f"no handler for outbox kind {row.kind!r} (plugin disabled?)")
            else:
                try:
                    async with self._lease_kept(row):
                        await self.in_transaction(lambda ctx: handler(ctx, row.payload))
                except Exception as exc:  # noqa: BLE001 - recorded on the row and retried
                    error = exc
            await outbox.finish(session, row, error)
            if row.state == "pending":
                delay_ms = int((row.next_attempt_at - outbox.utcnow()).total_seconds() * 1000)
                self.actor.send_with_options(args=(row.id,), delay=max(delay_ms, 0))
            return row.state

    @asynccontextmanager
    async def _lease_kept(self, row: outbox.OutboxRow) -> AsyncIterator[None]:
        """Renew the row's lease while its job runs, so only a dead worker's row is taken again."""
        assert row.claim_token is not None, "a claimed row has a token"
        renewing = asyncio.create_task(self._renew_lease(row.id, row.claim_token))
        try:
            yield
        finally:
            renewing.cancel()
            with suppress(asyncio.CancelledError):
                await renewing

    async def _renew_lease(self, row_id: int, token: str) -> None:
        while True:
            await asyncio.sleep(outbox.RENEW_SECONDS)
            try:
                async with self.sessionmaker() as session:
                    if not await outbox.renew(session, row_id, token):
                        log.warning("outbox row %s: lease lost to another worker; this run may be a duplicate", row_id)
                        return
            except Exception:  # noqa: BLE001 - the next beat tries again; the lease outlives two missed ones
                log.exception("could not renew the lease of outbox row %s", row_id)

    async def in_transaction(self, work: Callable[[Ctx], Awaitable[None]]) -> None:
        """Run a job in a transaction of its own, committed when it returns; then hand the outbox rows it
        wrote to the broker and forget the pages it changed, as a request does."""
        async with self.sessionmaker() as session:
            await work(Ctx(session, self.runtime))
            await session.commit()
            self.kick(session.info.pop("outbox_new", []))
            if self.after_commit is not None:
                await self.after_commit(session.info)

    def start_worker(self, threads: int = 2) -> None:
        self._ensure_loop()
        self._worker = dramatiq.Worker(self.broker, worker_threads=threads, worker_timeout=100)
        self._worker.start()

    # -- sweeping --------------------------------------------------------------
    async def sweep(self, grace: timedelta = SWEEP_GRACE) -> int:
        """Re-send rows whose message was lost, and run the periodic tasks that are due."""
        async with self.sessionmaker() as session:
            ids = await outbox.due_rows(session, grace)
        self.kick(ids)
        await run_due(self.sessionmaker, self.periodic, lambda task: self.in_transaction(task.run))
        return len(ids)

    def start_sweeper(self, interval: float = SWEEP_SECONDS) -> None:
        """Sweep at once (work left by a stopped or crashed process resumes now), then periodically."""
        self._ensure_loop()

        def loop() -> None:
            try:
                self.run_coroutine(self.sweep(grace=timedelta()), timeout=interval * 4)
            except Exception:  # noqa: BLE001
                log.exception("outbox sweep failed")
            while not self._stop.wait(interval):
                try:
                    self.run_coroutine(self.sweep(), timeout=interval * 4)
                except Exception:  # noqa: BLE001
                    log.exception("outbox sweep failed")

        self._sweeper = threading.Thread(target=loop, name="convene-sweeper", daemon=True)
        self._sweeper.start()

    def stop(self) -> None:
        self._stop.set()
        if self._worker is not None:
            self._worker.stop(timeout=10_000)
            self._worker = None
        if self._sweeper is not None:
            self._sweeper.join(timeout=5)
        if self._loop is not None:
            self.run_coroutine(self._engine.dispose(), timeout=10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._loop_thread is not None:
                self._loop_thread.join(timeout=5)
            self._loop = None
        self.broker.close()
