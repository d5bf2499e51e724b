"""Running a service call outside a web request (CLI commands, maintenance scripts)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from core.context import Ctx
from core.db.engine import make_engine, make_sessionmaker
from core.runtime import Runtime
from core.settings import Settings

T = TypeVar("T")


async def run_in_transaction(settings: Settings, work: Callable[[Ctx], Awaitable[T]]) -> T:
    """Run ``work`` in one committed transaction; outbox rows it writes are swept by the worker."""
    runtime = Runtime.start(settings)
    engine = make_engine(settings)
    try:
        async with make_sessionmaker(engine)() as session:
            result = await work(Ctx(session, runtime))
            await session.commit()
            return result
    finally:
        await engine.dispose()
