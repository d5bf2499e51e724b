"""One import of a calendar at a time: a claim on its row, taken with one conditional UPDATE.

A subscription (or an uploaded file) is claimed before its import is queued or run:
``importing_since`` and a ``claim_token`` of the claimant's are set only where no live
claim is, so of two claimants at the same moment (a "Fetch now" and the periodic
refresh, two workers given the same outbox row) exactly one gets it, on SQLite and
on PostgreSQL alike. The job carries the token and ``holds`` it again, as the first
statement of the transaction that writes the import: a write first, so on SQLite that
transaction never starts from a read snapshot a concurrent commit could make stale.
The end of the import releases the claim in that same transaction. A worker that dies
mid-import leaves the claim, which lapses after ``LEASE`` (longer than any import of
``import_max_events`` events takes); until then the outbox's retry of the same job,
holding the same token, may take it up again.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, update

from core.context import Ctx
from core.db.base import rowcount, utcnow

LEASE = timedelta(minutes=30)


def live(model: Any, now: datetime) -> Any:
    """The SQL condition of a row claimed by an import that may still run."""
    return model.importing_since.is_not(None) & (model.importing_since >= now - LEASE)


def is_claimed(row: Any, now: datetime | None = None) -> bool:
    """The same in Python, for what a page or an answer says."""
    return row.importing_since is not None and row.importing_since >= (now or utcnow()) - LEASE


async def claim(ctx: Ctx, model: Any, row_id: int, *where: Any, **values: Any) -> str | None:
    """Claim the row for a new import where ``where`` holds too (setting ``values``); its token, or None
    when another holds it (or the row is gone, or ``where`` is false)."""
    now, token = utcnow(), uuid.uuid4().hex
    result = await ctx.session.execute(
        update(model)
        .where(model.id == row_id, *where, or_(model.importing_since.is_(None), model.importing_since < now - LEASE))
        .values(importing_since=now, claim_token=token, **values)
        .execution_options(synchronize_session=False)
    )
    return token if rowcount(result) == 1 else None


async def holds(ctx: Ctx, model: Any, row_id: int, token: str) -> bool:
    """Renew this claimant's claim; False when the row is gone or another claimant took it over."""
    result = await ctx.session.execute(
        update(model).where(model.id == row_id, model.claim_token == token).values(importing_since=utcnow())
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def release(row: Any) -> None:
    """End the claim (on the loaded row, written with the import's outcome)."""
    row.importing_since, row.claim_token = None, None
