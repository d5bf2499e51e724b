"""The cost of an anonymous report: a little work in the reporter's browser instead of a captcha.

The instance hands out a challenge (``GET /api/v1/reports/challenge``): its expiry, the
difficulty and a random part, signed with the instance's secret (HMAC), so nothing is
stored to hand it out and any web process can check it. The reporter's browser
searches a ``nonce`` whose ``sha256("<challenge>:<nonce>")`` starts with ``bits`` zero
bits (about ``2**bits`` hashes: a second or two) and sends both with the report. A
challenge pays for one report: its use is written down (in the core's rate counters,
in a window that ends when the challenge expires, so the row goes with the old
windows) in the report's transaction, and a second use is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.context import Ctx
from core.db.base import utcnow
from core.errors import InvalidInput
from core.i18n import N_
from core.ratelimit import RateCounter

LIFETIME = timedelta(minutes=10)
NONCE_MAX = 32
CHALLENGE_MAX = 200
PURPOSE = b"convene-moderation-report-challenge:"
WRONG = N_("the proof of work is missing or wrong; reload the page and send the report again")
SPENT = N_("this proof of work was already used; reload the page and send the report again")


def _signature(secret: str, payload: str) -> str:
    digest = hmac.new(secret.encode(), PURPOSE + payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def challenge(secret: str, bits: int, now: datetime | None = None) -> tuple[str, datetime]:
    """A new signed challenge for ``bits`` of work, and when it expires."""
    expires = (now or utcnow()) + LIFETIME
    payload = f"{int(expires.timestamp())}.{bits}.{secrets.token_hex(12)}"
    return f"{payload}.{_signature(secret, payload)}", expires


def leading_zero_bits(digest: bytes) -> int:
    value = int.from_bytes(digest, "big")
    return len(digest) * 8 - value.bit_length()


def solved(text: str, nonce: str, bits: int) -> bool:
    """Whether ``nonce`` is a solution of the challenge ``text`` at ``bits`` of difficulty."""
    return leading_zero_bits(hashlib.sha256(f"{text}:{nonce}".encode()).digest()) >= bits


def _digits(text: str, most: int) -> bool:
    return 0 < len(text) <= most and text.isascii() and text.isdigit()


def checked(secret: str, bits: int, text: str, nonce: str, now: datetime | None = None) -> datetime:
    """When the challenge expires, if it is ours, unexpired, at today's difficulty and solved by ``nonce``;
    otherwise a 422 on ``nonce``."""
    parts = text.split(".") if len(text) <= CHALLENGE_MAX else []
    if len(parts) != 4 or not _digits(parts[0], 12) or not _digits(nonce, NONCE_MAX):
        raise InvalidInput({"nonce": WRONG})
    expiry, given_bits, _, signature = parts
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(signature, _signature(secret, payload)):
        raise InvalidInput({"nonce": WRONG})
    expires = datetime.fromtimestamp(int(expiry), tz=UTC)
    if expires <= (now or utcnow()) or given_bits != str(bits) or not solved(text, nonce, bits):
        raise InvalidInput({"nonce": WRONG})
    return expires


def _key(text: str) -> str:
    return "report-pow:" + hashlib.sha256(text.encode()).hexdigest()[:40]


async def require_unspent(ctx: Ctx, text: str) -> None:
    """Refuse a challenge that already paid for a report (read only: a spent one must not count as an attempt)."""
    if await ctx.session.scalar(select(RateCounter.count).where(RateCounter.key == _key(text))) is not None:
        raise InvalidInput({"nonce": SPENT})


async def spend(ctx: Ctx, text: str, expires: datetime) -> None:
    """Write down that this challenge paid for a report (in the caller's transaction); a second use, even
    one racing this one, is refused."""
    key = _key(text)
    insert = pg_insert if ctx.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    written = await ctx.session.execute(
        insert(RateCounter).values(key=key, window_start=expires, count=1).on_conflict_do_nothing())
    if not written.rowcount:  # type: ignore[attr-defined]
        raise InvalidInput({"nonce": SPENT})
