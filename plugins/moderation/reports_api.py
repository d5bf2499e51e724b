"""Reporting through the API: ``POST /api/v1/reports`` and, for visitors, its proof-of-work challenge.

A member reports as one of their identities (bearer token); a visitor without one only
where the instance accepts anonymous reports, with a solved challenge. The answer is the
report's id and nothing else: it never says who else reported, nor which identities
share an account.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from msgspec import Meta

from core.api.openapi import refusals
from core.auth import Caller, client_address
from core.context import Ctx
from core.errors import NotFound
from core.i18n import N_
from plugins.moderation import proof_of_work
from plugins.moderation.models import COMMENT_MAX
from plugins.moderation.reporting import RULE_FIELD_MAX, Proof, config, report
from plugins.moderation.targets import TARGET_MAX

TAGS = ["moderation"]


class ReportIn(msgspec.Struct, forbid_unknown_fields=True):
    target: Annotated[str, Meta(min_length=1, max_length=TARGET_MAX)]
    """The reported thing's address: an event (``/events/{uuid}``), a comment (``/comments/{uuid}`` or
    ``/events/{uuid}#c-{uuid}``) or a profile (``/@name``), here or on another instance this one knows."""
    rule: Annotated[str, Meta(min_length=1, max_length=RULE_FIELD_MAX)]
    """The id of one of the instance's rules (``GET /api/v1/instance``), or ``spam``, ``illegal`` or ``other``."""
    comment: Annotated[str, Meta(max_length=COMMENT_MAX)] = ""
    identity: Annotated[str, Meta(max_length=64)] | None = None
    """The username of the identity you report as (one of yours; your default one when absent)."""
    challenge: Annotated[str, Meta(max_length=proof_of_work.CHALLENGE_MAX)] | None = None
    """Anonymous reports only: a challenge from ``GET /api/v1/reports/challenge``..."""
    nonce: Annotated[str, Meta(max_length=proof_of_work.NONCE_MAX)] | None = None
    """...and the decimal nonce that solves it."""


class ReportFiledOut(msgspec.Struct):
    id: int


class ChallengeOut(msgspec.Struct):
    """Find a decimal ``nonce`` such that ``sha256("<challenge>:<nonce>")`` starts with ``bits`` zero bits."""

    challenge: str
    bits: int
    expires_at: datetime


@post("/api/v1/reports", status_code=201, tags=TAGS, responses=refusals(401, 403, 429))
async def file(ctx: Ctx, api: Caller, request: Request[Any, Any, Any], data: ReportIn) -> ReportFiledOut:
    """Report an event, a comment or a profile to this instance's moderators (404 for what you cannot see,
    422 for an address not known here). Visitors without a token may report only where the instance
    accepts anonymous reports, with a solved challenge; 429 beyond the hourly limit."""
    proof = Proof(data.challenge, data.nonce) if data.challenge is not None and data.nonce is not None else None
    filed = await report(ctx, api.account, data.target, data.rule, data.comment, data.identity, proof,
                         client_address(request))
    return ReportFiledOut(filed.id)


@get("/api/v1/reports/challenge", tags=TAGS, responses=refusals(404))
async def report_challenge(ctx: Ctx) -> ChallengeOut:
    """A proof-of-work challenge for one anonymous report (404 where anonymous reports are off); valid 10 minutes."""
    settings = config(ctx)
    if not settings.anonymous_reports:
        raise NotFound(N_("this instance does not accept anonymous reports"))
    text, expires = proof_of_work.challenge(ctx.settings.secret_key, settings.anonymous_report_work_bits)
    return ChallengeOut(text, settings.anonymous_report_work_bits, expires)


def report_handlers() -> list[Any]:
    return [file, report_challenge]
