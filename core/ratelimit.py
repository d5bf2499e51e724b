"""Fixed-window rate limits kept in the database, so every web process shares the count.

Sign-ups are limited per client address. Logins are limited so that guessing a password
is slow without letting a stranger lock its owner out:

- every attempt counts against the client's address;
- only *failures* count against an email address, and per client: a client that keeps
  failing for an address waits longer and longer, while its owner, elsewhere, is not held up;
- all clients' failures for an address also add up to a ceiling per hour; once it is
  reached, a client that has failed for this address is refused outright (even with the
  right password), so guessing from many client addresses gets one try per client address
  an hour, while a client that has not failed, the owner's, may still log in.

Counters are keyed by the address as typed, whether an account uses it or not, so the
answers never tell which addresses have an account.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import Integer, String, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

from core.context import Ctx
from core.db.base import Base, UTCDateTime, utcnow
from core.errors import TooManyRequests
from core.i18n import N_

MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
# (window, failures it allows as a multiple of limits.login_attempts_per_minute): a client that keeps
# failing for one address waits the rest of the minute, then of the hour, then of the day (the longest
# first: it counts every recent failure)
BACK_OFF = ((DAY, 4), (HOUR, 2), (MINUTE, 1))
LOGIN_REFUSAL = N_("too many login attempts; try again in a few minutes")


class RateCounter(Base):
    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


def _window(per: timedelta) -> tuple[datetime, int]:
    """The start of the current window of length ``per``, and the seconds left until it ends."""
    now = utcnow()
    seconds = int(per.total_seconds())
    start = int(now.timestamp()) // seconds * seconds
    return datetime.fromtimestamp(start, tz=now.tzinfo), max(1, start + seconds - int(now.timestamp()))


async def _count(ctx: Ctx, key: str, per: timedelta, add: bool, amount: int = 1) -> int:
    """The count of ``key`` in the current window, after adding ``amount`` when ``add``.

    Its own short transaction: a refused login rolls the request back, but must still count.
    """
    window, _ = _window(per)
    engine = ctx.session.bind
    assert isinstance(engine, AsyncEngine)
    async with engine.begin() as connection:
        if not add:
            query = select(RateCounter.count).where(RateCounter.key == key[:300], RateCounter.window_start == window)
            return await connection.scalar(query) or 0
        insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
        counted = insert(RateCounter).values(key=key[:300], window_start=window, count=amount).on_conflict_do_update(
            index_elements=["key", "window_start"], set_={"count": RateCounter.count + amount}
        ).returning(RateCounter.count)
        return (await connection.execute(counted)).scalar_one()


async def limit(ctx: Ctx, key: str, allowed: int, per: timedelta, refusal: str) -> None:
    """Count one attempt for ``key``; refuse with 429 and ``refusal`` once ``allowed`` attempts were made
    in the window (a whole sentence, so that it can be translated)."""
    if await _count(ctx, key, per, add=True) > allowed:
        raise TooManyRequests(refusal, retry_after=_window(per)[1])


async def limit_amount(ctx: Ctx, allowances: list[tuple[str, int]], amount: int, per: timedelta,
                       refusal: str) -> None:
    """Count ``amount`` (messages, addresses) against each (key, allowed) of ``allowances``; when that
    takes one past what it allows in the window, take it back from all and refuse with 429: a refused
    request uses none of the allowance, so a smaller one may still pass."""
    counts = [await _count(ctx, key, per, add=True, amount=amount) for key, _ in allowances]
    if any(count > allowed for count, (_, allowed) in zip(counts, allowances, strict=True)):
        for key, _ in allowances:
            await _count(ctx, key, per, add=True, amount=-amount)
        raise TooManyRequests(refusal, retry_after=_window(per)[1])


async def forget_old_windows(ctx: Ctx) -> None:
    await ctx.session.execute(delete(RateCounter).where(RateCounter.window_start < utcnow() - timedelta(days=1)))


def _address_key(email: str) -> str:
    """An email address as counters name it: hashed, so the table holds no addresses and keys stay short."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]


def _failure_keys(client: str, email: str) -> list[tuple[str, timedelta]]:
    address = _address_key(email)
    return [(f"login:failed:{int(per.total_seconds())}:{address}:{client}", per) for per, _ in BACK_OFF]


async def check_login(ctx: Ctx, client: str, email: str) -> None:
    """Before a password is checked: count the attempt for the client's address, and refuse a client
    that failed too often for this email address (or at all, once every client's failures reached the ceiling).
    A refusal's Retry-After is the longest of the waits that apply."""
    limits = ctx.settings.limits
    refused = []
    if await _count(ctx, f"login:ip:{client}", MINUTE, add=True) > limits.login_attempts_per_minute:
        refused.append(MINUTE)
    counts = [await _count(ctx, key, per, add=False) for key, per in _failure_keys(client, email)]
    refused += [per for count, (per, times) in zip(counts, BACK_OFF, strict=True)
                if count >= limits.login_attempts_per_minute * times]
    failed_here = counts[0] > 0  # the longest window holds every recent failure of this client
    everyone = await _count(ctx, f"login:failed:{_address_key(email)}", HOUR, add=False)
    if failed_here and everyone >= limits.login_failures_per_address_per_hour:
        refused.append(HOUR)
    if refused:
        raise TooManyRequests(LOGIN_REFUSAL, retry_after=max(_window(per)[1] for per in refused))


async def count_login_failure(ctx: Ctx, client: str, email: str) -> None:
    """A wrong password (or unknown address): counted for this client and this address, and for the address."""
    for key, per in _failure_keys(client, email):
        await _count(ctx, key, per, add=True)
    await _count(ctx, f"login:failed:{_address_key(email)}", HOUR, add=True)


async def limit_password_reset(ctx: Ctx, client: str, email: str) -> None:
    """Reset links are mailed: limited per client address and per email address (no mail flood),
    on counters of their own so that asking for links never holds up logging in."""
    per_minute = ctx.settings.limits.login_attempts_per_minute
    refusal = N_("too many requests for this address; try again in a few minutes")
    await limit(ctx, f"login:ip:{client}", per_minute, MINUTE, refusal)
    await limit(ctx, f"reset:{_address_key(email)}", per_minute, MINUTE, refusal)


async def limit_sign_up(ctx: Ctx, client: str) -> None:
    per_hour = ctx.settings.limits.signups_per_hour_per_ip
    await limit(ctx, f"signup:ip:{client}", per_hour, HOUR,
                N_("too many sign-ups from your network; try again in a few minutes"))
