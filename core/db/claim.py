"""Claiming a row for a change only one of several concurrent requests may make.

Ten clients deleting one event at once each load it, see it, and go on to delete it:
every one but the first then fails on what the first wrote (the deleted-event record,
the federation tombstone), a 500. Claiming the row first with one conditional UPDATE
makes them queue: PostgreSQL holds the row's lock (SQLite its write lock) until the
first transaction commits, after which the others' UPDATE finds no row, touches
nothing, and they answer 404, having written nothing. The same shape as capacity's
conditional UPDATE (core.events.participation).

The UPDATE sets the id to itself: it changes nothing a reader could see, works for any
table, and still takes the row's lock. Claiming a parent row serialises changes to its
children: an identity's deletion claims its account first, so two identities of one
account deleted at once cannot both see the other one left and remove the last.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import rowcount


async def claim(session: AsyncSession, model: Any, row_id: int) -> bool:
    """Lock ``model``'s row ``row_id`` until this transaction ends; False when it is gone."""
    result = await session.execute(
        update(model).where(model.id == row_id).values(id=model.id)
        .execution_options(synchronize_session=False))
    return rowcount(result) == 1
