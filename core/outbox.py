"""The durable outbox: work that must reach the outside, committed with the change.

A lifecycle hook (or the core) calls ``enqueue`` inside the request's transaction. When
that transaction commits, the row exists; the Dramatiq message sent afterwards only
says "process row N". If the message is lost (crash between commit and send, broker
restart), the sweeper in ``core.tasks`` finds the row again. Processing claims a row
with a conditional UPDATE, so two workers never run the same row at once.

A claim is a short lease (``LEASE_SECONDS``) that the worker renews while the job runs
(every ``RENEW_SECONDS``), under a token of its own. Delivery is at least once: a worker
killed mid-job leaves a row whose lease lapses within seconds, and the sweeper has it run
again at once, rather than minutes later; a live job, however long, keeps its row. The
token makes the renewal and the outcome conditional, so a worker that lost its lease
(its heartbeat failed) never overwrites what the worker that took the row over wrote.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ColumnElement, Integer, String, Text, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, UTCDateTime, rowcount, utcnow

if TYPE_CHECKING:
    from core.context import Ctx

log = logging.getLogger(__name__)

OutboxHandler = Callable[["Ctx", dict[str, Any]], Awaitable[None]]
"""``(ctx, payload)``: like a lifecycle hook, a job gets the session, the plugins and the settings."""

# About two days of exponential back-off: 30 s, 1 min, 2 min ... capped at 12 h per wait (13 waits).
MAX_ATTEMPTS = 14
LEASE_SECONDS = 30
RENEW_SECONDS = 10


class PermanentFailure(Exception):
    """Raised by a handler when retrying cannot help (e.g. the peer answered 4xx)."""


class OutboxRow(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(50), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # pending -> running -> done | dead (running rows whose claim expired are pending again)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 12 * 3600))


async def enqueue(session: AsyncSession, kind: str, payload: dict[str, Any], delay: timedelta | None = None) -> OutboxRow:
    """Add work to the outbox in the caller's transaction; it is sent once that commits."""
    row = OutboxRow(kind=kind, payload=payload, next_attempt_at=utcnow() + (delay or timedelta()))
    session.add(row)
    await session.flush()
    if not delay:
        session.info.setdefault("outbox_new", []).append(row.id)
    return row


async def enqueue_all(session: AsyncSession, kind: str, payloads: list[dict[str, Any]]) -> list[OutboxRow]:
    """``enqueue`` for many rows at once (a fan-out): one batched INSERT instead of one per row."""
    now = utcnow()
    rows = [OutboxRow(kind=kind, payload=payload, next_attempt_at=now) for payload in payloads]
    session.add_all(rows)
    await session.flush()
    session.info.setdefault("outbox_new", []).extend(row.id for row in rows)
    return rows


def _lapsed(now: datetime) -> ColumnElement[bool]:
    """Claimed by a worker whose lease was not renewed: it died, or lost the database."""
    return (OutboxRow.state == "running") & (OutboxRow.claimed_until < now)


def _lease(now: datetime) -> datetime:
    return now + timedelta(seconds=LEASE_SECONDS)


async def claim(session: AsyncSession, row_id: int) -> OutboxRow | None:
    """Take a due row for this worker under a new token, or None if it is done, not due, or run elsewhere."""
    now = utcnow()
    result = await session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == row_id, OutboxRow.next_attempt_at <= now, or_(OutboxRow.state == "pending", _lapsed(now)))
        .values(state="running", claimed_until=_lease(now), claim_token=uuid.uuid4().hex,
                attempts=OutboxRow.attempts + 1)
    )
    await session.commit()
    if rowcount(result) != 1:
        return None
    return await session.get(OutboxRow, row_id, populate_existing=True)


async def renew(session: AsyncSession, row_id: int, token: str) -> bool:
    """Extend this worker's lease on a row it runs; False when the row is no longer its own."""
    now = utcnow()
    result = await session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == row_id, OutboxRow.state == "running", OutboxRow.claim_token == token)
        .values(claimed_until=_lease(now))
    )
    await session.commit()
    return rowcount(result) == 1


async def finish(session: AsyncSession, row: OutboxRow, error: BaseException | None) -> None:
    """Record the outcome: done, retry later with back-off, or dead after too many tries.

    Only while the row is still this worker's claim: if its lease lapsed and another worker
    took the row, that worker's outcome stands (``row.state`` is then reloaded as it is).
    """
    now = utcnow()
    values: dict[str, Any]
    if error is None:
        values = {"state": "done", "finished_at": now, "last_error": ""}
    elif isinstance(error, PermanentFailure) or row.attempts >= MAX_ATTEMPTS:
        values = {"state": "dead", "finished_at": now, "last_error": repr(error)[:2000]}
        log.warning("outbox row %s (%s) gave up: %r", row.id, row.kind, error)
    else:
        values = {"state": "pending", "last_error": repr(error)[:2000], "next_attempt_at": now + backoff(row.attempts)}
        log.info("outbox row %s (%s) failed, retry at %s: %r", row.id, row.kind, values["next_attempt_at"], error)
    result = await session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == row.id, OutboxRow.claim_token == row.claim_token)
        .values(**values, claimed_until=None, claim_token=None)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        log.warning("outbox row %s (%s) was taken over by another worker; its outcome stands", row.id, row.kind)
    await session.commit()
    await session.refresh(row)


async def due_rows(session: AsyncSession, grace: timedelta = timedelta(), limit: int = 500) -> list[int]:
    """Rows whose message was lost: pending ones that should have been run ``grace`` ago, and at once
    those whose worker's lease lapsed (it died mid-job: nothing will send their message again).

    A row's message may simply wait behind a long queue, so each row returned is marked
    as sent again now (pending, ``next_attempt_at``, which keeps it due): the next sweep
    leaves it alone for another ``grace`` instead of sending a duplicate every time.
    """
    now = utcnow()
    lost = ((OutboxRow.state == "pending") & (OutboxRow.next_attempt_at <= now - grace)) | _lapsed(now)
    result = await session.scalars(select(OutboxRow.id).where(lost).order_by(OutboxRow.id).limit(limit))
    ids = list(result)
    if ids:
        await session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids), lost)
            .values(state="pending", next_attempt_at=now, claimed_until=None, claim_token=None)
            .execution_options(synchronize_session=False)
        )
        await session.commit()
    return ids
