"""The durable outbox: work that must reach the outside, committed with the change.

A lifecycle hook (or the core) calls ``enqueue`` inside the request's transaction. When
that transaction commits, the row exists; the Dramatiq message sent afterwards only
says "process row N". If the message is lost (crash between commit and send, broker
restart), the sweeper in ``core.tasks`` finds the row again. Processing claims a row
with a conditional UPDATE, so two workers never run the same row at once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Integer, String, Text, or_, select, update
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
CLAIM_SECONDS = 300


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


async def claim(session: AsyncSession, row_id: int) -> OutboxRow | None:
    """Take a due row for this worker, or None if it is done, not due, or being run elsewhere."""
    now = utcnow()
    result = await session.execute(
        update(OutboxRow)
        .where(
            OutboxRow.id == row_id,
            OutboxRow.next_attempt_at <= now,
            or_(OutboxRow.state == "pending", (OutboxRow.state == "running") & (OutboxRow.claimed_until < now)),
        )
        .values(state="running", claimed_until=now + timedelta(seconds=CLAIM_SECONDS), attempts=OutboxRow.attempts + 1)
    )
    await session.commit()
    if rowcount(result) != 1:
        return None
    return await session.get(OutboxRow, row_id, populate_existing=True)


async def finish(session: AsyncSession, row: OutboxRow, error: BaseException | None) -> None:
    """Record the outcome: done, retry later with back-off, or dead after too many tries."""
    if error is None:
        row.state, row.finished_at, row.last_error = "done", utcnow(), ""
    elif isinstance(error, PermanentFailure) or row.attempts >= MAX_ATTEMPTS:
        row.state, row.finished_at, row.last_error = "dead", utcnow(), repr(error)[:2000]
        log.warning("outbox row %s (%s) gave up: %r", row.id, row.kind, error)
    else:
        row.state, row.last_error = "pending", repr(error)[:2000]
        row.next_attempt_at = utcnow() + backoff(row.attempts)
        log.info("outbox row %s (%s) failed, retry at %s: %r", row.id, row.kind, row.next_attempt_at, error)
    row.claimed_until = None
    await session.commit()


async def due_rows(session: AsyncSession, grace: timedelta = timedelta(), limit: int = 500) -> list[int]:
    """Rows that should have been run ``grace`` ago but were not: their message was lost.

    A row's message may simply wait behind a long queue, so each row returned is marked
    as sent again now (``next_attempt_at``, which keeps it due): the next sweep leaves it
    alone for another ``grace`` instead of sending a duplicate every time.
    """
    now = utcnow()
    result = await session.scalars(
        select(OutboxRow.id)
        .where(
            OutboxRow.next_attempt_at <= now - grace,
            or_(OutboxRow.state == "pending", (OutboxRow.state == "running") & (OutboxRow.claimed_until < now)),
        )
        .order_by(OutboxRow.id)
        .limit(limit)
    )
    ids = list(result)
    if ids:
        await session.execute(update(OutboxRow).where(OutboxRow.id.in_(ids)).values(next_attempt_at=now))
        await session.commit()
    return ids
