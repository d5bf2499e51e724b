"""One statement that PostgreSQL and SQLite spell differently: insert unless already there."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute


async def insert_new(session: AsyncSession, column: InstrumentedAttribute[Any], values: dict[str, Any]) -> Any:
    """Insert a row of ``column``'s table unless a unique key already holds it.

    Returns ``column`` of the new row, or None when the row existed: concurrent
    requests cannot both insert, and neither fails (``ON CONFLICT DO NOTHING``).
    """
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(column.class_).values(**values).on_conflict_do_nothing().returning(column)
    return (await session.execute(statement)).scalar_one_or_none()
