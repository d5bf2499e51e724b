"""Fixed-window rate limits kept in the database, so every web process shares the count.

Used for sign-up and login attempts: per client address, and per email address for
logins, so a password cannot be guessed from many addresses either.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Integer, String, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from core.context import Ctx
from core.db.base import Base, UTCDateTime, utcnow
from core.errors import TooManyRequests
from core.i18n import N_


class RateCounter(Base):
    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


async def limit(ctx: Ctx, key: str, allowed: int, per: timedelta, refusal: str) -> None:
    """Count one attempt for ``key``; refuse with 429 and ``refusal`` once ``allowed`` attempts were made
    in the window (a whole sentence, so that it can be translated)."""
    now = utcnow()
    seconds = int(per.total_seconds())
    window = datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=now.tzinfo)
    insert = pg_insert if ctx.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    counted = insert(RateCounter).values(key=key[:300], window_start=window, count=1).on_conflict_do_update(
        index_elements=["key", "window_start"], set_={"count": RateCounter.count + 1}
    ).returning(RateCounter.count)
    # its own short transaction: a refused login rolls the request back, but must still count
    engine = ctx.session.bind
    assert isinstance(engine, AsyncEngine)
    async with engine.begin() as connection:
        count = (await connection.execute(counted)).scalar_one()
    if count > allowed:
        raise TooManyRequests(refusal)


async def forget_old_windows(ctx: Ctx) -> None:
    await ctx.session.execute(delete(RateCounter).where(RateCounter.window_start < utcnow() - timedelta(days=1)))


async def limit_login(ctx: Ctx, client: str, email: str) -> None:
    per_minute = ctx.settings.limits.login_attempts_per_minute
    refusal = N_("too many login attempts; try again in a few minutes")
    await limit(ctx, f"login:ip:{client}", per_minute, timedelta(minutes=1), refusal)
    await limit(ctx, f"login:email:{email.strip().lower()}", per_minute, timedelta(minutes=1), refusal)


async def limit_sign_up(ctx: Ctx, client: str) -> None:
    per_hour = ctx.settings.limits.signups_per_hour_per_ip
    await limit(ctx, f"signup:ip:{client}", per_hour, timedelta(hours=1),
                N_("too many sign-ups from your network; try again in a few minutes"))
